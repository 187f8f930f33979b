import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ActionNotFoundException,
  ApprovalAlreadyCompletedException,
  ConflictException,
  CreatePipelineCommand,
  type CreatePipelineCommandInput,
  DuplicatedStopRequestException,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  type GetPipelineStateCommandInput,
  InvalidApprovalTokenException,
  InvalidStructureException,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  NotLatestPipelineExecutionException,
  PipelineExecutionNotFoundException,
  PipelineExecutionNotStoppableException,
  PipelineNameInUseException,
  PipelineNotFoundException,
  PutApprovalResultCommand,
  type PutApprovalResultCommandInput,
  RetryStageExecutionCommand,
  type RetryStageExecutionCommandInput,
  StageNotFoundException,
  StageNotRetryableException,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type StopPipelineExecutionCommandInput,
  ValidationException,
} from '@aws-sdk/client-codepipeline';
import { ManualClock } from '../../../src/local/aws/clock';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { type LocalAwsClients, signedPost, startLocalAwsWithClients } from '../../helpers/local-aws';

/*
 * The simulator's API through the local AWS endpoint with the real SDK client only. Time moves
 * with a ManualClock between calls; no sleeps.
 */

let local: LocalAwsClients;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  local = await startLocalAwsWithClients({ clock, region: 'us-west-2', accountId: '123456789012' });
  local.aws.codePipeline.loadDefinitions(SAMPLE_PIPELINES_FILE);
});
afterEach(() => local.stop());

const cp = () => local.codePipeline;

async function start(name = 'myPipeline'): Promise<string> {
  const { pipelineExecutionId } = await cp().send(new StartPipelineExecutionCommand({ name }));
  if (pipelineExecutionId === undefined) throw new Error('no execution id');
  return pipelineExecutionId;
}

async function stageState(stageName: string, name = 'myPipeline') {
  const state = await cp().send(new GetPipelineStateCommand({ name }));
  const stage = state.stageStates?.find((s) => s.stageName === stageName);
  if (stage === undefined) throw new Error(`no stage ${stageName}`);
  return stage;
}

async function approvalToken(): Promise<string> {
  const token = (await stageState('Approval')).actionStates?.[0]?.latestExecution?.token;
  if (token === undefined) throw new Error('no token');
  return token;
}

const approval = (token: string, status = 'Approved', summary = 'looks good'): PutApprovalResultCommandInput => ({
  pipelineName: 'myPipeline',
  stageName: 'Approval',
  actionName: 'Approval',
  token,
  result: { status: status as 'Approved', summary },
});

const retry = (pipelineExecutionId: string, retryMode = 'FAILED_ACTIONS', stageName = 'Build') =>
  cp().send(
    new RetryStageExecutionCommand({
      pipelineName: 'myPipeline',
      stageName,
      pipelineExecutionId,
      retryMode,
    } as RetryStageExecutionCommandInput),
  );

