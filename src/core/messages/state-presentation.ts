import type { PipelineEvent } from '../events';
import type { AlertStatus, Severity } from './alert-message';

interface StateWords {
  readonly label: string;
  /** Completes "Stage Build ...". */
  readonly verb: string;
  readonly severity: Severity;
}

const WORDS: Readonly<Record<string, StateWords>> = {
  STARTED: { label: 'Started', verb: 'started', severity: 'info' },
  SUCCEEDED: { label: 'Succeeded', verb: 'succeeded', severity: 'success' },
  RESUMED: { label: 'Resumed', verb: 'resumed', severity: 'info' },
  FAILED: { label: 'Failed', verb: 'failed', severity: 'error' },
  CANCELED: { label: 'Canceled', verb: 'was canceled', severity: 'warning' },
  // A newer execution went past this one: expected with SUPERSEDED mode, nothing to act on.
  SUPERSEDED: { label: 'Superseded', verb: 'was superseded', severity: 'info' },
  STOPPING: { label: 'Stopping', verb: 'is stopping', severity: 'warning' },
  STOPPED: { label: 'Stopped', verb: 'stopped', severity: 'warning' },
  ABANDONED: { label: 'Abandoned', verb: 'was abandoned', severity: 'warning' },
};

/** Approval actions read differently: STARTED means someone must act, FAILED means rejected (or expired after 7 days). */
const APPROVAL_WORDS: Readonly<Record<string, StateWords>> = {
  STARTED: { label: 'Waiting for approval', verb: 'is waiting for approval', severity: 'warning' },
  SUCCEEDED: { label: 'Approved', verb: 'was approved', severity: 'success' },
  FAILED: { label: 'Rejected or expired', verb: 'was rejected or expired', severity: 'error' },
};

export function isApprovalAction(event: PipelineEvent): boolean {
  return event.level === 'action' && event.actionType?.category === 'Approval';
}

/** The words and severity for an event's state; an unknown state is a warning that says so. */
export function describeState(event: PipelineEvent): AlertStatus & { readonly verb: string } {
  const words = event.stateKnown ? wordsFor(event) : undefined;
  if (words === undefined) {
    return {
      state: event.state,
      label: `Unknown state: ${event.state}`,
      verb: `is in unknown state ${event.state}`,
      severity: 'warning',
      known: false,
    };
  }
  return { state: event.state, label: words.label, verb: words.verb, severity: words.severity, known: true };
}

function wordsFor(event: PipelineEvent): StateWords | undefined {
  // Own keys only: a state named "constructor" must not find Object.prototype.constructor.
  if (isApprovalAction(event) && Object.hasOwn(APPROVAL_WORDS, event.state)) return APPROVAL_WORDS[event.state];
  return Object.hasOwn(WORDS, event.state) ? WORDS[event.state] : undefined;
}
