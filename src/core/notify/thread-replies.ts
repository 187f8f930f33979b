// (core) an execution's merged state --> the thread replies it calls for (failed stage, waiting approval), each keyed and fingerprinted
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import {
  actionKey,
  decidedApprovalText,
  type ExecutionOverviewOptions,
  type ExecutionState,
  executionToAlertMessage,
  isExpiry,
  ownEntry,
  retriesOf,
  summariseExecution,
} from '../executions';
import { type AlertMessage, presentState } from '../messages';
import { withTriggerAuthor } from '../triage';
import { type ApprovalWindow, leadPhrase, reminderDue } from './approval-window';

/**
 * What a render knows beyond the state: the stage order and held stage, and, while an approval
 * waits, its window (expiry, reminder time, approvers) and the time of the render.
 */
export interface ReplyView extends ExecutionOverviewOptions {
  readonly approval?: ApprovalWindow;
  /** Milliseconds since the epoch: whether the reminder is due. */
  readonly now?: number;
}

/** A thread reply the execution's state calls for, with the key that makes it posted once. */
export interface ThreadReply {
  /** `failed:<stage>@<attempt>`, `approval:<stage>/<action>@<attempt>` or `reminder:<stage>/<action>@<attempt>`. */
  readonly key: string;
  /** False for a posted reply whose moment has passed (shown closed, without buttons). */
  readonly open: boolean;
  readonly message: AlertMessage;
  /** replyFingerprint(message): a posted reply whose fingerprint differs is updated in place. */
  readonly fingerprint: string;
}

/**
 * (merge) --> threadReplies --> chat.reply, once per key
 *
 * The replies the current state calls for: its failure and its waiting approval. Updating the
 * execution's message notifies nobody, a reply does. Built from the merged state rather than
 * from the event at hand, because the invocation that renders (the render-lock holder) is not
 * always the one that received the failure or approval event.
 *
 * A failure is keyed by stage and attempt, not by action: the failing action's name may only be
 * learnt later (a stage or pipeline FAILED arrives first), and one reply per failed stage
 * attempt is what a person wants anyway. A retried stage fails under a new attempt and gets a new reply.
 * Since the details (error code, summary, log link) may also arrive after the reply was posted,
 * each reply carries a fingerprint of what it shows: a posted reply that differs is updated in place.
 */
export function threadReplies(
  state: ExecutionState,
  view: ReplyView = {},
  /** The keys of the replies already posted: those the state no longer calls for are closed. */
  posted: readonly string[] = [],
): ThreadReply[] {
  const open = replyMessages(state, view, posted);
  const closed = posted
    .filter((key) => !open.some((reply) => reply.key === key))
    .flatMap((key) => {
      const message = closedReply(state, view, key);
      return message === undefined ? [] : [{ key, message }];
    });
  return [
    ...open.map((reply) => ({ ...reply, open: true })),
    ...closed.map((reply) => ({ ...reply, open: false })),
  ].map(({ key, open, message }) => ({ key, open, message, fingerprint: replyFingerprint(message) }));
}

/**
 * A posted reply whose moment has passed, without the buttons that no longer apply: a failure that
 * was retried ("Retried by bob in Slack"), an approval that was decided or expired (CodePipeline's
 * summary: "Approved by alice in Slack: ship it"). The reply stays as the record of what happened.
 */
