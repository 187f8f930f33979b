// (core) ExecutionState: what pipewatch knows of one execution, merged from its events; one DynamoDB item as plain JSON
import type { Trigger } from '../events';
import type { AlertTriage } from '../messages';

/**
 * What pipewatch knows about one pipeline execution, merged from its events
 * (see mergeEvent). Stored as one DynamoDB item per execution, so everything
 * here is plain JSON: strings, numbers, booleans, arrays and plain objects.
 *
 * Every field is a join of the events seen so far (newest wins, earliest
 * wins, largest wins...), never "the last event that arrived": events arrive
 * at least once and in any order, and the state must not depend on it.
 */
export interface ExecutionState {
  /** Layout of this object, for readers of stored items. */
  readonly schema: typeof EXECUTION_STATE_SCHEMA;
  readonly pipeline: string;
  readonly executionId: string;
  /** Where the pipeline lives (from its ARN, else the envelope). */
  readonly region: string;
  readonly account: string;
  readonly pipelineArn?: string;
  /** The pipeline definition's version (`detail.version`): the largest seen. */
  readonly pipelineVersion?: number;
  /** `detail.start-time`: the earliest seen. */
  readonly startTime?: string;
  /** What started the execution (trigger type or commit). */
  readonly trigger?: Trigger;
  /** The pipeline-level state; absent until a pipeline-level event arrives (a subscription may exclude them). */
  readonly pipelineStatus?: PipelineRecord;
  /** By stage name. */
  readonly stages: Readonly<Record<string, StageRecord>>;
  /** By `actionKey(stage, action)`. */
  readonly actions: Readonly<Record<string, ActionRecord>>;
  /** Failure details CodeStar Notifications add to pipeline and stage events (`additionalAttributes`). */
  readonly reportedFailure?: FailureRecord;
  /** Failure details read later from the CodePipeline API (see withFetchedFailure). */
  readonly fetchedFailure?: FailureRecord;
  /**
   * The triage pack of each failure reply (keyed like it: `failed:<stage>@<attempt>`), read once from
   * CodePipeline, CodeBuild and CloudWatch Logs when the failure was first merged (see core/triage).
   */
  readonly triage?: Readonly<Record<string, AlertTriage>>;
  /** The newest events merged, newest first, at most MAX_SEEN_EVENTS. */
  readonly seenEvents: readonly SeenEvent[];
  /**
   * Retries pressed in chat, oldest first, at most MAX_RETRY_NOTES: CodePipeline's events say a
   * stage was retried (`stage-last-retry-attempt-time`), not by whom. A union, like seenEvents.
   */
  readonly retries?: readonly RetryNote[];
  /**
   * What a `--transitions` subscription judged of this execution (broken, fixed): the message says
   * so. A union, like retries; the newest note is the one shown.
   */
  readonly transitions?: readonly TransitionNote[];
  /**
   * Why the execution was stopped (`stop-execution-comments`, e.g. "Stopped by alice in Slack: …"): the
   * newest pipeline event that carried it. Kept apart from `pipelineStatus`, since the STOPPED event
   * that follows a STOPPING one may carry none, and the newest status must not lose the reason.
   */
  readonly stopNote?: StopNote;
  /**
   * Who started the execution from chat (`/pipewatch run`): the run command writes it with the
   * conversation's first message, which then says "Started by alice in Slack". The earliest note wins.
   */
  readonly runNote?: RunNote;
  /**
   * Who answered an approval, by `approvalDeciderKey` (`<stage>/<action>@<action execution id>`): the
   * ARN ListActionExecutions' `updatedBy` gives once the approval ends (its events say nothing of
   * it). Read by notify; a union, with the smaller ARN on a (never expected) conflict.
   */
  readonly deciders?: Readonly<Record<string, string>>;
  /**
   * Optimistic-concurrency counter of the stored item. mergeEvent never
   * changes it (a merge is a pure function of the events, the counter is not);
   * the ConversationStore writes `version + 1` on a conditional put that expects `version`.
   */
  readonly version: number;
}

export const EXECUTION_STATE_SCHEMA = 1;

