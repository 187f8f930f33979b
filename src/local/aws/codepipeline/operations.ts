// (local AWS) CodePipeline operations (CreatePipeline … PutApprovalResult) --> the engine --> JSON 1.1 answers and AWS errors
import { AwsServiceError } from '../aws-error';
import { normalizePipeline, structureProblem } from './definitions';
import type { ExecutionEngine } from './engine';
import { type OperationInput, type OperationName, parseInput } from './inputs';
import type { ActionRun, ExecutionRecord, PipelineRecord, StageRun } from './model';
import { revisionOf } from './source-commits';

/**
 * The CodePipeline operations of the simulator, in the JSON 1.1 shapes the SDK reads.
 * Timestamps are epoch seconds (the protocol's default), e.g. `1446137312.204`.
 */
export interface OperationContext {
  engine: ExecutionEngine;
  region: string;
  accountId: string;
  /** `trigger-detail` of executions started through the API. */
  callerArn: string;
  now(): number;
}

type Handler<O extends OperationName> = (ctx: OperationContext, input: OperationInput<O>) => unknown;

const seconds = (ms: number) => ms / 1000;

export function runOperation(ctx: OperationContext, operation: OperationName, body: unknown): unknown {
  switch (operation) {
    case 'CreatePipeline':
      return createPipeline(ctx, parseInput(operation, body));
    case 'GetPipeline':
      return getPipeline(ctx, parseInput(operation, body));
    case 'ListPipelines':
      return listPipelines(ctx, parseInput(operation, body));
    case 'StartPipelineExecution':
      return startPipelineExecution(ctx, parseInput(operation, body));
    case 'StopPipelineExecution':
      return stopPipelineExecution(ctx, parseInput(operation, body));
    case 'GetPipelineExecution':
      return getPipelineExecution(ctx, parseInput(operation, body));
    case 'ListPipelineExecutions':
      return listPipelineExecutions(ctx, parseInput(operation, body));
    case 'GetPipelineState':
      return getPipelineState(ctx, parseInput(operation, body));
    case 'ListActionExecutions':
      return listActionExecutions(ctx, parseInput(operation, body));
    case 'RetryStageExecution':
      return retryStageExecution(ctx, parseInput(operation, body));
    case 'PutApprovalResult':
      return putApprovalResult(ctx, parseInput(operation, body));
  }
}

// ---- look-ups with the service's errors --------------------------------------------------------

function pipelineOf(ctx: OperationContext, name: string): PipelineRecord {
  const pipeline = ctx.engine.pipelines.get(name);
  if (pipeline === undefined) {
    throw new AwsServiceError(
      'PipelineNotFoundException',
      `Account '${ctx.accountId}' does not have a pipeline with name '${name}'`,
    );
  }
  return pipeline;
}

function stageOf(pipeline: PipelineRecord, stageName: string) {
  const stage = pipeline.stages.find((s) => s.name === stageName);
  if (stage === undefined) {
    throw new AwsServiceError(
      'StageNotFoundException',
      `Stage '${stageName}' does not exist in pipeline '${pipeline.name}'`,
    );
  }
  return stage;
}

function executionOf(ctx: OperationContext, pipeline: PipelineRecord, id: string): ExecutionRecord {
  const execution = ctx.engine.executions.get(id);
  if (execution === undefined || execution.pipelineName !== pipeline.name) {
    throw new AwsServiceError(
      'PipelineExecutionNotFoundException',
      `Pipeline execution '${id}' does not exist in pipeline '${pipeline.name}'`,
    );
  }
  return execution;
}

// ---- pagination ---------------------------------------------------------------------------------

function page<T>(items: T[], nextToken: string | undefined, maxResults: number): { items: T[]; nextToken?: string } {
  let offset = 0;
  if (nextToken !== undefined) {
    const decoded = Number(
      Buffer.from(nextToken, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length) {
      throw new AwsServiceError('InvalidNextTokenException', 'The next token was specified in an invalid format.');
    }
    offset = decoded;
  }
  const end = offset + maxResults;
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { nextToken: Buffer.from(`offset:${end}`).toString('base64url') } : {}),
  };
}

// ---- pipelines ----------------------------------------------------------------------------------

