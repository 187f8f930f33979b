// (adapter) Slack Web API --> ChatPoster of the notify path. Imports @slack/web-api only, never Bolt:
// the notify function must not load it (nor src/slack/index.ts, which may one day re-export the app).
import { ErrorCode, LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import type { AlertMessage } from '../core/messages';
import { ChatDeliveryError } from '../core/notify/chat-delivery-error';
import type { ChatPoster, Log } from '../core/ports';
import type { ChannelRef } from '../core/subscriptions';
import { nodeHttpFetch } from '../http/node-http-fetch';
import { renderBlockKit } from './render-block-kit';
import { renderThreadReply } from './render-thread-reply';
import type { SlackMessage } from './slack-message';

export interface SlackChatPosterOptions {
  /** The bot token (xoxb-…), read by the caller (SSM in Lambda, in-process locally). */
  readonly token: string;
  /** The Web API base URL; the local Slack's in local mode and tests. */
  readonly slackApiUrl?: string;
  /** WebClient's own retries of 5xx and network errors (each waits 0.2–1 s). Bounded: the Lambda has 30 s. */
  readonly retries?: number;
  /** Per request. */
  readonly timeoutMs?: number;
  /**
   * A 429 asking to wait at most this long is waited out here (then the call is made again);
   * a longer wait is a transient failure, left to EventBridge's retry, so that one invocation never
   * sleeps past its timeout. WebClient's own 429 handling would wait for any Retry-After.
   */
  readonly maxRetryAfterSeconds?: number;
  /** 429s waited out per call before giving up. */
  readonly maxRateLimitRetries?: number;
  readonly log?: Log;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Slack errors that mean "not this channel, not with this token, not this message": retrying
 * gets the same answer, so they are logged with the subscription and dropped. Every platform
 * error (`ok: false`) is such an answer except those Slack documents as temporary.
 */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** The Slack side of the notify path: Block Kit posts, in-place updates and thread replies. */
export class SlackChatPoster implements ChatPoster {
  private readonly client: WebClient;
  private readonly maxRetryAfterSeconds: number;
  private readonly maxRateLimitRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: SlackChatPosterOptions) {
    this.client = new WebClient(options.token, {
      ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
      // 429s are handled in `call` (bounded); 5xx and network errors by WebClient's retries.
      rejectRateLimitedCalls: true,
      retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 200, maxTimeout: 1000, randomize: true },
      timeout: options.timeoutMs ?? 5000,
      logger: slackLogger(options.log),
      // node:http(s) rather than the global fetch, whose first call loads undici (cold start).
      fetch: nodeHttpFetch as unknown as typeof fetch,
    });
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 10;
    this.maxRateLimitRetries = options.maxRateLimitRetries ?? 2;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async post(channel: ChannelRef, message: AlertMessage): Promise<{ messageId: string }> {
    const rendered = renderBlockKit(message);
    const result = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel: slackChannel(channel),
        ...content(rendered),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    return { messageId: requireTs(result.ts, 'chat.postMessage') };
  }

  async update(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void> {
    const rendered = renderBlockKit(message);
    await this.call('chat.update', () =>
      this.client.chat.update({ channel: slackChannel(channel), ts: messageId, ...content(rendered) }),
    );
  }

  async reply(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<{ messageId: string }> {
    const rendered = renderThreadReply(message) ?? renderBlockKit(message);
    const result = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel: slackChannel(channel),
        thread_ts: messageId,
        ...content(rendered),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    return { messageId: requireTs(result.ts, 'chat.postMessage') };
  }

  /** chat.update of a thread reply, with the reply's rendering (as `reply` posted it). */
  async updateReply(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void> {
    const rendered = renderThreadReply(message) ?? renderBlockKit(message);
    await this.call('chat.update', () =>
      this.client.chat.update({ channel: slackChannel(channel), ts: messageId, ...content(rendered) }),
    );
  }

  /** One Web API call: short 429s waited out, every failure turned into a ChatDeliveryError. */
  private async call<T>(method: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const failure = toDeliveryError(method, error);
        const wait = failure.retryAfterSeconds;
        if (
          failure.code !== 'ratelimited' ||
          wait === undefined ||
          wait > this.maxRetryAfterSeconds ||
          attempt >= this.maxRateLimitRetries
        ) {
          throw failure;
        }
        await this.sleep(wait * 1000);
      }
    }
  }
}

/** Slack's error, classified; the original stays the `cause`. */
export function toDeliveryError(method: string, error: unknown): ChatDeliveryError {
  if (error instanceof ChatDeliveryError) return error;
  const coded = error as { code?: unknown; data?: { error?: unknown }; retryAfter?: unknown; statusCode?: unknown };
  switch (coded.code) {
    case ErrorCode.RateLimitedError: {
      const retryAfter = typeof coded.retryAfter === 'number' ? coded.retryAfter : undefined;
      return new ChatDeliveryError('transient', 'ratelimited', `${method} was rate limited`, {
        cause: error,
        ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
      });
    }
    case ErrorCode.PlatformError: {
      const code = typeof coded.data?.error === 'string' ? coded.data.error : 'unknown_error';
      const kind = TRANSIENT_PLATFORM_ERRORS.has(code) ? 'transient' : 'permanent';
      return new ChatDeliveryError(kind, code, `${method} failed: ${code}`, { cause: error });
    }
    case ErrorCode.HTTPError: {
      const status = typeof coded.statusCode === 'number' ? coded.statusCode : 0;
      return new ChatDeliveryError('transient', `http_${status}`, `${method} failed with HTTP ${status}`, {
        cause: error,
      });
    }
    case ErrorCode.RequestError:
      return new ChatDeliveryError('transient', 'request_error', `${method} could not reach Slack`, { cause: error });
    default:
      // Not an answer from Slack (a bug, an aborted request): retrying is the safe default.
      return new ChatDeliveryError('transient', 'unexpected_error', `${method} failed: ${String(error)}`, {
        cause: error,
      });
  }
}

function content(message: SlackMessage): { text: string; blocks: SlackMessage['blocks'] } {
  return { text: message.text, blocks: message.blocks };
}

function slackChannel(channel: ChannelRef): string {
  if (channel.platform !== 'slack') {
    throw new ChatDeliveryError('permanent', 'unsupported_platform', `Cannot post to ${channel.platform} with Slack`);
  }
  return channel.channel;
}

function requireTs(ts: string | undefined, method: string): string {
  if (ts === undefined) throw new ChatDeliveryError('transient', 'no_ts', `${method} answered without a ts`);
  return ts;
}

/** WebClient's own log lines go to ours (warnings and errors only: its debug lines are per request). */
function slackLogger(log: Log | undefined): SlackLogger {
  let level = LogLevel.WARN;
  const text = (parts: unknown[]) => parts.map((part) => (typeof part === 'string' ? part : String(part))).join(' ');
  return {
    debug: () => {},
    info: () => {},
    warn: (...parts: unknown[]) => log?.warn(`slack web api: ${text(parts)}`),
    error: (...parts: unknown[]) => log?.error(`slack web api: ${text(parts)}`),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
