// (core) notify use case: event --> parse --> claim --> merge into the (channel, execution) record --> render under a lock
// handler --> notifyEvent (use case) --> ports: ConversationStore, ChatPoster, PipelineClient
import { randomUUID } from 'node:crypto';
import { type ChannelRef, channelLabel } from '../channels';
import { PipewatchError } from '../errors';
import { type PipelineEvent, safeParsePipelineEvent } from '../events';
import {
  type ExecutionIdentity,
  type ExecutionOverviewOptions,
  type ExecutionState,
  executionStateOfActions,
  executionToAlertMessage,
  type HomeLocation,
  hasTransitionNote,
  mergeEvent,
  mergeExecutionStates,
  summariseExecution,
  type TransitionNote,
  withFetchedFailure,
  withTransitionNote,
} from '../executions';
import type { AlertTriage } from '../messages';
import type {
  ActionExecutionView,
  ChatPoster,
  ConversationKey,
  ConversationRecord,
  ConversationRendering,
  ConversationStore,
  LockedRecord,
  Log,
  LogFields,
  OutcomeStore,
  PendingPost,
  PipelineClient,
  PostedReply,
  PostMark,
  SnoozeStore,
} from '../ports';
import { fetchTriage, type TriageDeps, withTriage } from '../triage';
import { fetchApprovalDeciders, withApprovalDeciders } from './approval-deciders';
import {
  type ApprovalSettings,
  type ApprovalWindow,
  approvalExpiry,
  type ReminderRequest,
  reminderScheduleName,
  reminderTime,
} from './approval-window';
import { ChatDeliveryError } from './chat-delivery-error';
import { errorFields, type FailureDetails, fetchFailureDetails, needsFailureDetails } from './failure-details';
import { snoozeGate } from './quiet-subscriptions';
import { failureReplyKey, type ReplyView, replyFingerprint, type ThreadReply, threadReplies } from './thread-replies';

/** What a subscription rule's target delivers (src/aws/notify-input.ts checks the envelope). */
export interface NotifyRequest {
  /** The subscription rule's name: logged with every problem, so a person finds the subscription. */
  readonly rule: string;
  readonly channel: ChannelRef;
  /** The EventBridge event as delivered; parsed here. */
  readonly event: unknown;
  /**
   * How the event came: `subscription` (the channel's rule matched it: it may open the channel's
   * conversation about the execution, and makes the channel follow the execution) or `follow`
   * (the follow rule, for a channel that follows the execution already: see notifyFollowers).
   */
  readonly via?: 'subscription' | 'follow';
  /** A `--transitions` subscription's verdict (broken, fixed): joined into the conversation's state, shown by the message. */
  readonly transition?: TransitionNote;
}

export interface NotifyOptions {
  /** How long an event claim lasts: longer than EventBridge retries a delivery (24 h). */
  readonly claimTtlSeconds: number;
  /** The render lock's lease: longer than one invocation can hold it (the function timeout, 30 s). */
  readonly leaseMs: number;
  /** Conditional writes lost in a row before giving up (and throwing, so EventBridge retries). */
  readonly maxMergeAttempts: number;
  /** Renders one invocation does before leaving the rest to a retry. */
  readonly maxRenderRounds: number;
}

export const DEFAULT_NOTIFY_OPTIONS: NotifyOptions = {
  claimTtlSeconds: 25 * 60 * 60,
  leaseMs: 60_000,
  maxMergeAttempts: 20,
  maxRenderRounds: 10,
};

export interface NotifyDeps {
  readonly conversations: ConversationStore;
  readonly chat: ChatPoster;
  readonly pipelines: PipelineClient;
  /** Milliseconds since the epoch: durations in logs. */
  readonly now: () => number;
  readonly log: Log;
  readonly options?: Partial<NotifyOptions>;
  /** Jitter between lost conditional writes; Math.random by default. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The render lock's owner id of one invocation; a random UUID by default. */
  readonly newOwner?: () => string;
  /**
   * The pipeline's stage names in order, so the message shows progress in the pipeline's order
   * with the stages still to come (event times alone cannot order stages started in one second).
   * Undefined when unknown: the message then orders stages by when they were first seen.
   */
  readonly stageOrder?: (pipeline: string) => Promise<readonly string[] | undefined>;
  /** The newest outcome per (channel, pipeline[, stage]) of `--transitions` subscriptions (quiet-subscriptions.ts). */
  readonly outcomes?: OutcomeStore;
  /** Snoozes per (channel, pipeline): held back new conversations, swallowed failures, the end's summary. */
  readonly snoozes?: SnoozeStore;
  /**
   * The triage pack of failure replies (the commit, the failed build's phase and log tail, changes
   * since the last success), read once per failed stage attempt when the failure is first merged.
   * Absent: replies go out without it.
   */
  readonly triage?: TriageDeps;
  /**
   * A waiting approval's expiry, approvers and reminder (the policy, GetPipeline's timeouts,
   * EventBridge Scheduler). Absent: the approval's reply shows neither, and no reminder comes.
   */
  readonly approvals?: ApprovalSettings;
  /** pipewatch's own account and region: a message about an execution elsewhere says where it runs. */
  readonly home?: HomeLocation;
  /**
   * CodePipeline where an execution runs (its pipeline's account and region): the enrichment of an
   * event (stage order, failure details, the opening state, approvals, triage history) reads there.
   * Absent: `pipelines` and `stageOrder` serve every event.
   */
  readonly at?: (where: ExecutionWhere) => Pick<NotifyDeps, 'pipelines' | 'stageOrder' | 'triage' | 'approvals'>;
}

/** Where an execution runs: its pipeline's account and region. */
export interface ExecutionWhere {
  readonly account: string;
  readonly region: string;
}

