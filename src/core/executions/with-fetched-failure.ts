// (core) failure details read from the CodePipeline API --> the state's fetchedFailure, the newest event's winning
import type { ExecutionState, FailureRecord, Observation } from './execution-state';
import { newer } from './observation-order';

/**
 * Records failure details read from the CodePipeline API (GetPipelineState,
 * ListActionExecutions) for a failure event that did not carry them, e.g. a
 * pipeline-level FAILED from EventBridge. `about` is the event the details were
 * fetched for: details fetched for a newer event replace older ones, in any order.
 */
export function withFetchedFailure(
  state: ExecutionState,
  details: Omit<FailureRecord, keyof Observation>,
  about: Observation,
): ExecutionState {
  const record: FailureRecord = {
    ...details,
    time: about.time,
    eventId: about.eventId,
    ...(about.attempt === undefined ? {} : { attempt: about.attempt }),
  };
  const fetchedFailure = newer(state.fetchedFailure, record);
  return fetchedFailure === state.fetchedFailure ? state : { ...state, ...(fetchedFailure ? { fetchedFailure } : {}) };
}
