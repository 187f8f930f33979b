import { PipewatchError } from '../errors';

/** A subscription that cannot become a valid EventBridge rule; the message is for the person who asked. */
export class InvalidSubscriptionError extends PipewatchError {
  readonly code = 'INVALID_SUBSCRIPTION' as const;
}
