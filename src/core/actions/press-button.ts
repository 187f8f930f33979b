// (core) a retry / approve / reject / stop button pressed on any platform --> authorize --> claim --> use case --> one logged decision
import type { ChannelRef } from '../channels';
import { describeError } from '../errors';
import { utcMinute } from '../messages';
import { type SnoozeSetter, startSnooze } from '../notify/snooze-schedule';
import type {
  ClickClaims,
  ConversationStore,
  Log,
  PipelineClient,
  ReminderSchedules,
  RunRequesters,
  SnoozeStore,
} from '../ports';
import type { AuthorizationPolicy } from './authorization-policy';
import { type AuthorizedAction, authorize } from './authorize';
import { type ButtonValue, SNOOZE_CHOICE_LABELS, SNOOZE_CHOICE_MS } from './button-value';
import type { ChatUser } from './chat-user';
import { decideApproval } from './decide-approval';
import { type DecisionRecord, decisionRecorder } from './decision-record';
import { recordRetry } from './record-retry';
import { retryStage } from './retry-stage';
import { type ChangeRequester, selfApprovalForbidden, selfApprovalRefusal } from './self-approval';
import { type StopMode, stopExecution } from './stop-execution';

/** The policy, or a getter for one (read from SSM through a cache, or a local file on every click). */
export type PolicySource = AuthorizationPolicy | (() => AuthorizationPolicy | Promise<AuthorizationPolicy>);

/** The ports a button press uses. */
export interface ButtonDeps {
  /**
   * The CodePipeline client for the region and account a button names (a bus may carry several
   * regions' and accounts' events): one that refuses with the reason where pipewatch does not act.
   */
  readonly pipelinesIn: (region: string, account?: string) => PipelineClient;
  readonly clicks: ClickClaims;
  /** Who may retry and approve. */
  readonly policy: PolicySource;
  /** Where the policy lives, named when a press is refused: "the SSM parameter …", "local/authorization.json". */
  readonly policyLocation?: string | undefined;
  readonly log: Pick<Log, 'info' | 'warn' | 'error'>;
  /** Where a retry is noted for the message to show who retried (absent: not noted). */
  readonly conversations?: Pick<ConversationStore, 'read' | 'writeState'>;
  /** Milliseconds since the epoch: the retry note's time, a snooze's start. */
  readonly now?: () => number;
  /** Snoozes per (channel, pipeline), for the Snooze button (absent: the button answers that snoozing is not set up). */
  readonly snoozes?: SnoozeStore;
  /** Where a snooze's end is scheduled (its summary on time); absent: the summary follows the next alert. */
  readonly snoozeSchedules?: ReminderSchedules;
  /** Who ran which execution from chat (`run`): a requester `"selfApproval": false` refuses. */
  readonly requesters?: RunRequesters;
}

/** A button that acts on an execution in CodePipeline (every kind but snooze). */
export type ExecutionButtonValue = Exclude<ButtonValue, { kind: 'snooze' }>;

/** One press of a button, as the platform adapter read it from its payload. */
export interface ButtonPress {
  readonly value: ButtonValue;
  /**
   * The person who pressed, as the platform knows them (never from the button's value). Asked with
   * the policy, so a platform resolves only the groups the policy can grant through.
   */
  readonly user: (policy: AuthorizationPolicy, action: AuthorizedAction) => Promise<ChatUser>;
  /** Identifies this click (the message, the button, its value): a double click acts once. */
  readonly clickKey: string;
  /** Recorded in the decision and in CodePipeline's approval summary ("Slack", "Teams"). */
  readonly platformName: string;
  /** The approver's comment (approve / reject), the reason of a stop. */
  readonly comment?: string;
  /** A stop's choice, made after the press (a modal, a card's buttons); absent: "stop and wait", the gentler. */
  readonly stopMode?: StopMode;
  /** The channel of the message the button is on: a retry is noted in its conversation. */
  readonly channel?: ChannelRef;
}

export type PressOutcome =
  /** CodePipeline did it: `message` says what, for the thread reply. */
  | { readonly status: 'done'; readonly user: ChatUser; readonly message: string }
  /** Not done (not allowed, already decided, not the latest execution…): `message` is for the presser only. */
  | { readonly status: 'refused'; readonly user: ChatUser; readonly message: string }
  /** The same click a moment ago is being handled: nothing done twice. */
  | { readonly status: 'duplicate'; readonly user: ChatUser };

/** How long a click's claim holds: longer than any retry of the same request, shorter than a person's patience. */
export const CLICK_CLAIM_TTL_SECONDS = 60;

export const ALREADY_HANDLED =
  'This button was already pressed a moment ago and is being handled: look for the result in the message and its thread.';

export const UNREADABLE_BUTTON =
  'This button could not be read: the message may be from an older or newer pipewatch. Nothing was changed.';

