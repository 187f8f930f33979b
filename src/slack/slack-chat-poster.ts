// (adapter) Slack Web API --> ChatPoster of the notify path. Imports @slack/web-api only, never Bolt:
// the notify function must not load it (nor src/slack/index.ts, which may one day re-export the app).
import { ErrorCode, LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import type { AlertMessage } from '../core/messages';
import { ChatDeliveryError } from '../core/notify/chat-delivery-error';
import type { ChatPoster, Log, PostMark, PostWindow } from '../core/ports';
import type { ChannelRef } from '../core/subscriptions';
import { nodeHttpFetch } from '../http/node-http-fetch';
import { RateLimitLine } from './rate-limit-line';
import { renderBlockKit } from './render-block-kit';
import { renderThreadReply } from './render-thread-reply';
import type { SlackMessage } from './slack-message';

export interface SlackChatPosterOptions {
  /** The bot token (xoxb-…), read by the caller (SSM in Lambda, in-process locally). */
  readonly token: string;
  /** The Web API base URL; the local Slack's in local mode and tests. */
  readonly slackApiUrl?: string;
  /**
   * Retries of 5xx and network errors (each after 0.2–1 s). Bounded: the Lambda has 30 s. A post
   * is tried again only after looking for it (its answer may be what was lost, not the post).
   */
  readonly retries?: number;
  /** Per request. */
  readonly timeoutMs?: number;
  /**
   * A 429 asking to wait at most this long is waited out here (then the call is made again);
   * a longer wait is a transient failure, left to EventBridge's retry, so that one invocation never
   * sleeps past its timeout. WebClient's own 429 handling would wait for any Retry-After.
   */
  readonly maxRetryAfterSeconds?: number;
  /**
   * All of a call's 429 waits together, and the longest it waits in line for its turn after a 429
   * (default 20 s, within notify's 30 s timeout). A burst meets
   * Slack's 1 post per second per channel: a channel's 20th post of a burst waits about 15 one-second
   * Retry-Afters, which a count of retries would have turned into a failed invocation and a Lambda
   * retry a minute later. A 429 is never taken for a lost answer: nothing was posted, no lookup.
   */
  readonly maxRateLimitWaitSeconds?: number;
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

/** The metadata event type of pipewatch's posts (Slack: alphanumeric and underscores). */
export const POST_METADATA_EVENT_TYPE = 'pipewatch_post';

/** Pages of history read when looking for a post (200 messages each): the window is a lease, a minute. */
const MAX_LOOKUP_PAGES = 5;

/** The Slack side of the notify path: Block Kit posts, in-place updates and thread replies. */
export class SlackChatPoster implements ChatPoster {
  private readonly client: WebClient;
  private readonly retries: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly log: Log | undefined;
  /**
   * Per Web API method (Slack's limits are per method and workspace, and a poster is one workspace's
   * token), and per channel for chat.postMessage. Lines are small and few (a container's channels).
   */
  private readonly lines = new Map<string, RateLimitLine>();

  constructor(options: SlackChatPosterOptions) {
    this.client = new WebClient(options.token, {
      ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
      // 429s, 5xx and network errors are handled in `call` (bounded; a post looked for before it is
      // made again): WebClient's own retries would post a message twice when only the answer was lost.
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: options.timeoutMs ?? 5000,
      logger: slackLogger(options.log),
      // node:http(s) rather than the global fetch, whose first call loads undici (cold start).
      fetch: nodeHttpFetch as unknown as typeof fetch,
    });
    this.retries = options.retries ?? 2;
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 10;
    this.maxRateLimitWaitMs = (options.maxRateLimitWaitSeconds ?? 20) * 1000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = Date.now;
    this.log = options.log;
  }

  async post(channel: ChannelRef, message: AlertMessage, mark?: PostMark): Promise<{ messageId: string }> {
    return this.postMarked(channel, mark, undefined, renderBlockKit(message));
  }

  async update(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void> {
    const rendered = renderBlockKit(message);
    await this.call('chat.update', () =>
      this.client.chat.update({ channel: slackChannel(channel), ts: messageId, ...content(rendered) }),
    );
  }

  async reply(
    channel: ChannelRef,
    messageId: string,
    message: AlertMessage,
    mark?: PostMark,
  ): Promise<{ messageId: string }> {
    return this.postMarked(channel, mark, messageId, renderThreadReply(message) ?? renderBlockKit(message));
  }

  /** chat.update of a thread reply, with the reply's rendering (as `reply` posted it). */
  async updateReply(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void> {
    const rendered = renderThreadReply(message) ?? renderBlockKit(message);
    await this.call('chat.update', () =>
      this.client.chat.update({ channel: slackChannel(channel), ts: messageId, ...content(rendered) }),
    );
  }

  /** chat.getPermalink of a message (the run command links to the execution's message). */
  async permalink(channel: ChannelRef, messageId: string): Promise<string> {
    const result = await this.call('chat.getPermalink', () =>
      this.client.chat.getPermalink({ channel: slackChannel(channel), message_ts: messageId }),
    );
    if (typeof result.permalink !== 'string' || result.permalink === '') {
      throw new ChatDeliveryError('transient', 'no_permalink', 'chat.getPermalink answered without a permalink');
    }
    return result.permalink;
  }

  /**
   * The post of `mark` in the channel (in the thread of `window.parentId` for a reply) within the
   * window: conversations.history / conversations.replies with `include_all_metadata`, a few pages.
   */
  async findPost(channel: ChannelRef, mark: PostMark, window: PostWindow): Promise<{ messageId: string } | undefined> {
    return this.lookFor(channel, mark, window, this.retries);
  }

  /** findPost with `retries` of its own calls (none inside a post's retry: that is retried already). */
  private async lookFor(
    channel: ChannelRef,
    mark: PostMark,
    window: PostWindow,
    retries: number,
  ): Promise<{ messageId: string } | undefined> {
    const range = {
      channel: slackChannel(channel),
      oldest: slackTs(window.sinceMs),
      latest: slackTs(window.untilMs),
      inclusive: true,
      include_all_metadata: true,
      limit: 200,
    };
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
      const args = { ...range, ...(cursor === undefined ? {} : { cursor }) };
      const { parentId } = window;
      const result =
        parentId === undefined
          ? await this.call('conversations.history', () => this.client.conversations.history(args), undefined, retries)
          : await this.call(
              'conversations.replies',
              () => this.client.conversations.replies({ ...args, ts: parentId }),
              undefined,
              retries,
            );
      const found = (result.messages ?? []).find((message) => isMarked(message, mark));
      if (found?.ts !== undefined) return { messageId: found.ts };
      cursor = result.response_metadata?.next_cursor;
      if (cursor === undefined || cursor === '') return undefined;
    }
    return undefined;
  }

  /**
   * chat.postMessage of a message (in the thread of `parentId` for a reply), marked with `mark`:
   * when its answer is lost (5xx, timeout, connection reset) the post may still have been made, so
   * it is looked for before being made again.
   */
  private async postMarked(
    channel: ChannelRef,
    mark: PostMark | undefined,
    parentId: string | undefined,
    rendered: SlackMessage,
  ): Promise<{ messageId: string }> {
    const send = () =>
      this.client.chat.postMessage({
        channel: slackChannel(channel),
        ...(parentId === undefined ? {} : { thread_ts: parentId }),
        ...content(rendered),
        unfurl_links: false,
        unfurl_media: false,
        ...(mark === undefined ? {} : { metadata: postMetadata(mark) }),
      });
    const began = this.now();
    const lookup =
      mark === undefined
        ? undefined
        : async (): Promise<{ ts?: string } | undefined> => {
            try {
              const window = {
                sinceMs: began - LOOKUP_SKEW_MS,
                untilMs: this.now() + LOOKUP_SKEW_MS,
                ...(parentId === undefined ? {} : { parentId }),
              };
              const found = await this.lookFor(channel, mark, window, 0);
              return found === undefined ? undefined : { ts: found.messageId };
            } catch (error) {
              this.log?.warn('could not look for a post whose answer was lost; posting it again', {
                error: error instanceof Error ? error.message : String(error),
              });
              return undefined;
            }
          };
    // In line per channel: chat.postMessage's limit is per channel as well as per workspace, and one
    // channel's posts waiting out its 1 a second must not hold up the other channels' posts.
    const result = await this.call(
      'chat.postMessage',
      send,
      lookup,
      this.retries,
      `chat.postMessage ${slackChannel(channel)}`,
    );
    return { messageId: requireTs(result.ts, 'chat.postMessage') };
  }

  /**
   * One Web API call: short 429s waited out, 5xx and network errors tried again (bounded), every
   * failure turned into a ChatDeliveryError. `lookup`, for a post: asked before trying it again,
   * since the post may have been made and only its answer lost; what it finds is the answer.
   * `line`: which calls wait in one line after a 429 (the method's, by default).
   */
  private async call<T>(
    method: string,
    send: () => Promise<T>,
    lookup?: () => Promise<T | undefined>,
    retries = this.retries,
    line = method,
  ): Promise<T> {
    const began = this.now();
    let failed = 0;
    for (;;) {
      try {
        return await this.withinRateLimit(method, line, send, began);
      } catch (error) {
        const failure = toDeliveryError(method, error);
        if (!isLostAnswer(failure) || failed >= retries) throw failure;
        failed++;
        await this.sleep(200 * 2 ** (failed - 1) * (0.5 + Math.random()));
        const found = await lookup?.();
        if (found !== undefined) return found;
      }
    }
  }

  /**
   * `send`, Slack's 429s waited out: straight to Slack while no call of its line waits; after a
   * 429, or while others wait, in the line (RateLimitLine), trying again after each
   * Retry-After. Gives up (`ratelimited`, transient: the platform's retry comes later) on a
   * Retry-After above maxRetryAfterSeconds, when its own waits would pass maxRateLimitWaitSeconds, or
   * when its turn comes after that long since the call began. A 429 is never taken for a lost
   * answer: nothing was posted, no lookup.
   */
  private async withinRateLimit<T>(method: string, lineKey: string, send: () => Promise<T>, began: number): Promise<T> {
    const waited = { ms: 0 };
    const own = this.lineOf(lineKey);
    // chat.postMessage: a channel's line, and the method's (the workspace's) line above it.
    const workspace = lineKey === method ? undefined : this.lineOf(method);
    // A 429 is the channel's own limit when Slack took one of its posts within the second (Slack:
    // 1 a second per channel): waited out in the channel's line, so that it holds up no other channel.
    // Otherwise the workspace's, waited out in the workspace's line; once calls wait there, a new
    // call's 429 is taken for the workspace's too.
    const recent = () => this.now() - own.lastAdmittedAt < 1000;
    const channels = () => workspace === undefined || (!workspace.busy && recent());
    const admitted = async () => {
      const result = await send();
      const at = this.now();
      own.note(at);
      workspace?.note(at);
      return result;
    };
    // Straight to Slack while nobody waits in `line`, else (or once refused) in its line; a refusal
    // that `escalates` goes to the line above instead.
    const through = async (
      line: RateLimitLine,
      attempt: () => Promise<T>,
      mine: () => boolean,
      escalates: () => boolean,
    ): Promise<T> => {
      let refused: Refusal | undefined;
      if (!line.busy) {
        try {
          return await attempt();
        } catch (error) {
          refused = this.refusal(method, error, waited, line);
          if (escalates()) throw error;
        }
      }
      return this.inLine(line, refused, attempt, { method, began, waited, mine });
    };
    const viaWorkspace = (): Promise<T> =>
      workspace === undefined ? admitted() : through(workspace, admitted, () => !recent(), channels);
    return through(
      own,
      viaWorkspace,
      () => true,
      () => false,
    );
  }

  /**
   * `attempt` in `line`'s turn, again after each 429 that is the line's (`mine`): after its
   * Retry-After, or at once when Slack took a call of the line since the 429. A 429 that is not the
   * line's goes back to the caller's line. Gives up past the call's budget (its waits, its age).
   */
  private inLine<T>(
    line: RateLimitLine,
    refused: Refusal | undefined,
    attempt: () => Promise<T>,
    call: {
      readonly method: string;
      readonly began: number;
      readonly waited: { ms: number };
      readonly mine: () => boolean;
    },
  ): Promise<T> {
    return line.turn(async () => {
      let last = refused;
      for (;;) {
        const waitMs = last === undefined || line.admitted > last.since ? 0 : last.seconds * 1000;
        if (call.waited.ms + waitMs > this.maxRateLimitWaitMs || this.now() - call.began > this.maxRateLimitWaitMs) {
          throw new ChatDeliveryError('transient', 'ratelimited', `${call.method} was rate limited`, {
            ...(last === undefined ? {} : { retryAfterSeconds: last.seconds }),
          });
        }
        if (waitMs > 0) {
          call.waited.ms += waitMs;
          await this.sleep(waitMs);
        }
        try {
          return await attempt();
        } catch (error) {
          last = this.refusal(call.method, error, call.waited, line);
          if (!call.mine()) throw error;
        }
      }
    });
  }

  /** A 429 this call may wait out, with the line's count of admitted calls then; anything else is thrown. */
  private refusal(method: string, error: unknown, waited: { ms: number }, line: RateLimitLine): Refusal {
    // Already classified (a give-up, a failure that is no 429): not a refusal to wait out again.
    if (error instanceof ChatDeliveryError) throw error;
    return { seconds: this.retryAfterOf(method, error, waited.ms), since: line.admitted };
  }

  /** The seconds a 429 asks to wait, if this call may wait them; anything else is thrown as it is. */
  private retryAfterOf(method: string, error: unknown, waitedMs: number): number {
    const failure = toDeliveryError(method, error);
    if (failure.code !== 'ratelimited') throw failure;
    const wait = failure.retryAfterSeconds;
    if (wait === undefined || wait > this.maxRetryAfterSeconds || waitedMs + wait * 1000 > this.maxRateLimitWaitMs) {
      throw failure;
    }
    return wait;
  }

  private lineOf(key: string): RateLimitLine {
    let line = this.lines.get(key);
    if (line === undefined) {
      line = new RateLimitLine();
      this.lines.set(key, line);
    }
    return line;
  }
}

/** A 429's Retry-After (seconds), and how many calls its line had had taken by then. */
interface Refusal {
  readonly seconds: number;
  readonly since: number;
}

/** How far Slack's clock may be from ours when looking for a post by its ts. */
const LOOKUP_SKEW_MS = 5_000;

/**
 * A failure after which the request may or may not have been carried out (an HTTP 5xx from what is
 * in front of Slack, a timeout, a reset connection): worth trying again, after looking for a post.
 * An answer from Slack itself (`ok: false`, even a temporary one) says what happened: not retried here.
 */
function isLostAnswer(failure: ChatDeliveryError): boolean {
  return failure.kind === 'transient' && (failure.code.startsWith('http_') || failure.code === 'request_error');
}

/** The message metadata that marks a post as pipewatch's post of one conversation. */
function postMetadata(mark: PostMark): { event_type: string; event_payload: Record<string, string> } {
  return {
    event_type: POST_METADATA_EVENT_TYPE,
    event_payload: { pipeline: mark.pipeline, execution_id: mark.executionId, post: mark.reply ?? 'message' },
  };
}

function isMarked(message: { metadata?: { event_type?: string; event_payload?: unknown } }, mark: PostMark): boolean {
  const { metadata } = message;
  if (metadata?.event_type !== POST_METADATA_EVENT_TYPE) return false;
  const payload = metadata.event_payload as Record<string, unknown> | undefined;
  return (
    payload?.pipeline === mark.pipeline &&
    payload.execution_id === mark.executionId &&
    payload.post === (mark.reply ?? 'message')
  );
}

/** Milliseconds since the epoch as a Slack ts bound (seconds, six decimals). */
function slackTs(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(6);
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
