import { MAX_STOP_REASON_LENGTH, stopExecution, stopReason } from '../../../../src/core/actions';
import { InMemoryPipelineClient } from '../../../helpers/in-memory-pipeline-client';

const POLICY = { rules: [{ pipelines: ['myPipeline'], retry: ['U1'], approve: ['U1'], stop: ['U2'] }] };
const target = { pipeline: 'myPipeline', executionId: 'e-1' };

function pipelines(): InMemoryPipelineClient {
  const client = new InMemoryPipelineClient().addPipeline('myPipeline', {
    Source: ['Source:Source'],
    Build: ['Build'],
  });
  client.failStage('myPipeline', 'Source', 'e-1', 'none');
  client.waitForApproval('myPipeline', 'Build', 'Build', 'e-1');
  return client;
}

describe('stopExecution', () => {
  test('who and why reach StopPipelineExecution, with abandon from the choice', async () => {
    const client = pipelines();
    const result = await stopExecution({
      client,
      policy: POLICY,
      user: { id: 'U2', groups: [], displayName: 'bob' },
      target,
      mode: 'abandon',
      comment: '  a bad commit ',
      platformName: 'Slack',
    });
    expect(result).toMatchObject({ ok: true, reason: 'Stopped by bob in Slack: a bad commit' });
    expect(result.message).toContain('abandoning the actions in progress');
    expect(result.decision).toMatchObject({ action: 'stop', stopMode: 'abandon', outcome: 'ok', allowed: true });
    expect(result.decision).not.toHaveProperty('stage');
    expect(client.calls.filter((call) => call.operation === 'stopPipelineExecution')).toEqual([
      {
        operation: 'stopPipelineExecution',
        input: { ...target, abandon: true, reason: 'Stopped by bob in Slack: a bad commit' },
      },
    ]);
  });

  test('not on the `stop` list: refused, CodePipeline is not called', async () => {
    const client = pipelines();
    const result = await stopExecution({
      client,
      policy: POLICY,
      user: { id: 'U1', groups: [] },
      target,
      mode: 'wait',
      platformName: 'Teams',
    });
    expect(result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(client.calls).toEqual([]);
  });

  test('an execution that is not running: CodePipeline’s refusal in words', async () => {
    const client = pipelines();
    const user = { id: 'U2', groups: [] };
    await stopExecution({ client, policy: POLICY, user, target, mode: 'abandon', platformName: 'Slack' });
    const again = await stopExecution({ client, policy: POLICY, user, target, mode: 'abandon', platformName: 'Slack' });
    expect(again).toMatchObject({ ok: false, code: 'execution-not-stoppable' });
    expect(again.message).toContain('cannot be stopped: it has already ended');
  });

  test('the reason never exceeds CodePipeline’s 200 characters', () => {
    const reason = stopReason('a'.repeat(90), 'Slack', 'x'.repeat(400));
    expect(reason.length).toBeLessThanOrEqual(MAX_STOP_REASON_LENGTH);
    expect(reason.startsWith(`Stopped by ${'a'.repeat(90)} in Slack: x`)).toBe(true);
    expect(stopReason('alice', 'Teams', '   ')).toBe('Stopped by alice in Teams');
  });
});