/**
 * 1. The policy, then the user (with the groups the policy names), then authorize.
 * 2. Allowed: claim the click, so a double click (or two people at once) acts once. A refused
 *    click claims nothing, so it cannot block an allowed person's.
 * 3. The use case: retryStage (RetryStageExecution), decideApproval (GetPipelineState for the
 *    token, PutApprovalResult) or stopExecution (StopPipelineExecution with who and why); a
 *    refusal is answered without calling CodePipeline.
 * 4. One decision record, logged whatever the outcome.
 */
export async function pressButton(press: ButtonPress, deps: ButtonDeps): Promise<PressOutcome> {
  const { value } = press;
  if (value.kind === 'snooze') return pressSnooze(press, value, deps);
  const policy = await currentPolicy(deps.policy);
  const user = await press.user(policy, value.kind);
  const policyLocation = deps.policyLocation;
  const authorization = authorize({ policy, action: value.kind, pipeline: value.pipeline, user, policyLocation });
  if (authorization.allowed) {
    const own = await selfApprovalCheck({ value, channel: press.channel }, deps, policy, user);
    if (own !== undefined) {
      logDecision(deps.log, decisionRecorder(subjectOf(value), user, own, press.platformName)('self-approval'));
      return { status: 'refused', user, message: own.reason };
    }
    if (!(await deps.clicks.claimClick(press.clickKey, CLICK_CLAIM_TTL_SECONDS))) {
      deps.log.info('duplicate click', { button: value.kind, user: user.id, pipeline: value.pipeline });
      return { status: 'duplicate', user };
    }
  }
  const client = deps.pipelinesIn(value.region, value.account);
  const common = { client, policy, policyLocation, user, platformName: press.platformName };
  const comment = press.comment ? { comment: press.comment } : {};
  const result =
    value.kind === 'retry'
      ? await retryStage({
          ...common,
          target: { pipeline: value.pipeline, stage: value.stage, executionId: value.executionId, mode: value.mode },
        })
      : value.kind === 'stop'
        ? await stopExecution({
            ...common,
            target: { pipeline: value.pipeline, executionId: value.executionId },
            mode: press.stopMode ?? 'wait',
            ...comment,
          })
        : await decideApproval({
            ...common,
            target: {
              pipeline: value.pipeline,
              stage: value.stage,
              action: value.action,
              executionId: value.executionId,
            },
            decision: value.kind === 'approve' ? 'Approved' : 'Rejected',
            ...comment,
          });
  logDecision(deps.log, result.decision);
  if (result.ok && value.kind === 'retry') await noteRetry(press, deps, user, value);
  return { status: result.ok ? 'done' : 'refused', user, message: result.message };
}

/**
 * Whether the presser may act, before anything is asked of them (Slack opens the approval's
 * comment modal only for someone who may decide). A refusal is logged as a decision and its
 * message says why (including how to configure approvers when there are none); nothing is claimed.
 */
export async function mayPress(
  press: Omit<ButtonPress, 'clickKey' | 'comment' | 'value'> & { readonly value: ExecutionButtonValue },
  deps: Pick<ButtonDeps, 'policy' | 'policyLocation' | 'log' | 'conversations' | 'requesters'>,
): Promise<
  { readonly allowed: true; readonly user: ChatUser } | { readonly allowed: false; readonly message: string }
> {
  const { value } = press;
  const policy = await currentPolicy(deps.policy);
  const user = await press.user(policy, value.kind);
  const authorization = authorize({
    policy,
    action: value.kind,
    pipeline: value.pipeline,
    user,
    policyLocation: deps.policyLocation,
  });
  if (authorization.allowed) {
    const own = await selfApprovalCheck(press, deps, policy, user);
    if (own === undefined) return { allowed: true, user };
    logDecision(deps.log, decisionRecorder(subjectOf(value), user, own, press.platformName)('self-approval'));
    return { allowed: false, message: own.reason };
  }
  logDecision(deps.log, decisionRecorder(subjectOf(value), user, authorization, press.platformName)('forbidden'));
  return { allowed: false, message: authorization.reason };
}

function subjectOf(value: ExecutionButtonValue) {
  return {
    action: value.kind,
    pipeline: value.pipeline,
    executionId: value.executionId,
    ...(value.kind === 'retry' ? { stage: value.stage, mode: value.mode } : {}),
    ...(value.kind === 'approve' || value.kind === 'reject' ? { stage: value.stage, actionName: value.action } : {}),
  };
}

/**
 * `"selfApproval": false`: an Approve pressed by whoever started the change is refused (a denial
 * to log, its reason for the clicker alone). Reject stays open to them: withdrawing one's own
 * change needs nobody else. Who started it is read only when a rule for the pipeline asks: the
 * `run` record and the trigger's author in the conversation of the message clicked. A lookup that
 * fails refuses (logged): the policy cannot be checked, so nothing is approved on a guess.
 */
