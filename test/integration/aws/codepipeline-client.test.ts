import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { CodePipelinePipelineClient } from '../../../src/aws/codepipeline-client';
import { ManualClock } from '../../../src/local/aws';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

/*
 * The PipelineClient adapter against the CodePipeline simulator, through the real SDK client.
 * myPipeline: Source (5 s) → Build (60 s) → Approval (manual) → Prod (90 s).
 */

const REGION = 'us-west-2';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let local: LocalAwsClients;
let clock: ManualClock;
let pipelines: CodePipelinePipelineClient;

beforeEach(async () => {
  clock = new ManualClock();
  local = await startLocalAwsWithClients({ clock, region: REGION, accountId: '123456789012' });
  local.aws.codePipeline.loadDefinitions(SAMPLE_PIPELINES_FILE);
  pipelines = new CodePipelinePipelineClient({ client: local.codePipeline, region: REGION });
});
afterEach(() => local.stop());

async function start(name = 'myPipeline'): Promise<string> {
  const { pipelineExecutionId } = await local.codePipeline.send(new StartPipelineExecutionCommand({ name }));
  if (pipelineExecutionId === undefined) throw new Error('no execution id');
  return pipelineExecutionId;
}

describe('CodePipelinePipelineClient', () => {
  test('getPipelineState: stages in order, the waiting approval with its token, ISO timestamps', async () => {
    const id = await start();
    clock.advance(65_000);
    const state = await pipelines.getPipelineState('myPipeline');
    expect(state.pipelineName).toBe('myPipeline');
    expect(state.pipelineVersion).toBe(1);
    expect(state.stages.map((s) => s.stageName)).toEqual(['Source', 'Build', 'Approval', 'Prod']);
    const approval = state.stages[2];
    expect(approval?.latestExecution).toEqual({ pipelineExecutionId: id, status: 'InProgress' });
    const action = approval?.actions[0];
    expect(action?.actionName).toBe('Approval');
    expect(action?.latestExecution?.status).toBe('InProgress');
    expect(action?.latestExecution?.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(action?.latestExecution?.lastStatusChange).toMatch(ISO);
    // Never run: no latestExecution at all, not an empty object.
    expect(state.stages[3]?.latestExecution).toBeUndefined();
    expect(state.stages[3]?.actions[0]).toEqual({ actionName: 'Deploy' });
  });

  test('getPipelineStageNames: the declared order (GetPipeline); an unknown pipeline fails with its SDK name', async () => {
    expect(await pipelines.getPipelineStageNames('myPipeline')).toEqual(['Source', 'Build', 'Approval', 'Prod']);
    await expect(pipelines.getPipelineStageNames('noSuchPipeline')).rejects.toMatchObject({
      name: 'PipelineNotFoundException',
    });
  });

  test('putApprovalResult approves with the token from the state; the pipeline goes on', async () => {
    const id = await start();
    clock.advance(65_000);
    const token = (await pipelines.getPipelineState('myPipeline')).stages[2]?.actions[0]?.latestExecution?.token;
    if (token === undefined) throw new Error('no token');
    const result = await pipelines.putApprovalResult({
      pipeline: 'myPipeline',
      stage: 'Approval',
      action: 'Approval',
      token,
      status: 'Approved',
      summary: 'Approved by <@U1> from Slack',
    });
    expect(result.approvedAt).toMatch(ISO);
    expect((await pipelines.getPipelineState('myPipeline')).stages[2]?.latestExecution).toEqual({
      pipelineExecutionId: id,
      status: 'Succeeded',
    });
    // Errors pass through with the CodePipeline error code as their name (what the use cases match on).
    await expect(
      pipelines.putApprovalResult({
        pipeline: 'myPipeline',
        stage: 'Approval',
        action: 'Approval',
        token,
        status: 'Rejected',
        summary: 'too late',
      }),
    ).rejects.toMatchObject({ name: 'ApprovalAlreadyCompletedException' });
  });

  test('after an injected failure: failure details, listActionExecutions over pages, retry, execution status', async () => {
    local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', {
      mode: 'once',
      errorCode: 'JobFailed',
      summary: 'Build failed: 3 tests',
    });
    const id = await start();
    clock.advance(65_000);

    const build = (await pipelines.getPipelineState('myPipeline')).stages[1];
    expect(build?.latestExecution).toEqual({ pipelineExecutionId: id, status: 'Failed' });
    expect(build?.actions[0]?.latestExecution).toMatchObject({
      status: 'Failed',
      summary: 'Build failed: 3 tests',
      errorDetails: { code: 'JobFailed', message: 'Build failed: 3 tests' },
    });
    await expect(pipelines.getPipelineExecution({ pipeline: 'myPipeline', executionId: id })).resolves.toMatchObject({
      pipelineExecutionId: id,
      status: 'Failed',
    });

    // Another execution's actions must not appear; a page size of 1 makes every action its own page.
    await start('web-service');
    const paged = new CodePipelinePipelineClient({ client: local.codePipeline, region: REGION, pageSize: 1 });
    const actions = await paged.listActionExecutions({ pipeline: 'myPipeline', executionId: id });
    expect(actions.map((a) => `${a.stageName}/${a.actionName}:${a.status}`).sort()).toEqual([
      'Build/Build:Failed',
      'Source/Source:Succeeded',
    ]);
    const failed = actions.find((a) => a.status === 'Failed');
    expect(failed).toMatchObject({
      category: 'Build',
      summary: 'Build failed: 3 tests',
      errorDetails: { code: 'JobFailed' },
      startTime: expect.stringMatching(ISO),
      lastUpdateTime: expect.stringMatching(ISO),
    });
    expect(failed?.externalExecutionUrl).toContain('codebuild');

    await expect(
      pipelines.retryStageExecution({
        pipeline: 'myPipeline',
        stage: 'Build',
        executionId: id,
        mode: 'FAILED_ACTIONS',
      }),
    ).resolves.toEqual({ pipelineExecutionId: id });
    expect((await pipelines.getPipelineState('myPipeline')).stages[1]?.latestExecution?.status).toBe('InProgress');
    clock.advance(65_000);
    expect((await pipelines.getPipelineState('myPipeline')).stages[1]?.latestExecution?.status).toBe('Succeeded');
    await expect(
      pipelines.retryStageExecution({
        pipeline: 'myPipeline',
        stage: 'Build',
        executionId: id,
        mode: 'FAILED_ACTIONS',
      }),
    ).rejects.toMatchObject({ name: 'StageNotRetryableException' });
  });

  test('unknown pipeline and execution: the SDK error names pass through', async () => {
    await expect(pipelines.getPipelineState('nope')).rejects.toMatchObject({ name: 'PipelineNotFoundException' });
    await expect(
      pipelines.getPipelineExecution({ pipeline: 'myPipeline', executionId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ name: 'PipelineExecutionNotFoundException' });
  });

  test('inRegion: this instance for the default region, one cached client per other region', async () => {
    const made: string[] = [];
    const clientFor = (region: string) => {
      made.push(region);
      // Same endpoint: the simulator answers any region; what matters is which client is used.
      return new CodePipelineClient({
        endpoint: local.aws.endpoint,
        region,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
    };
    const multi = new CodePipelinePipelineClient({ client: local.codePipeline, region: REGION, clientFor });
    expect(multi.inRegion(REGION)).toBe(multi);
    expect(multi.inRegion(undefined)).toBe(multi);
    const eu = multi.inRegion('eu-west-1');
    expect(multi.inRegion('eu-west-1')).toBe(eu);
    expect(eu.inRegion(REGION)).toBe(multi);
    expect(made).toEqual(['eu-west-1']);
    await expect(eu.getPipelineState('myPipeline')).resolves.toMatchObject({ pipelineName: 'myPipeline' });
  });
});