/**
 * The deps with CodePipeline where an execution runs (NotifyDeps.at: its pipeline's account and
 * region, from the event or the stored state), or as they are. Placing placed deps again changes nothing.
 */
function depsWhere(deps: NotifyDeps, where: ExecutionWhere): NotifyDeps {
  if (deps.at === undefined) return deps;
  const place = deps.at(where);
  const { stageOrder: _home, ...rest } = deps;
  // The place's triage and approval reads replace the home region's; none there (not reached): none.
  return {
    ...rest,
    pipelines: place.pipelines,
    ...(place.stageOrder === undefined ? {} : { stageOrder: place.stageOrder }),
    ...(deps.triage === undefined ? {} : { triage: place.triage }),
    ...(deps.approvals === undefined ? {} : { approvals: place.approvals ?? deps.approvals }),
  };
}

export type NotifyOutcome =
  /** Not a CodePipeline event pipewatch can read: logged, dropped (a retry would fail the same way). */
  | { readonly status: 'invalid-event' }
  /** Delivered before and fully rendered: nothing to do. */
  | { readonly status: 'duplicate' }
  /** Merged; another invocation holds the render lock and renders it after its own render. */
  | { readonly status: 'deferred'; readonly version: number }
  /** Merged and on screen (this invocation rendered up to `version`). */
  | { readonly status: 'rendered'; readonly version: number; readonly messageId: string }
  /** The platform refused for good (channel gone, bot removed, token revoked): logged, dropped. */
  | { readonly status: 'undeliverable'; readonly code: string }
  /** A `--transitions` subscription's event that flips nothing (recorded, or older than the newest outcome). */
  | { readonly status: 'quiet' }
  /** The pipeline is snoozed in the channel: no new conversation (a failure is counted for the summary). */
  | { readonly status: 'snoozed' };

/** Too many concurrent writers: thrown (a transient failure) so that EventBridge delivers the event again. */
export class ConversationContentionError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'ConversationContentionError';

  readonly code = 'CONVERSATION_CONTENTION' as const;
}

/**
 * parse --> claim (event id, channel) --> merge into the (channel, execution) record --> render
 *
 * One chat message per (channel, execution), whatever the order and number of deliveries:
 *
 * 1. Parse. An event that does not parse is logged with the rule name and dropped: throwing
 *    would make EventBridge retry it for a day and then dead-letter it, for nothing.
 * 2. Claim the (event id, channel) with a conditional write, and read the record alongside. A
 *    duplicate stops here, unless the record shows the earlier delivery did not finish (it threw
 *    after its claim: a Slack 5xx, a timeout). The claim alone would then lose the event, since
 *    EventBridge's retry is a "duplicate" too; the record, not the claim, says what is done. (A
 *    record read before the claim landed is as good: "seen and nothing pending" stays true of a
 *    record once it is, until a later writer, which renders itself, changes it.)
 * 3. Merge with optimistic concurrency: mergeEvent into the record read in step 2, conditional write
 *    expecting the version read; on a conflict read again and retry with jitter. mergeEvent is a join
 *    (commutative, associative, idempotent), so the stored state is the same for any order of writers
 *    and events. A pipeline/stage FAILED without a reason gets the failed action's summary and link
 *    from the CodePipeline API (withFetchedFailure), best effort.
 *    The write also takes the render lock when it is free (mergeAndLock: one UpdateItem for both);
 *    when a holder has it, the state is written alone and the answer says the lock was held as of
 *    that write, which is as good as step 4's acquire failing then.
 * 4. Render under a lease lock: take the lock (a conditional write that returns the record as
 *    locked; done already by step 3's write when it could) or leave, since the holder's release shows it every write made before the release and it
 *    renders whatever it finds newer. Holding it, from the record as locked: no message yet → post;
 *    message shows an older version → update; replies the state calls for that are not posted yet →
 *    reply; posted replies whose fingerprint differs (the failing action's details arrived after the
 *    stage or pipeline FAILED that made the reply) → update the reply in place. Each step is recorded
 *    (message id, version on screen, reply ids and fingerprints) before the next chat call; the last
 *    one in the release itself: one conditional write (lock owner = me) that records it, removes the
 *    lock and returns the record as released. Newer version or outdated reply in it → render again.
 *
 * Why exactly one message: a post happens only under the lock, on a record returned by the write that
 * took the lock (so no other holder has recorded anything since) showing no message id, and the id is
 * recorded before the lock is released or in the release's own atomic write (conditional on still
 * holding it). The lease outlives an invocation (function timeout), so two holders never overlap.
 * Why the final state is shown: every writer, after its write (or in it), either takes the lock, whose
 * write returns a record with at least its version, and renders it, or fails to take it because a
 * holder has it (as of its write or after it). That holder has not released yet, so its release comes after the write, and the record the
 * release returns (atomically, as of the release) has it: the holder renders again. A write after the
 * release is its writer's to render (its own acquire attempt comes later still, and finds the lock
 * free or held by someone whose release comes later). So the last render is of the last version.
 * A holder whose release finds the lock gone (its lease ran out) stops: the new holder took the lock
 * after every write this one could have been relied on for, and renders them.
 * A holder that dies between a post and the write that records it (a timeout, a crash, a failed
 * write) leaves the post recorded as begun (pendingPosts, written before the chat call): the next
 * holder looks for it by its mark within that holder's lease (Slack: message metadata, read back with
 * conversations.history / replies) and records it instead of posting again. Teams has no way to
 * look, so its posts are not recorded as begun: there, dying in the milliseconds between the
 * connector's answer and the write can show a second card
 * (test/unit/core/notify/notify-event.crash.property.test.ts bounds it).
 */
