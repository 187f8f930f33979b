// (core) public API of the notify path's use case: an event in, one chat message per (channel, execution) out
/** Public API of the notify path's use case: an event in, one chat message per (channel, execution) out. */

export { announceRun, type RunAnnounced, type RunAnnouncement } from './announce-run';
export {
  type ApprovalSettings,
  type ApprovalWindow,
  type Approver,
  approvalExpiry,
  approversFor,
  atExpression,
  DEFAULT_APPROVAL_TIMEOUT_MINUTES,
  DEFAULT_REMINDER_LEAD_MINUTES,
  leadPhrase,
  type ReminderRequest,
  reminderDue,
  reminderScheduleName,
  reminderTime,
} from './approval-window';
export { ChatDeliveryError, type ChatDeliveryErrorKind, isChatDeliveryError } from './chat-delivery-error';
export { type FailureDetails, fetchFailureDetails, needsFailureDetails } from './failure-details';
export {
  ConversationContentionError,
  DEFAULT_NOTIFY_OPTIONS,
  type ExecutionWhere,
  findsPosts,
  hasPendingWork,
  type NotifyDeps,
  type NotifyOptions,
  type NotifyOutcome,
  type NotifyRequest,
  notifyEvent,
  notifyParsedEvent,
  RenderPendingError,
  remindApproval,
} from './notify-event';
export { type FollowOutcome, type FollowRequest, notifyFollowers } from './notify-followers';
export {
  formatDuration,
  notifyTransition,
  postSnoozeSummary,
  SUMMARY_LEASE_MS,
  snoozeGate,
  snoozeSummaryMessage,
} from './quiet-subscriptions';
export { notifySnoozeEnd, type SnoozeEndOutcome } from './snooze-end';
export {
  cancelSnoozeSchedule,
  type SnoozeEndRequest,
  type SnoozeSetter,
  snoozeEndTime,
  snoozeScheduleName,
  startSnooze,
} from './snooze-schedule';
export { type ReplyView, replyFingerprint, type ThreadReply, threadReplies } from './thread-replies';
export {
  compareOutcomes,
  type Flip,
  judgeOutcome,
  type ObservedOutcome,
  type OutcomeState,
  type StoredOutcome,
  type TransitionDecision,
} from './transitions';