describe('CodePipeline simulator API (real SDK)', () => {
  test('ListPipelines and GetPipeline return the definitions in the AWS shape', async () => {
    const list = await cp().send(new ListPipelinesCommand({}));
    expect(list.pipelines?.map((p) => p.name)).toEqual(['myPipeline', 'nightly-data', 'web-service']);
    expect(list.pipelines?.[0]?.created).toBeInstanceOf(Date);
    const { pipeline, metadata } = await cp().send(new GetPipelineCommand({ name: 'myPipeline' }));
    expect(metadata?.pipelineArn).toBe('arn:aws:codepipeline:us-west-2:123456789012:myPipeline');
    expect(pipeline?.stages?.map((s) => s.name)).toEqual(['Source', 'Build', 'Approval', 'Prod']);
    expect(pipeline?.stages?.[1]?.actions?.[0]).toMatchObject({
      name: 'Build',
      actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
      runOrder: 1,
      region: 'us-west-2',
      inputArtifacts: [{ name: 'SourceArtifact' }],
      outputArtifacts: [{ name: 'BuildArtifact' }],
    });
    expect(pipeline?.stages?.[1]?.actions?.[0]).not.toHaveProperty('durationSeconds');
    expect(pipeline?.version).toBe(1);
  });

  test('CreatePipeline: the AWS shape, name in use, invalid structure, missing roleArn', async () => {
    const input: CreatePipelineCommandInput = {
      pipeline: {
        name: 'created',
        roleArn: 'arn:aws:iam::123456789012:role/cp',
        stages: [
          {
            name: 'Source',
            actions: [
              {
                name: 'Src',
                actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
                outputArtifacts: [{ name: 'Src' }],
                configuration: { S3Bucket: 'b', S3ObjectKey: 'k' },
              },
            ],
          },
          {
            name: 'Deploy',
            actions: [
              {
                name: 'Deploy',
                actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CodeDeploy', version: '1' },
                inputArtifacts: [{ name: 'Src' }],
                runOrder: 1,
              },
            ],
          },
        ],
      },
    };
    const created = await cp().send(new CreatePipelineCommand(input));
    expect(created.pipeline).toMatchObject({ name: 'created', version: 1, executionMode: 'SUPERSEDED' });
    await expect(cp().send(new CreatePipelineCommand(input))).rejects.toBeInstanceOf(PipelineNameInUseException);
    const oneStage = { pipeline: { ...input.pipeline, name: 'one', stages: input.pipeline?.stages?.slice(0, 1) } };
    await expect(cp().send(new CreatePipelineCommand(oneStage as CreatePipelineCommandInput))).rejects.toBeInstanceOf(
      InvalidStructureException,
    );
    const noRole = { pipeline: { ...input.pipeline, name: 'norole', roleArn: undefined } };
    await expect(cp().send(new CreatePipelineCommand(noRole as CreatePipelineCommandInput))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(
        "Value null at 'pipeline.roleArn' failed to satisfy constraint: Member must not be null",
      ),
    });
    const id = await start('created');
    clock.runAll();
    const execution = await cp().send(
      new GetPipelineExecutionCommand({ pipelineName: 'created', pipelineExecutionId: id }),
    );
    expect(execution.pipelineExecution?.status).toBe('Succeeded');
  });

  test('an execution through GetPipelineState, the approval token, PutApprovalResult and ListActionExecutions', async () => {
    const id = await start();
    clock.advance(30_000);
    const build = await stageState('Build');
    expect(build.latestExecution).toEqual({ pipelineExecutionId: id, status: 'InProgress', type: 'STANDARD' });
    expect(build.actionStates?.[0]?.latestExecution).toMatchObject({ status: 'InProgress' });
    clock.advance(35_000);
    const approvalStage = await stageState('Approval');
    const latest = approvalStage.actionStates?.[0]?.latestExecution;
    expect(latest?.status).toBe('InProgress');
    expect(latest?.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(latest?.lastStatusChange).toEqual(new Date('2026-01-01T00:01:05Z'));

    const token = await approvalToken();
    const answer = await cp().send(new PutApprovalResultCommand(approval(token)));
    expect(answer.approvedAt).toEqual(new Date('2026-01-01T00:01:05Z'));
    // The token is gone once answered, and a second answer is refused.
    expect((await stageState('Approval')).actionStates?.[0]?.latestExecution).toMatchObject({
      status: 'Succeeded',
      summary: 'looks good',
    });
    expect((await stageState('Approval')).actionStates?.[0]?.latestExecution?.token).toBeUndefined();
    await expect(cp().send(new PutApprovalResultCommand(approval(token)))).rejects.toBeInstanceOf(
      ApprovalAlreadyCompletedException,
    );
    clock.runAll();

    const executions = await cp().send(new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' }));
    expect(executions.pipelineExecutionSummaries?.[0]).toMatchObject({
      pipelineExecutionId: id,
      status: 'Succeeded',
      trigger: { triggerType: 'StartPipelineExecution' },
    });
    const actions = await cp().send(
      new ListActionExecutionsCommand({ pipelineName: 'myPipeline', filter: { pipelineExecutionId: id } }),
    );
    expect(actions.actionExecutionDetails?.map((a) => `${a.stageName}/${a.actionName}:${a.status}`)).toEqual([
      'Prod/Deploy:Succeeded',
      'Approval/Approval:Succeeded',
      'Build/Build:Succeeded',
      'Source/Source:Succeeded',
    ]);
    const deploy = actions.actionExecutionDetails?.[0];
    expect(deploy?.input?.actionTypeId).toEqual({
      category: 'Deploy',
      owner: 'AWS',
      provider: 'CodeDeploy',
      version: '1',
    });
    expect(deploy?.output?.executionResult).toMatchObject({
      externalExecutionId: expect.stringMatching(/^d-[A-Z0-9]{9}$/),
      externalExecutionSummary: 'Deployment Succeeded',
      externalExecutionUrl: expect.stringContaining('/codedeploy/home?region=us-west-2#/deployments/d-'),
    });
    const page = await cp().send(new ListActionExecutionsCommand({ pipelineName: 'myPipeline', maxResults: 3 }));
    expect(page.actionExecutionDetails).toHaveLength(3);
    const rest = await cp().send(
      new ListActionExecutionsCommand({ pipelineName: 'myPipeline', maxResults: 3, nextToken: page.nextToken }),
    );
    expect(rest.actionExecutionDetails).toHaveLength(1);
    expect(rest.nextToken).toBeUndefined();
  });

  test('PutApprovalResult errors: invalid token, wrong status case, long summary, unknown stage and action', async () => {
    await start();
    clock.advance(65_000);
    const token = await approvalToken();
    const stale = '00000000-0000-4000-8000-000000000000';
    await expect(cp().send(new PutApprovalResultCommand(approval(stale)))).rejects.toMatchObject({
      name: 'InvalidApprovalTokenException',
      message: 'The approval request already received a response or has expired.',
    });
    await expect(cp().send(new PutApprovalResultCommand(approval(stale)))).rejects.toBeInstanceOf(
      InvalidApprovalTokenException,
    );
    await expect(cp().send(new PutApprovalResultCommand(approval(token, 'approved')))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must satisfy enum value set: [Approved, Rejected]'),
    });
    await expect(
      cp().send(new PutApprovalResultCommand(approval(token, 'Approved', 'x'.repeat(513)))),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length less than or equal to 512'),
    });
    await expect(cp().send(new PutApprovalResultCommand(approval('not-a-uuid')))).rejects.toBeInstanceOf(
      ValidationException,
    );
    await expect(
      cp().send(new PutApprovalResultCommand({ ...approval(token), stageName: 'Nope' })),
    ).rejects.toBeInstanceOf(StageNotFoundException);
    await expect(
      cp().send(new PutApprovalResultCommand({ ...approval(token), actionName: 'Nope' })),
    ).rejects.toBeInstanceOf(ActionNotFoundException);
    // 512 characters is still fine, and the approval went through untouched by the failures above.
    await cp().send(new PutApprovalResultCommand(approval(token, 'Approved', 'y'.repeat(512))));
  });

  test('an expired approval token is refused', async () => {
    await start();
    clock.advance(65_000);
    const token = await approvalToken();
    clock.advance(7 * 24 * 3600 * 1000);
    expect((await stageState('Approval')).latestExecution?.status).toBe('Failed');
    await expect(cp().send(new PutApprovalResultCommand(approval(token)))).rejects.toBeInstanceOf(
      InvalidApprovalTokenException,
    );
  });

  test('RetryStageExecution: FAILED_ACTIONS and ALL_ACTIONS, StageNotRetryable, NotLatest after a newer failure', async () => {
    local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'always' });
    const a = await start();
    clock.advance(65_000);
    expect((await stageState('Build')).latestExecution).toMatchObject({ pipelineExecutionId: a, status: 'Failed' });
    expect((await stageState('Build')).actionStates?.[0]?.latestExecution).toMatchObject({
      status: 'Failed',
      summary: 'Build terminated with state: FAILED',
      errorDetails: { code: 'JobFailed', message: 'Build terminated with state: FAILED' },
      externalExecutionUrl: expect.stringContaining('codebuild'),
    });
    await expect(retry(a, 'FAILED_ACTIONS', 'Source')).rejects.toBeInstanceOf(StageNotRetryableException);

    // A newer execution fails the same stage: the older id is out of date.
    const b = await start();
    clock.advance(30_000); // b is in Build
    await expect(retry(a)).rejects.toBeInstanceOf(ConflictException);
    clock.advance(35_000);
    await expect(retry(a)).rejects.toMatchObject({
      name: 'NotLatestPipelineExecutionException',
      message:
        'The stage has failed in a later run of the pipeline and the pipelineExecutionId associated with the request is out of date.',
    });
    await expect(retry(a)).rejects.toBeInstanceOf(NotLatestPipelineExecutionException);

    local.aws.codePipeline.clearFailures();
    expect(await retry(b, 'ALL_ACTIONS')).toMatchObject({ pipelineExecutionId: b });
    // A stage being retried is not failed any more.
    await expect(retry(b)).rejects.toBeInstanceOf(StageNotRetryableException);
    const build = await stageState('Build');
    expect(build.latestExecution).toMatchObject({ pipelineExecutionId: b, status: 'InProgress' });
    expect(build.retryStageMetadata).toEqual({ manualStageRetryAttempt: 1, latestRetryTrigger: 'ManualStageRetry' });
    clock.advance(60_000);
    expect((await stageState('Build')).latestExecution?.status).toBe('Succeeded');
    const execution = await cp().send(
      new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: b }),
    );
    expect(execution.pipelineExecution?.status).toBe('InProgress');
  });

  test('RetryStageExecution errors: unknown pipeline and stage, bad id pattern, bad retryMode', async () => {
    const id = await start();
    await expect(
      cp().send(
        new RetryStageExecutionCommand({
          pipelineName: 'nope',
          stageName: 'Build',
          pipelineExecutionId: id,
          retryMode: 'FAILED_ACTIONS',
        }),
      ),
    ).rejects.toBeInstanceOf(PipelineNotFoundException);
    await expect(retry(id, 'FAILED_ACTIONS', 'Nope')).rejects.toBeInstanceOf(StageNotFoundException);
    await expect(retry('b59babff-5f34-EXAMPLE')).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(
        "at 'pipelineExecutionId' failed to satisfy constraint: Member must satisfy regular expression pattern",
      ),
    });
    await expect(retry(id, 'SOME_ACTIONS')).rejects.toBeInstanceOf(ValidationException);
    await expect(retry(id)).rejects.toBeInstanceOf(StageNotRetryableException); // Build has not run yet
  });

  test('StopPipelineExecution: not stoppable when finished, duplicate stop, abandon after a plain stop', async () => {
    const id = await start();
    clock.advance(10_000);
    const stop = (input: Partial<StopPipelineExecutionCommandInput> = {}) =>
      cp().send(new StopPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: id, ...input }));
    expect(await stop({ reason: 'freeze' })).toMatchObject({ pipelineExecutionId: id });
    let execution = await cp().send(
      new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: id }),
    );
    expect(execution.pipelineExecution?.status).toBe('Stopping');
    await expect(stop()).rejects.toBeInstanceOf(DuplicatedStopRequestException);
    await stop({ abandon: true });
    execution = await cp().send(
      new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: id }),
    );
    expect(execution.pipelineExecution?.status).toBe('Stopped');
    expect((await stageState('Build')).actionStates?.[0]?.latestExecution?.status).toBe('Abandoned');
    await expect(stop()).rejects.toBeInstanceOf(PipelineExecutionNotStoppableException);
    const summaries = await cp().send(new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' }));
    expect(summaries.pipelineExecutionSummaries?.[0]?.stopTrigger).toEqual({ reason: 'freeze' });
    // A stopped stage can be retried.
    await retry(id);
    clock.advance(60_000);
    expect((await stageState('Build')).latestExecution).toMatchObject({ pipelineExecutionId: id, status: 'Succeeded' });
  });

  test('superseded executions are reported by the API', async () => {
    await start();
    clock.advance(6_000);
    const b = await start();
    clock.advance(6_000);
    const c = await start();
    clock.advance(5_000);
    const get = (id: string) =>
      cp().send(new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: id }));
    expect((await get(b)).pipelineExecution?.status).toBe('Superseded');
    expect((await stageState('Build')).inboundExecutions).toEqual([
      { pipelineExecutionId: c, status: 'InProgress', type: 'STANDARD' },
    ]);
  });

  test('bad requests answer typed errors and leave the server running', async () => {
    await expect(cp().send(new GetPipelineStateCommand({ name: 'nope' }))).rejects.toMatchObject({
      name: 'PipelineNotFoundException',
      message: "Account '123456789012' does not have a pipeline with name 'nope'",
    });
    await expect(cp().send(new StartPipelineExecutionCommand({ name: 'nope' }))).rejects.toBeInstanceOf(
      PipelineNotFoundException,
    );
    await expect(cp().send(new GetPipelineStateCommand({} as GetPipelineStateCommandInput))).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    });
    await expect(
      cp().send(new GetPipelineStateCommand({ name: 42 } as unknown as GetPipelineStateCommandInput)),
    ).rejects.toMatchObject({ name: 'SerializationException' });
    await expect(
      cp().send(new GetPipelineStateCommand({ name: 'bad name!' } as GetPipelineStateCommandInput)),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(
      cp().send(
        new StopPipelineExecutionCommand({
          pipelineName: 'myPipeline',
          pipelineExecutionId: '00000000-0000-4000-8000-000000000000',
        }),
      ),
    ).rejects.toBeInstanceOf(PipelineExecutionNotFoundException);
    await expect(
      cp().send(new ListActionExecutionsCommand({ pipelineName: 'myPipeline', nextToken: 'garbage' })),
    ).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
    const raw = await signedPost(
      local.codePipeline,
      local.aws.endpoint,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodePipeline_20150709.Launch' },
      '{}',
    );
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    // Still answering.
    const list = await cp().send(new ListPipelinesCommand({}));
    expect(list.pipelines).toHaveLength(3);
  });
});

