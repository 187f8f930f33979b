import {
  CodePipelineClient,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { CodePipelinePipelineClient } from '../../../src/aws/codepipeline-client';
import { parsePipelineEvent } from '../../../src/core/events';
import { fetchFailureDetails } from '../../../src/core/notify';
import { PipelineApiError, type PipelineClient } from '../../../src/core/ports';
import { ManualClock } from '../../../src/local/aws';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';
import { MemoryLog } from '../../helpers/memory-log';

/*
 * The PipelineClient adapter against the CodePipeline simulator, through pipewatch's own AWS JSON
 * client (timestamps on the wire are epoch seconds). The SDK client only sets the scene and reads
 * what AWS would say, to compare with.
 * myPipeline: Source (5 s) → Build (60 s) → Approval (manual) → Prod (90 s).
 */

const REGION = 'us-west-2';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** ManualClock's default start. */
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

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
    // The approval has waited since Build ended (5 s + 60 s), as the SDK reads the same answer.
    expect(action?.latestExecution?.lastStatusChange).toBe(at(65_000));
    const sdk = await local.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
    expect(action?.latestExecution?.lastStatusChange).toBe(
      sdk.stageStates?.[2]?.actionStates?.[0]?.latestExecution?.lastStatusChange?.toISOString(),
    );
    // Never run: no latestExecution at all, not an empty object.
    expect(state.stages[3]?.latestExecution).toBeUndefined();
    expect(state.stages[3]?.actions[0]).toEqual({ actionName: 'Deploy' });
  });

  test('getPipelineStageNames: the declared order (GetPipeline); an unknown pipeline fails with its error code', async () => {
    expect(await pipelines.getPipelineStageNames('myPipeline')).toEqual(['Source', 'Build', 'Approval', 'Prod']);
    await expect(pipelines.getPipelineStageNames('noSuchPipeline')).rejects.toMatchObject({
      code: 'PipelineNotFoundException',
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
    expect(result.approvedAt).toBe(at(65_000));
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
    ).rejects.toMatchObject({ code: 'ApprovalAlreadyCompletedException' });
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
    ).rejects.toMatchObject({ code: 'StageNotRetryableException' });
  });

  test("unknown pipeline and execution: CodePipeline's error codes as PipelineApiError", async () => {
    const missing = pipelines.getPipelineState('nope');
    await expect(missing).rejects.toBeInstanceOf(PipelineApiError);
    await expect(missing).rejects.toMatchObject({ code: 'PipelineNotFoundException' });
    await expect(
      pipelines.getPipelineExecution({ pipeline: 'myPipeline', executionId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: 'PipelineExecutionNotFoundException' });
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

  test("inRegion without clientFor: a client in that region with the default client's endpoint and credentials", async () => {
    const eu = pipelines.inRegion('eu-west-1');
    expect(eu).not.toBe(pipelines);
    expect(pipelines.inRegion('eu-west-1')).toBe(eu);
    expect(eu.inRegion(REGION)).toBe(pipelines);
    await expect(eu.getPipelineStageNames('myPipeline')).resolves.toEqual(['Source', 'Build', 'Approval', 'Prod']);
  });

  test('timestamps from fractional epoch seconds: exact to the millisecond, and the newest failure is chosen by them', async () => {
    // Times off the whole second, so the wire carries fractional seconds (1767225601.234, …).
    clock.advance(1_234);
    local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'first failure' });
    const id = await start();
    clock.advance(65_000); // Source 1.234 → 6.234 s, Build 6.234 → 66.234 s: failed.
    local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'second failure' });
    clock.advance(1_111);
    await pipelines.retryStageExecution({
      pipeline: 'myPipeline',
      stage: 'Build',
      executionId: id,
      mode: 'FAILED_ACTIONS',
    });
    clock.advance(60_000); // Build again 67.345 → 127.345 s: failed again.

    const actions = await pipelines.listActionExecutions({ pipeline: 'myPipeline', executionId: id });
    const brief = actions.map((a) => ({
      action: `${a.stageName}/${a.actionName}:${a.status}`,
      summary: a.summary,
      startTime: a.startTime,
      lastUpdateTime: a.lastUpdateTime,
    }));
    expect(brief).toHaveLength(3);
    expect(brief).toEqual(
      expect.arrayContaining([
        {
          action: 'Source/Source:Succeeded',
          summary: expect.any(String),
          startTime: at(1_234),
          lastUpdateTime: at(6_234),
        },
        { action: 'Build/Build:Failed', summary: 'first failure', startTime: at(6_234), lastUpdateTime: at(66_234) },
        { action: 'Build/Build:Failed', summary: 'second failure', startTime: at(67_345), lastUpdateTime: at(127_345) },
      ]),
    );

    // The same instants as the SDK reads from the same answer.
    const sdk = await local.codePipeline.send(
      new ListActionExecutionsCommand({ pipelineName: 'myPipeline', filter: { pipelineExecutionId: id } }),
    );
    const sdkTimes = new Map(
      (sdk.actionExecutionDetails ?? []).map((d) => [
        d.actionExecutionId,
        { startTime: d.startTime?.toISOString(), lastUpdateTime: d.lastUpdateTime?.toISOString() },
      ]),
    );
    for (const a of actions) {
      expect({ startTime: a.startTime, lastUpdateTime: a.lastUpdateTime }).toEqual(sdkTimes.get(a.actionExecutionId));
    }

    // The alert's failure details take the newest failed run by its time, whatever the list order:
    // hand them over oldest first, so only the timestamps can pick the second failure.
    const reversed: PipelineClient = {
      getPipelineState: (pipeline) => pipelines.getPipelineState(pipeline),
      retryStageExecution: (input) => pipelines.retryStageExecution(input),
      putApprovalResult: (input) => pipelines.putApprovalResult(input),
      getPipelineExecution: (ref) => pipelines.getPipelineExecution(ref),
      listActionExecutions: async (ref) => [...(await pipelines.listActionExecutions(ref))].reverse(),
      getPipelineStageNames: (pipeline) => pipelines.getPipelineStageNames(pipeline),
      stopPipelineExecution: (input) => pipelines.stopPipelineExecution(input),
      startPipelineExecution: (pipeline) => pipelines.startPipelineExecution(pipeline),
    };
    for (const list of [pipelines, reversed]) {
      const event = parsePipelineEvent({
        version: '0',
        id: `failed-${id}`,
        'detail-type': 'CodePipeline Pipeline Execution State Change',
        source: 'aws.codepipeline',
        account: '123456789012',
        time: at(127_345),
        region: REGION,
        resources: [`arn:aws:codepipeline:${REGION}:123456789012:myPipeline`],
        detail: { pipeline: 'myPipeline', 'execution-id': id, state: 'FAILED', version: 1 },
      });
      const log = new MemoryLog();
      const details = await fetchFailureDetails(list, event, log);
      expect(log.at('warn')).toEqual([]);
      expect(details).toMatchObject({ stage: 'Build', actions: [{ action: 'Build', summary: 'second failure' }] });
      expect(details?.actions).toHaveLength(1);
    }
  });
});