export function pipelineDeclaration(pipeline: PipelineRecord) {
  return {
    name: pipeline.name,
    roleArn: pipeline.roleArn,
    artifactStore: pipeline.artifactStore,
    stages: pipeline.stages.map((stage) => ({
      name: stage.name,
      actions: stage.actions.map((a) => ({
        name: a.name,
        actionTypeId: a.actionTypeId,
        runOrder: a.runOrder,
        configuration: a.configuration,
        outputArtifacts: a.outputArtifacts,
        inputArtifacts: a.inputArtifacts,
        region: a.region,
        ...(a.roleArn === undefined ? {} : { roleArn: a.roleArn }),
        ...(a.namespace === undefined ? {} : { namespace: a.namespace }),
      })),
    })),
    version: pipeline.version,
    executionMode: pipeline.executionMode,
    pipelineType: pipeline.pipelineType,
  };
}

const createPipeline: Handler<'CreatePipeline'> = (ctx, input) => {
  if (ctx.engine.pipelines.has(input.pipeline.name)) {
    throw new AwsServiceError('PipelineNameInUseException', `Pipeline name already used: ${input.pipeline.name}`);
  }
  const definition = normalizePipeline(input.pipeline, ctx);
  const problem = structureProblem(definition);
  if (problem !== undefined) throw new AwsServiceError('InvalidStructureException', problem);
  const record = ctx.engine.define(definition, input.tags ?? []);
  return { pipeline: pipelineDeclaration(record), ...(input.tags === undefined ? {} : { tags: input.tags }) };
};

const getPipeline: Handler<'GetPipeline'> = (ctx, input) => {
  const pipeline = pipelineOf(ctx, input.name);
  if (input.version !== undefined && input.version !== pipeline.version) {
    // Only the current version is kept.
    throw new AwsServiceError(
      'PipelineVersionNotFoundException',
      `Pipeline '${pipeline.name}' has no version ${input.version}`,
    );
  }
  return {
    pipeline: pipelineDeclaration(pipeline),
    metadata: {
      pipelineArn: `arn:aws:codepipeline:${ctx.region}:${ctx.accountId}:${pipeline.name}`,
      created: seconds(pipeline.created),
      updated: seconds(pipeline.updated),
    },
  };
};

const listPipelines: Handler<'ListPipelines'> = (ctx, input) => {
  const all = [...ctx.engine.pipelines.values()].sort((a, b) => a.name.localeCompare(b.name));
  const { items, nextToken } = page(all, input.nextToken, input.maxResults ?? 1000);
  return {
    pipelines: items.map((p) => ({
      name: p.name,
      version: p.version,
      pipelineType: p.pipelineType,
      executionMode: p.executionMode,
      created: seconds(p.created),
      updated: seconds(p.updated),
    })),
    ...(nextToken === undefined ? {} : { nextToken }),
  };
};

// ---- executions ---------------------------------------------------------------------------------

const startPipelineExecution: Handler<'StartPipelineExecution'> = (ctx, input) => {
  const pipeline = pipelineOf(ctx, input.name);
  // The same clientRequestToken returns the execution it started (idempotency, as in AWS).
  if (input.clientRequestToken !== undefined) {
    const previous = ctx.engine
      .executionsOf(pipeline.name)
      .find((e) => e.clientRequestToken === input.clientRequestToken);
    if (previous !== undefined) return { pipelineExecutionId: previous.pipelineExecutionId };
  }
  const execution = ctx.engine.start(
    pipeline,
    { triggerType: 'StartPipelineExecution', triggerDetail: ctx.callerArn },
    input.clientRequestToken,
  );
  return { pipelineExecutionId: execution.pipelineExecutionId };
};

const stopPipelineExecution: Handler<'StopPipelineExecution'> = (ctx, input) => {
  const pipeline = pipelineOf(ctx, input.pipelineName);
  const execution = executionOf(ctx, pipeline, input.pipelineExecutionId);
  ctx.engine.stop(execution, input.abandon ?? false, input.reason);
  return { pipelineExecutionId: execution.pipelineExecutionId };
};

