/** Public API of the button use cases (retry, approve, reject) and their authorization. */
export {
  type ActionFailure,
  type ActionFailureCode,
  type DecisionRecord,
  failureOfError,
} from './action-outcome';
export { approvalSummary, MAX_APPROVAL_SUMMARY_LENGTH, truncateText, wellFormed } from './approval-summary';
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
  type MatchedRule,
  selectorMatches,
} from './authorize';
export type { ChatUser } from './chat-user';
export {
  type ApprovalTarget,
  type DecideApprovalInput,
  type DecideApprovalResult,
  decideApproval,
} from './decide-approval';
export { PipelineApiError, serviceErrorName } from './pipeline-api-error';
export { type RetryStageInput, type RetryStageResult, type RetryTarget, retryStage } from './retry-stage';
