// (core) the ports: what the use cases need from the outside world; adapters implement them
/**
 * The ports, as small typed interfaces. Adapters implement them (src/aws: CodePipeline,
 * DynamoDB, EventBridge; src/slack, src/teams: chat), tests use in-memory versions.
 * Dependencies point inward: this file imports nothing from an adapter.
 *
 * Failures cross a port as typed errors (src/core/port-errors.ts): a PipelineClient throws
 * `PipelineApiError` for CodePipeline's answers, a RuleStore `RuleStoreError`, a ChatPoster
 * `ChatDeliveryError`. The use cases turn those into outcomes with `instanceof`.
 */
import type { ChannelRef } from './channels';
import type { ExecutionState } from './executions';
import type { AlertMessage } from './messages';
import type { StoredOutcome } from './notify/transitions';

export { PipelineApiError, RuleStoreError, type RuleStoreErrorReason } from './port-errors';

// ---- CodePipeline ----------------------------------------------------------

/** GetPipelineState's StageExecutionStatus. */
export type StageExecutionStatus =
  | 'Cancelled'
  | 'InProgress'
  | 'Failed'
  | 'Stopped'
  | 'Stopping'
  | 'Succeeded'
  | 'Skipped';
/** GetPipelineState's ActionExecutionStatus. */
export type ActionExecutionStatus = 'InProgress' | 'Abandoned' | 'Succeeded' | 'Failed';
/** GetPipelineExecution's PipelineExecutionStatus. */
export type PipelineExecutionStatus =
  | 'Cancelled'
  | 'InProgress'
  | 'Stopped'
  | 'Stopping'
  | 'Succeeded'
  | 'Superseded'
  | 'Failed';
export type StageRetryMode = 'FAILED_ACTIONS' | 'ALL_ACTIONS';
export type ApprovalStatus = 'Approved' | 'Rejected';

/** The part of GetPipelineState the core reads. */
export interface PipelineStateView {
  readonly pipelineName: string;
  readonly pipelineVersion?: number;
  /** In the pipeline's order. */
  readonly stages: readonly StageStateView[];
}

export interface StageStateView {
  readonly stageName: string;
  readonly latestExecution?: { readonly pipelineExecutionId: string; readonly status: StageExecutionStatus };
  /** Executions waiting to enter the stage while `latestExecution` holds it (inboundExecutions). */
  readonly inboundExecutionIds?: readonly string[];
  readonly actions: readonly ActionStateView[];
}

export interface ActionStateView {
  readonly actionName: string;
  readonly latestExecution?: {
    readonly actionExecutionId?: string;
    readonly status?: ActionExecutionStatus;
    /** Only on an approval that is waiting: what PutApprovalResult needs. */
    readonly token?: string;
    readonly summary?: string;
    readonly externalExecutionId?: string;
    readonly externalExecutionUrl?: string;
    readonly errorDetails?: ErrorDetailsView;
    /** ISO 8601. */
    readonly lastStatusChange?: string;
    /** The ARN of whoever last changed the action (an approval's answerer). */
    readonly lastUpdatedBy?: string;
  };
}

export interface ErrorDetailsView {
  readonly code?: string;
  readonly message?: string;
}

/** The part of GetPipelineExecution the core reads. */
export interface PipelineExecutionView {
  readonly pipelineExecutionId: string;
  readonly status: PipelineExecutionStatus;
  readonly statusSummary?: string;
  /** QUEUED | SUPERSEDED | PARALLEL (V2 pipelines). */
  readonly executionMode?: string;
  /** artifactRevisions: the source revisions the execution runs (a commit per source action). */
  readonly sourceRevisions?: readonly SourceRevisionView[];
}

/** One source revision (GetPipelineExecution's artifactRevisions, ListPipelineExecutions' sourceRevisions). */
export interface SourceRevisionView {
  /** The artifact's name (artifactRevisions) or the source action's (sourceRevisions). */
  readonly name?: string;
  readonly revisionId: string;
  /** CodeCommit: the commit message; CodeStar connections: `{"ProviderType":"GitHub","CommitMessage":"…"}`. */
  readonly revisionSummary?: string;
  readonly revisionUrl?: string;
}

/** One entry of ListPipelineExecutions. */
export interface PipelineExecutionSummaryView {
  readonly pipelineExecutionId: string;
  /** PipelineExecutionStatus verbatim (a new status is kept as it is, not refused). */
  readonly status?: string;
  /** ISO 8601. */
  readonly startTime?: string;
  readonly sourceRevisions: readonly SourceRevisionView[];
}