/**
 * How many event ids a state keeps. De-duplication proper is the ConversationStore's
 * claim on each event id; these let a reader see which events made the state,
 * and bound the item size (an execution of a 5-stage pipeline emits ~40 events,
 * a retry a dozen more; DynamoDB items are capped at 400 KB).
 */
export const MAX_SEEN_EVENTS = 100;

/** What orders two observations of the same thing: see compareObservations. */
export interface Observation {
  /** ISO 8601 time of the event. */
  readonly time: string;
  readonly eventId: string;
  /** `pipeline-execution-attempt` of the event, when it had one. */
  readonly attempt?: number;
}

/** Where one pipeline, stage or action stands: the state of the newest event about it. */
export interface StatusRecord extends Observation {
  readonly state: string;
  /** False when the state is not documented at its level (kept verbatim). */
  readonly known: boolean;
}

export interface PipelineRecord extends StatusRecord {
  readonly stopComments?: string;
}

export interface StageRecord extends StatusRecord {
  /** The earliest event time of this stage: orders stages when the pipeline's stage list is not known. */
  readonly firstTime: string;
  /** `stage-last-retry-attempt-time`: the latest seen on any event of the stage. */
  readonly lastRetryTime?: string;
}

export interface ActionRecord extends StatusRecord {
  readonly stage: string;
  readonly action: string;
  readonly category?: string;
  readonly provider?: string;
  readonly owner?: string;
  readonly actionExecutionId?: string;
  /** Where the action ran (it can be another region than the pipeline's). */
  readonly region: string;
  /** From the same event as `state`: a retried action must not keep its previous run's error. */
  readonly result?: ActionResultRecord;
  /** The earliest event time of this action: orders actions within a stage. */
  readonly firstTime: string;
}

export interface ActionResultRecord {
  /** What a person reads: the commit message for JSON summaries, else the provider's text. */
  readonly summary?: string;
  readonly url?: string;
  readonly errorCode?: string;
  readonly externalExecutionId?: string;
}

/** Which stage and actions failed, and why, as reported by CodeStar or read from the API. */
export interface FailureRecord extends Observation {
  readonly stage?: string;
  readonly actions: readonly FailedActionRecord[];
  /** CodeStar's `failedActionCount`, which can exceed `actions.length`. */
  readonly actionCount?: number;
  readonly information?: string;
}

export interface FailedActionRecord {
  readonly action: string;
  readonly summary?: string;
  readonly errorCode?: string;
  readonly url?: string;
}

/** Someone retried a stage from a chat button (recorded by the button, shown by the message). */
export interface RetryNote {
  readonly stage: string;
  readonly mode: 'FAILED_ACTIONS' | 'ALL_ACTIONS';
  /** The person's display name on their platform. */
  readonly by: string;
  /** "Slack", "Teams". */
  readonly platform: string;
  /** When CodePipeline accepted the retry (ISO 8601). */
  readonly time: string;
}

export const MAX_RETRY_NOTES = 20;

/** A `--transitions` subscription found this execution broke (or fixed) the pipeline or a stage. */
export interface TransitionNote {
  readonly flip: 'broken' | 'fixed';
  /** The stage a `--stage` transitions subscription watches; absent for the pipeline. */
  readonly stage?: string;
  /** The time of the outcome that flipped (ISO 8601). */
  readonly time: string;
  /** The outcome before: its execution, and since when it held. */
  readonly previousExecutionId?: string;
  readonly previousSince?: string;
}

export const MAX_TRANSITION_NOTES = 10;

/** `/pipewatch run` in chat: who asked, where, and when (ISO 8601). */
export interface RunNote {
  readonly by: string;
  readonly platform: string;
  readonly time: string;
}

/** A stop's comments, with the event that said them. */
export interface StopNote extends Observation {
  readonly comments: string;
}

export interface SeenEvent {
  readonly eventId: string;
  readonly time: string;
}

/**
 * The key of an action in `ExecutionState.actions`. CodePipeline names are
 * `[A-Za-z0-9.@\-_]+`, so "/" cannot be part of a stage name.
 */
export function actionKey(stage: string, action: string): string {
  return `${stage}/${action}`;
}

/** An own property of a stored map: a stage named "constructor" must not find Object.prototype's. */
export function ownEntry<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
