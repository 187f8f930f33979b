// (adapter) CodePipeline (SDK v3 CodePipelineClient) --> core PipelineClient port
import {
  type ActionExecutionDetail,
  type ActionState,
  CodePipelineClient,
  CodePipelineServiceException,
  type ErrorDetails,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  PutApprovalResultCommand,
  RetryStageExecutionCommand,
  type StageState,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import {
  type ActionExecutionStatus,
  type ActionExecutionView,
  type ActionStateView,
  type ErrorDetailsView,
  PipelineApiError,
  type PipelineClient,
  type PipelineExecutionRef,
  type PipelineExecutionStatus,
  type PipelineExecutionSummaryView,
  type PipelineExecutionView,
  type PipelineHistory,
  type PipelineStateView,
  type PutApprovalResultInput,
  type RetryStageExecutionInput,
  type SourceRevisionView,
  type StageExecutionStatus,
  type StageStateView,
  type StopPipelineExecutionInput,
} from '../core/ports';
import { configLike } from './client-like';

/** ListActionExecutions' page size maximum. */
const PAGE_SIZE = 100;
/** ListPipelines' page size maximum: one call for most accounts. */
const PIPELINES_PAGE_SIZE = 1000;

const STAGE_STATUSES: ReadonlySet<string> = new Set<StageExecutionStatus>([
  'Cancelled',
  'InProgress',
  'Failed',
  'Stopped',
  'Stopping',
  'Succeeded',
  'Skipped',
]);
const ACTION_STATUSES: ReadonlySet<string> = new Set<ActionExecutionStatus>([
  'InProgress',
  'Abandoned',
  'Succeeded',
  'Failed',
]);
const EXECUTION_STATUSES: ReadonlySet<string> = new Set<PipelineExecutionStatus>([
  'Cancelled',
  'InProgress',
  'Stopped',
  'Stopping',
  'Succeeded',
  'Superseded',
  'Failed',
]);

export interface CodePipelinePipelineClientOptions {
  /** The client for the default region (the function's own). */
  readonly client: CodePipelineClient;
  /** The default client's region; `inRegion` of this region (or of undefined) returns this instance. */
  readonly region?: string;
  /**
   * Builds a client for another region (buttons name the pipeline's region); default: a client
   * with the default client's configuration (credentials, retries, timeouts) and that region.
   */
  readonly clientFor?: (region: string) => CodePipelineClient;
  /**
   * ListActionExecutions page size (1–100); smaller only to exercise paging in tests, and then
   * ListPipelines' too (which otherwise reads 1000 a page).
   */
  readonly pageSize?: number;
}

/**
 * CodePipeline through the SDK's client, mapped to the core's views: Date timestamps become ISO
 * 8601 strings, nested optional structures become plain optional fields.
 */
export class CodePipelinePipelineClient implements PipelineClient, PipelineHistory {
  private readonly client: CodePipelineClient;
  private readonly region: string | undefined;
  private readonly clientFor: (region: string) => CodePipelineClient;
  private readonly pageSize: number;
  /** Shared between the instances of all regions, so each region gets one client per cold start. */
  private readonly regions: Map<string, CodePipelinePipelineClient>;

  /** `regions` is internal: the cache `inRegion` shares with the clients it creates. */
  constructor(options: CodePipelinePipelineClientOptions, regions?: Map<string, CodePipelinePipelineClient>) {
    this.client = options.client;
    this.region = options.region;
    this.clientFor = options.clientFor ?? ((region) => clientInRegion(options.client, region));
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.regions = regions ?? new Map();
    if (this.region !== undefined) this.regions.set(this.region, this);
  }

  /**
   * The same client for a pipeline in `region` (a button carries the pipeline's region; with a
   * bus policy, events may come from other regions and accounts). Cached: one CodePipelineClient per region.
   */
  inRegion(region: string | undefined): CodePipelinePipelineClient {
    if (region === undefined || region === this.region) return this;
    let client = this.regions.get(region);
    if (client === undefined) {
      client = new CodePipelinePipelineClient(
        { client: this.clientFor(region), region, clientFor: this.clientFor, pageSize: this.pageSize },
        this.regions,
      );
    }
    return client;
  }

  async getPipelineState(pipeline: string): Promise<PipelineStateView> {
    const output = await answer(this.client.send(new GetPipelineStateCommand({ name: pipeline })));
    return {
      pipelineName: output.pipelineName ?? pipeline,
      ...(output.pipelineVersion === undefined ? {} : { pipelineVersion: output.pipelineVersion }),
      stages: (output.stageStates ?? []).map(stageView),
    };
  }

  async retryStageExecution(input: RetryStageExecutionInput): Promise<{ readonly pipelineExecutionId: string }> {
    const output = await answer(
      this.client.send(
        new RetryStageExecutionCommand({
          pipelineName: input.pipeline,
          stageName: input.stage,
          pipelineExecutionId: input.executionId,
          retryMode: input.mode,
        }),
      ),
    );
    // A retry continues the same execution; AWS answers with its id, fall back to it if absent.
    return { pipelineExecutionId: output.pipelineExecutionId ?? input.executionId };
  }

  async putApprovalResult(input: PutApprovalResultInput): Promise<{ readonly approvedAt?: string }> {
    const output = await answer(
      this.client.send(
        new PutApprovalResultCommand({
          pipelineName: input.pipeline,
          stageName: input.stage,
          actionName: input.action,
          token: input.token,
          result: { status: input.status, summary: input.summary },
        }),
      ),
    );
    return output.approvedAt === undefined ? {} : { approvedAt: output.approvedAt.toISOString() };
  }

  async stopPipelineExecution(input: StopPipelineExecutionInput): Promise<{ readonly pipelineExecutionId: string }> {
    const output = await answer(
      this.client.send(
        new StopPipelineExecutionCommand({
          pipelineName: input.pipeline,
          pipelineExecutionId: input.executionId,
          abandon: input.abandon,
          reason: input.reason,
        }),
      ),
    );
    return { pipelineExecutionId: output.pipelineExecutionId ?? input.executionId };
  }

  async startPipelineExecution(
    pipeline: string,
  ): Promise<{ readonly pipelineExecutionId: string; readonly region?: string }> {
    const output = await answer(this.client.send(new StartPipelineExecutionCommand({ name: pipeline })));
    if (output.pipelineExecutionId === undefined) {
      throw new PipelineApiError('InvalidResponse', 'StartPipelineExecution answered without an execution id');
    }
    return {
      pipelineExecutionId: output.pipelineExecutionId,
      ...(this.region === undefined ? {} : { region: this.region }),
    };
  }

  async getPipelineStageNames(pipeline: string): Promise<readonly string[]> {
    const output = await answer(this.client.send(new GetPipelineCommand({ name: pipeline })));
    return (output.pipeline?.stages ?? []).flatMap((stage) => (stage.name === undefined ? [] : [stage.name]));
  }

  /**
   * The `timeoutInMinutes` of the pipeline's approval actions (GetPipeline), by `<stage>/<action>`:
   * only those that declare one (the others wait CodePipeline's default of 7 days).
   */
  async getApprovalTimeouts(pipeline: string): Promise<ReadonlyMap<string, number>> {
    const output = await answer(this.client.send(new GetPipelineCommand({ name: pipeline })));
    const timeouts = new Map<string, number>();
    for (const stage of output.pipeline?.stages ?? []) {
      for (const action of stage.actions ?? []) {
        if (action.actionTypeId?.category !== 'Approval' || action.timeoutInMinutes === undefined) continue;
        timeouts.set(`${stage.name}/${action.name}`, action.timeoutInMinutes);
      }
    }
    return timeouts;
  }

  /** Every pipeline's name in this region (ListPipelines, all pages): what `subscribe` checks names against. */
  async listPipelineNames(): Promise<readonly string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const output = await answer(
        this.client.send(
          new ListPipelinesCommand({
            maxResults: this.pageSize === PAGE_SIZE ? PIPELINES_PAGE_SIZE : this.pageSize,
            ...(nextToken === undefined ? {} : { nextToken }),
          }),
        ),
      );
      for (const pipeline of output.pipelines ?? []) if (pipeline.name !== undefined) names.push(pipeline.name);
      nextToken = output.nextToken;
    } while (nextToken !== undefined);
    return names;
  }

  async getPipelineExecution(ref: PipelineExecutionRef): Promise<PipelineExecutionView> {
    const output = await answer(
      this.client.send(
        new GetPipelineExecutionCommand({ pipelineName: ref.pipeline, pipelineExecutionId: ref.executionId }),
      ),
    );
    const execution = output.pipelineExecution;
    const status = execution?.status;
    if (status === undefined || !EXECUTION_STATUSES.has(status)) {
      // The core's summaries are exhaustive over the documented statuses; an unknown one is a new
      // AWS feature this version cannot describe, better said loudly than mapped to a wrong word.
      throw new Error(
        `GetPipelineExecution returned ${status === undefined ? 'no status' : `the unknown status ${status}`} for ${ref.pipeline} ${ref.executionId}`,
      );
    }
    return {
      pipelineExecutionId: execution?.pipelineExecutionId ?? ref.executionId,
      status: status as PipelineExecutionStatus,
      ...(execution?.statusSummary === undefined ? {} : { statusSummary: execution.statusSummary }),
      ...(execution?.executionMode === undefined ? {} : { executionMode: execution.executionMode }),
      sourceRevisions: (execution?.artifactRevisions ?? []).flatMap((revision) =>
        revisionView({ ...revision, actionName: revision.name }),
      ),
    };
  }

  /** One page of the pipeline's executions, newest first (ListPipelineExecutions). */
  async listPipelineExecutions(
    pipeline: string,
    page: { readonly maxResults?: number; readonly nextToken?: string } = {},
  ): Promise<{ readonly executions: readonly PipelineExecutionSummaryView[]; readonly nextToken?: string }> {
    const output = await answer(
      this.client.send(
        new ListPipelineExecutionsCommand({
          pipelineName: pipeline,
          maxResults: page.maxResults ?? this.pageSize,
          ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
        }),
      ),
    );
    const executions = (output.pipelineExecutionSummaries ?? []).flatMap((summary) =>
      summary.pipelineExecutionId === undefined
        ? []
        : [
            {
              pipelineExecutionId: summary.pipelineExecutionId,
              ...(summary.status === undefined ? {} : { status: summary.status }),
              ...(summary.startTime === undefined ? {} : { startTime: summary.startTime.toISOString() }),
              sourceRevisions: (summary.sourceRevisions ?? []).flatMap(revisionView),
            },
          ],
    );
    return { executions, ...(output.nextToken === undefined ? {} : { nextToken: output.nextToken }) };
  }

  async listActionExecutions(ref: PipelineExecutionRef): Promise<readonly ActionExecutionView[]> {
    const views: ActionExecutionView[] = [];
    let nextToken: string | undefined;
    do {
      const output = await answer(
        this.client.send(
          new ListActionExecutionsCommand({
            pipelineName: ref.pipeline,
            filter: { pipelineExecutionId: ref.executionId },
            maxResults: this.pageSize,
            ...(nextToken === undefined ? {} : { nextToken }),
          }),
        ),
      );
      for (const detail of output.actionExecutionDetails ?? []) {
        const view = actionExecutionView(detail);
        if (view !== undefined) views.push(view);
      }
      nextToken = output.nextToken;
    } while (nextToken !== undefined);
    return views;
  }
}

