// (core) public API of execution state: merging events order-independently, and what to show about an execution
/** Public API of execution state: merging events order-independently, and what to show about an execution. */
export {
  approvalDeciderKey,
  approvalsWithoutDecider,
  decidedApprovalText,
  readableCaller,
  withApprovalDecider,
} from './approval-deciders';
export { ExecutionMismatchError } from './execution-mismatch-error';
export type {
  ExecutionFailure,
  ExecutionHeadline,
  ExecutionOverview,
  ExecutionOverviewOptions,
  HeldStage,
  HomeLocation,
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
  MAX_RETRY_NOTES,
  MAX_SEEN_EVENTS,
  type Observation,
  ownEntry,
  type PipelineRecord,
  type RetryNote,
  type RunNote,
  type SeenEvent,
  type StageRecord,
  type StatusRecord,
  type StopNote,
  type TransitionNote,
} from './execution-state';
export { type ExecutionIdentity, type ExecutionOfApi, executionStateOfActions } from './execution-state-of-actions';
export { executionStateOfEvent } from './execution-state-of-event';
export { executionToAlertMessage, isExpiry, progressLine } from './execution-to-alert-message';
export { mergeEvent } from './merge-event';
export {
  hasTransitionNote,
  mergeExecutionStates,
  withRetryNote,
  withRunNote,
  withTransitionNote,
} from './merge-execution-states';
export { compareObservations } from './observation-order';
export { STAGE_MARKS, stageMark } from './stage-marks';
export { retriesOf, stageRetries } from './stage-retries';
export { summariseExecution } from './summarise-execution';
export { withFetchedFailure } from './with-fetched-failure';