export async function notifyEvent(request: NotifyRequest, deps: NotifyDeps): Promise<NotifyOutcome> {
  const started = deps.now();
  const event = parsedOrLogged(request.event, deps.log, { rule: request.rule, channel: channelLabel(request.channel) });
  if (event === undefined) return { status: 'invalid-event' };
  if (
    (request.via ?? 'subscription') === 'subscription' &&
    (await snoozeGate(request.channel, event, deps)) === 'snoozed'
  )
    return { status: 'snoozed' };
  return notifyParsedEvent(event, request, deps, started);
}

/**
 * The event parsed, or undefined after logging why not: an event that does not parse is dropped,
 * since throwing would make the platform retry it for a day and then dead-letter it, for nothing.
 */
export function parsedOrLogged(event: unknown, log: Log, context: LogFields): PipelineEvent | undefined {
  const parsed = safeParsePipelineEvent(event);
  if (parsed.success) return parsed.event;
  log.error('dropped an event that is not a CodePipeline event pipewatch can read', {
    ...context,
    error: parsed.error.message,
  });
  return undefined;
}

/** notifyEvent after the parse: also what notifyFollowers runs for each follower. */
export async function notifyParsedEvent(
  event: PipelineEvent,
  request: Omit<NotifyRequest, 'event'>,
  homeDeps: NotifyDeps,
  started: number = homeDeps.now(),
): Promise<NotifyOutcome> {
  const deps = depsWhere(homeDeps, { account: event.pipelineAccount, region: event.pipelineRegion });
  const key: ConversationKey = { channel: request.channel, pipeline: event.pipeline, executionId: event.executionId };
  const context: LogFields = {
    rule: request.rule,
    channel: channelLabel(request.channel),
    pipeline: event.pipeline,
    executionId: event.executionId,
    eventId: event.eventId,
    detailType: event.detailType,
    state: event.state,
  };
  const options = { ...DEFAULT_NOTIFY_OPTIONS, ...deps.options };
  // The stage order (a GetPipeline on a cold container) is read while the claim and merge go on:
  // only the duplicate check and the render need it. overviewOptions never rejects.
  const viewing = overviewOptions(event.pipeline, deps, context);

  // The record is read with the claim, not after it: a duplicate needs it to decide, a first delivery
  // as the merge's base (the conditional write checks that base, whenever it was read).
  const [first, record] = await Promise.all([
    deps.conversations.claimEvent(event.eventId, request.channel, options.claimTtlSeconds),
    deps.conversations.read(key),
  ]);
  if (!first) {
    // As the last render saw it, but for the held stage (not shown in replies): a duplicate costs
    // no CodePipeline read unless an approval waits (its window is in its reply).
    const view =
      record === undefined ? await viewing : await withApprovalView(await viewing, record.state, deps, context);
    const noted =
      request.transition === undefined || (record !== undefined && hasTransitionNote(record.state, request.transition));
    if (record !== undefined && hasSeen(record.state, event) && noted && !hasPendingWork(record, view)) {
      deps.log.debug('duplicate delivery', context);
      return { status: 'duplicate' };
    }
    deps.log.info('duplicate delivery of an event not fully shown yet: completing it', context);
  }

  if (record === undefined && (request.via ?? 'subscription') === 'subscription') {
    // Before the state is written: an event of the execution delivered from now on through the
    // follow rule finds the channel; one delivered before is in what CodePipeline says when the
    // conversation's first state is read from it (openingState), which comes after this write.
    await deps.conversations.follow(
      { pipeline: event.pipeline, executionId: event.executionId },
      { channel: request.channel, rule: request.rule },
    );
  }
  // The render lock's owner from the merge on: the merge's write takes the lock when it is free.
  const owner = (deps.newOwner ?? randomUUID)();
  const merged = await mergeIntoConversation(key, event, record, deps, options, context, request.transition, owner);
  const { version } = merged;
  const outcome = await renderConversation(key, version, deps, options, context, await viewing, { owner, ...merged });
  deps.log.info('notified', { ...context, outcome: outcome.status, version, durationMs: deps.now() - started });
  return outcome;
}

/**
 * What step 3 leaves for step 4: the merged state's version once stored (or the stored one, when the
 * event changed nothing), and the render lock as the merge's write found it (absent: no write, or the
 * lock free as of the write without being taken: step 4 takes it).
 */
interface Merged {
  readonly version: number;
  readonly lock?:
    | {
        readonly status: 'taken';
        readonly record: LockedRecord;
        /** When the write that took the lock was sent: the lease runs from (no earlier than) then. */
        readonly at: number;
      }
    | { readonly status: 'held' };
}

