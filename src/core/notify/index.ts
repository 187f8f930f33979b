// (core) public API of the notify path's use case: an event in, one chat message per (channel, execution) out
/** Public API of the notify path's use case: an event in, one chat message per (channel, execution) out. */
export { ChatDeliveryError, type ChatDeliveryErrorKind, isChatDeliveryError } from './chat-delivery-error';
export { type FailureDetails, fetchFailureDetails, needsFailureDetails } from './failure-details';
export {
  ConversationContentionError,
  DEFAULT_NOTIFY_OPTIONS,
  hasPendingWork,
  type NotifyDeps,
  type NotifyOptions,
  type NotifyOutcome,
  type NotifyRequest,
  notifyEvent,
  notifyParsedEvent,
  RenderPendingError,
} from './notify-event';
export { type FollowOutcome, type FollowRequest, notifyFollowers } from './notify-followers';
export {
  formatDuration,
  notifyTransition,
  SUMMARY_LEASE_MS,
  snoozeGate,
  snoozeSummaryMessage,
} from './quiet-subscriptions';
export { replyFingerprint, type ThreadReply, threadReplies } from './thread-replies';
export {
  compareOutcomes,
  type Flip,
  judgeOutcome,
  type ObservedOutcome,
  type OutcomeState,
  type StoredOutcome,
  type TransitionDecision,
} from './transitions';
