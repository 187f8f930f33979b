// (adapter) CodePipeline over the AWS JSON protocol (AwsJsonClient) --> core PipelineClient port
import type {
  ActionExecutionStatus,
  ActionExecutionView,
  ActionStateView,
  ErrorDetailsView,
  PipelineClient,
  PipelineExecutionRef,
  PipelineExecutionStatus,
  PipelineExecutionView,
  PipelineStateView,
  PutApprovalResultInput,
  RetryStageExecutionInput,
  StageExecutionStatus,
  StageStateView,
} from '../core/ports';
import type { AwsJsonClient } from './json-client';

/** ListActionExecutions' page size maximum. */
const PAGE_SIZE = 100;

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

/*
 * The wire: exactly the fields of CodePipeline's JSON answers this adapter reads (the SDK's types
 * would say Date where the wire has epoch seconds). A JSON null member arrives as absent
 * (AwsJsonClient drops them, as the SDK's deserializer does). Timestamps are epoch seconds,
 * possibly fractional (`1446137312.204`).
 */

/** Epoch seconds, possibly fractional. */
type EpochSeconds = number;

interface ErrorDetailsWire {
  readonly code?: string;
  readonly message?: string;
}

interface GetPipelineStateOutputWire {
  readonly pipelineName?: string;
  readonly pipelineVersion?: number;
  readonly stageStates?: readonly StageStateWire[];
}

interface StageStateWire {
  readonly stageName?: string;
  readonly latestExecution?: {
    readonly pipelineExecutionId?: string;
    readonly status?: string;
  };
  readonly actionStates?: readonly ActionStateWire[];
}

interface ActionStateWire {
  readonly actionName?: string;
  readonly latestExecution?: {
    readonly actionExecutionId?: string;
    readonly status?: string;
    readonly token?: string;
    readonly summary?: string;
    readonly externalExecutionId?: string;
    readonly externalExecutionUrl?: string;
    readonly errorDetails?: ErrorDetailsWire;
    readonly lastStatusChange?: EpochSeconds;
  };
}

interface RetryStageExecutionOutputWire {
  readonly pipelineExecutionId?: string;
}

interface PutApprovalResultOutputWire {
  readonly approvedAt?: EpochSeconds;
}

interface GetPipelineOutputWire {
  readonly pipeline?: { readonly stages?: readonly { readonly name?: string }[] };
}

interface GetPipelineExecutionOutputWire {
  readonly pipelineExecution?: {
    readonly pipelineExecutionId?: string;
    readonly status?: string;
    readonly statusSummary?: string;
    readonly executionMode?: string;
  };
}

interface ListActionExecutionsOutputWire {
  readonly actionExecutionDetails?: readonly ActionExecutionDetailWire[];
  readonly nextToken?: string;
}

interface ActionExecutionDetailWire {
  readonly stageName?: string;
  readonly actionName?: string;
  readonly actionExecutionId?: string;
  readonly status?: string;
  readonly startTime?: EpochSeconds;
  readonly lastUpdateTime?: EpochSeconds;
  readonly input?: { readonly actionTypeId?: { readonly category?: string } };
  readonly output?: {
    readonly executionResult?: {
      readonly externalExecutionSummary?: string;
      readonly externalExecutionId?: string;
      readonly externalExecutionUrl?: string;
      readonly errorDetails?: ErrorDetailsWire;
    };
  };
}

export interface CodePipelinePipelineClientOptions {
  /** The client for the default region (the function's own). */
  readonly client: AwsJsonClient;
  /** The default client's region (default: the client's); `inRegion` of this region (or of undefined) returns this instance. */
  readonly region?: string;
  /**
   * Builds a client for another region (buttons name the pipeline's region); default: the client
   * for that region, with the same credentials and settings (`client.withRegion`).
   */
  readonly clientFor?: (region: string) => AwsJsonClient;
  /** ListActionExecutions page size (1–100); smaller only to exercise paging in tests. */
  readonly pageSize?: number;
}

/**
 * CodePipeline through its JSON API (AwsJsonClient), mapped to the core's views: the wire's
 * epoch-second timestamps become ISO 8601 strings, nested optional structures become plain
 * optional fields. Failures are not wrapped: an AwsServiceError's `name` is the CodePipeline error
 * code, which is what the core's use cases match on (StageNotRetryableException,
 * InvalidApprovalTokenException, …).
 */
export class CodePipelinePipelineClient implements PipelineClient {
  private readonly client: AwsJsonClient;
  private readonly region: string | undefined;
  private readonly clientFor: (region: string) => AwsJsonClient;
  private readonly pageSize: number;
  /** Shared between the instances of all regions, so each region gets one client per cold start. */
  private readonly regions: Map<string, CodePipelinePipelineClient>;

  /** `regions` is internal: the cache `inRegion` shares with the clients it creates. */
  constructor(options: CodePipelinePipelineClientOptions, regions?: Map<string, CodePipelinePipelineClient>) {
    this.client = options.client;
    this.region = options.region ?? options.client.region;
    this.clientFor = options.clientFor ?? ((region) => options.client.withRegion(region));
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.regions = regions ?? new Map();
    if (this.region !== undefined) this.regions.set(this.region, this);
  }