/** Step 3, ending with the write that also takes the render lock when it is free (mergeAndLock). */
async function mergeIntoConversation(
  key: ConversationKey,
  event: PipelineEvent,
  /** The record read with the claim: the first attempt's base. */
  initial: ConversationRecord | undefined,
  deps: NotifyDeps,
  options: NotifyOptions,
  context: LogFields,
  transition: TransitionNote | undefined,
  /** The render lock's owner of this invocation. */
  owner: string,
): Promise<Merged> {
  // Fetched at most once per invocation, whatever the number of conflicts.
  let details: FailureDetails | undefined;
  let fetched = false;
  let opening: ExecutionState | undefined | null = null;
  let triaged: { readonly key: string; readonly pack: AlertTriage } | undefined;
  let deciders: readonly ActionExecutionView[] | undefined | null = null;
  for (let attempt = 1; ; attempt++) {
    const record = attempt === 1 ? initial : await deps.conversations.read(key);
    let next = mergeEvent(record?.state, event);
    if (transition !== undefined) next = withTransitionNote(next, transition);
    if (record === undefined) {
      // The conversation's first state: the event, joined with what CodePipeline says of the
      // execution so far (the stages that ran before the subscription's filter matched).
      if (opening === null) opening = await openingState(event, deps, context);
      if (opening !== undefined) next = mergeExecutionStates(opening, next);
    }
    if (needsFailureDetails(next, event)) {
      if (!fetched) {
        details = await fetchFailureDetails(deps.pipelines, event, deps.log);
        fetched = true;
      }
      if (details !== undefined) {
        next = withFetchedFailure(next, details, {
          time: event.time,
          eventId: event.eventId,
          ...(event.executionAttempt === undefined ? {} : { attempt: event.executionAttempt }),
        });
      }
    }
    const replyKey = deps.triage === undefined ? undefined : failureReplyKey(next);
    if (deps.triage !== undefined && replyKey !== undefined && !Object.hasOwn(next.triage ?? {}, replyKey)) {
      // Read once per invocation and failed stage attempt, whatever the number of conflicts.
      if (triaged?.key !== replyKey) {
        triaged = { key: replyKey, pack: await fetchTriage(next, replyKey, deps.pipelines, deps.triage, deps.log) };
      }
      next = withTriage(next, replyKey, triaged.pack);
    }
    // Who answered an approval that ended (the console, the CLI, a button): read once per invocation.
    if (deciders === null) deciders = await fetchApprovalDeciders(deps.pipelines, next, deps.log);
    if (deciders !== undefined) next = withApprovalDeciders(next, deciders);
    if (record !== undefined && next === record.state) return { version: record.version };
    const asked = deps.now();
    const result = await deps.conversations.mergeAndLock(key, next, record?.version, owner, options.leaseMs);
    if (result.ok) {
      const { lock } = result;
      if (lock.status === 'free') return { version: result.version };
      return { version: result.version, lock: lock.status === 'taken' ? { ...lock, at: asked } : lock };
    }
    if (attempt >= options.maxMergeAttempts) {
      throw new ConversationContentionError(
        `Lost ${attempt} conditional writes in a row on ${key.pipeline} ${key.executionId}; EventBridge will retry`,
      );
    }
    deps.log.debug('lost a conditional write, merging again', { ...context, attempt });
    await (deps.sleep ?? sleep)(backoffMs(attempt, deps.random ?? Math.random));
  }
}

/**
 * What CodePipeline says of the execution (ListActionExecutions, GetPipelineExecution,
 * GetPipelineState), as state; undefined
 * when it cannot be read (logged: the message then shows what the events say, as before).
 */
async function openingState(
  event: PipelineEvent,
  deps: NotifyDeps,
  context: LogFields,
): Promise<ExecutionState | undefined> {
  return openingStateOf(
    {
      pipeline: event.pipeline,
      executionId: event.executionId,
      region: event.pipelineRegion,
      account: event.pipelineAccount,
    },
    deps,
    context,
  );
}

/** openingState of an execution named without an event (the run command's announcement). */
export async function openingStateOf(
  identity: ExecutionIdentity,
  deps: Pick<NotifyDeps, 'pipelines' | 'log'>,
  context: LogFields,
): Promise<ExecutionState | undefined> {
  const ref = { pipeline: identity.pipeline, executionId: identity.executionId };
  try {
    // The three reads at once; the execution's status and the stages only add to the actions.
    const [actions, execution, pipelineState] = await Promise.all([
      deps.pipelines.listActionExecutions(ref),
      deps.pipelines.getPipelineExecution(ref).catch(() => undefined),
      deps.pipelines.getPipelineState(identity.pipeline).catch(() => undefined),
    ]);
    return executionStateOfActions(identity, {
      actions,
      ...(execution === undefined ? {} : { status: execution.status }),
      ...(pipelineState === undefined ? {} : { stages: pipelineState.stages }),
    });
  } catch (error) {
    deps.log.warn('could not read the execution from CodePipeline; showing what its events say', {
      ...context,
      error: errorFields(error),
    });
    return undefined;
  }
}

/** Step 4. `merged`: the version step 3 stored or found (also the run command's announcement's render). */
export async function renderConversation(
  key: ConversationKey,
  merged: number,
  deps: NotifyDeps,
  options: NotifyOptions,
  context: LogFields,
  view: ExecutionOverviewOptions,
  /** The lock's owner, and the lock as step 3's write left it (taken, or held by another): the first round's acquire. */
  start?: Merged & { readonly owner: string },
): Promise<NotifyOutcome> {
  const { conversations } = deps;
  const owner = start?.owner ?? (deps.newOwner ?? randomUUID)();
  let outcome: NotifyOutcome | undefined;
  for (let round = 1; round <= options.maxRenderRounds; round++) {
    const known = round === 1 ? start?.lock : undefined;
    const asked = deps.now();
    // Held as of the write: as an acquire that failed then (the holder's release comes after the write).
    const record =
      known === undefined
        ? await conversations.acquireLock(key, owner, options.leaseMs)
        : known.status === 'taken'
          ? known.record
          : undefined;
    const lockedAt = known?.status === 'taken' ? known.at : asked;
    if (record === undefined) {
      if (outcome !== undefined) return outcome;
      // The holder's release shows it the record as released: it renders what this invocation
      // merged. Unless the holder died holding the lease: then nobody would, so wait to see it shown.
      const deferred = await awaitHolder(key, merged, owner, deps, options, context);
      if (deferred === 'shown') return { status: 'deferred', version: merged };
      continue;
    }
    // Where the execution runs (a reminder or a run's announcement comes with the home deps).
    const shown = await renderView(view, record.state, depsWhere(deps, record.state), context);
    let rendered: Rendered;
    try {
      rendered = await renderOnce(key, owner, { record, at: lockedAt }, deps, context, shown, options.leaseMs);
    } catch (error) {
      await releaseQuietly(conversations, key, owner, deps.log, context);
      if (error instanceof ChatDeliveryError && error.kind === 'permanent') {
        deps.log.error('the chat platform refused the message; not retrying', {
          ...context,
          subscription: context.rule,
          code: error.code,
          error: errorFields(error),
        });
        return { status: 'undeliverable', code: error.code };
      }
      throw error;
    }
    outcome = rendered.outcome;
    // No record after the release: the lock had been lost, its new holder took it after every write
    // this invocation could have been relied on for, and renders them.
    if (outcome.status !== 'rendered' || rendered.released === undefined) return outcome;
    if (!hasPendingWork(rendered.released, shown)) return outcome;
  }
  // Writers kept coming: a retry (a "duplicate" with pending work, see step 2) finishes the job.
  throw new ConversationContentionError(
    `Still behind after ${options.maxRenderRounds} renders of ${key.pipeline} ${key.executionId}; EventBridge will retry`,
  );
}

