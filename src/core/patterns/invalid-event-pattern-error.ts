// (core) InvalidEventPatternError: a pattern EventBridge would reject, worded like InvalidEventPatternException
import { PipewatchError } from '../errors';

/**
 * A pattern EventBridge would reject (PutRule / TestEventPattern answer
 * InvalidEventPatternException). The message is worded like the service's, so
 * a user who pasted a pattern sees the reason AWS would give them.
 */
export class InvalidEventPatternError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'InvalidEventPatternError';

  readonly code = 'INVALID_EVENT_PATTERN' as const;
  /** The reason alone, without the "Event pattern is not valid." preamble. */
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Event pattern is not valid. Reason: ${reason}`, options);
    this.reason = reason;
  }
}