/**
 * A client like `client` in another region: the same credentials, retries, request handler
 * (timeouts, sockets) and, where one was configured (the local mode), the same endpoint.
 */
function clientInRegion(client: CodePipelineClient, region: string): CodePipelineClient {
  return new CodePipelineClient(configLike(client, region));
}

/**
 * CodePipeline's refusals (modelled or not, each a CodePipelineServiceException named by its error
 * code) as the core's PipelineApiError; anything else (a network failure, a bug) passes as it is.
 */
async function answer<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof CodePipelineServiceException) {
      throw new PipelineApiError(error.name, error.message, { cause: error });
    }
    throw error;
  }
}

function stageView(stage: StageState): StageStateView {
  const latest = stage.latestExecution;
  const inbound = (
    stage.inboundExecutions ?? (stage.inboundExecution === undefined ? [] : [stage.inboundExecution])
  ).flatMap((execution) => (execution.pipelineExecutionId === undefined ? [] : [execution.pipelineExecutionId]));
  return {
    stageName: stage.stageName ?? '',
    ...(inbound.length === 0 ? {} : { inboundExecutionIds: inbound }),
    // A stage with an undocumented status is shown as never run rather than with a guessed state.
    ...(latest?.pipelineExecutionId !== undefined && latest.status !== undefined && STAGE_STATUSES.has(latest.status)
      ? {
          latestExecution: {
            pipelineExecutionId: latest.pipelineExecutionId,
            status: latest.status as StageExecutionStatus,
          },
        }
      : {}),
    actions: (stage.actionStates ?? []).map(actionStateView),
  };
}