/** A pipeline's execution history (ListPipelineExecutions), newest first: what "changes since the last success" reads. */
export interface PipelineHistory {
  listPipelineExecutions(
    pipeline: string,
    page?: { readonly maxResults?: number; readonly nextToken?: string },
  ): Promise<{ readonly executions: readonly PipelineExecutionSummaryView[]; readonly nextToken?: string }>;
}

/** One entry of ListActionExecutions, flattened. */
export interface ActionExecutionView {
  readonly stageName: string;
  readonly actionName: string;
  readonly actionExecutionId?: string;
  readonly status?: 'InProgress' | 'Abandoned' | 'Succeeded' | 'Failed';
  /** ISO 8601. */
  readonly startTime?: string;
  readonly lastUpdateTime?: string;
  readonly category?: string;
  /** output.executionResult.externalExecutionSummary. */
  readonly summary?: string;
  readonly externalExecutionId?: string;
  readonly externalExecutionUrl?: string;
  readonly errorDetails?: ErrorDetailsView;
  /** input.actionTypeId.provider, e.g. CodeBuild. */
  readonly provider?: string;
  /** input.region: where the action ran. */
  readonly region?: string;
  /** The ARN of whoever changed the action execution: who answered an approval (IAM user, assumed role). */
  readonly updatedBy?: string;
}

export interface RetryStageExecutionInput {
  readonly pipeline: string;
  readonly stage: string;
  readonly executionId: string;
  readonly mode: StageRetryMode;
}

export interface PutApprovalResultInput {
  readonly pipeline: string;
  readonly stage: string;
  readonly action: string;
  readonly token: string;
  readonly status: ApprovalStatus;
  /** At most 512 characters (the API's limit). */
  readonly summary: string;
}

export interface PipelineExecutionRef {
  readonly pipeline: string;
  readonly executionId: string;
}

export interface StopPipelineExecutionInput extends PipelineExecutionRef {
  /** True: "stop and abandon" (in-progress actions are abandoned); false: "stop and wait" (they finish). */
  readonly abandon: boolean;
  /** At most 200 characters (the API's limit): who stopped it and why. */
  readonly reason: string;
}

/** CodePipeline, as far as the buttons and failure details need it. */
export interface PipelineClient {
  getPipelineState(pipeline: string): Promise<PipelineStateView>;
  retryStageExecution(input: RetryStageExecutionInput): Promise<{ readonly pipelineExecutionId: string }>;
  /** `approvedAt` is ISO 8601. */
  putApprovalResult(input: PutApprovalResultInput): Promise<{ readonly approvedAt?: string }>;
  getPipelineExecution(ref: PipelineExecutionRef): Promise<PipelineExecutionView>;
  /** Every action execution of one pipeline execution (all pages). */
  listActionExecutions(ref: PipelineExecutionRef): Promise<readonly ActionExecutionView[]>;
  /** The pipeline's stage names in its declared order (GetPipeline), to show progress in order. */
  getPipelineStageNames(pipeline: string): Promise<readonly string[]>;
  /** StopPipelineExecution (the stop button). */
  stopPipelineExecution(input: StopPipelineExecutionInput): Promise<{ readonly pipelineExecutionId: string }>;
  /** StartPipelineExecution (`run`): the new execution's id, and the region it runs in when the client knows it. */
  startPipelineExecution(pipeline: string): Promise<{ readonly pipelineExecutionId: string; readonly region?: string }>;
}

/**
 * The account's pipelines as commands check the names people type (`subscribe`). Answers may be
 * cached for a short while (a minute): a pipeline created since may be missing from `pipelineNames`.
 * Failures are the PipelineClient's: PipelineApiError for CodePipeline's answers, anything else as is.
 */
export interface PipelineCatalog {
  /** Every pipeline's name in the account and region (ListPipelines, all pages). */
  pipelineNames(): Promise<readonly string[]>;
  /** The pipeline's declared stage names (GetPipeline); PipelineApiError `PipelineNotFoundException` if none. */
  stageNames(pipeline: string): Promise<readonly string[]>;
}

// ---- Builds (CodeBuild, CloudWatch Logs) --------------------------------------