/** The execution's git sources as CodePipeline reports their revisions (artifact name or action name, id, summary, URL). */
function revisions(pipeline: PipelineRecord, execution: ExecutionRecord) {
  return (execution.sources ?? []).flatMap(({ action: name, commit }) => {
    const action = pipeline.stages.flatMap((stage) => stage.actions).find((candidate) => candidate.name === name);
    if (action === undefined) return [];
    return [{ action, commit, revision: revisionOf(action, pipeline.name, action.region, commit) }];
  });
}

function trigger(execution: ExecutionRecord) {
  return { triggerType: execution.trigger.triggerType, triggerDetail: execution.trigger.triggerDetail };
}

const getPipelineExecution: Handler<'GetPipelineExecution'> = (ctx, input) => {
  const pipeline = pipelineOf(ctx, input.pipelineName);
  const execution = executionOf(ctx, pipeline, input.pipelineExecutionId);
  return {
    pipelineExecution: {
      pipelineName: pipeline.name,
      pipelineVersion: execution.pipelineVersion,
      pipelineExecutionId: execution.pipelineExecutionId,
      status: execution.status,
      ...(execution.statusSummary === undefined ? {} : { statusSummary: execution.statusSummary }),
      artifactRevisions: revisions(pipeline, execution).map(({ action, commit, revision }) => ({
        name: action.outputArtifacts[0]?.name ?? action.name,
        ...revision,
        created: seconds(commit.time),
      })),
      trigger: trigger(execution),
      executionMode: pipeline.executionMode,
      executionType: 'STANDARD',
    },
  };
};

const listPipelineExecutions: Handler<'ListPipelineExecutions'> = (ctx, input) => {
  const pipeline = pipelineOf(ctx, input.pipelineName);
  const succeededIn = input.filter?.succeededInStage?.stageName;
  const all = newestFirst(ctx.engine.executionsOf(pipeline.name)).filter(
    (e) => succeededIn === undefined || e.stages.some((s) => s.name === succeededIn && s.status === 'Succeeded'),
  );
  const { items, nextToken } = page(all, input.nextToken, input.maxResults ?? 100);
  return {
    pipelineExecutionSummaries: items.map((e) => ({
      pipelineExecutionId: e.pipelineExecutionId,
      status: e.status,
      ...(e.statusSummary === undefined ? {} : { statusSummary: e.statusSummary }),
      startTime: seconds(e.startTime),
      lastUpdateTime: seconds(e.lastUpdateTime),
      sourceRevisions: revisions(pipeline, e).map(({ action, revision }) => ({ actionName: action.name, ...revision })),
      trigger: trigger(e),
      ...(e.stopTrigger === undefined ? {} : { stopTrigger: e.stopTrigger }),
      executionMode: pipeline.executionMode,
      executionType: 'STANDARD',
    })),
    ...(nextToken === undefined ? {} : { nextToken }),
  };
};

function newestFirst(executions: ExecutionRecord[]): ExecutionRecord[] {
  // Insertion order breaks ties: executions started at the same clock time keep their order.
  return executions
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.startTime - a.e.startTime || b.i - a.i)
    .map(({ e }) => e);
}

// ---- state ----------------------------------------------------------------------------------------

function actionExecutionState(run: ActionRun) {
  return {
    actionExecutionId: run.actionExecutionId,
    status: run.status,
    ...(run.summary === undefined ? {} : { summary: run.summary }),
    lastStatusChange: seconds(run.lastUpdateTime),
    // The token is only handed out while the approval waits for an answer.
    ...(run.token !== undefined && run.status === 'InProgress' ? { token: run.token } : {}),
    ...(run.externalExecutionId === undefined ? {} : { externalExecutionId: run.externalExecutionId }),
    ...(run.externalExecutionUrl === undefined ? {} : { externalExecutionUrl: run.externalExecutionUrl }),
    ...(run.errorDetails === undefined ? {} : { errorDetails: run.errorDetails }),
    // Who answered an approval, as AWS records the caller of PutApprovalResult.
    ...(run.approval?.by === undefined ? {} : { lastUpdatedBy: run.approval.by }),
  };
}