function actionStateView(action: ActionState): ActionStateView {
  const latest = action.latestExecution;
  if (latest === undefined) return { actionName: action.actionName ?? '' };
  const errorDetails = errorDetailsView(latest.errorDetails);
  const status = actionStatus(latest.status);
  return {
    actionName: action.actionName ?? '',
    latestExecution: {
      ...(latest.actionExecutionId === undefined ? {} : { actionExecutionId: latest.actionExecutionId }),
      ...(status === undefined ? {} : { status }),
      ...(latest.token === undefined ? {} : { token: latest.token }),
      ...(latest.summary === undefined ? {} : { summary: latest.summary }),
      ...(latest.externalExecutionId === undefined ? {} : { externalExecutionId: latest.externalExecutionId }),
      ...(latest.externalExecutionUrl === undefined ? {} : { externalExecutionUrl: latest.externalExecutionUrl }),
      ...(errorDetails === undefined ? {} : { errorDetails }),
      ...(latest.lastStatusChange === undefined ? {} : { lastStatusChange: latest.lastStatusChange.toISOString() }),
      ...(latest.lastUpdatedBy === undefined ? {} : { lastUpdatedBy: latest.lastUpdatedBy }),
    },
  };
}

function actionExecutionView(detail: ActionExecutionDetail): ActionExecutionView | undefined {
  if (detail.stageName === undefined || detail.actionName === undefined) return undefined;
  const result = detail.output?.executionResult;
  const errorDetails = errorDetailsView(result?.errorDetails);
  const status = actionStatus(detail.status);
  const category = detail.input?.actionTypeId?.category;
  const provider = detail.input?.actionTypeId?.provider;
  const region = detail.input?.region;
  return {
    stageName: detail.stageName,
    actionName: detail.actionName,
    ...(detail.actionExecutionId === undefined ? {} : { actionExecutionId: detail.actionExecutionId }),
    ...(status === undefined ? {} : { status }),
    ...(detail.startTime === undefined ? {} : { startTime: detail.startTime.toISOString() }),
    ...(detail.lastUpdateTime === undefined ? {} : { lastUpdateTime: detail.lastUpdateTime.toISOString() }),
    ...(category === undefined ? {} : { category }),
    ...(result?.externalExecutionSummary === undefined ? {} : { summary: result.externalExecutionSummary }),
    ...(result?.externalExecutionId === undefined ? {} : { externalExecutionId: result.externalExecutionId }),
    ...(result?.externalExecutionUrl === undefined ? {} : { externalExecutionUrl: result.externalExecutionUrl }),
    ...(errorDetails === undefined ? {} : { errorDetails }),
    ...(provider === undefined ? {} : { provider }),
    ...(region === undefined ? {} : { region }),
    ...(detail.updatedBy === undefined ? {} : { updatedBy: detail.updatedBy }),
  };
}

/** An artifact or source revision, without those that name no revision. */
function revisionView(revision: {
  readonly actionName?: string | undefined;
  readonly revisionId?: string | undefined;
  readonly revisionSummary?: string | undefined;
  readonly revisionUrl?: string | undefined;
}): SourceRevisionView[] {
  if (revision.revisionId === undefined || revision.revisionId === '') return [];
  return [
    {
      ...(revision.actionName === undefined ? {} : { name: revision.actionName }),
      revisionId: revision.revisionId,
      ...(revision.revisionSummary === undefined ? {} : { revisionSummary: revision.revisionSummary }),
      ...(revision.revisionUrl === undefined ? {} : { revisionUrl: revision.revisionUrl }),
    },
  ];
}

function actionStatus(status: string | undefined): ActionExecutionStatus | undefined {
  return status !== undefined && ACTION_STATUSES.has(status) ? (status as ActionExecutionStatus) : undefined;
}

function errorDetailsView(details: ErrorDetails | undefined): ErrorDetailsView | undefined {
  if (details === undefined || (details.code === undefined && details.message === undefined)) return undefined;
  return {
    ...(details.code === undefined ? {} : { code: details.code }),
    ...(details.message === undefined ? {} : { message: details.message }),
  };
}
