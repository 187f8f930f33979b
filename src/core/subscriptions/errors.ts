// (core) InvalidSubscriptionError: a subscription that cannot become a valid EventBridge rule, in words for its author
import { PipewatchError } from '../errors';

/** A subscription that cannot become a valid EventBridge rule; the message is for the person who asked. */
export class InvalidSubscriptionError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'InvalidSubscriptionError';

  readonly code = 'INVALID_SUBSCRIPTION' as const;
}
