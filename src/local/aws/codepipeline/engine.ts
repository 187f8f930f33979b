// (local AWS) the CodePipeline simulator's execution state machine: stages, runOrders, retries, stops --> ordered transitions
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws-error';
import type { Clock } from '../clock';
import type { LocalBuildSpec } from '../codebuild/local-codebuild';
import type { PipelineDefinition } from './definitions';
import { actionTransition, type EventContext, pipelineTransition, stageTransition, type Transition } from './events';
import type { FailureInjector } from './failure-injection';
import type {
  ActionDefinition,
  ActionRun,
  ExecutionRecord,
  ExecutionTrigger,
  PipelineRecord,
  PlannedOutcome,
  SimulatorState,
  StageRun,
} from './model';
import { artifactKey, defaultFailureSummary, durationMs, failureResult, successResult } from './providers';
import { gitTriggerFields, isGitSource, type LocalCommit, newCommit } from './source-commits';

export const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

export interface EngineOptions {
  region: string;
  accountId: string;
  clock: Clock;
  failures: FailureInjector;
  /** Approval actions not answered within this time fail (AWS: 7 days). */
  approvalExpiryMs: number;
  /** Receives every transition, in order. */
  emit: (transition: Transition) => void;
  /** Receives each build a CodeBuild action ran, when it ends (before the action's event): the local CodeBuild. */
  onBuild?: ((build: LocalBuildSpec) => void) | undefined;
}

/**
 * The execution state machine. Stages run one after another; in a stage, actions run by
 * `runOrder` (equal runOrders in parallel), each for its duration on the injected Clock.
 *
 * Event sequence of a normal run of `myPipeline` (Source → Build → Approval → Prod), as
 * (level, stage, action, state):
 *
 * ```
 * pipeline                      STARTED
 * stage    Source               STARTED
 * action   Source   Source      STARTED
 * action   Source   Source      SUCCEEDED
 * stage    Source               SUCCEEDED
 * stage    Build                STARTED
 * action   Build    Build       STARTED
 * action   Build    Build       SUCCEEDED
 * stage    Build                SUCCEEDED
 * stage    Approval             STARTED
 * action   Approval Approval    STARTED      (waits for PutApprovalResult)
 * action   Approval Approval    SUCCEEDED    (Approved)
 * stage    Approval             SUCCEEDED
 * stage    Prod                 STARTED
 * action   Prod     Deploy      STARTED
 * action   Prod     Deploy      SUCCEEDED
 * stage    Prod                 SUCCEEDED
 * pipeline                      SUCCEEDED
 * ```
 *
 * A failing action: action FAILED, stage FAILED, pipeline FAILED (parallel actions of the same
 * runOrder still finish and report). RetryStageExecution: pipeline RESUMED, stage RESUMED (with
 * `stage-last-retry-attempt-time`), then the retried actions' STARTED…, all with
 * `pipeline-execution-attempt` + 1. StopPipelineExecution: pipeline STOPPING, stage STOPPING,
 * (with abandon, or for a waiting approval: action ABANDONED), stage STOPPED once no action runs,
 * pipeline STOPPED. An execution overtaken at a stage boundary: pipeline SUPERSEDED. Redefining a
 * pipeline (definePipelines with a known name) cancels its running executions: action CANCELED,
 * stage CANCELED, pipeline CANCELED.
 *
 * Execution mode: SUPERSEDED is what is simulated, whatever the declaration says (QUEUED and
 * PARALLEL are stored and reported only). A stage holds one execution at a time; an execution
 * that finishes stage N while another runs N+1 waits at the boundary, and a newer one arriving
 * there supersedes it.
 */
export class ExecutionEngine {
  readonly pipelines = new Map<string, PipelineRecord>();
  readonly executions = new Map<string, ExecutionRecord>();
  private readonly timers = new Map<string, () => void>();

  constructor(private readonly options: EngineOptions) {}

  // ---- pipelines -------------------------------------------------------------------------

