import { type AuthorizationPolicy, retryStage } from '../../../../src/core/actions';
import { InMemoryPipelineClient } from '../../../helpers/in-memory-pipeline-client';

const EXECUTION = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const LATER = '9f8e7d6c-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const POLICY: AuthorizationPolicy = { rules: [{ pipelines: ['myPipeline'], retry: ['S0DEVS'], approve: [] }] };
const DEV = { id: 'U123', groups: ['S0DEVS'], displayName: 'Dev' };
const TARGET = { pipeline: 'myPipeline', stage: 'Build', executionId: EXECUTION, mode: 'FAILED_ACTIONS' } as const;

function failedPipeline(): InMemoryPipelineClient {
  return new InMemoryPipelineClient()
    .addPipeline('myPipeline', { Source: ['Source:Source'], Build: ['Build:Build', 'Lint:Test'] })
    .failStage('myPipeline', 'Build', EXECUTION, 'Build');
}

describe('retryStage', () => {
  it('retries the failed actions of the button’s execution and records the decision', async () => {
    // Prepare
    const client = failedPipeline();

    // Act
    const result = await retryStage({ client, policy: POLICY, user: DEV, target: TARGET });

    // Assess
    expect(result).toEqual({
      ok: true,
      pipelineExecutionId: EXECUTION,
      message: 'Retrying the failed actions of stage Build in myPipeline (execution 1a2b3c4d).',
      decision: {
        kind: 'pipewatch.decision',
        action: 'retry',
        pipeline: 'myPipeline',
        executionId: EXECUTION,
        stage: 'Build',
        mode: 'FAILED_ACTIONS',
        user: { id: 'U123', displayName: 'Dev', groups: ['S0DEVS'] },
        allowed: true,
        reason: 'Dev (U123) may retry in pipeline myPipeline: rule 0 (myPipeline) lists group S0DEVS.',
        ruleIndex: 0,
        outcome: 'ok',
      },
    });
    expect(client.actionStatus('myPipeline', 'Build', 'Build')?.status).toBe('InProgress');
    expect(client.actionStatus('myPipeline', 'Build', 'Lint')?.status).toBe('Succeeded');
    expect(client.calls.map((call) => call.operation)).toEqual(['getPipelineState', 'retryStageExecution']);
  });

  it('retries all actions in ALL_ACTIONS mode', async () => {
    const client = failedPipeline();

    const result = await retryStage({ client, policy: POLICY, user: DEV, target: { ...TARGET, mode: 'ALL_ACTIONS' } });

    expect(result.ok).toBe(true);
    expect(client.actionStatus('myPipeline', 'Build', 'Lint')?.status).toBe('InProgress');
  });

  it('refuses an unauthorized user without calling CodePipeline', async () => {
    const client = failedPipeline();

    const result = await retryStage({ client, policy: POLICY, user: { id: 'U999', groups: [] }, target: TARGET });

    expect(result).toMatchObject({ ok: false, code: 'forbidden', decision: { allowed: false, outcome: 'forbidden' } });
    expect(result.ok ? '' : result.message).toMatch(/You are not allowed to retry in pipeline myPipeline/);
    expect(client.calls).toEqual([]);
  });

  it('answers "not the latest execution" without retrying when the stage ran again since', async () => {
    const client = failedPipeline().failStage('myPipeline', 'Build', LATER, 'Build');

    const result = await retryStage({ client, policy: POLICY, user: DEV, target: TARGET });

    expect(result).toMatchObject({ ok: false, code: 'not-latest-execution' });
    expect(result.ok ? '' : result.message).toBe(
      "This is not the latest execution of stage Build: execution 9f8e7d6c ran it since (Failed). Retry from that execution's message.",
    );
    expect(client.calls.map((call) => call.operation)).toEqual(['getPipelineState']);
  });

  it.each([
    ['StageNotRetryableException', 'stage-not-retryable', /cannot be retried now/],
    ['NotLatestPipelineExecutionException', 'not-latest-execution', /failed in a later execution/],
    ['ConflictException', 'pipeline-busy', /busy with other activity: try again/],
    ['ConcurrentPipelineExecutionsLimitExceededException', 'concurrency-limit', /limit of concurrent executions/],
    ['AccessDeniedException', 'access-denied', /IAM role lacks the permission/],
    ['ThrottlingException', 'aws-error', /CodePipeline answered ThrottlingException/],
  ])('maps %s to %s', async (errorName, code, message) => {
    const client = failedPipeline().failNext('retryStageExecution', errorName);

    const result = await retryStage({ client, policy: POLICY, user: DEV, target: TARGET });

    expect(result).toMatchObject({ ok: false, code, decision: { allowed: true, outcome: code, errorName } });
    expect(result.ok ? '' : result.message).toMatch(message);
  });

  it('answers "not retryable" for a stage that did not fail (a second click after a retry)', async () => {
    const client = failedPipeline();
    await retryStage({ client, policy: POLICY, user: DEV, target: TARGET });

    const again = await retryStage({ client, policy: POLICY, user: DEV, target: TARGET });

    expect(again).toMatchObject({ ok: false, code: 'stage-not-retryable' });
  });

  it('answers for a pipeline or stage that is gone', async () => {
    const client = failedPipeline();

    const noPipeline = await retryStage({ client, policy: POLICY, user: DEV, target: { ...TARGET, pipeline: 'gone' } });
    const noStage = await retryStage({ client, policy: POLICY, user: DEV, target: { ...TARGET, stage: 'Gone' } });

    expect(noPipeline).toMatchObject({ ok: false, code: 'forbidden' }); // no rule for "gone": authorization comes first
    expect(noStage).toMatchObject({ ok: false, code: 'stage-not-found' });
    const open = { rules: [{ pipelines: ['*'], retry: ['U123'], approve: [] }] };
    expect(
      await retryStage({ client, policy: open, user: DEV, target: { ...TARGET, pipeline: 'gone' } }),
    ).toMatchObject({
      ok: false,
      code: 'pipeline-not-found',
      decision: { errorName: 'PipelineNotFoundException' },
    });
  });

  it('lets errors that are not CodePipeline answers reach the handler', async () => {
    const client = failedPipeline();
    client.getPipelineState = async () => {
      throw new TypeError('socket hang up');
    };

    await expect(retryStage({ client, policy: POLICY, user: DEV, target: TARGET })).rejects.toThrow(TypeError);
  });
});