/**
 * A deferred writer waits, with growing pauses (about 3 s in all), for the render-lock holder to
 * show its version, taking the lock itself if the holder's lease ran out (the holder died: a
 * timeout, a crash). `shown` when the holder showed it; `lock-free` when this invocation may render.
 * Neither within the wait: a RenderPendingError, thrown so the platform delivers the event again
 * (Lambda's retry comes after a minute, when a dead holder's lease has run out), and the retry,
 * a duplicate with pending work, renders.
 */
async function awaitHolder(
  key: ConversationKey,
  merged: number,
  owner: string,
  deps: NotifyDeps,
  options: NotifyOptions,
  context: LogFields,
): Promise<'shown' | 'lock-free'> {
  const sleepFor = deps.sleep ?? sleep;
  for (const pause of HOLDER_WAIT_MS) {
    await sleepFor(pause);
    const record = await deps.conversations.read(key);
    if (record !== undefined && record.messageId !== undefined && record.renderedVersion >= merged) return 'shown';
    // Taking the lock here would hold it: release it to the render loop by not keeping it (a
    // conditional write that takes a free or expired lock; the loop's acquire takes it again).
    const taken = await deps.conversations.acquireLock(key, owner, options.leaseMs);
    if (taken !== undefined) return 'lock-free';
  }
  deps.log.warn('the render lock is held and the version not shown yet; the event will be delivered again', {
    ...context,
    version: merged,
  });
  throw new RenderPendingError(
    `Version ${merged} of ${key.pipeline} ${key.executionId} is not shown yet and its render lock is held; the platform will retry`,
  );
}

/** How long a deferred writer waits for the holder, pause by pause (3.1 s in all). */
const HOLDER_WAIT_MS = [100, 200, 400, 800, 1600] as const;

/** The render lock is held and what this invocation merged is not shown yet: thrown so the platform retries. */
export class RenderPendingError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'RenderPendingError';

  readonly code = 'RENDER_PENDING' as const;
}

interface Rendered {
  readonly outcome: Extract<NotifyOutcome, { status: 'rendered' | 'deferred' }>;
  /** The record as the release left it; undefined when the lock had been lost (nothing was released). */
  readonly released: ConversationRecord | undefined;
}

/**
 * One render under the lock, of the record as locked, ending with the release. Each step is recorded
 * before the next chat call, the last one in the release's own write, so a failure later repeats
 * nothing already shown.
 */