  /** Adds a pipeline, or replaces its definition (version + 1, running executions cancelled). */
  define(definition: PipelineDefinition, tags: { key: string; value: string }[] = []): PipelineRecord {
    const now = this.now();
    const existing = this.pipelines.get(definition.name);
    if (existing !== undefined) {
      for (const execution of this.executionsOf(existing.name)) {
        if (execution.status === 'InProgress' || execution.status === 'Stopping') this.cancel(execution);
      }
      const stageNames = new Set(definition.stages.map((s) => s.name));
      const record: PipelineRecord = {
        ...existing,
        ...definition,
        version: existing.version + 1,
        updated: now,
        stageLatest: Object.fromEntries(
          Object.entries(existing.stageLatest).filter(([stage]) => stageNames.has(stage)),
        ),
      };
      this.pipelines.set(record.name, record);
      return record;
    }
    const record: PipelineRecord = { ...definition, version: 1, tags, created: now, updated: now, stageLatest: {} };
    this.pipelines.set(record.name, record);
    return record;
  }

  executionsOf(pipeline: string): ExecutionRecord[] {
    return [...this.executions.values()].filter((e) => e.pipelineName === pipeline);
  }

  // ---- start / stop / retry / approve --------------------------------------------------------

  start(pipeline: PipelineRecord, trigger: ExecutionTrigger, clientRequestToken?: string): ExecutionRecord {
    const now = this.now();
    const sources = this.sourcesOf(pipeline);
    const execution: ExecutionRecord = {
      pipelineExecutionId: randomUUID(),
      pipelineName: pipeline.name,
      pipelineVersion: pipeline.version,
      status: 'InProgress',
      startTime: now,
      lastUpdateTime: now,
      trigger,
      attempt: 1,
      stageIndex: -1,
      stages: [],
      actions: [],
      artifacts: {},
      ...(sources.length === 0 ? {} : { sources }),
      ...(clientRequestToken === undefined ? {} : { clientRequestToken }),
    };
    this.executions.set(execution.pipelineExecutionId, execution);
    this.emitPipeline(execution, 'STARTED');
    this.tryEnter(execution, 0);
    return execution;
  }

  /**
   * A push to the branch of the pipeline's first git source action: a new head commit, and an
   * execution it triggers (trigger type WebhookV2 for a connection, CloudWatchEvent for CodeCommit,
   * and the commit in the events' `execution-trigger`). Undefined when the pipeline has no git source.
   */
  push(pipeline: PipelineRecord, commit: { message?: string; author?: string } = {}): ExecutionRecord | undefined {
    const source = pipeline.stages.flatMap((stage) => stage.actions).find(isGitSource);
    if (source === undefined) return undefined;
    const head = newCommit(this.now(), commit);
    pipeline.sourceHeads = { ...(pipeline.sourceHeads ?? {}), [source.name]: head };
    const connection = source.actionTypeId.provider === 'CodeStarSourceConnection';
    return this.start(pipeline, {
      triggerType: connection ? 'WebhookV2' : 'CloudWatchEvent',
      triggerDetail: connection
        ? (source.configuration.ConnectionArn ??
          `arn:aws:codeconnections:${this.options.region}:${this.options.accountId}:connection/local`)
        : `arn:aws:events:${this.options.region}:${this.options.accountId}:rule/codepipeline-${pipeline.name}`,
      git: gitTriggerFields(source, pipeline.name, head),
    });
  }

  /** The head commit of each git source action, a first one made for a source that has none yet. */
  private sourcesOf(pipeline: PipelineRecord): { action: string; commit: LocalCommit }[] {
    const sources = pipeline.stages.flatMap((stage) => stage.actions).filter(isGitSource);
    const heads = { ...(pipeline.sourceHeads ?? {}) };
    const result = sources.map((action) => {
      heads[action.name] ??= newCommit(this.now());
      return { action: action.name, commit: heads[action.name] as LocalCommit };
    });
    if (sources.length > 0) pipeline.sourceHeads = heads;
    return result;
  }

