// (core) the one log record of a button press: who, what, allowed or denied and why, how it ended
import type { StageRetryMode } from '../ports';
import type { ActionFailureCode } from './action-outcome';
import type { AuthorizationDecision, AuthorizedAction } from './authorize';
import type { ChatUser } from './chat-user';

/** What was pressed: a retry names its mode, an approval its action, a stop whether it waits. */
export interface DecisionSubject {
  readonly action: AuthorizedAction;
  readonly pipeline: string;
  readonly executionId: string;
  /** The stage a retry or an approval is in; a stop acts on the whole execution. */
  readonly stage?: string;
  /** The approval action's name (approve / reject). */
  readonly actionName?: string;
  readonly mode?: StageRetryMode;
  /** A stop's choice: wait for the actions in progress, or abandon them. */
  readonly stopMode?: 'wait' | 'abandon';
}

/**
 * One line for the log about every button press: who, what, allowed or
 * denied and why, and how it ended. Plain JSON.
 */
export interface DecisionRecord extends DecisionSubject {
  readonly kind: 'pipewatch.decision';
  readonly user: { readonly id: string; readonly displayName?: string; readonly groups: readonly string[] };
  /** The chat platform the press came from ("Slack", "Teams"), when the caller names it. */
  readonly platform?: string;
  readonly allowed: boolean;
  readonly reason: string;
  readonly ruleIndex?: number;
  readonly outcome: 'ok' | ActionFailureCode;
  /** The CodePipeline error code behind a failed outcome. */
  readonly errorName?: string;
}

/** The record's builder for one press, given its outcome when known: retry and approval share it. */
export function decisionRecorder(
  subject: DecisionSubject,
  user: ChatUser,
  authorization: AuthorizationDecision,
  platform?: string,
): (outcome: DecisionRecord['outcome'], errorName?: string) => DecisionRecord {
  return (outcome, errorName) => ({
    kind: 'pipewatch.decision',
    action: subject.action,
    pipeline: subject.pipeline,
    executionId: subject.executionId,
    ...(subject.stage === undefined ? {} : { stage: subject.stage }),
    ...(subject.stopMode === undefined ? {} : { stopMode: subject.stopMode }),
    ...(subject.actionName === undefined ? {} : { actionName: subject.actionName }),
    ...(subject.mode === undefined ? {} : { mode: subject.mode }),
    user: { id: user.id, groups: [...user.groups], ...(user.displayName ? { displayName: user.displayName } : {}) },
    ...(platform === undefined ? {} : { platform }),
    allowed: authorization.allowed,
    reason: authorization.reason,
    ...(authorization.rule ? { ruleIndex: authorization.rule.index } : {}),
    outcome,
    ...(errorName ? { errorName } : {}),
  });
}