async function renderOnce(
  key: ConversationKey,
  owner: string,
  /** The record as locked, and when the write that took the lock was sent. */
  locked: { readonly record: LockedRecord; readonly at: number },
  deps: NotifyDeps,
  context: LogFields,
  view: ReplyView,
  leaseMs: number,
): Promise<Rendered> {
  const { record } = locked;
  const { conversations, chat } = deps;
  let { messageId, renderedVersion, replies, messageFingerprint } = record;
  let pendingPosts = record.pendingPosts ?? [];
  if (record.tookOver === true) {
    // The holder before died after its last record: it may have updated the message or a reply
    // beyond what the record says. Show everything anew rather than trust the fingerprints.
    deps.log.info('took the render lock over from a holder whose lease ran out; showing everything anew', context);
    messageFingerprint = undefined;
    replies = replies.map((reply) => (reply.messageId === undefined ? reply : { ...reply, fingerprint: '' }));
  }
  let unsaved = false;
  const rendering = (): ConversationRendering => ({
    ...(messageId === undefined ? {} : { messageId }),
    renderedVersion,
    replies,
    ...(messageFingerprint === undefined ? {} : { messageFingerprint }),
    pendingPosts,
  });
  const lost = (): Rendered => {
    // Only if this invocation outlived its lease: the new holder carries on from what it reads.
    deps.log.warn('lost the render lock while rendering', { ...context, version: record.version });
    return { outcome: { status: 'deferred', version: record.version }, released: undefined };
  };
  /** Records the step before, if not yet: false if the lock was lost. */
  const save = async (): Promise<boolean> => {
    if (!unsaved) return true;
    unsaved = false;
    return conversations.saveRendering(key, owner, rendering());
  };
  // Where the platform cannot look for a post (Teams), a begun post's trace would only be found to
  // say so: the next holder posts again either way, so the post is not recorded as begun.
  const traced = findsPosts(chat, key.channel);
  /**
   * A post recorded as begun before the chat call (one write, joined with the step before where
   * there is one), so that a holder dying between the post and its record leaves a trace the next
   * holder looks for (resolveBegunPosts). Undefined: the lock was lost.
   */
  const postOnce = async (
    pendingKey: string,
    send: () => Promise<{ readonly messageId: string }>,
  ): Promise<string | undefined> => {
    if (!traced) {
      // The lease outlives an invocation, so the lock is still this one's; once half of it has gone
      // (a stalled read, long waits), a write checks that before the post, as the begun write does.
      if (deps.now() - locked.at >= leaseMs / 2) unsaved = true;
      if (!(await save())) return undefined;
      return (await send()).messageId;
    }
    const others = () => pendingPosts.filter((entry) => entry.key !== pendingKey);
    pendingPosts = [...others(), { key: pendingKey, since: deps.now() }];
    unsaved = true;
    if (!(await save())) return undefined;
    const posted = await send();
    pendingPosts = others();
    unsaved = true;
    return posted.messageId;
  };
  const markOf = (reply?: string): PostMark => ({
    pipeline: key.pipeline,
    executionId: key.executionId,
    ...(reply === undefined ? {} : { reply }),
  });

  // Posts a dead holder began and did not record: each looked for once. A message found is shown
  // anew below (it shows that holder's render); a reply found is recorded with an unknown
  // fingerprint, so that it is updated to what the state calls for (closed, if its moment passed).
  for (const begun of pendingPosts) {
    const isMessage = begun.key === MESSAGE_POST;
    const parent = isMessage ? undefined : messageId;
    if (!isMessage && parent === undefined) continue;
    const found = await findBegunPost(
      chat,
      key.channel,
      markOf(isMessage ? undefined : begun.key),
      begun,
      parent,
      leaseMs,
      deps.log,
      context,
    );
    if (found === undefined) continue;
    if (isMessage) {
      messageId = found;
      renderedVersion = 0;
      messageFingerprint = undefined;
    } else {
      replies = [
        ...replies.filter((entry) => entry.key !== begun.key),
        { key: begun.key, messageId: found, fingerprint: '' },
      ];
    }
  }
  if (pendingPosts.length > 0) {
    pendingPosts = [];
    unsaved = true;
  }

  if (messageId === undefined || renderedVersion < record.version) {
    const message = executionToAlertMessage(record.state, view);
    const fingerprint = replyFingerprint(message);
    const postMessage = (): Promise<string | undefined> =>
      postOnce(MESSAGE_POST, () => chat.post(key.channel, message, markOf()));
    if (messageId === undefined) {
      messageId = await postMessage();
      if (messageId === undefined) return lost();
    } else if (fingerprint === messageFingerprint) {
      // A newer version that shows the same (a duplicate's state, an action of no visible
      // consequence): recorded as shown, without a chat call and without an "(edited)" mark.
    } else {
      try {
        await chat.update(key.channel, messageId, message);
      } catch (error) {
        // Someone deleted the message: post it again rather than go silent.
        if (!(error instanceof ChatDeliveryError && error.code === 'message_not_found')) throw error;
        deps.log.warn('the message was deleted; posting it again', { ...context, messageId });
        replies = [];
        messageId = await postMessage();
        if (messageId === undefined) return lost();
      }
    }
    renderedVersion = record.version;
    messageFingerprint = fingerprint;
    unsaved = true;
  }
  const parentId: string = messageId;

  for (const reply of threadReplies(
    record.state,
    view,
    replies.map((posted) => posted.key),
  )) {
    const posted = replies.find((entry) => entry.key === reply.key);
    let shown: PostedReply;
    if (posted === undefined) {
      if (!(await save())) return lost();
      await scheduleReminder(key, reply, view, deps, context);
      const replied = await postOnce(reply.key, () =>
        chat.reply(key.channel, parentId, reply.message, markOf(reply.key)),
      );
      if (replied === undefined) return lost();
      shown = { key: reply.key, messageId: replied, fingerprint: reply.fingerprint };
    } else if (isOutdated(posted, reply)) {
      if (!(await save())) return lost();
      if (!reply.open) await cancelReminder(key, reply, deps, context);
      shown = { ...posted, fingerprint: reply.fingerprint };
      try {
        await chat.updateReply(key.channel, posted.messageId, reply.message);
      } catch (error) {
        // Someone deleted the reply: post it again rather than leave the details out.
        if (!(error instanceof ChatDeliveryError && error.code === 'message_not_found')) throw error;
        deps.log.warn('the thread reply was deleted; posting it again', {
          ...context,
          messageId: parentId,
          replyKey: reply.key,
          replyId: posted.messageId,
        });
        shown = { ...shown, messageId: (await chat.reply(key.channel, parentId, reply.message)).messageId };
      }
    } else {
      continue;
    }
    replies = posted === undefined ? [...replies, shown] : replies.map((entry) => (entry === posted ? shown : entry));
    unsaved = true;
  }

  const toSave = unsaved;
  const released = await conversations.releaseLock(key, owner, toSave ? rendering() : undefined);
  if (released === undefined && toSave) return lost();
  return {
    outcome: { status: 'rendered', version: record.version, messageId: parentId },
    released,
  };
}

/** Whether `chat` can look for a post in `channel`: its findsPosts, else whether it has findPost at all. */
export function findsPosts(chat: ChatPoster, channel: ConversationKey['channel']): boolean {
  return chat.findsPosts?.(channel) ?? chat.findPost !== undefined;
}

/** The pending-post key of the conversation's message (reply keys are `failed:…`, `approval:…`). */
const MESSAGE_POST = 'message';

/** How far a chat platform's clock may be from ours, either way, when looking for a post by its time. */
const CLOCK_SKEW_MS = 5_000;

/**
 * The id of the post a holder began at `begun.since` and may have made before dying, if the platform
 * can look (within that holder's lease, give or take clock skew) and finds it. A failed look is
 * logged and counts as not found: posting again risks a second message, as it did before the look.
 */
async function findBegunPost(
  chat: ChatPoster,
  channel: ConversationKey['channel'],
  mark: PostMark,
  begun: PendingPost,
  parentId: string | undefined,
  leaseMs: number,
  log: Log,
  context: LogFields,
): Promise<string | undefined> {
  if (chat.findPost === undefined) {
    log.warn('an earlier render may have posted and died before recording it; this platform cannot look, so posting', {
      ...context,
      post: begun.key,
    });
    return undefined;
  }
  try {
    const found = await chat.findPost(channel, mark, {
      sinceMs: begun.since - CLOCK_SKEW_MS,
      untilMs: begun.since + leaseMs + CLOCK_SKEW_MS,
      ...(parentId === undefined ? {} : { parentId }),
    });
    log.info(
      found === undefined
        ? 'a post an earlier render began is not there (or the platform cannot look: Teams); posting it'
        : 'found the post an earlier render made and did not record; not posting it again',
      { ...context, post: begun.key, ...(found === undefined ? {} : { postId: found.messageId }) },
    );
    return found?.messageId;
  } catch (error) {
    log.warn('could not look for a post an earlier render may have made; posting it', {
      ...context,
      post: begun.key,
      error: errorFields(error),
    });
    return undefined;
  }
}

