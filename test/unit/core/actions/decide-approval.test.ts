import { type AuthorizationPolicy, decideApproval } from '../../../../src/core/actions';
import { InMemoryPipelineClient } from '../../../helpers/in-memory-pipeline-client';

const EXECUTION = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const LATER = '9f8e7d6c-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const POLICY: AuthorizationPolicy = { rules: [{ pipelines: ['api-*'], retry: [], approve: ['U456', 'S0APPROVERS'] }] };
const APPROVER = { id: 'U456', groups: [], displayName: 'Mary Major' };
const TARGET = { pipeline: 'api-orders', stage: 'Release', action: 'ManualApproval', executionId: EXECUTION };

function waitingPipeline(): { client: InMemoryPipelineClient; token: string } {
  const client = new InMemoryPipelineClient().addPipeline('api-orders', {
    Build: ['Build:Build'],
    Release: ['ManualApproval:Approval'],
  });
  const token = client.waitForApproval('api-orders', 'Release', 'ManualApproval', EXECUTION);
  return { client, token };
}

describe('decideApproval', () => {
  it('approves with the token from GetPipelineState and records who approved, where', async () => {
    // Prepare
    const { client, token } = waitingPipeline();

    // Act
    const result = await decideApproval({
      client,
      policy: POLICY,
      user: APPROVER,
      target: TARGET,
      decision: 'Approved',
      comment: 'ship it',
      platformName: 'Slack',
    });

    // Assess
    expect(result).toEqual({
      ok: true,
      status: 'Approved',
      summary: 'Approved by Mary Major in Slack: ship it',
      approvedAt: '2024-05-01T10:00:00.000Z',
      message: 'Approved ManualApproval in api-orders / Release.',
      decision: {
        kind: 'pipewatch.decision',
        action: 'approve',
        pipeline: 'api-orders',
        executionId: EXECUTION,
        stage: 'Release',
        actionName: 'ManualApproval',
        user: { id: 'U456', displayName: 'Mary Major', groups: [] },
        platform: 'Slack',
        allowed: true,
        reason: 'Mary Major (U456) may approve in pipeline api-orders: rule 0 (api-*) lists user U456.',
        ruleIndex: 0,
        outcome: 'ok',
      },
    });
    expect(client.calls[1]).toEqual({
      operation: 'putApprovalResult',
      input: {
        pipeline: 'api-orders',
        stage: 'Release',
        action: 'ManualApproval',
        token,
        status: 'Approved',
        summary: 'Approved by Mary Major in Slack: ship it',
      },
    });
    expect(client.actionStatus('api-orders', 'Release', 'ManualApproval')?.status).toBe('Succeeded');
  });

  it('rejects with the approve list, and the summary says Rejected', async () => {
    const { client } = waitingPipeline();

    const result = await decideApproval({
      client,
      policy: POLICY,
      user: { id: 'U777', groups: ['S0APPROVERS'] },
      target: TARGET,
      decision: 'Rejected',
      platformName: 'Teams',
    });

    expect(result).toMatchObject({ ok: true, status: 'Rejected', summary: 'Rejected by U777 in Teams' });
    expect(result.decision).toMatchObject({ action: 'reject', allowed: true });
    expect(client.actionStatus('api-orders', 'Release', 'ManualApproval')?.status).toBe('Failed');
  });

  it('refuses where no approvers are configured, naming the setting, without calling CodePipeline', async () => {
    const { client } = waitingPipeline();

    const result = await decideApproval({
      client,
      policy: { rules: [{ pipelines: ['*'], retry: ['U456'], approve: [] }] },
      user: APPROVER,
      target: TARGET,
      decision: 'Approved',
      platformName: 'Slack',
      policyLocation: 'the SSM parameter /pipewatch/prod/authorization',
    });

    expect(result).toMatchObject({ ok: false, code: 'forbidden', decision: { allowed: false, outcome: 'forbidden' } });
    expect(result.ok ? '' : result.message).toMatch(
      /no rule of the authorization policy \(the SSM parameter \/pipewatch\/prod\/authorization\) lists "approve"/,
    );
    expect(client.calls).toEqual([]);
  });

  it('answers "already decided or expired" for a second click', async () => {
    const { client } = waitingPipeline();
    const input = {
      client,
      policy: POLICY,
      user: APPROVER,
      target: TARGET,
      decision: 'Approved',
      platformName: 'Slack',
    } as const;
    await decideApproval(input);

    const again = await decideApproval(input);

    expect(again).toMatchObject({ ok: false, code: 'approval-not-pending' });
    expect(again.ok ? '' : again.message).toBe(
      'This approval was already decided or has expired: its status is Succeeded.',
    );
    expect(client.calls.filter((call) => call.operation === 'putApprovalResult')).toHaveLength(1);
  });

  it('answers "already decided or expired" when a later execution waits at the same approval', async () => {
    const { client } = waitingPipeline();
    client.waitForApproval('api-orders', 'Release', 'ManualApproval', LATER);

    const result = await decideApproval({
      client,
      policy: POLICY,
      user: APPROVER,
      target: TARGET,
      decision: 'Approved',
      platformName: 'Slack',
    });

    expect(result).toMatchObject({ ok: false, code: 'approval-not-pending' });
    expect(result.ok ? '' : result.message).toMatch(/stage Release is now at execution 9f8e7d6c/);
    expect(client.calls.map((call) => call.operation)).toEqual(['getPipelineState']);
  });

  it.each([
    ['InvalidApprovalTokenException', 'approval-not-pending', /already decided or has expired/],
    ['ApprovalAlreadyCompletedException', 'approval-already-completed', /already been approved or rejected/],
    ['ActionNotFoundException', 'action-not-found', /Action ManualApproval was not found/],
  ])('maps %s to %s', async (errorName, code, message) => {
    const { client } = waitingPipeline();
    client.failNext('putApprovalResult', errorName);

    const result = await decideApproval({
      client,
      policy: POLICY,
      user: APPROVER,
      target: TARGET,
      decision: 'Approved',
      platformName: 'Slack',
    });

    expect(result).toMatchObject({ ok: false, code, decision: { outcome: code, errorName } });
    expect(result.ok ? '' : result.message).toMatch(message);
  });

  it('keeps a long comment within the 512-character summary limit', async () => {
    const { client } = waitingPipeline();

    const result = await decideApproval({
      client,
      policy: POLICY,
      user: APPROVER,
      target: TARGET,
      decision: 'Approved',
      comment: '👍'.repeat(600),
      platformName: 'Slack',
    });

    expect(result.ok).toBe(true);
    if (result.ok) expect(result.summary.length).toBeLessThanOrEqual(512);
  });

  it('answers for an approval action that is not in the pipeline', async () => {
    const { client } = waitingPipeline();

    const result = await decideApproval({
      client,
      policy: POLICY,
      user: APPROVER,
      target: { ...TARGET, action: 'Gone' },
      decision: 'Approved',
      platformName: 'Slack',
    });

    expect(result).toMatchObject({ ok: false, code: 'action-not-found' });
  });
});
