// (teams) the contract between the cards pipewatch posts and the invokes their buttons send: verbs, inputs, limits

/** The `verb` of each Action.Execute button; part of the contract with cards already posted. */
export const CARD_VERBS = {
  retryFailed: 'pipewatch.retry.failed',
  retryAll: 'pipewatch.retry.all',
  approve: 'pipewatch.approve',
  reject: 'pipewatch.reject',
} as const;

/** The approval card's Input.Text id; the invoke merges it into `action.data`. */
export const APPROVAL_COMMENT_INPUT = 'comment';

/** PutApprovalResult's summary holds at most 512 characters, the approver's words included. */
export const MAX_APPROVAL_COMMENT_LENGTH = 512;
