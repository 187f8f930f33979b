/**
 * Merging an event or state of another execution is a caller's bug (the
 * state store is keyed by pipeline and execution id), not a condition to
 * report to a user, so this is a plain Error rather than a PipewatchError.
 */
export class ExecutionMismatchError extends Error {
  constructor(
    readonly expected: { readonly pipeline: string; readonly executionId: string },
    readonly actual: { readonly pipeline: string; readonly executionId: string },
  ) {
    super(
      `cannot merge execution ${actual.pipeline}/${actual.executionId} into the state of ${expected.pipeline}/${expected.executionId}`,
    );
    this.name = 'ExecutionMismatchError';
  }
}
