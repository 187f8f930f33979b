// (slack) the action_id of every button pipewatch posts: the click listeners' contract with messages already posted
/**
 * The `action_id` of every button pipewatch puts in a message. The click
 * listeners are registered on these, so they are part of the contract with
 * messages already posted: change one and older messages' buttons stop working.
 */
export const ACTION_IDS = {
  retryFailed: 'pipewatch.retry.failed',
  retryAll: 'pipewatch.retry.all',
  approve: 'pipewatch.approve',
  reject: 'pipewatch.reject',
  stop: 'pipewatch.stop',
  /** A static_select of durations: its options' values are snooze button values. */
  snooze: 'pipewatch.snooze',
  openConsole: 'pipewatch.open-console',
  viewLogs: 'pipewatch.view-logs',
} as const;

export type PipewatchActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];

/** Buttons that change something in CodePipeline; link buttons only open a page. */
export const INTERACTIVE_ACTION_IDS: ReadonlySet<string> = new Set<PipewatchActionId>([
  ACTION_IDS.retryFailed,
  ACTION_IDS.retryAll,
  ACTION_IDS.approve,
  ACTION_IDS.reject,
  ACTION_IDS.stop,
  ACTION_IDS.snooze,
]);