const getPipelineState: Handler<'GetPipelineState'> = (ctx, input) => {
  const pipeline = pipelineOf(ctx, input.name);
  const executions = ctx.engine.executionsOf(pipeline.name);
  const stageStates = pipeline.stages.map((stageDef, index) => {
    const latest = ctx.engine.executions.get(pipeline.stageLatest[stageDef.name] ?? '');
    const stageRun: StageRun | undefined = latest?.stages.find((s) => s.name === stageDef.name);
    const inbound = executions.filter((e) => e.status === 'InProgress' && e.waitingFor === index);
    const actionStates = stageDef.actions.map((actionDef) => {
      const runs = (latest ? [latest] : [])
        .concat(executions)
        .flatMap((e) => e.actions.filter((r) => r.stageName === stageDef.name && r.actionName === actionDef.name));
      // The stage's latest execution first; otherwise the most recent run of the action anywhere.
      const fromLatest = latest?.actions
        .filter((r) => r.stageName === stageDef.name && r.actionName === actionDef.name)
        .at(-1);
      const run = fromLatest ?? runs.sort((a, b) => b.lastUpdateTime - a.lastUpdateTime)[0];
      return {
        actionName: actionDef.name,
        ...(run === undefined ? {} : { latestExecution: actionExecutionState(run) }),
      };
    });
    return {
      stageName: stageDef.name,
      ...(inbound[0] === undefined
        ? {}
        : {
            inboundExecution: {
              pipelineExecutionId: inbound[0].pipelineExecutionId,
              status: 'InProgress',
              type: 'STANDARD',
            },
            inboundExecutions: inbound.map((e) => ({
              pipelineExecutionId: e.pipelineExecutionId,
              status: 'InProgress',
              type: 'STANDARD',
            })),
          }),
      inboundTransitionState: { enabled: true },
      actionStates,
      ...(latest === undefined || stageRun === undefined
        ? {}
        : {
            latestExecution: {
              pipelineExecutionId: latest.pipelineExecutionId,
              status: stageRun.status,
              type: 'STANDARD',
            },
          }),
      ...(stageRun !== undefined && stageRun.manualRetryAttempts > 0
        ? {
            retryStageMetadata: {
              manualStageRetryAttempt: stageRun.manualRetryAttempts,
              latestRetryTrigger: 'ManualStageRetry',
            },
          }
        : {}),
    };
  });
  return {
    pipelineName: pipeline.name,
    pipelineVersion: pipeline.version,
    stageStates,
    created: seconds(pipeline.created),
    updated: seconds(pipeline.updated),
  };
};

const listActionExecutions: Handler<'ListActionExecutions'> = (ctx, input) => {
  const pipeline = pipelineOf(ctx, input.pipelineName);
  const filterId = input.filter?.pipelineExecutionId ?? input.filter?.latestInPipelineExecution?.pipelineExecutionId;
  const executions =
    filterId === undefined ? ctx.engine.executionsOf(pipeline.name) : [executionOf(ctx, pipeline, filterId)];
  const details = executions.flatMap((execution) => execution.actions.map((run, order) => ({ execution, run, order })));
  // Newest first, as the service lists them.
  details.sort((a, b) => b.run.startTime - a.run.startTime || b.order - a.order);
  const { items, nextToken } = page(details, input.nextToken, input.maxResults ?? 100);
  return {
    actionExecutionDetails: items.map(({ execution, run }) => {
      const action = pipeline.stages
        .find((s) => s.name === run.stageName)
        ?.actions.find((a) => a.name === run.actionName);
      const finished = run.status !== 'InProgress';
      return {
        pipelineExecutionId: execution.pipelineExecutionId,
        actionExecutionId: run.actionExecutionId,
        pipelineVersion: execution.pipelineVersion,
        stageName: run.stageName,
        actionName: run.actionName,
        startTime: seconds(run.startTime),
        lastUpdateTime: seconds(run.lastUpdateTime),
        status: run.status,
        ...(run.approval?.by === undefined ? {} : { updatedBy: run.approval.by }),
        input: {
          ...(action === undefined
            ? {}
            : {
                actionTypeId: action.actionTypeId,
                configuration: action.configuration,
                resolvedConfiguration: action.configuration,
                region: action.region,
                ...(action.namespace === undefined ? {} : { namespace: action.namespace }),
              }),
          inputArtifacts: run.inputArtifacts.map((a) => ({
            name: a.name,
            s3location: { bucket: a.bucket, key: a.key },
          })),
        },
        output: {
          outputArtifacts: run.outputArtifacts.map((a) => ({
            name: a.name,
            s3location: { bucket: a.bucket, key: a.key },
          })),
          ...(finished
            ? {
                executionResult: {
                  ...(run.externalExecutionId === undefined ? {} : { externalExecutionId: run.externalExecutionId }),
                  ...(run.summary === undefined ? {} : { externalExecutionSummary: run.summary }),
                  ...(run.externalExecutionUrl === undefined ? {} : { externalExecutionUrl: run.externalExecutionUrl }),
                  ...(run.errorDetails === undefined ? {} : { errorDetails: run.errorDetails }),
                },
              }
            : {}),
          outputVariables: {},
        },
      };
    }),
    ...(nextToken === undefined ? {} : { nextToken }),
  };
};