describe('CodePipeline simulator persistence (real SDK)', () => {
  test('pipelines and executions survive a restart with the same data directory', async () => {
    await local.stop();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pipewatch-cp-api-'));
    try {
      local = await startLocalAwsWithClients({ clock, dataDir });
      local.aws.codePipeline.loadDefinitions(SAMPLE_PIPELINES_FILE);
      const done = await start('nightly-data');
      clock.runAll();
      const running = await start();
      clock.advance(65_000);
      const token = await approvalToken();
      await local.stop();

      local = await startLocalAwsWithClients({ clock, dataDir });
      const summaries = await cp().send(new ListPipelineExecutionsCommand({ pipelineName: 'nightly-data' }));
      expect(summaries.pipelineExecutionSummaries?.map((s) => [s.pipelineExecutionId, s.status])).toEqual([
        [done, 'Succeeded'],
      ]);
      expect(await approvalToken()).toBe(token);
      await cp().send(new PutApprovalResultCommand(approval(token)));
      clock.advance(90_000);
      const execution = await cp().send(
        new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: running }),
      );
      expect(execution.pipelineExecution?.status).toBe('Succeeded');
    } finally {
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
      // afterEach stops `local` again; a second stop must be harmless, so start a fresh one.
      local = await startLocalAwsWithClients({ clock });
    }
  });
});