function closedReply(state: ExecutionState, view: ExecutionOverviewOptions, key: string): AlertMessage | undefined {
  const failed = /^failed:(.+)@\d+$/.exec(key);
  const approval = /^approval:([^/]+)\/(.+)@\d+$/.exec(key);
  const base = executionToAlertMessage(state, view);
  const links = base.actions.filter((entry) => entry.kind === 'open-console');
  if (failed?.[1] !== undefined) {
    const stage = failed[1];
    const people = [...new Set(retriesOf(state, stage).map((note) => `${note.by} in ${note.platform}`))];
    // The triage stays: the record of what failed, also once the stage was retried.
    const pack = ownEntry(state.triage ?? {}, key);
    const triage = pack === undefined ? undefined : withTriggerAuthor(pack, state.trigger);
    return {
      ...base,
      ...(triage === undefined ? {} : { triage }),
      level: 'stage',
      stage,
      title: `Stage ${stage} failed in ${state.pipeline}`,
      status: {
        state: 'RESUMED',
        label: people.length > 0 ? `Retried by ${people.join(', ')}` : 'Retried',
        severity: 'info',
        known: true,
      },
      summary: `Stage ${stage} was retried; the message above follows the run.`,
      facts: [],
      actions: links,
    };
  }
  if (approval?.[1] !== undefined && approval[2] !== undefined) {
    const [stage, action] = [approval[1], approval[2]];
    const record = ownEntry(state.actions, actionKey(stage, action));
    // CodePipeline's summary, and who answered when it was outside chat (ListActionExecutions' updatedBy).
    const summary = record === undefined ? undefined : decidedApprovalText(state, record);
    const outcome =
      record?.state === 'SUCCEEDED'
        ? { label: 'Approved', severity: 'success' as const }
        : record?.state === 'FAILED'
          ? isExpiry(summary)
            ? { label: 'Approval expired', severity: 'warning' as const }
            : { label: 'Rejected', severity: 'error' as const }
          : { label: 'No longer waiting', severity: 'info' as const };
    return {
      ...base,
      level: 'action',
      stage,
      action,
      title: `Approval: ${action} in ${state.pipeline} / ${stage}`,
      status: { state: record?.state ?? 'STOPPED', label: outcome.label, severity: outcome.severity, known: true },
      ...(summary === undefined ? { summary: outcome.label } : { summary }),
      facts: [],
      actions: links,
    };
  }
  return undefined;
}

/**
 * A stable hash of what a reply shows (title, status, summary, facts, links, buttons), as canonical JSON:
 * not of the newest event's id and time, which change with every event and show nothing new.
 */
export function replyFingerprint(message: AlertMessage): string {
  const { title, status, summary, facts, links, actions, triage, approval } = message;
  const shown = canonicalJson({
    title,
    status,
    summary: summary ?? null,
    facts,
    links,
    actions,
    // `triage` and `approval` only where there is one (canonicalJson drops undefined), so that
    // replies posted before they existed keep their fingerprints.
    triage,
    ...(approval === undefined ? {} : { approval }),
  });
  return createHash('sha256').update(shown).digest('base64url').slice(0, 22);
}

