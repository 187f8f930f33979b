// (local AWS) X-Amz-Target CodePipeline_20150709.* --> the simulator (engine, definitions, failures) --> events to the local EventBridge
import path from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AwsServiceError } from '../aws-error';
import type { Clock } from '../clock';
import type { LocalBuildSpec } from '../codebuild/local-codebuild';
import type { Caller, LocalService } from '../service';
import { type PipelineDefinition, parseDefinitions, readDefinitionsFile } from './definitions';
import { ExecutionEngine, SEVEN_DAYS_MS } from './engine';
import type { Transition } from './events';
import { FailureInjector, type FailureSpec } from './failure-injection';
import { isOperation } from './inputs';
import { runOperation } from './operations';
import { SimulatorSnapshot } from './snapshot';

/** The sample definitions shipped with the simulator (myPipeline and two more). */
export const SAMPLE_PIPELINES_FILE = path.join(__dirname, 'sample-pipelines.json');

export interface LocalCodePipelineOptions {
  region: string;
  accountId: string;
  clock: Clock;
  /** Pipelines and executions persist here (`codepipeline.json`); in memory without it. */
  dataDir?: string | undefined;
  /** Receives the EventBridge entries of each transition (the local EventBridge's PutEvents). */
  emit: (entries: PutEventsRequestEntry[]) => void;
  /** Definitions file loaded at construction (pipelines already restored are redefined only if changed). */
  definitionsFile?: string | undefined;
  /** Random numbers in [0, 1) for failure injection's `probability` mode; `seededRandom(n)` for tests. */
  random?: (() => number) | undefined;
  /** How long an approval waits before it fails; 7 days as in AWS. */
  approvalExpiryMs?: number | undefined;
  /** `execution-trigger.trigger-detail` of executions started through the API (the caller's ARN). */
  callerArn?: string | undefined;
  /** Receives each build a CodeBuild action ran, as it ends (the local CodeBuild's recordBuild). */
  onBuild?: ((build: LocalBuildSpec) => void) | undefined;
}

/**
 * A CodePipeline simulator behind the local AWS endpoint (`X-Amz-Target: CodePipeline_20150709.*`):
 * CreatePipeline, GetPipeline, ListPipelines, StartPipelineExecution, StopPipelineExecution,
 * GetPipelineExecution, ListPipelineExecutions, GetPipelineState, ListActionExecutions,
 * RetryStageExecution, PutApprovalResult. Executions run on the injected clock and emit the
 * events CodePipeline emits (see engine.ts for the sequence, events.ts for the fields).
 *
 * Extras for tests, demos and the local UI: `loadDefinitions` / `definePipelines`
 * (definitions.ts has the format), `injectFailure` / `clearFailures` (failure-injection.ts),
 * `startExecution` with any trigger, and `onTransition` for a live view.
 */
export class LocalCodePipeline implements LocalService {
  readonly targetPrefix = 'CodePipeline_20150709';
  readonly signingName = 'codepipeline';

  private readonly engine: ExecutionEngine;
  private readonly failures: FailureInjector;
  private readonly snapshot: SimulatorSnapshot;
  private readonly listeners = new Set<(transition: Transition) => void>();
  private readonly callerArn: string;

  constructor(readonly options: LocalCodePipelineOptions) {
    this.failures = new FailureInjector(options.random ?? Math.random);
    this.snapshot = new SimulatorSnapshot(options.dataDir);
    this.callerArn = options.callerArn ?? `arn:aws:sts::${options.accountId}:assumed-role/Admin/local-user`;
    // Timer callbacks change state outside any request: save after each one.
    const saving = (fn: () => void) => () => {
      fn();
      this.save();
    };
    const clock: Clock = {
      now: () => options.clock.now(),
      schedule: (ms, fn) => options.clock.schedule(ms, saving(fn)),
      scheduleAt: (time, fn) => options.clock.scheduleAt(time, saving(fn)),
    };
    this.engine = new ExecutionEngine({
      region: options.region,
      accountId: options.accountId,
      clock,
      failures: this.failures,
      approvalExpiryMs: options.approvalExpiryMs ?? SEVEN_DAYS_MS,
      emit: (transition) => this.dispatch(transition),
      onBuild: options.onBuild,
    });
    const restored = this.snapshot.load();
    if (restored !== undefined) this.engine.resume(restored);
    if (options.definitionsFile !== undefined) this.loadDefinitions(options.definitionsFile);
  }