  /**
   * The same client for a pipeline in `region` (a button carries the pipeline's region; with a
   * bus policy, events may come from other regions and accounts). Cached: one AwsJsonClient per region.
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
    const output = await this.client.call<GetPipelineStateOutputWire>('GetPipelineState', { name: pipeline });
    return {
      pipelineName: output.pipelineName ?? pipeline,
      ...(output.pipelineVersion === undefined ? {} : { pipelineVersion: output.pipelineVersion }),
      stages: (output.stageStates ?? []).map(stageView),
    };
  }

  async retryStageExecution(input: RetryStageExecutionInput): Promise<{ readonly pipelineExecutionId: string }> {
    const output = await this.client.call<RetryStageExecutionOutputWire>('RetryStageExecution', {
      pipelineName: input.pipeline,
      stageName: input.stage,
      pipelineExecutionId: input.executionId,
      retryMode: input.mode,
    });
    // A retry continues the same execution; AWS answers with its id, fall back to it if absent.
    return { pipelineExecutionId: output.pipelineExecutionId ?? input.executionId };
  }

  async putApprovalResult(input: PutApprovalResultInput): Promise<{ readonly approvedAt?: string }> {
    const output = await this.client.call<PutApprovalResultOutputWire>('PutApprovalResult', {
      pipelineName: input.pipeline,
      stageName: input.stage,
      actionName: input.action,
      token: input.token,
      result: { status: input.status, summary: input.summary },
    });
    return output.approvedAt === undefined ? {} : { approvedAt: isoOfEpochSeconds(output.approvedAt) };
  }

  async getPipelineStageNames(pipeline: string): Promise<readonly string[]> {
    const output = await this.client.call<GetPipelineOutputWire>('GetPipeline', { name: pipeline });
    return (output.pipeline?.stages ?? []).flatMap((stage) => (stage.name === undefined ? [] : [stage.name]));
  }

  async getPipelineExecution(ref: PipelineExecutionRef): Promise<PipelineExecutionView> {
    const output = await this.client.call<GetPipelineExecutionOutputWire>('GetPipelineExecution', {
      pipelineName: ref.pipeline,
      pipelineExecutionId: ref.executionId,
    });
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
    };
  }

  async listActionExecutions(ref: PipelineExecutionRef): Promise<readonly ActionExecutionView[]> {
    const views: ActionExecutionView[] = [];
    let nextToken: string | undefined;
    do {
      // An undefined nextToken is left out of the JSON (the first page).
      const output = await this.client.call<ListActionExecutionsOutputWire>('ListActionExecutions', {
        pipelineName: ref.pipeline,
        filter: { pipelineExecutionId: ref.executionId },
        maxResults: this.pageSize,
        nextToken,
      });
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
 * Epoch seconds as ISO 8601, rounded to the millisecond as the SDK parses them (a fractional
 * second times 1000 is not always a whole number of milliseconds in floating point).
 */
function isoOfEpochSeconds(seconds: EpochSeconds): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

function stageView(stage: StageStateWire): StageStateView {
  const latest = stage.latestExecution;
  return {
    stageName: stage.stageName ?? '',
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

function actionStateView(action: ActionStateWire): ActionStateView {
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
      ...(latest.lastStatusChange === undefined
        ? {}
        : { lastStatusChange: isoOfEpochSeconds(latest.lastStatusChange) }),
    },
  };
}

function actionExecutionView(detail: ActionExecutionDetailWire): ActionExecutionView | undefined {
  if (detail.stageName === undefined || detail.actionName === undefined) return undefined;
  const result = detail.output?.executionResult;
  const errorDetails = errorDetailsView(result?.errorDetails);
  const status = actionStatus(detail.status);
  const category = detail.input?.actionTypeId?.category;
  return {
    stageName: detail.stageName,
    actionName: detail.actionName,
    ...(detail.actionExecutionId === undefined ? {} : { actionExecutionId: detail.actionExecutionId }),
    ...(status === undefined ? {} : { status }),
    ...(detail.startTime === undefined ? {} : { startTime: isoOfEpochSeconds(detail.startTime) }),
    ...(detail.lastUpdateTime === undefined ? {} : { lastUpdateTime: isoOfEpochSeconds(detail.lastUpdateTime) }),
    ...(category === undefined ? {} : { category }),
    ...(result?.externalExecutionSummary === undefined ? {} : { summary: result.externalExecutionSummary }),
    ...(result?.externalExecutionId === undefined ? {} : { externalExecutionId: result.externalExecutionId }),
    ...(result?.externalExecutionUrl === undefined ? {} : { externalExecutionUrl: result.externalExecutionUrl }),
    ...(errorDetails === undefined ? {} : { errorDetails }),
  };
}

function actionStatus(status: string | undefined): ActionExecutionStatus | undefined {
  return status !== undefined && ACTION_STATUSES.has(status) ? (status as ActionExecutionStatus) : undefined;
}

function errorDetailsView(details: ErrorDetailsWire | undefined): ErrorDetailsView | undefined {
  if (details === undefined || (details.code === undefined && details.message === undefined)) return undefined;
  return {
    ...(details.code === undefined ? {} : { code: details.code }),
    ...(details.message === undefined ? {} : { message: details.message }),
  };
}