/** Not on screen yet: no message, an older version shown, a reply the state calls for not posted or outdated. */
export function hasPendingWork(record: ConversationRecord, view: ReplyView = {}): boolean {
  if (record.messageId === undefined || record.renderedVersion < record.version) return true;
  return threadReplies(
    record.state,
    view,
    record.replies.map((posted) => posted.key),
  ).some((reply) => {
    const posted = record.replies.find((entry) => entry.key === reply.key);
    return posted === undefined || isOutdated(posted, reply);
  });
}

/**
 * A posted reply shows other content than the state calls for (details learnt after it was posted).
 * A reply of an older record (no id, no fingerprint) is left as it is: it cannot be found to update.
 */
function isOutdated(
  posted: PostedReply,
  reply: ThreadReply,
): posted is PostedReply & { readonly messageId: string; readonly fingerprint: string } {
  return posted.messageId !== undefined && posted.fingerprint !== undefined && posted.fingerprint !== reply.fingerprint;
}

/**
 * (schedule) --> the notify function, `{"reminder": …}` --> remindApproval --> one render
 *
 * The reminder of a waiting approval, when its schedule calls: a render of the conversation as it
 * stands, which posts the reminder reply if the approval still waits (CodePipeline says so) and its
 * time has come. Posted once: the reply's key is recorded like any other, so a second call (Scheduler
 * and Lambda deliver at least once) finds nothing to do. No conversation: logged and dropped.
 */
export async function remindApproval(request: ReminderRequest, deps: NotifyDeps): Promise<NotifyOutcome> {
  const key: ConversationKey = {
    channel: request.channel,
    pipeline: request.pipeline,
    executionId: request.executionId,
  };
  const context: LogFields = {
    channel: channelLabel(request.channel),
    pipeline: request.pipeline,
    executionId: request.executionId,
    reminder: request.approval,
  };
  const options = { ...DEFAULT_NOTIFY_OPTIONS, ...deps.options };
  const record = await deps.conversations.read(key);
  if (record === undefined) {
    deps.log.warn('a reminder for a conversation that does not exist; dropped', context);
    return { status: 'invalid-event' };
  }
  // The stage order where the execution runs (its account and region, as the record has them).
  const view = await overviewOptions(request.pipeline, depsWhere(deps, record.state), context);
  const outcome = await renderConversation(key, record.version, deps, options, context, view);
  deps.log.info('reminder rendered', { ...context, outcome: outcome.status });
  return outcome;
}

/** What a render shows beyond the state: the held stage, a waiting approval's window, the time. */
async function renderView(
  view: ExecutionOverviewOptions,
  state: ExecutionState,
  deps: NotifyDeps,
  context: LogFields,
): Promise<ReplyView> {
  return withApprovalView(await withHeldStage(view, state, deps, context), state, deps, context);
}

/** The view with the waiting approval's window, if any, and the time of the render. */
async function withApprovalView(
  view: ExecutionOverviewOptions,
  state: ExecutionState,
  deps: NotifyDeps,
  context: LogFields,
): Promise<ReplyView> {
  const approval = await approvalWindow(view, state, deps, context);
  return { ...view, ...(approval === undefined ? {} : { approval }), now: deps.now() };
}

/**
 * The waiting approval's window: started when GetPipelineState says the action went InProgress in
 * this execution (else when its STARTED event says), expiring after the action's timeout, with the
 * policy's approvers. Undefined when nothing waits or approvals are not configured; a failure to
 * read something costs that part (logged), never the render.
 */
async function approvalWindow(
  view: ExecutionOverviewOptions,
  state: ExecutionState,
  deps: NotifyDeps,
  context: LogFields,
): Promise<ApprovalWindow | undefined> {
  const settings = deps.approvals;
  const waiting = summariseExecution(state, view).waitingApproval;
  if (settings === undefined || waiting === undefined) return undefined;
  const { stage, action } = waiting;
  const record = Object.values(state.actions).find((entry) => entry.stage === stage && entry.action === action);
  const quietly = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      deps.log.warn(`could not read the waiting approval's ${what}`, { ...context, error: errorFields(error) });
      return undefined;
    }
  };
  const [pipelineState, timeout, approvers, notByRequester] = await Promise.all([
    quietly('state (GetPipelineState)', () => deps.pipelines.getPipelineState(state.pipeline)),
    quietly('timeout (GetPipeline)', () => settings.timeoutMinutes(state.pipeline, stage, action)),
    quietly('approvers (the authorization policy)', () => settings.approvers(state.pipeline)),
    quietly('self-approval rule (the authorization policy)', async () =>
      settings.selfApprovalForbidden === undefined ? false : settings.selfApprovalForbidden(state.pipeline),
    ),
  ]);
  const stageState = pipelineState?.stages.find((entry) => entry.stageName === stage);
  const latest =
    stageState?.latestExecution?.pipelineExecutionId === state.executionId
      ? stageState.actions.find((entry) => entry.actionName === action)?.latestExecution
      : undefined;
  const confirmed = latest?.status === 'InProgress' && latest.lastStatusChange !== undefined;
  const startedAt = confirmed ? latest.lastStatusChange : record?.time;
  if (startedAt === undefined || !Number.isFinite(Date.parse(startedAt))) return undefined;
  const expiresAt = approvalExpiry(startedAt, timeout);
  const remindAt = reminderTime(startedAt, expiresAt, settings.reminderLeadMinutes);
  return {
    stage,
    action,
    startedAt: new Date(Math.floor(Date.parse(startedAt) / 1000) * 1000).toISOString(),
    expiresAt,
    ...(remindAt === undefined ? {} : { remindAt }),
    leadMinutes: settings.reminderLeadMinutes,
    confirmed,
    approvers: approvers ?? [],
    ...(notByRequester === true ? { notByRequester: true } : {}),
  };
}

