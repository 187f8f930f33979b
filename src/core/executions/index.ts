// (core) public API of execution state: merging events order-independently, and what to show about an execution
/** Public API of execution state: merging events order-independently, and what to show about an execution. */
export { ExecutionMismatchError } from './execution-mismatch-error';
export type {
  ExecutionFailure,
  ExecutionHeadline,
  ExecutionOverview,
  ExecutionOverviewOptions,
  StageProgress,
  WaitingApproval,
} from './execution-overview';
export {
  type ActionRecord,
  type ActionResultRecord,
  actionKey,
  EXECUTION_STATE_SCHEMA,
  type ExecutionState,
  type FailedActionRecord,
  type FailureRecord,
  MAX_SEEN_EVENTS,
  type Observation,
  type PipelineRecord,
  type SeenEvent,
  type StageRecord,
  type StatusRecord,
} from './execution-state';
export { executionStateOfEvent } from './execution-state-of-event';
export { executionToAlertMessage, progressLine } from './execution-to-alert-message';
export { mergeEvent } from './merge-event';
export { mergeExecutionStates } from './merge-execution-states';
export { compareObservations } from './observation-order';
export { STAGE_MARKS, stageMark } from './stage-marks';
export { summariseExecution } from './summarise-execution';
export { withFetchedFailure } from './with-fetched-failure';
