// (teams) the contract between the cards pipewatch posts and the invokes their buttons send: verbs, inputs, limits

/** The `verb` of each Action.Execute button; part of the contract with cards already posted. */
export const CARD_VERBS = {
  retryFailed: 'pipewatch.retry.failed',
  retryAll: 'pipewatch.retry.all',
  approve: 'pipewatch.approve',
  reject: 'pipewatch.reject',
  stopWait: 'pipewatch.stop.wait',
  stopAbandon: 'pipewatch.stop.abandon',
  snooze: 'pipewatch.snooze',
} as const;

/**
 * The snooze card's Input.ChoiceSet id: each choice's value is a whole snooze button value
 * (pipeline and duration), which the invoke merges into `action.data` as `value`, where every
 * button's value is read. The Action.Execute's own data carries only the execution
 * (`SNOOZE_EXECUTION_KEY`), to find the card in the conversation's record.
 */
export const SNOOZE_CHOICE_INPUT = 'value';
export const SNOOZE_EXECUTION_KEY = 'execution';

/** The approval card's Input.Text id; the invoke merges it into `action.data`. */
export const APPROVAL_COMMENT_INPUT = 'comment';

/** PutApprovalResult's summary holds at most 512 characters, the approver's words included. */
export const MAX_APPROVAL_COMMENT_LENGTH = 512;

/** The stop card's Input.Text id (apart from the approval's: input ids are unique in a card). */
export const STOP_REASON_INPUT = 'stopReason';

/** Leaves room in StopPipelineExecution's 200-character reason for "Stopped by <name> in Teams: ". */
export const MAX_STOP_REASON_LENGTH = 150;
