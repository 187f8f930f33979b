// (core) ExecutionMismatchError: merging an event or state of another execution, a caller's bug the notify path lets throw
import { PipewatchError } from '../errors';

/**
 * Merging an event or state of another execution is a caller's bug (the
 * state store is keyed by pipeline and execution id), not a condition to
 * report to a user: the notify path lets it throw.
 */
export class ExecutionMismatchError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'ExecutionMismatchError';

  readonly code = 'EXECUTION_MISMATCH' as const;

  constructor(
    readonly expected: { readonly pipeline: string; readonly executionId: string },
    readonly actual: { readonly pipeline: string; readonly executionId: string },
  ) {
    super(
      `cannot merge execution ${actual.pipeline}/${actual.executionId} into the state of ${expected.pipeline}/${expected.executionId}`,
    );
  }
}