  async handle(operation: string, input: Record<string, unknown>, caller?: Caller): Promise<unknown> {
    if (!isOperation(operation)) {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation CodePipeline_20150709.${operation}`);
    }
    const output = runOperation(
      {
        engine: this.engine,
        region: this.options.region,
        accountId: this.options.accountId,
        // A request signed by one of the local AWS's named users is theirs (PutApprovalResult records it).
        callerArn: caller?.arn ?? this.callerArn,
        now: () => this.options.clock.now(),
      },
      operation,
      input,
    );
    if (!operation.startsWith('Get') && !operation.startsWith('List')) this.save();
    return output;
  }

  /** Loads a definitions file (format in definitions.ts); returns the pipeline names. */
  loadDefinitions(file: string): string[] {
    return this.apply(readDefinitionsFile(file, this.options));
  }

  /**
   * Defines pipelines from a definitions document (`{ "pipelines": [...] }`). A new name creates
   * the pipeline; a known name with a different definition replaces it (version + 1, running
   * executions CANCELED); an identical definition is left alone, so reloading a file is harmless.
   */
  definePipelines(definitions: unknown): string[] {
    return this.apply(parseDefinitions(definitions, this.options));
  }

  /** Makes an action fail: see FailureSpec (modes always, once, probability). */
  injectFailure(pipeline: string, stage: string, action: string, spec: FailureSpec): void {
    this.failures.inject(pipeline, stage, action, spec);
  }

  /** Removes injected failures: all, a pipeline's, a stage's or one action's. */
  clearFailures(pipeline?: string, stage?: string, action?: string): void {
    this.failures.clear(pipeline, stage, action);
  }

  /** Starts an execution as a source change would (e.g. `{ triggerType: 'Webhook', triggerDetail: connectionArn }`). */
  startExecution(
    pipeline: string,
    trigger: { triggerType: string; triggerDetail: string } = {
      triggerType: 'StartPipelineExecution',
      triggerDetail: this.callerArn,
    },
  ): string {
    const record = this.engine.pipelines.get(pipeline);
    if (record === undefined) throw new Error(`No pipeline named ${pipeline}`);
    const execution = this.engine.start(record, trigger);
    this.save();
    return execution.pipelineExecutionId;
  }

  /**
   * A push to the pipeline's (first git) source: a new commit (`message` and `author`, or a sample
   * one) that starts an execution as a source change does, its commit in the events'
   * `execution-trigger`. Returns the execution id; throws for a pipeline without a git source.
   */
  pushCommit(pipeline: string, commit: { message?: string; author?: string } = {}): string {
    const record = this.engine.pipelines.get(pipeline);
    if (record === undefined) throw new Error(`No pipeline named ${pipeline}`);
    const execution = this.engine.push(record, commit);
    if (execution === undefined)
      throw new Error(`${pipeline} has no CodeCommit, GitHub or connection source to push to`);
    this.save();
    return execution.pipelineExecutionId;
  }

  /** Calls `listener` after each transition's entry was emitted; returns the unsubscribe function. */
  onTransition(listener: (transition: Transition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.engine.close();
    this.listeners.clear();
  }

  private apply(definitions: PipelineDefinition[]): string[] {
    for (const definition of definitions) {
      const existing = this.engine.pipelines.get(definition.name);
      if (existing !== undefined && sameDefinition(existing, definition)) continue;
      this.engine.define(definition);
    }
    this.save();
    return definitions.map((d) => d.name);
  }

  private dispatch(transition: Transition): void {
    // A failing consumer must not leave the state machine half-way through a transition.
    try {
      this.options.emit([transition.entry]);
    } catch (error) {
      console.error('[local-codepipeline] emit failed', error);
    }
    for (const listener of this.listeners) {
      try {
        listener(transition);
      } catch (error) {
        console.error('[local-codepipeline] transition listener failed', error);
      }
    }
  }

  private save(): void {
    this.snapshot.save(this.engine.snapshot());
  }
}

function sameDefinition(existing: PipelineDefinition, next: PipelineDefinition): boolean {
  const pick = (d: PipelineDefinition) =>
    JSON.stringify([d.roleArn, d.artifactStore, d.executionMode, d.pipelineType, d.stages]);
  return pick(existing) === pick(next);
}
