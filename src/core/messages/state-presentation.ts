// (core) a state (and whether it is an approval's) --> label, verb and severity; an unknown state says so
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
  return presentState(event.state, { known: event.stateKnown, approval: isApprovalAction(event) });
}

/**
 * The same words for a state known without its event (e.g. an execution's
 * merged state): `known` is whether the state is documented at its level,
 * `approval` whether it is an approval action's state.
 */
export function presentState(
  state: string,
  { known, approval }: { readonly known: boolean; readonly approval: boolean },
): AlertStatus & { readonly verb: string } {
  const words = known ? wordsFor(state, approval) : undefined;
  if (words === undefined) {
    return {
      state,
      label: `Unknown state: ${state}`,
      verb: `is in unknown state ${state}`,
      severity: 'warning',
      known: false,
    };
  }
  return { state, label: words.label, verb: words.verb, severity: words.severity, known: true };
}

function wordsFor(state: string, approval: boolean): StateWords | undefined {
  // Own keys only: a state named "constructor" must not find Object.prototype.constructor.
  if (approval && Object.hasOwn(APPROVAL_WORDS, state)) return APPROVAL_WORDS[state];
  return Object.hasOwn(WORDS, state) ? WORDS[state] : undefined;
}
