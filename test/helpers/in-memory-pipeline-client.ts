import { randomUUID } from 'node:crypto';
import { PipelineApiError } from '../../src/core/actions';
import type {
  ActionExecutionStatus,
  ActionExecutionView,
  PipelineClient,
  PipelineExecutionRef,
  PipelineExecutionView,
  PipelineStateView,
  PutApprovalResultInput,
  RetryStageExecutionInput,
  StageExecutionStatus,
  StopPipelineExecutionInput,
} from '../../src/core/ports';

interface ActionModel {
  name: string;
  category: string;
  execution?: {
    executionId: string;
    actionExecutionId: string;
    status: ActionExecutionStatus;
    token?: string;
    summary?: string;
    url?: string;
    errorCode?: string;
  };
}

interface StageModel {
  name: string;
  actions: ActionModel[];
  latest?: { executionId: string; status: StageExecutionStatus };
}

export type PipelineOperation = keyof PipelineClient;

/**
 * CodePipeline in memory: pipelines of stages of actions, each with a latest
 * execution, and the API's rules for the calls the buttons make (a retry
 * needs a failed stage of the latest execution; an approval needs the current
 * token, then consumes it). Records each call. A real class implementing the
 * port, not a mock: the local CodePipeline simulator stands in for AWS in
 * integration tests.
 */
export class InMemoryPipelineClient implements PipelineClient {
  readonly calls: { operation: PipelineOperation; input: unknown }[] = [];
  private readonly pipelines = new Map<string, StageModel[]>();
  private readonly injected = new Map<PipelineOperation, PipelineApiError>();

  /** Declares a pipeline: `{ Source: ['Source:Source'], Approval: ['ManualApproval:Approval'] }` (action:category). */
  addPipeline(name: string, stages: Record<string, string[]>): this {
    this.pipelines.set(
      name,
      Object.entries(stages).map(([stageName, actions]) => ({
        name: stageName,
        actions: actions.map((entry) => {
          const [actionName = entry, category = 'Build'] = entry.split(':');
          return { name: actionName, category };
        }),
      })),
    );
    return this;
  }

  /** Execution `executionId` failed in `stage` at `action`. */
  failStage(pipeline: string, stage: string, executionId: string, action: string, summary = 'Build failed'): this {
    const model = this.stageOf(pipeline, stage);
    model.latest = { executionId, status: 'Failed' };
    for (const candidate of model.actions) {
      const failed = candidate.name === action;
      candidate.execution = {
        executionId,
        actionExecutionId: randomUUID(),
        status: failed ? 'Failed' : 'Succeeded',
        ...(failed ? { summary, errorCode: 'JobFailed', url: 'https://example.com/build/1' } : {}),
      };
    }
    return this;
  }

  /** Execution `executionId` waits at the approval `action`; returns its token. */
  waitForApproval(pipeline: string, stage: string, action: string, executionId: string): string {
    const model = this.stageOf(pipeline, stage);
    const token = randomUUID();
    model.latest = { executionId, status: 'InProgress' };
    this.actionOf(model, action).execution = {
      executionId,
      actionExecutionId: randomUUID(),
      status: 'InProgress',
      token,
    };
    return token;
  }

  /** The next call of `operation` fails with this CodePipeline error (e.g. ConflictException). */
  failNext(operation: PipelineOperation, errorName: string, message = `${errorName} (injected)`): this {
    this.injected.set(operation, new PipelineApiError(errorName, message));
    return this;
  }

  /** The current status of an action's latest execution, for assertions. */
  actionStatus(pipeline: string, stage: string, action: string): ActionModel['execution'] {
    return this.actionOf(this.stageOf(pipeline, stage), action).execution;
  }

  stageStatus(pipeline: string, stage: string): StageModel['latest'] {
    return this.stageOf(pipeline, stage).latest;
  }

  async getPipelineState(pipeline: string): Promise<PipelineStateView> {
    this.enter('getPipelineState', pipeline);
    const stages = this.stagesOf(pipeline);
    return {
      pipelineName: pipeline,
      stages: stages.map((stage) => ({
        stageName: stage.name,
        ...(stage.latest
          ? { latestExecution: { pipelineExecutionId: stage.latest.executionId, status: stage.latest.status } }
          : {}),
        actions: stage.actions.map((action) => ({
          actionName: action.name,
          ...(action.execution
            ? {
                latestExecution: {
                  actionExecutionId: action.execution.actionExecutionId,
                  status: action.execution.status,
                  ...(action.execution.token ? { token: action.execution.token } : {}),
                  ...(action.execution.summary ? { summary: action.execution.summary } : {}),
                  ...(action.execution.url ? { externalExecutionUrl: action.execution.url } : {}),
                  ...(action.execution.errorCode
                    ? { errorDetails: { code: action.execution.errorCode, message: action.execution.summary ?? '' } }
                    : {}),
                },
              }
            : {}),
        })),
      })),
    };
  }