  stop(execution: ExecutionRecord, abandon: boolean, reason: string | undefined): void {
    if (execution.status === 'Stopping') {
      // "Stop and wait" may be escalated to "stop and abandon", as in the console.
      if (!abandon || execution.stopAbandon === true) {
        throw new AwsServiceError(
          'DuplicatedStopRequestException',
          `Pipeline execution ${execution.pipelineExecutionId} is already being stopped`,
        );
      }
    } else if (execution.status !== 'InProgress') {
      throw new AwsServiceError(
        'PipelineExecutionNotStoppableException',
        `Unable to stop pipeline execution ${execution.pipelineExecutionId} because its status is ${execution.status}`,
      );
    }
    const firstRequest = execution.status === 'InProgress';
    execution.status = 'Stopping';
    execution.stopAbandon = abandon;
    if (reason !== undefined) execution.stopTrigger = { reason };
    execution.lastUpdateTime = this.now();
    if (firstRequest) this.emitPipeline(execution, 'STOPPING', reason ?? '');

    // An execution waiting at a stage boundary holds no stage: it stops at once.
    const stage = execution.waitingFor === undefined ? this.currentStage(execution) : undefined;
    if (stage === undefined || (stage.status !== 'InProgress' && stage.status !== 'Stopping')) {
      this.finishStopped(execution);
      return;
    }
    if (stage.status === 'InProgress') {
      stage.status = 'Stopping';
      this.emitStage(execution, stage, 'STOPPING');
    }
    for (const run of this.runningActions(execution, stage.name)) {
      // An approval has no work to finish: waiting for it would keep the stop open for days.
      if (abandon || this.definitionOf(execution, run)?.actionTypeId.category === 'Approval') {
        this.endAction(execution, run, 'Abandoned');
      }
    }
    this.settleStopping(execution, stage);
  }

  retry(execution: ExecutionRecord, stageName: string, mode: 'FAILED_ACTIONS' | 'ALL_ACTIONS'): void {
    const stage = execution.stages.find((s) => s.name === stageName);
    if (execution.status === 'Stopping' || stage?.status === 'Stopping') {
      throw new AwsServiceError(
        'ConflictException',
        'Your request cannot be handled because the pipeline is busy handling ongoing activities. Try again later.',
      );
    }
    if (stage === undefined || (stage.status !== 'Failed' && stage.status !== 'Stopped')) {
      throw notRetryable(`Stage ${stageName} of execution ${execution.pipelineExecutionId} is not failed`);
    }
    const runs = this.currentRuns(execution, stage);
    if (mode === 'ALL_ACTIONS' && [...runs.values()].some((r) => r.status === 'InProgress')) {
      throw notRetryable(`Stage ${stageName} has actions in progress; ALL_ACTIONS needs a stage with none`);
    }
    if (
      mode === 'FAILED_ACTIONS' &&
      ![...runs.values()].some((r) => r.status === 'Failed' || r.status === 'Abandoned')
    ) {
      if (stage.status !== 'Stopped') throw notRetryable(`Stage ${stageName} contains no failed actions`);
    }
    const now = this.now();
    execution.attempt += 1;
    execution.status = 'InProgress';
    execution.lastUpdateTime = now;
    delete execution.stopTrigger;
    delete execution.stopAbandon;
    delete execution.statusSummary;
    execution.stageIndex = this.stageIndexOf(execution, stageName);
    stage.status = 'InProgress';
    stage.lastRetryAttemptTime = now;
    stage.manualRetryAttempts += 1;
    if (mode === 'ALL_ACTIONS') stage.baseAttempt = execution.attempt;
    this.emitPipeline(execution, 'RESUMED');
    this.emitStage(execution, stage, 'RESUMED');
    this.advanceStage(execution, stage);
  }

  /** Answers an approval; the run was found by token and is InProgress. */
  approve(
    execution: ExecutionRecord,
    run: ActionRun,
    status: 'Approved' | 'Rejected',
    summary: string,
    by?: string,
  ): number {
    const now = this.now();
    run.approval = { status, summary, at: now, ...(by === undefined ? {} : { by }) };
    if (status === 'Approved') {
      run.summary = summary.length > 0 ? summary : 'Approved';
      this.endAction(execution, run, 'Succeeded');
    } else {
      run.summary = summary.length > 0 ? summary : 'Rejected';
      run.errorDetails = { code: 'JobFailed', message: run.summary };
      this.endAction(execution, run, 'Failed');
    }
    return now;
  }

  // ---- timers and restore ------------------------------------------------------------------

  /** Re-arms the timers of running actions after a restore (their due times are kept). */
  resume(state: SimulatorState): void {
    for (const pipeline of state.pipelines) this.pipelines.set(pipeline.name, pipeline);
    for (const execution of state.executions) this.executions.set(execution.pipelineExecutionId, execution);
    for (const execution of this.executions.values()) {
      for (const run of execution.actions) if (run.status === 'InProgress') this.arm(execution, run);
    }
  }

  snapshot(): SimulatorState {
    return { pipelines: [...this.pipelines.values()], executions: [...this.executions.values()] };
  }

