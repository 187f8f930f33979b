// (core) AlertMessage: the neutral alert any chat platform renders (title, status, facts, links, buttons), raw text
import type { Level } from '../events';
import type { AlertTriage } from './alert-triage';

/**
 * The neutral alert: what any chat platform shows about one CodePipeline
 * event. Renderers (Block Kit, Adaptive Cards, plain text) turn it into their
 * format and do their own escaping; the text here is raw.
 */
export interface AlertMessage {
  readonly eventId: string;
  /** ISO 8601 time of the event. */
  readonly time: string;
  readonly level: Level;
  readonly pipeline: string;
  readonly executionId: string;
  readonly stage?: string;
  readonly action?: string;
  /** One line, e.g. "Stage Build failed in meerkat". */
  readonly title: string;
  readonly status: AlertStatus;
  /** What went wrong or what happened, possibly several lines (e.g. one per failed action). */
  readonly summary?: string;
  /** In display order. */
  readonly facts: readonly AlertFact[];
  readonly links: readonly AlertLink[];
  /** Buttons, in display order. */
  readonly actions: readonly AlertAction[];
  /** A failure's thread reply only: the commit, the failed build's log tail, changes since the last success. */
  readonly triage?: AlertTriage;
  /** On a waiting approval's reply and its reminder: when it expires and who may approve. */
  readonly approval?: AlertApproval;
}

/** A waiting approval's expiry and approvers, as the thread reply (and its reminder) shows them. */
export interface AlertApproval {
  /** ISO 8601. */
  readonly expiresAt: string;
  /** The policy's user and group ids that may approve, with their names where the policy gives them. */
  readonly approvers: readonly { readonly id: string; readonly name?: string }[];
  /** On the reminder: how long before the expiry it was sent, in minutes. */
  readonly reminderLeadMinutes?: number;
  /** `"selfApproval": false`: whoever started the change may not approve it. */
  readonly notByRequester?: boolean;
}

export type Severity = 'info' | 'success' | 'warning' | 'error';

export interface AlertStatus {
  /** The state as CodePipeline sent it, e.g. FAILED. */
  readonly state: string;
  /** Human words, e.g. "Failed", "Waiting for approval", "Unknown state: PAUSED". */
  readonly label: string;
  readonly severity: Severity;
  /** False when CodePipeline sent a state pipewatch does not know at this level. */
  readonly known: boolean;
}

export interface AlertFact {
  readonly label: string;
  readonly value: string;
}

export interface AlertLink {
  /** `console`: the execution in the AWS console; `external`: the provider's page (build log, deployment, commit). */
  readonly kind: 'console' | 'external';
  readonly label: string;
  readonly url: string;
}

/**
 * Where a button acts: enough for the CodePipeline API call, which the click
 * handler makes with its own credentials. Never a secret: the approval token
 * is read from GetPipelineState when the button is pressed.
 */
export interface ActionTarget {
  readonly pipeline: string;
  readonly executionId: string;
  readonly region: string;
  readonly account: string;
}

export type RetryMode = 'FAILED_ACTIONS' | 'ALL_ACTIONS';

export type AlertAction =
  | (ActionTarget & {
      readonly kind: 'retry';
      readonly mode: RetryMode;
      readonly label: string;
      readonly stage: string;
    })
  | (ActionTarget & {
      readonly kind: 'approve' | 'reject';
      readonly label: string;
      readonly stage: string;
      readonly action: string;
    })
  /** Stop the running execution; "stop and wait" or "stop and abandon" is chosen after the press. */
  | (ActionTarget & { readonly kind: 'stop'; readonly label: string })
  /** Mute the pipeline in this channel for one of SNOOZE_CHOICES (as `/pipewatch snooze`), chosen on the control. */
  | (ActionTarget & { readonly kind: 'snooze'; readonly label: string })
  | (ActionTarget & { readonly kind: 'open-console'; readonly label: string; readonly url: string });

/** What is learnt about an event after it arrived, e.g. a failure summary read from GetPipelineState. */
export interface AlertEnrichment {
  readonly failure?: {
    readonly stage?: string;
    readonly action?: string;
    readonly summary?: string;
    readonly errorCode?: string;
    readonly externalUrl?: string;
  };
}
