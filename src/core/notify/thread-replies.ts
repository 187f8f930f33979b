// (core) an execution's merged state --> the thread replies it calls for (failed stage, waiting approval), each keyed and fingerprinted
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import {
  type ExecutionOverviewOptions,
  type ExecutionState,
  executionToAlertMessage,
  summariseExecution,
} from '../executions';
import { type AlertMessage, presentState } from '../messages';

/** A thread reply the execution's state calls for, with the key that makes it posted once. */
export interface ThreadReply {
  /** `failed:<stage>@<attempt>` or `approval:<stage>/<action>@<attempt>`. */
  readonly key: string;
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
export function threadReplies(state: ExecutionState, view: ExecutionOverviewOptions = {}): ThreadReply[] {
  return replyMessages(state, view).map(({ key, message }) => ({
    key,
    message,
    fingerprint: replyFingerprint(message),
  }));
}

/**
 * A stable hash of what a reply shows (title, status, summary, facts, links, buttons), as canonical JSON:
 * not of the newest event's id and time, which change with every event and show nothing new.
 */
export function replyFingerprint(message: AlertMessage): string {
  const { title, status, summary, facts, links, actions } = message;
  const shown = canonicalJson({ title, status, summary: summary ?? null, facts, links, actions });
  return createHash('sha256').update(shown).digest('base64url').slice(0, 22);
}

function replyMessages(
  state: ExecutionState,
  view: ExecutionOverviewOptions,
): { key: string; message: AlertMessage }[] {
  const overview = summariseExecution(state, view);
  const base = executionToAlertMessage(state, view);
  const replies: { key: string; message: AlertMessage }[] = [];
  const failure = overview.failure;
  if (failure?.stage !== undefined) {
    const { stage, action } = failure;
    replies.push({
      key: `failed:${stage}@${attemptOf(state, stage)}`,
      message: {
        ...base,
        stage,
        ...(action === undefined ? {} : { action }),
        level: action === undefined ? 'stage' : 'action',
        title:
          action === undefined
            ? `Stage ${stage} failed in ${state.pipeline}`
            : `Action ${action} failed in ${state.pipeline} / ${stage}`,
        status: statusOf('FAILED', false),
        // Approving from a failure's reply would be confusing: only its retry and link buttons.
        actions: base.actions.filter((entry) => entry.kind !== 'approve' && entry.kind !== 'reject'),
      },
    });
  }
  const waiting = overview.waitingApproval;
  if (waiting !== undefined) {
    const { stage, action } = waiting;
    replies.push({
      key: `approval:${stage}/${action}@${attemptOf(state, stage, action)}`,
      message: {
        ...base,
        level: 'action',
        stage,
        action,
        title: `Approval needed: ${action} in ${state.pipeline} / ${stage}`,
        status: statusOf('STARTED', true),
        summary: `Waiting for approval: ${action} in stage ${stage}`,
        actions: base.actions.filter((entry) => entry.kind !== 'retry'),
      },
    });
  }
  return replies;
}

function statusOf(state: string, approval: boolean): AlertMessage['status'] {
  const { verb: _verb, ...status } = presentState(state, { known: true, approval });
  return status;
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
