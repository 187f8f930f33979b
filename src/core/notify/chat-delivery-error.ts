// (core) ChatDeliveryError: a chat platform refused a post; transient (EventBridge retries) or permanent (dropped)
import { PipewatchError } from '../errors';

/**
 * Whether trying again can help: `transient` (rate limited, 5xx, network) makes the notify
 * path throw so that EventBridge retries the delivery; `permanent` (the channel is gone, the bot
 * was removed, the token was revoked) is logged and dropped, since a retry would get the same answer.
 */
export type ChatDeliveryErrorKind = 'permanent' | 'transient';

/** A chat platform refused or failed a post, update or reply. Adapters throw it; `cause` is the original. */
export class ChatDeliveryError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'ChatDeliveryError';

  /** From a rate limit: when the platform accepts calls again. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly kind: ChatDeliveryErrorKind,
    /** The platform's error code, e.g. `channel_not_found`, `ratelimited`, `http_500`. */
    readonly code: string,
    message: string,
    options: { readonly cause?: unknown; readonly retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isChatDeliveryError(error: unknown): error is ChatDeliveryError {
  return error instanceof ChatDeliveryError;
}
