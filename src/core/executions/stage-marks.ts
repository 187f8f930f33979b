// (core) a stage's state --> its plain-Unicode mark in a progress line (✓ ✗ … ■ ? –)
/**
 * Marks for a stage in a progress line ("Source ✓ · Build ✗ · Approval … · Prod –").
 * Plain Unicode, no platform emoji codes: every renderer shows them as they are.
 */
export const STAGE_MARKS = {
  succeeded: '✓',
  failed: '✗',
  inProgress: '…',
  stopped: '■',
  unknown: '?',
  notStarted: '–',
} as const;

const MARK_OF_STATE: Readonly<Record<string, string>> = {
  SUCCEEDED: STAGE_MARKS.succeeded,
  FAILED: STAGE_MARKS.failed,
  STARTED: STAGE_MARKS.inProgress,
  RESUMED: STAGE_MARKS.inProgress,
  STOPPING: STAGE_MARKS.inProgress,
  STOPPED: STAGE_MARKS.stopped,
  CANCELED: STAGE_MARKS.stopped,
  ABANDONED: STAGE_MARKS.stopped,
  SUPERSEDED: STAGE_MARKS.stopped,
};

export function stageMark(state: string | undefined): string {
  if (state === undefined) return STAGE_MARKS.notStarted;
  return Object.hasOwn(MARK_OF_STATE, state) ? (MARK_OF_STATE[state] ?? STAGE_MARKS.unknown) : STAGE_MARKS.unknown;
}