// ---- retry and approval -----------------------------------------------------------------------

const BUSY =
  'Your request cannot be handled because the pipeline is busy handling ongoing activities. Try again later.';

/**
 * Checks in the order a caller can act on them: what is named must exist; then the execution must
 * be the stage's latest (GetPipelineState's `latestExecution`), else
 * NotLatestPipelineExecutionException, or ConflictException while that later execution is still
 * inside the stage (busy); then the stage must be failed or stopped (StageNotRetryableException,
 * also for ALL_ACTIONS with actions still running). A stop in progress is ConflictException.
 */
const retryStageExecution: Handler<'RetryStageExecution'> = (ctx, input) => {
  const pipeline = pipelineOf(ctx, input.pipelineName);
  stageOf(pipeline, input.stageName);
  const latestId = pipeline.stageLatest[input.stageName];
  if (latestId === undefined) {
    throw new AwsServiceError('StageNotRetryableException', `Stage ${input.stageName} has not run yet`);
  }
  if (latestId !== input.pipelineExecutionId) {
    const latest = ctx.engine.executions.get(latestId);
    const latestStage = latest?.stages.find((s) => s.name === input.stageName);
    if (latestStage?.status === 'InProgress' || latestStage?.status === 'Stopping') {
      throw new AwsServiceError('ConflictException', BUSY);
    }
    throw new AwsServiceError(
      'NotLatestPipelineExecutionException',
      'The stage has failed in a later run of the pipeline and the pipelineExecutionId associated with the request is out of date.',
    );
  }
  const execution = executionOf(ctx, pipeline, input.pipelineExecutionId);
  ctx.engine.retry(execution, input.stageName, input.retryMode);
  return { pipelineExecutionId: execution.pipelineExecutionId };
};

/**
 * The token must be the one GetPipelineState shows for a waiting approval. A token of a request
 * that already got an answer → ApprovalAlreadyCompletedException (the race of two reviewers);
 * any other token (unknown, expired, abandoned, another action's) → InvalidApprovalTokenException.
 */
const putApprovalResult: Handler<'PutApprovalResult'> = (ctx, input) => {
  const pipeline = pipelineOf(ctx, input.pipelineName);
  const stage = stageOf(pipeline, input.stageName);
  if (!stage.actions.some((a) => a.name === input.actionName)) {
    throw new AwsServiceError(
      'ActionNotFoundException',
      `Action '${input.actionName}' does not exist in stage '${stage.name}' of pipeline '${pipeline.name}'`,
    );
  }
  for (const execution of ctx.engine.executionsOf(pipeline.name)) {
    const run = execution.actions.find(
      (r) => r.token === input.token && r.stageName === stage.name && r.actionName === input.actionName,
    );
    if (run === undefined) continue;
    if (run.status === 'InProgress') {
      const approvedAt = ctx.engine.approve(execution, run, input.result.status, input.result.summary, ctx.callerArn);
      return { approvedAt: seconds(approvedAt) };
    }
    if (run.approval !== undefined) {
      throw new AwsServiceError(
        'ApprovalAlreadyCompletedException',
        `The approval action has already been ${run.approval.status === 'Approved' ? 'approved' : 'rejected'}.`,
      );
    }
    break;
  }
  throw new AwsServiceError(
    'InvalidApprovalTokenException',
    'The approval request already received a response or has expired.',
  );
};