/** The reminder request of an approval reply's key (`approval:…`); undefined for other replies. */
function reminderOf(key: ConversationKey, reply: ThreadReply): ReminderRequest | undefined {
  if (!reply.key.startsWith('approval:')) return undefined;
  return { channel: key.channel, pipeline: key.pipeline, executionId: key.executionId, approval: reply.key };
}

/**
 * Before the waiting approval's reply is posted: its reminder's one-time schedule, calling notify
 * back at the reminder's time. Created before the post, so a render that dies after it leaves no
 * approval without its reminder (a second create finds it there). A failure is logged, never
 * holds the reply back: a render after the reminder's time posts the reminder anyway.
 */
async function scheduleReminder(
  key: ConversationKey,
  reply: ThreadReply,
  view: ReplyView,
  deps: NotifyDeps,
  context: LogFields,
): Promise<void> {
  const reminders = deps.approvals?.reminders;
  const request = reminderOf(key, reply);
  const remindAt = view.approval?.remindAt;
  if (reminders === undefined || request === undefined || remindAt === undefined || !view.approval?.confirmed) return;
  if (Date.parse(remindAt) <= deps.now()) return;
  const name = reminderScheduleName(request);
  try {
    await reminders.create(name, remindAt, { reminder: request });
    deps.log.info('approval reminder scheduled', { ...context, schedule: name, remindAt });
  } catch (error) {
    deps.log.error('could not schedule the approval reminder', {
      ...context,
      schedule: name,
      error: errorFields(error),
    });
  }
}

/**
 * When the approval's reply closes (decided, expired, superseded): its schedule deleted. A failure
 * is logged: the schedule then fires, finds nothing waiting, posts nothing, and deletes itself.
 */
async function cancelReminder(
  key: ConversationKey,
  reply: ThreadReply,
  deps: NotifyDeps,
  context: LogFields,
): Promise<void> {
  const reminders = deps.approvals?.reminders;
  const request = reminderOf(key, reply);
  if (reminders === undefined || request === undefined) return;
  const name = reminderScheduleName(request);
  try {
    await reminders.delete(name);
    deps.log.info('approval reminder deleted', { ...context, schedule: name });
  } catch (error) {
    deps.log.warn('could not delete the approval reminder', { ...context, schedule: name, error: errorFields(error) });
  }
}

/**
 * The view with the stage this execution waits to enter while another execution holds it
 * (GetPipelineState's inbound executions), asked only when the execution is between stages: in
 * progress, nothing running, failed or waiting for approval. A failure to read it costs the line.
 */
async function withHeldStage(
  view: ExecutionOverviewOptions,
  state: ExecutionState,
  deps: NotifyDeps,
  context: LogFields,
): Promise<ExecutionOverviewOptions> {
  const overview = summariseExecution(state, view);
  const between =
    overview.headline.severity === 'info' &&
    overview.failure === undefined &&
    overview.waitingApproval === undefined &&
    overview.currentStage === undefined &&
    overview.stages.some((stage) => stage.state === 'SUCCEEDED');
  if (!between) return view;
  try {
    const pipelineState = await deps.pipelines.getPipelineState(state.pipeline);
    const held = pipelineState.stages.find(
      (stage) =>
        stage.inboundExecutionIds?.includes(state.executionId) === true &&
        stage.latestExecution !== undefined &&
        stage.latestExecution.pipelineExecutionId !== state.executionId,
    );
    if (held?.latestExecution === undefined) return view;
    return { ...view, heldBy: { stage: held.stageName, executionId: held.latestExecution.pipelineExecutionId } };
  } catch (error) {
    deps.log.warn('could not read which stage the execution waits for', { ...context, error: errorFields(error) });
    return view;
  }
}

/** The stage order of the pipeline, when it can be had; a failure to read it only costs the order. */
export async function overviewOptions(
  pipeline: string,
  deps: NotifyDeps,
  context: LogFields,
): Promise<ExecutionOverviewOptions> {
  const home = deps.home === undefined ? {} : { home: deps.home };
  if (deps.stageOrder === undefined) return home;
  try {
    const stageOrder = await deps.stageOrder(pipeline);
    return stageOrder === undefined || stageOrder.length === 0 ? home : { ...home, stageOrder };
  } catch (error) {
    deps.log.warn('could not read the pipeline’s stage order', { ...context, error: errorFields(error) });
    return home;
  }
}

/** Whether the state has merged the event (seenEvents keeps the newest ones; an older one is merged again, harmlessly). */
function hasSeen(state: ExecutionState, event: PipelineEvent): boolean {
  return state.seenEvents.some((seen) => seen.eventId === event.eventId);
}

async function releaseQuietly(
  conversations: ConversationStore,
  key: ConversationKey,
  owner: string,
  log: Log,
  context: LogFields,
): Promise<void> {
  try {
    await conversations.releaseLock(key, owner);
  } catch (error) {
    // The lease runs out on its own; the original error is the one to report.
    log.warn('could not release the render lock', { ...context, error: errorFields(error) });
  }
}

/** Full jitter on an exponential base, capped: concurrent writers spread out instead of colliding again. */
export function backoffMs(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(1000, 10 * 2 ** attempt));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
