// (teams) the contract between the cards pipewatch posts and the invokes their buttons send: verbs, inputs, limits

/** The `verb` of each Action.Execute button; part of the contract with cards already posted. */
export const CARD_VERBS = {
  retryFailed: 'pipewatch.retry.failed',
  retryAll: 'pipewatch.retry.all',
  approve: 'pipewatch.approve',
  reject: 'pipewatch.reject',
  stopWait: 'pipewatch.stop.wait',
  stopAbandon: 'pipewatch.stop.abandon',
} as const;

/** The approval card's Input.Text id; the invoke merges it into `action.data`. */
export const APPROVAL_COMMENT_INPUT = 'comment';

/** PutApprovalResult's summary holds at most 512 characters, the approver's words included. */
export const MAX_APPROVAL_COMMENT_LENGTH = 512;

/** The stop card's Input.Text id (apart from the approval's: input ids are unique in a card). */
export const STOP_REASON_INPUT = 'stopReason';

/** Leaves room in StopPipelineExecution's 200-character reason for "Stopped by <name> in Teams: ". */
export const MAX_STOP_REASON_LENGTH = 150;
