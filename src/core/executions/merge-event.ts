// (core) an execution's state + one event --> the merged state, the same for any order and duplicates of the events
import type { PipelineEvent } from '../events';
import type { ExecutionState } from './execution-state';
import { executionStateOfEvent } from './execution-state-of-event';
import { mergeExecutionStates } from './merge-execution-states';

/**
 * parse --> de-duplicate --> mergeEvent --> render --> post/update
 *
 * Folds one event into its execution's state. Any permutation of the same
 * events, with any duplicates, gives the same state (see
 * mergeExecutionStates and compareObservations for the rules, including
 * retries: after RESUMED a stage goes FAILED -> STARTED -> SUCCEEDED again,
 * and the newer events win by time, then by attempt).
 *
 * When the event changes nothing (a duplicate, or older than what is known)
 * the very same `state` object is returned, so the caller can skip the write.
 *
 * @throws ExecutionMismatchError when the event is of another execution than `state`.
 */
export function mergeEvent(state: ExecutionState | undefined, event: PipelineEvent): ExecutionState {
  const own = executionStateOfEvent(event);
  if (state === undefined) return own;
  return mergeExecutionStates(state, own);
}