  close(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  // ---- internals ------------------------------------------------------------------------------

  private now(): number {
    return this.options.clock.now();
  }

  private pipelineOf(execution: ExecutionRecord): PipelineRecord {
    const pipeline = this.pipelines.get(execution.pipelineName);
    if (pipeline === undefined) throw new Error(`pipeline ${execution.pipelineName} vanished`);
    return pipeline;
  }

  private stageIndexOf(execution: ExecutionRecord, stageName: string): number {
    return this.pipelineOf(execution).stages.findIndex((s) => s.name === stageName);
  }

  private definitionOf(execution: ExecutionRecord, run: ActionRun): ActionDefinition | undefined {
    return this.pipelineOf(execution)
      .stages.find((s) => s.name === run.stageName)
      ?.actions.find((a) => a.name === run.actionName);
  }

  private currentStage(execution: ExecutionRecord): StageRun | undefined {
    const definition = this.pipelineOf(execution).stages[execution.stageIndex];
    return definition === undefined ? undefined : execution.stages.find((s) => s.name === definition.name);
  }

  /** The latest run of each action that counts for the stage's current attempt. */
  currentRuns(execution: ExecutionRecord, stage: StageRun): Map<string, ActionRun> {
    const runs = new Map<string, ActionRun>();
    for (const run of execution.actions) {
      if (run.stageName === stage.name && run.attempt >= stage.baseAttempt) runs.set(run.actionName, run);
    }
    return runs;
  }

  private runningActions(execution: ExecutionRecord, stageName: string): ActionRun[] {
    return execution.actions.filter((r) => r.stageName === stageName && r.status === 'InProgress');
  }

  /** Whether another execution is inside stage `index` (which then cannot be entered). */
  private occupant(pipeline: string, index: number, except: ExecutionRecord): ExecutionRecord | undefined {
    return this.executionsOf(pipeline).find((other) => {
      if (other === except || other.stageIndex !== index || other.waitingFor !== undefined) return false;
      const stage = this.currentStage(other);
      return stage?.status === 'InProgress' || stage?.status === 'Stopping';
    });
  }

  private tryEnter(execution: ExecutionRecord, index: number): void {
    const pipeline = this.pipelineOf(execution);
    if (this.occupant(pipeline.name, index, execution) !== undefined) {
      for (const waiting of this.executionsOf(pipeline.name)) {
        if (waiting !== execution && waiting.status === 'InProgress' && waiting.waitingFor === index) {
          waiting.status = 'Superseded';
          delete waiting.waitingFor;
          waiting.lastUpdateTime = this.now();
          this.emitPipeline(waiting, 'SUPERSEDED');
        }
      }
      execution.waitingFor = index;
      return;
    }
    this.enterStage(execution, index);
  }

  private enterStage(execution: ExecutionRecord, index: number): void {
    const pipeline = this.pipelineOf(execution);
    const definition = pipeline.stages[index];
    if (definition === undefined) return;
    delete execution.waitingFor;
    execution.stageIndex = index;
    execution.lastUpdateTime = this.now();
    const stage: StageRun = {
      name: definition.name,
      status: 'InProgress',
      startTime: this.now(),
      manualRetryAttempts: 0,
      baseAttempt: execution.attempt,
    };
    execution.stages = [...execution.stages.filter((s) => s.name !== stage.name), stage];
    pipeline.stageLatest[stage.name] = execution.pipelineExecutionId;
    this.emitStage(execution, stage, 'STARTED');
    this.advanceStage(execution, stage);
  }

  /** Starts the next runOrder group that has work left, or completes the stage. */
  private advanceStage(execution: ExecutionRecord, stage: StageRun): void {
    const definition = this.pipelineOf(execution).stages.find((s) => s.name === stage.name);
    if (definition === undefined) return;
    const runs = this.currentRuns(execution, stage);
    const pending = definition.actions.filter((a) => runs.get(a.name)?.status !== 'Succeeded');
    if (pending.length === 0) {
      this.completeStage(execution, stage);
      return;
    }
    const order = Math.min(...pending.map((a) => a.runOrder));
    for (const action of pending) {
      if (action.runOrder !== order || runs.get(action.name)?.status === 'InProgress') continue;
      this.startAction(execution, action, stage);
    }
  }

  private startAction(execution: ExecutionRecord, action: ActionDefinition, stage: StageRun): void {
    const now = this.now();
    const pipeline = this.pipelineOf(execution);
    const isApproval = action.actionTypeId.category === 'Approval';
    const failure = isApproval ? undefined : this.options.failures.draw(pipeline.name, stage.name, action.name);
    const planned: PlannedOutcome =
      failure === undefined
        ? { kind: 'succeed' }
        : {
            kind: 'fail',
            errorCode: failure.errorCode,
            summary:
              failure.summary ?? defaultFailureSummary(action) ?? `${action.actionTypeId.provider} action failed`,
            ...(failure.log === undefined ? {} : { log: failure.log }),
          };
    const bucket = pipeline.artifactStore.location;
    const run: ActionRun = {
      actionExecutionId: randomUUID(),
      stageName: stage.name,
      actionName: action.name,
      status: 'InProgress',
      startTime: now,
      lastUpdateTime: now,
      dueAt: now + (isApproval ? this.options.approvalExpiryMs : durationMs(action)),
      planned,
      attempt: execution.attempt,
      inputArtifacts: action.inputArtifacts.map((a) => ({
        name: a.name,
        ...(execution.artifacts[a.name] ?? { bucket, key: artifactKey(pipeline.name, a.name) }),
      })),
      outputArtifacts: [],
      ...(isApproval ? { token: randomUUID() } : {}),
    };
    execution.actions.push(run);
    execution.lastUpdateTime = now;
    this.emitAction(execution, run, 'STARTED');
    this.arm(execution, run);
  }

  private arm(execution: ExecutionRecord, run: ActionRun): void {
    if (run.dueAt === undefined) return;
    const id = run.actionExecutionId;
    const cancel = this.options.clock.schedule(Math.max(0, run.dueAt - this.now()), () => {
      this.timers.delete(id);
      this.fire(execution.pipelineExecutionId, id);
    });
    this.timers.set(id, cancel);
  }

  private fire(executionId: string, actionExecutionId: string): void {
    const execution = this.executions.get(executionId);
    const run = execution?.actions.find((r) => r.actionExecutionId === actionExecutionId);
    if (execution === undefined || run === undefined || run.status !== 'InProgress') return;
    const action = this.definitionOf(execution, run);
    if (action === undefined) return;
    if (action.actionTypeId.category === 'Approval') {
      run.summary = 'The approval request expired before it received a response';
      run.errorDetails = { code: 'JobFailed', message: run.summary };
      this.endAction(execution, run, 'Failed');
      return;
    }
    const commit = execution.sources?.find((source) => source.action === action.name)?.commit;
    const context = { pipeline: execution.pipelineName, region: action.region, action, commit };
    const planned = run.planned;
    if (planned.kind === 'succeed') {
      Object.assign(run, successResult(context));
    } else {
      Object.assign(run, failureResult(context, planned.summary));
      run.errorDetails = { code: planned.errorCode, message: run.summary ?? planned.summary };
    }
    if (action.actionTypeId.provider === 'CodeBuild' && run.externalExecutionId !== undefined) {
      this.options.onBuild?.({
        id: run.externalExecutionId,
        region: action.region,
        accountId: this.options.accountId,
        startTime: run.startTime,
        endTime: this.now(),
        succeeded: planned.kind === 'succeed',
        ...(planned.kind === 'fail' && planned.log !== undefined ? { failureLog: planned.log } : {}),
        ...(execution.sources?.[0] === undefined ? {} : { sourceVersion: execution.sources[0].commit.id }),
        initiator: `codepipeline/${execution.pipelineName}`,
      });
    }
    this.endAction(execution, run, planned.kind === 'succeed' ? 'Succeeded' : 'Failed');
  }

  /** Ends a run (timer, approval, stop) and moves its stage on. */
  private endAction(execution: ExecutionRecord, run: ActionRun, status: 'Succeeded' | 'Failed' | 'Abandoned'): void {
    const now = this.now();
    this.timers.get(run.actionExecutionId)?.();
    this.timers.delete(run.actionExecutionId);
    delete run.dueAt;
    run.status = status;
    run.lastUpdateTime = now;
    execution.lastUpdateTime = now;
    if (status === 'Succeeded') {
      const pipeline = this.pipelineOf(execution);
      const action = this.definitionOf(execution, run);
      run.outputArtifacts = (action?.outputArtifacts ?? []).map((a) => {
        const location = { bucket: pipeline.artifactStore.location, key: artifactKey(pipeline.name, a.name) };
        execution.artifacts[a.name] = location;
        return { name: a.name, ...location };
      });
    }
    this.emitAction(
      execution,
      run,
      status === 'Succeeded' ? 'SUCCEEDED' : status === 'Failed' ? 'FAILED' : 'ABANDONED',
    );
    const stage = execution.stages.find((s) => s.name === run.stageName);
    if (stage === undefined || status === 'Abandoned') return;
    if (stage.status === 'Stopping') {
      this.settleStopping(execution, stage);
    } else if (stage.status === 'InProgress' && execution.status === 'InProgress') {
      if (status === 'Failed') this.failStage(execution, stage);
      else if (!this.runningActions(execution, stage.name).some((r) => r.attempt >= stage.baseAttempt)) {
        this.advanceStage(execution, stage);
      }
    }
  }

  private failStage(execution: ExecutionRecord, stage: StageRun): void {
    stage.status = 'Failed';
    this.emitStage(execution, stage, 'FAILED');
    execution.status = 'Failed';
    execution.statusSummary = `Stage ${stage.name} failed`;
    this.emitPipeline(execution, 'FAILED');
    this.release(execution.pipelineName, execution.stageIndex);
  }

  private completeStage(execution: ExecutionRecord, stage: StageRun): void {
    stage.status = 'Succeeded';
    this.emitStage(execution, stage, 'SUCCEEDED');
    const index = execution.stageIndex;
    if (index + 1 >= this.pipelineOf(execution).stages.length) {
      execution.status = 'Succeeded';
      execution.lastUpdateTime = this.now();
      this.emitPipeline(execution, 'SUCCEEDED');
    } else {
      this.tryEnter(execution, index + 1);
    }
    this.release(execution.pipelineName, index);
  }

  private settleStopping(execution: ExecutionRecord, stage: StageRun): void {
    if (this.runningActions(execution, stage.name).length > 0) return;
    stage.status = 'Stopped';
    this.emitStage(execution, stage, 'STOPPED');
    this.finishStopped(execution);
    this.release(execution.pipelineName, execution.stageIndex);
  }

  private finishStopped(execution: ExecutionRecord): void {
    delete execution.waitingFor;
    execution.status = 'Stopped';
    execution.lastUpdateTime = this.now();
    this.emitPipeline(execution, 'STOPPED');
  }

  /** Stage `index` became free: the execution waiting for it (at most one) enters. */
  private release(pipeline: string, index: number): void {
    const waiting = this.executionsOf(pipeline).find((e) => e.status === 'InProgress' && e.waitingFor === index);
    if (waiting !== undefined && this.occupant(pipeline, index, waiting) === undefined) this.enterStage(waiting, index);
  }

  /** The pipeline's definition changed under a running execution (AWS: Cancelled). */
  private cancel(execution: ExecutionRecord): void {
    const stage = this.currentStage(execution);
    for (const run of execution.actions.filter((r) => r.status === 'InProgress')) {
      this.timers.get(run.actionExecutionId)?.();
      this.timers.delete(run.actionExecutionId);
      delete run.dueAt;
      // ActionExecutionStatus has no Cancelled; the API reports Abandoned, the event CANCELED.
      run.status = 'Abandoned';
      run.lastUpdateTime = this.now();
      this.emitAction(execution, run, 'CANCELED');
    }
    if (
      stage !== undefined &&
      execution.waitingFor === undefined &&
      ['InProgress', 'Stopping'].includes(stage.status)
    ) {
      stage.status = 'Cancelled';
      this.emitStage(execution, stage, 'CANCELED');
    }
    delete execution.waitingFor;
    execution.status = 'Cancelled';
    execution.lastUpdateTime = this.now();
    this.emitPipeline(execution, 'CANCELED');
  }

  private context(): EventContext {
    return { region: this.options.region, accountId: this.options.accountId, now: this.now() };
  }

  private emitPipeline(execution: ExecutionRecord, state: string, stopComments?: string): void {
    this.options.emit(pipelineTransition(this.context(), execution, state, stopComments));
  }

  private emitStage(execution: ExecutionRecord, stage: StageRun, state: string): void {
    this.options.emit(stageTransition(this.context(), execution, stage, state));
  }

  private emitAction(execution: ExecutionRecord, run: ActionRun, state: string): void {
    const action = this.definitionOf(execution, run);
    if (action !== undefined) this.options.emit(actionTransition(this.context(), execution, action, run, state));
  }
}

function notRetryable(message: string): AwsServiceError {
  return new AwsServiceError('StageNotRetryableException', message);
}