function replyMessages(
  state: ExecutionState,
  view: ReplyView,
  posted: readonly string[],
): { key: string; message: AlertMessage }[] {
  const overview = summariseExecution(state, view);
  const base = executionToAlertMessage(state, view);
  const replies: { key: string; message: AlertMessage }[] = [];
  const failure = overview.failure;
  if (failure?.stage !== undefined) {
    const { stage, action } = failure;
    const rejected = failure.category === 'Approval' && action !== undefined;
    const key = `failed:${stage}@${failedAttemptOf(state, stage)}`;
    const pack = rejected ? undefined : ownEntry(state.triage ?? {}, key);
    const triage = pack === undefined ? undefined : withTriggerAuthor(pack, state.trigger);
    replies.push({
      key,
      message: {
        ...(triage === undefined ? {} : { triage }),
        ...base,
        stage,
        ...(action === undefined ? {} : { action }),
        level: action === undefined ? 'stage' : 'action',
        title: rejected
          ? `Approval ${action} ${isExpiry(failure.summary) ? 'expired' : 'rejected'} in ${state.pipeline} / ${stage}`
          : action === undefined
            ? `Stage ${stage} failed in ${state.pipeline}`
            : `Action ${action} failed in ${state.pipeline} / ${stage}`,
        status: rejected ? base.status : statusOf('FAILED', false),
        // Approving from a failure's reply would be confusing: only its retry and link buttons.
        actions: base.actions.filter((entry) => entry.kind !== 'approve' && entry.kind !== 'reject'),
      },
    });
  }
  const waiting = overview.waitingApproval;
  if (waiting !== undefined) {
    const { stage, action } = waiting;
    const attempt = attemptOf(state, stage, action);
    const approvalKey = `approval:${stage}/${action}@${attempt}`;
    const window = view.approval?.stage === stage && view.approval.action === action ? view.approval : undefined;
    const shown =
      window === undefined
        ? {}
        : {
            approval: {
              expiresAt: window.expiresAt,
              approvers: window.approvers,
              ...(window.notByRequester === true ? { notByRequester: true } : {}),
            },
          };
    replies.push({
      key: approvalKey,
      message: {
        ...base,
        level: 'action',
        stage,
        action,
        title: `Approval needed: ${action} in ${state.pipeline} / ${stage}`,
        status: statusOf('STARTED', true),
        summary: `Waiting for approval: ${action} in stage ${stage}`,
        // Stop stays on the execution's own message: the reply is about the approval.
        actions: base.actions.filter((entry) => entry.kind !== 'retry' && entry.kind !== 'stop'),
        ...shown,
      },
    });
    // The reminder: once the approval's reply is up (posting both at once would be one notification
    // too many), CodePipeline still shows it waiting, and its time has come (the schedule's call, or
    // any render after it). Its buttons are the approval's reply's, just above.
    if (window !== undefined && posted.includes(approvalKey) && reminderDue(window, view.now ?? 0)) {
      replies.push({
        key: `reminder:${stage}/${action}@${attempt}`,
        message: {
          ...base,
          level: 'action',
          stage,
          action,
          title: `Reminder: approval ${action} in ${state.pipeline} / ${stage} expires in ${leadPhrase(window.leadMinutes)}`,
          status: statusOf('STARTED', true),
          summary: `Nobody has approved or rejected it yet. Approve or reject it with the buttons above, or it fails when it expires.`,
          facts: [],
          actions: base.actions.filter((entry) => entry.kind === 'open-console'),
          approval: {
            expiresAt: window.expiresAt,
            approvers: window.approvers,
            reminderLeadMinutes: window.leadMinutes,
          },
        },
      });
    }
  }
  return replies;
}

/**
 * The key of the failure reply the state calls for (`failed:<stage>@<attempt>`), when it calls for
 * one and the failure is not an approval's: what a triage pack is read and kept for.
 */
export function failureReplyKey(state: ExecutionState): string | undefined {
  const failure = summariseExecution(state).failure;
  if (failure?.stage === undefined || (failure.category === 'Approval' && failure.action !== undefined)) {
    return undefined;
  }
  return `failed:${failure.stage}@${failedAttemptOf(state, failure.stage)}`;
}

function statusOf(state: string, approval: boolean): AlertMessage['status'] {
  const { verb: _verb, ...status } = presentState(state, { known: true, approval });
  return status;
}

/**
 * The attempt that failed: the failed stage record's, else its failed actions' largest. Not the
 * largest attempt seen on the stage: a retry's first events (attempt 2) can arrive before the
 * stage's own RESUMED, while the failure of attempt 1 is still what the state shows.
 */
function failedAttemptOf(state: ExecutionState, stage: string): number {
  const record = Object.hasOwn(state.stages, stage) ? state.stages[stage] : undefined;
  if (record?.state === 'FAILED' && record.attempt !== undefined) return record.attempt;
  const attempts = Object.values(state.actions)
    .filter((action) => action.stage === stage && action.state === 'FAILED')
    .flatMap((action) => (action.attempt === undefined ? [] : [action.attempt]));
  return attempts.length > 0 ? Math.max(...attempts) : attemptOf(state, stage);
}

/** The largest attempt seen on the stage (or the action): stable however the stage's events arrive. */
function attemptOf(state: ExecutionState, stage: string, action?: string): number {
  const records = [
    Object.hasOwn(state.stages, stage) ? state.stages[stage] : undefined,
    ...Object.values(state.actions).filter(
      (record) => record.stage === stage && (action === undefined || record.action === action),
    ),
  ];
  const attempts = records.flatMap((record) => (record?.attempt === undefined ? [] : [record.attempt]));
  return attempts.length > 0 ? Math.max(...attempts) : 1;
}