  async retryStageExecution(input: RetryStageExecutionInput): Promise<{ pipelineExecutionId: string }> {
    this.enter('retryStageExecution', input);
    const stage = this.stageOf(input.pipeline, input.stage);
    if (stage.latest?.executionId !== input.executionId) {
      throw new PipelineApiError(
        'NotLatestPipelineExecutionException',
        'The stage has failed in a later run of the pipeline and the pipelineExecutionId associated with the request is out of date.',
      );
    }
    if (stage.latest.status !== 'Failed') {
      throw new PipelineApiError(
        'StageNotRetryableException',
        'Unable to retry: the stage contains no failed actions.',
      );
    }
    stage.latest = { executionId: input.executionId, status: 'InProgress' };
    for (const action of stage.actions) {
      if (action.execution && (input.mode === 'ALL_ACTIONS' || action.execution.status === 'Failed')) {
        action.execution = { executionId: input.executionId, actionExecutionId: randomUUID(), status: 'InProgress' };
      }
    }
    return { pipelineExecutionId: input.executionId };
  }

  async putApprovalResult(input: PutApprovalResultInput): Promise<{ approvedAt: string }> {
    this.enter('putApprovalResult', input);
    if (input.summary.length > 512) throw new PipelineApiError('ValidationException', 'summary longer than 512');
    const action = this.actionOf(this.stageOf(input.pipeline, input.stage), input.action);
    const execution = action.execution;
    if (execution === undefined || execution.status !== 'InProgress' || execution.token !== input.token) {
      throw new PipelineApiError(
        'InvalidApprovalTokenException',
        'The approval request already received a response or has expired.',
      );
    }
    action.execution = {
      executionId: execution.executionId,
      actionExecutionId: execution.actionExecutionId,
      status: input.status === 'Approved' ? 'Succeeded' : 'Failed',
      summary: input.summary,
    };
    return { approvedAt: '2024-05-01T10:00:00.000Z' };
  }

  /** Stops the execution in the stages it holds (abandon: Stopped at once; wait: Stopping). */
  async stopPipelineExecution(input: StopPipelineExecutionInput): Promise<{ pipelineExecutionId: string }> {
    this.enter('stopPipelineExecution', input);
    if (input.reason.length > 200) throw new PipelineApiError('ValidationException', 'reason longer than 200');
    const running = this.stagesOf(input.pipeline).filter(
      (stage) => stage.latest?.executionId === input.executionId && stage.latest.status === 'InProgress',
    );
    if (running.length === 0) {
      throw new PipelineApiError(
        'PipelineExecutionNotStoppableException',
        `Unable to stop pipeline execution ${input.executionId}: it is not in progress`,
      );
    }
    for (const stage of running)
      stage.latest = { executionId: input.executionId, status: input.abandon ? 'Stopped' : 'Stopping' };
    return { pipelineExecutionId: input.executionId };
  }

  /** A new execution, in no stage yet. */
  async startPipelineExecution(pipeline: string): Promise<{ pipelineExecutionId: string }> {
    this.enter('startPipelineExecution', pipeline);
    this.stagesOf(pipeline);
    return { pipelineExecutionId: randomUUID() };
  }

  async getPipelineStageNames(pipeline: string): Promise<readonly string[]> {
    this.enter('getPipelineStageNames', pipeline);
    return this.stagesOf(pipeline).map((stage) => stage.name);
  }

  async getPipelineExecution(ref: PipelineExecutionRef): Promise<PipelineExecutionView> {
    this.enter('getPipelineExecution', ref);
    const stages = this.stagesOf(ref.pipeline).filter((stage) => stage.latest?.executionId === ref.executionId);
    if (stages.length === 0) throw new PipelineApiError('PipelineExecutionNotFoundException', 'no such execution');
    const statuses = stages.map((stage) => stage.latest?.status);
    const status = statuses.includes('Failed')
      ? 'Failed'
      : statuses.includes('InProgress')
        ? 'InProgress'
        : 'Succeeded';
    return { pipelineExecutionId: ref.executionId, status };
  }

  async listActionExecutions(ref: PipelineExecutionRef): Promise<ActionExecutionView[]> {
    this.enter('listActionExecutions', ref);
    return this.stagesOf(ref.pipeline).flatMap((stage) =>
      stage.actions.flatMap((action) => {
        const execution = action.execution;
        if (execution?.executionId !== ref.executionId) return [];
        return [
          {
            stageName: stage.name,
            actionName: action.name,
            category: action.category,
            actionExecutionId: execution.actionExecutionId,
            status: execution.status,
            ...(execution.summary ? { summary: execution.summary } : {}),
            ...(execution.url ? { externalExecutionUrl: execution.url } : {}),
          },
        ];
      }),
    );
  }

  private enter(operation: PipelineOperation, input: unknown): void {
    this.calls.push({ operation, input });
    const error = this.injected.get(operation);
    if (error) {
      this.injected.delete(operation);
      throw error;
    }
  }

  private stagesOf(pipeline: string): StageModel[] {
    const stages = this.pipelines.get(pipeline);
    if (stages === undefined) {
      throw new PipelineApiError('PipelineNotFoundException', `The pipeline ${pipeline} cannot be found.`);
    }
    return stages;
  }

  private stageOf(pipeline: string, stage: string): StageModel {
    const found = this.stagesOf(pipeline).find((candidate) => candidate.name === stage);
    if (found === undefined)
      throw new PipelineApiError('StageNotFoundException', `The stage ${stage} cannot be found.`);
    return found;
  }

  private actionOf(stage: StageModel, action: string): ActionModel {
    const found = stage.actions.find((candidate) => candidate.name === action);
    if (found === undefined)
      throw new PipelineApiError('ActionNotFoundException', `The action ${action} cannot be found.`);
    return found;
  }
}