async function selfApprovalCheck(
  press: { readonly value: ExecutionButtonValue; readonly channel?: ChannelRef | undefined },
  deps: Pick<ButtonDeps, 'log' | 'conversations' | 'requesters'>,
  policy: AuthorizationPolicy,
  user: ChatUser,
): Promise<{ readonly allowed: false; readonly reason: string } | undefined> {
  const { value } = press;
  if (value.kind !== 'approve' || !selfApprovalForbidden(policy, value.pipeline)) return undefined;
  const execution = { pipeline: value.pipeline, executionId: value.executionId };
  let requester: ChangeRequester;
  try {
    const [run, record] = await Promise.all([
      deps.requesters?.requester(execution),
      press.channel === undefined || deps.conversations === undefined
        ? undefined
        : deps.conversations.read({ channel: press.channel, ...execution }),
    ]);
    const author = record?.state.trigger?.commit;
    requester = { ...(run === undefined ? {} : { run }), ...(author === undefined ? {} : { author }) };
  } catch (error) {
    deps.log.warn('could not read who started the change; the approval is refused', {
      ...execution,
      user: user.id,
      error: describeError(error),
    });
    return {
      allowed: false,
      reason:
        'Nothing was changed: pipewatch could not check who started this change, which the policy asks before an approval. Try again in a moment.',
    };
  }
  const reason = selfApprovalRefusal({ policy, pipeline: value.pipeline, user, channel: press.channel, requester });
  return reason === undefined ? undefined : { allowed: false, reason };
}

/** Words for the person who pressed Snooze where snoozing is not set up. */
export const SNOOZE_NOT_SET_UP = 'Snoozing is not set up in this pipewatch (no snooze store). Nothing was changed.';

/**
 * The Snooze button: who may snooze is who may type `/pipewatch snooze` in the channel (anyone
 * there; the authorization policy has no list for it, as it has none for subscribing): a snooze
 * mutes new alerts of this channel only and changes nothing in AWS. The click is claimed (a double
 * click snoozes once), then the snooze is stored and its end scheduled (startSnooze), and logged.
 * The answer is for the presser only: no message is posted.
 */
async function pressSnooze(
  press: ButtonPress,
  value: Extract<ButtonValue, { kind: 'snooze' }>,
  deps: ButtonDeps,
): Promise<PressOutcome> {
  // No policy list grants snoozing: the person is asked for with an empty policy, so no platform looks up groups.
  const user = await press.user({ rules: [] }, 'retry');
  if (deps.snoozes === undefined) return { status: 'refused', user, message: SNOOZE_NOT_SET_UP };
  if (press.channel === undefined) {
    return {
      status: 'refused',
      user,
      message: 'This button could not tell which channel it is in. Nothing was changed.',
    };
  }
  if (!(await deps.clicks.claimClick(press.clickKey, CLICK_CLAIM_TTL_SECONDS))) {
    deps.log.info('duplicate click', { button: 'snooze', user: user.id, pipeline: value.pipeline });
    return { status: 'duplicate', user };
  }
  const now = (deps.now ?? Date.now)();
  const durationMs = SNOOZE_CHOICE_MS[value.for];
  const until = now + durationMs;
  const setter: SnoozeSetter = { snoozes: deps.snoozes, snoozeSchedules: deps.snoozeSchedules, log: deps.log };
  const { scheduled } = await startSnooze(setter, press.channel, {
    pipeline: value.pipeline,
    until,
    since: now,
    by: user.id,
  });
  deps.log.info('snoozed', {
    pipeline: value.pipeline,
    until: new Date(until).toISOString(),
    by: user.id,
    via: `${press.platformName} button`,
    scheduled,
  });
  const end = utcMinute(until);
  return {
    status: 'done',
    user,
    message: `Snoozed ${value.pipeline} here until ${end} (${SNOOZE_CHOICE_LABELS[value.for]}): no new alerts about it in this channel meanwhile; its failures are summarised in one message when the snooze ends.`,
  };
}

/** The retry, in the conversation of the message it was pressed on; a failure only costs the note (logged). */
async function noteRetry(
  press: ButtonPress,
  deps: ButtonDeps,
  user: ChatUser,
  value: Extract<ButtonValue, { kind: 'retry' }>,
): Promise<void> {
  if (deps.conversations === undefined || press.channel === undefined) return;
  const where = { channel: press.channel, pipeline: value.pipeline, executionId: value.executionId };
  try {
    const noted = await recordRetry(deps.conversations, where, {
      stage: value.stage,
      mode: value.mode,
      by: user.displayName ?? user.id,
      platform: press.platformName,
      time: new Date((deps.now ?? Date.now)()).toISOString(),
    });
    if (!noted)
      deps.log.warn('the retry was not noted in a conversation', { pipeline: value.pipeline, stage: value.stage });
  } catch (error) {
    deps.log.warn('could not note the retry in its conversation', {
      pipeline: value.pipeline,
      stage: value.stage,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

export async function currentPolicy(source: PolicySource): Promise<AuthorizationPolicy> {
  return typeof source === 'function' ? source() : source;
}

/** Every button decision is one log line, whatever its outcome. */
function logDecision(log: Pick<Log, 'info'>, decision: DecisionRecord): void {
  log.info('pipewatch decision', { decision });
}
