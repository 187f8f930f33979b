// (core) public API of the button use cases (retry, approve, reject), their authorization and button values
/** Public API of the button use cases (retry, approve, reject, stop) and their authorization. */

export { PipelineApiError } from '../port-errors';
export { type ActionFailure, type ActionFailureCode, failureOfError } from './action-outcome';
export { approvalSummary, decisionNote, MAX_APPROVAL_SUMMARY_LENGTH } from './approval-summary';
export {
  AUTHORIZATION_SETTING,
  type AuthorizationPolicy,
  type AuthorizationRule,
  authorizationPolicySchema,
  authorizationRuleSchema,
  EMPTY_AUTHORIZATION_POLICY,
  type ParseAuthorizationPolicyResult,
  parseAuthorizationPolicy,
} from './authorization-policy';
export {
  type AuthorizationDecision,
  type AuthorizedAction,
  type AuthorizeInput,
  authorize,
  idsIn,
  type MatchedRule,
  type PolicyList,
  permissionOf,
  selectorMatches,
} from './authorize';
export {
  type ButtonValue,
  buttonValueOf,
  buttonValueSchema,
  encodeButtonValue,
  InvalidButtonValueError,
  parseButtonValue,
  SNOOZE_CHOICE_LABELS,
  SNOOZE_CHOICE_MS,
  SNOOZE_CHOICES,
  type SnoozeChoice,
  snoozeValues,
} from './button-value';
export type { ChatUser } from './chat-user';
export {
  type ApprovalTarget,
  type DecideApprovalInput,
  type DecideApprovalResult,
  decideApproval,
} from './decide-approval';
export { type DecisionRecord, decisionRecorder } from './decision-record';
export { PolicyUnreadableError, policyUnreadableText, readablePolicy } from './policy-unreadable';
export {
  ALREADY_HANDLED,
  type ButtonDeps,
  type ButtonPress,
  CLICK_CLAIM_TTL_SECONDS,
  currentPolicy,
  type ExecutionButtonValue,
  mayPress,
  type PolicySource,
  type PressOutcome,
  pressButton,
  SNOOZE_NOT_SET_UP,
  UNREADABLE_BUTTON,
} from './press-button';
export { type RetryStageInput, type RetryStageResult, type RetryTarget, retryStage } from './retry-stage';
export {
  type ChangeRequester,
  SELF_APPROVAL_TAIL,
  selfApprovalForbidden,
  selfApprovalRefusal,
} from './self-approval';
export {
  MAX_STOP_REASON_LENGTH,
  type StopExecutionInput,
  type StopExecutionResult,
  type StopMode,
  type StopTarget,
  stopExecution,
  stopReason,
} from './stop-execution';