/** The part of a CodeBuild build (BatchGetBuilds) a failure's triage reads. */
export interface BuildView {
  readonly id: string;
  /** SUCCEEDED | FAILED | FAULT | TIMED_OUT | IN_PROGRESS | STOPPED. */
  readonly status?: string;
  /** In the order they ran. */
  readonly phases: readonly BuildPhaseView[];
  readonly logs?: {
    readonly groupName?: string;
    readonly streamName?: string;
    /** The console's page of the full log. */
    readonly deepLink?: string;
  };
}

export interface BuildPhaseView {
  /** SUBMITTED, QUEUED, PROVISIONING, DOWNLOAD_SOURCE, INSTALL, PRE_BUILD, BUILD, POST_BUILD, … */
  readonly type: string;
  /** SUCCEEDED | FAILED | FAULT | TIMED_OUT | IN_PROGRESS | STOPPED. */
  readonly status?: string;
  /** The phase's contexts, as `statusCode: message`. */
  readonly messages: readonly string[];
}

/** CodeBuild's builds and their CloudWatch Logs, read for a failure's thread reply (best effort). */
export interface BuildLogs {
  /** The build (BatchGetBuilds); undefined when CodeBuild does not know it. */
  getBuild(buildId: string): Promise<BuildView | undefined>;
  /** The messages of the newest `limit` events of a log stream, oldest first (GetLogEvents, startFromHead false). */
  tailLog(groupName: string, streamName: string, limit: number): Promise<readonly string[]>;
}

// ---- Clicks (DynamoDB) ------------------------------------------------------

export type PutExecutionResult =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly reason: 'version-conflict' };

/** Double-click protection of the buttons, with a conditional write. */
export interface ClickClaims {
  /** True for the first click with this key within `ttlSeconds`; every other one is a repeat. */
  claimClick(key: string, ttlSeconds: number): Promise<boolean>;
}

/** The chat user who started an execution with `run`: the change's requester for `"selfApproval": false`. */
export interface RunRequester {
  /** ChannelRef's platform and workspace of the channel `run` was typed in. */
  readonly platform: string;
  readonly workspace: string;
  readonly userId: string;
  readonly displayName?: string;
}

/** Who ran which execution from chat, kept as long as an approval can wait (DynamoDB, with a TTL). */
export interface RunRequesters {
  record(execution: PipelineExecutionRef, requester: RunRequester): Promise<void>;
  requester(execution: PipelineExecutionRef): Promise<RunRequester | undefined>;
}

// ---- Subscriptions (EventBridge rules) --------------------------------------

export interface RuleDefinition {
  /** See ruleNameFor: deterministic from (channel, pattern). */
  readonly name: string;
  /** The human-readable subscription (at most 512 characters). */
  readonly description: string;
  /** The event pattern as JSON text. */
  readonly eventPattern: string;
  /** Where matching events are posted: the adapter puts it in the target's input. */
  readonly channel: ChannelRef;
  readonly tags: Readonly<Record<string, string>>;
  /** `transitions`: the target's input carries `"mode":"transitions"` (post broken/fixed only). */
  readonly mode?: 'transitions';
}

export interface StoredRule {
  readonly name: string;
  readonly description?: string;
  readonly eventPattern?: string;
  readonly state?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface PutRuleResult {
  readonly created: boolean;
}

/** Subscriptions are rules on the pipewatch bus: EventBridge is their source of truth. */
export interface RuleStore {
  /**
   * Creates or replaces the rule and its one target. `created` is false when the rule existed
   * already (a repeated subscribe): callers can say "already subscribed" instead of "subscribed".
   */
  putRule(rule: RuleDefinition): Promise<PutRuleResult>;
  /** Removes the rule and its targets; deleting a missing rule succeeds. */
  deleteRule(name: string): Promise<void>;
  /** Every rule whose name starts with `namePrefix` (all pages), with its tags. */
  listRules(namePrefix: string): Promise<readonly StoredRule[]>;
  /** The name of every rule on the bus, pipewatch's or not (all pages, no tags): what counts against its quota. */
  ruleNames(): Promise<readonly string[]>;
}

/** The bus's rules quota ("Number of rules", per bus): where the figure came from. */
export interface RulesQuotaValue {
  readonly value: number;
  /** `service-quotas`: the applied value GetServiceQuota answered; `default`: EventBridge's documented default. */
  readonly source: 'service-quotas' | 'default';
}

/** How many rules the pipewatch bus may hold (Service Quotas, else the documented default). */
export interface RulesQuota {
  rulesPerBus(): Promise<RulesQuotaValue>;
}

// ---- Notify path: conversations and chat posting -----------------------------

/** One chat conversation about one execution: the message in `channel` that shows it. */
export interface ConversationKey {
  readonly channel: ChannelRef;
  readonly pipeline: string;
  readonly executionId: string;
}

/** What the store knows about a conversation: the merged state and what of it is on screen. */
export interface ConversationRecord {
  /** `state.version` equals `version`. */
  readonly state: ExecutionState;
  /** Optimistic-concurrency counter of the state: 1 after the first write. */
  readonly version: number;
  /** The chat message showing the execution, once posted. */
  readonly messageId?: string;
  /** The state version the message shows (0: none yet). */
  readonly renderedVersion: number;
  /** The thread replies posted (see threadReplies): each key is posted once, then updated in place. */
  readonly replies: readonly PostedReply[];
  /**
   * The fingerprint (replyFingerprint) of what the message shows: a newer version that shows the
   * same is recorded without a chat call. Unknown on records written before it was kept.
   */
  readonly messageFingerprint?: string;
  /**
   * Posts begun and not yet recorded (the message, a reply): a holder that died between a post
   * and its record leaves one here, and the next holder looks for the post before posting again.
   */
  readonly pendingPosts?: readonly PendingPost[];
}

/** The record as the render lock was taken. */
export interface LockedRecord extends ConversationRecord {
  /**
   * The lock was taken from another holder whose lease had run out (it died): what it showed after
   * its last record is unknown, so nothing on screen can be assumed to match the record.
   */
  readonly tookOver?: boolean;
}

/** What mergeAndLock did: the state written or not (a version conflict), and the render lock. */
export type MergeAndLockResult =
  | { readonly ok: false; readonly reason: 'version-conflict' }
  | {
      readonly ok: true;
      readonly version: number;
      /**
       * `taken`: the lock is the writer's, `record` the record as locked (the state just written);
       * `held`: another holder's lease covered the write; `free`: the lock was free as of the write
       * (released between a failed attempt to take it and the write) and not taken.
       */
      readonly lock:
        | { readonly status: 'taken'; readonly record: LockedRecord }
        | { readonly status: 'held' }
        | { readonly status: 'free' };
    };

/** A post begun under the render lock whose id is not recorded yet. */
export interface PendingPost {
  /** `message` for the conversation's message, else the thread reply's key (`failed:Build@1`). */
  readonly key: string;
  /** When the post was begun (milliseconds since the epoch): the lookup starts there. */
  readonly since: number;
}

/** A thread reply on screen: which one, its chat id and what it shows. */
export interface PostedReply {
  /** ThreadReply's key, e.g. `failed:Build@1`. */
  readonly key: string;
  /**
   * The reply's own message id and the fingerprint (replyFingerprint) of what it shows. Both unknown on
   * a record written before replies were updated in place: such a reply is neither posted again nor updated.
   */
  readonly messageId?: string;
  readonly fingerprint?: string;
}

export interface ConversationRendering {
  readonly messageId?: string;
  readonly renderedVersion: number;
  readonly replies: readonly PostedReply[];
  readonly messageFingerprint?: string;
  /** Replaces the record's pending posts (none: cleared). */
  readonly pendingPosts?: readonly PendingPost[];
}

/**
 * A channel with a conversation about an execution: every later event of the execution updates
 * it, whatever its subscription's filter says (the filter opened the conversation).
 */
export interface Follower {
  readonly channel: ChannelRef;
  /** The subscription rule that opened the conversation: logged with every problem. */
  readonly rule: string;
}

/**
 * Event claims and per-(channel, execution) records for the notify path, with conditional
 * writes for concurrent invocations. Reads are strongly consistent.
 */
export interface ConversationStore {
  /** True for the first claim of (event id, channel) within `ttlSeconds`; a conditional write. */
  claimEvent(eventId: string, channel: ChannelRef, ttlSeconds: number): Promise<boolean>;
  read(key: ConversationKey): Promise<ConversationRecord | undefined>;
  /**
   * Writes `state` if the stored version is still `expectedVersion` (undefined: no state stored yet),
   * storing `expectedVersion + 1` (or 1). Leaves the rendering and the lock untouched.
   */
  writeState(
    key: ConversationKey,
    state: ExecutionState,
    expectedVersion: number | undefined,
  ): Promise<PutExecutionResult>;
  /**
   * Takes the render lock if nobody holds it or its lease has run out (or `owner` holds it already),
   * on a record with a state only. Returns the record as it was when the lock was taken (one atomic
   * write: no read needed under the lock), undefined when the lock was not taken.
   */
  acquireLock(key: ConversationKey, owner: string, leaseMs: number): Promise<LockedRecord | undefined>;
  /**
   * writeState and acquireLock in one: writes `state` if the stored version is still `expectedVersion`
   * and, in the same atomic write, takes the render lock for `owner` if it is free (or its lease ran
   * out). When the lock is held the state is written all the same, without the lock, and the answer
   * says whether a holder held it as of that write (`held`: its release comes after the write, so it
   * renders it) or not (`free`: released meanwhile; the writer takes the lock with acquireLock).
   */
  mergeAndLock(
    key: ConversationKey,
    state: ExecutionState,
    expectedVersion: number | undefined,
    owner: string,
    leaseMs: number,
  ): Promise<MergeAndLockResult>;
  /** Records what is on screen, only while `owner` holds the lock: false if the lock was lost. */
  saveRendering(key: ConversationKey, owner: string, rendering: ConversationRendering): Promise<boolean>;
  /**
   * Gives the lock up if `owner` holds it, recording `rendering` (if given) in the same atomic write.
   * Returns the record as the release left it (every state write before the release included), or
   * undefined when `owner` did not hold the lock: then nothing was written (a no-op).
   */
  releaseLock(
    key: ConversationKey,
    owner: string,
    rendering?: ConversationRendering,
  ): Promise<ConversationRecord | undefined>;
  /** Adds a follower to the execution (idempotent: following twice is following once). */
  follow(execution: PipelineExecutionRef, follower: Follower): Promise<void>;
  /** The execution's followers, one per channel; none for an execution no channel follows. One read. */
  followers(execution: PipelineExecutionRef): Promise<readonly Follower[]>;
}

/**
 * Where a platform delivers to a channel when the channel's id alone does not say (Teams: the
 * service URL and conversation of an installation), kept when the app is installed or a command
 * arrives, read by the platform's chat poster. Opaque to the core: each platform reads its own keys.
 */
export interface ChannelAddresses {
  get(channel: ChannelRef): Promise<Readonly<Record<string, string>> | undefined>;
  /** Replaces the channel's address. */
  put(channel: ChannelRef, address: Readonly<Record<string, string>>): Promise<void>;
  /** Forgets it (the app was uninstalled); forgetting an unknown channel is not an error. */
  delete(channel: ChannelRef): Promise<void>;
  /**
   * Drops the copy of the channel's address kept in memory, if any (a cache's), so that the next
   * `get` reads the store: after the platform refused a send to the address used.
   */
  forget?(channel: ChannelRef): void;
}

/**
 * Posting an execution's message on a chat platform. Failures are `ChatDeliveryError`s
 * (core/notify) that say whether trying again can help (`transient`) or not (`permanent`).
 */
export interface ChatPoster {
  /** `mark` travels with the post where the platform keeps it (Slack: message metadata), for findPost. */
  post(channel: ChannelRef, message: AlertMessage, mark?: PostMark): Promise<{ readonly messageId: string }>;
  /** Replaces the message in place. */
  update(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void>;
  /** A reply in the message's thread (a failure, a waiting approval), so that people are notified. */
  reply(
    channel: ChannelRef,
    messageId: string,
    message: AlertMessage,
    mark?: PostMark,
  ): Promise<{ readonly messageId: string }>;
  /**
   * Replaces a thread reply in place (`messageId` is the reply's own, as `reply` returned it), rendered
   * as a reply: when details arrive after it was posted. A deleted reply is a `message_not_found` failure.
   */
  updateReply(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void>;
  /**
   * The post carrying `mark` made within `window` (in the thread of `window.parentId` for a reply),
   * if the platform can look (Slack: conversations.history / conversations.replies with their
   * metadata); absent where it cannot (Teams). What a render that died between a post and its
   * record left behind is found here instead of being posted twice.
   */
  findPost?(
    channel: ChannelRef,
    mark: PostMark,
    window: PostWindow,
  ): Promise<{ readonly messageId: string } | undefined>;
  /**
   * Whether findPost can look in this channel (a poster for several platforms answers per channel).
   * Absent: it can if findPost is there. Where it cannot, a post is not recorded as begun: the trace
   * could only be found to say nothing, and costs a write per post.
   */
  findsPosts?(channel: ChannelRef): boolean;
  /**
   * A link that opens the message (Slack: chat.getPermalink; Teams: the message's deep link), for the
   * run command's answer. Absent where the platform has none.
   */
  permalink?(channel: ChannelRef, messageId: string): Promise<string>;
}

/** Which post of which conversation a chat message is: the message (no `reply`) or a thread reply. */
export interface PostMark {
  readonly pipeline: string;
  readonly executionId: string;
  /** The thread reply's key; absent for the conversation's message. */
  readonly reply?: string;
}

/** Where and when to look for a post: milliseconds since the epoch; the thread's parent for a reply. */
export interface PostWindow {
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly parentId?: string;
}

// ---- Quiet subscriptions (DynamoDB) ----------------------------------------------

/** Whose last outcome a `--transitions` subscription keeps: a channel's view of a pipeline (or one of its stages). */
export interface OutcomeKey {
  readonly channel: ChannelRef;
  readonly pipeline: string;
  readonly stage?: string;
}

/** The newest outcome per (channel, pipeline[, stage]), replaced with conditional writes. Reads are strongly consistent. */
export interface OutcomeStore {
  readOutcome(key: OutcomeKey): Promise<StoredOutcome | undefined>;
  /**
   * Stores `next` if what is stored is still `expected` (undefined: nothing stored yet), one conditional
   * write; false when another writer came first (read again and judge again).
   */
  replaceOutcome(key: OutcomeKey, next: StoredOutcome, expected: StoredOutcome | undefined): Promise<boolean>;
}

/** A pipeline muted in a channel until a time. Times are milliseconds since the epoch. */
export interface Snooze {
  readonly pipeline: string;
  readonly until: number;
  /** When it was asked for. */
  readonly since: number;
  /** Who asked (the platform's user id). */
  readonly by: string;
  /** The executions whose failures were swallowed (a set: a duplicate delivery counts once). */
  readonly swallowed: readonly string[];
  /** The end's summary: being posted (claimed at `summaryClaimedAt`). Absent: not yet. */
  readonly summaryClaimedAt?: number;
  /** The region of the swallowed failures (from their events), for the summary's console links. */
  readonly region?: string;
}

/** Snoozes per (channel, pipeline), written by commands and buttons, read and counted by notify. */
export interface SnoozeStore {
  /** Mutes the pipeline in the channel until `until`, replacing any snooze there (its count starts again). */
  snooze(channel: ChannelRef, snooze: Omit<Snooze, 'swallowed'>): Promise<void>;
  /** Ends the channel's snooze of the pipeline at `now` (its summary then follows); undefined if there was none running. */
  endSnooze(channel: ChannelRef, pipeline: string, now: number): Promise<Snooze | undefined>;
  read(channel: ChannelRef, pipeline: string): Promise<Snooze | undefined>;
  /** The channel's snoozes, running or ended with their summary still to post. */
  list(channel: ChannelRef): Promise<readonly Snooze[]>;
  /** Counts a swallowed failure (an atomic ADD to a string set) on the snooze ending at `until`; false if it is gone or replaced. */
  swallow(channel: ChannelRef, pipeline: string, until: number, executionId: string, region?: string): Promise<boolean>;
  /**
   * Claims the ended snooze's summary: true for one caller (a conditional write), or again after
   * `leaseMs` if that caller died before `finishSummary`.
   */
  claimSummary(channel: ChannelRef, pipeline: string, until: number, now: number, leaseMs: number): Promise<boolean>;
  /** The summary is posted: the snooze is forgotten (deleted if it still ends at `until`). */
  finishSummary(channel: ChannelRef, pipeline: string, until: number): Promise<void>;
  /** The post failed: the claim is given back, for the platform's retry. */
  releaseSummary(channel: ChannelRef, pipeline: string, until: number): Promise<void>;
}

// ---- Approval reminders (EventBridge Scheduler) -------------------------------

/** One-time schedules that call the notify function back when a waiting approval's reminder is due. */
export interface ReminderSchedules {
  /**
   * Creates the schedule `name`, due at `at` (ISO 8601), whose call hands notify `payload`.
   * One that exists already (the same name: created by an earlier render) is left as it is.
   */
  create(name: string, at: string, payload: unknown): Promise<void>;
  /** Deletes it; a missing one (it fired and deleted itself, or was deleted) is not an error. */
  delete(name: string): Promise<void>;
}

// ---- Logging ------------------------------------------------------------------

export type LogFields = Readonly<Record<string, unknown>>;

/** Structured logging: a message and fields (never secrets). src/log implements it. */
export interface Log {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
