// (adapter) Bot Connector REST (fetch over node:http(s)) --> ChatPoster of the notify path. Imports no Teams SDK, express or Bolt:
// the notify function must not load them. Posts, in-place updates and thread replies (`;messageid=`) to a channel's stored address.
import type { ChannelRef } from '../core/channels';
import type { AlertMessage } from '../core/messages';
import { ChatDeliveryError } from '../core/notify/chat-delivery-error';
import type { ChannelAddresses, ChatPoster, Log } from '../core/ports';
import { nodeHttpFetch } from '../http/node-http-fetch';
import { BotTokenError } from './bot-token';

/** How a message is rendered: a root message or a thread reply. */
export type TeamsRenderAs = 'message' | 'reply';

export interface TeamsChatPosterOptions {
  /** Each channel's service URL and conversation, stored when the app was installed or a command came. */
  readonly addresses: ChannelAddresses;
  /**
   * The bot's outbound token (BotTokenProvider.token). After a 401 it is asked again with the
   * refused token as `rejected`, and must then fetch a new one.
   */
  readonly token: (options?: { readonly rejected?: string }) => Promise<string>;
  /** The activity body: `{type: 'message', summary?, attachments: [Adaptive Card]}` (src/teams/render-adaptive-card.ts). */
  readonly render: (message: AlertMessage, as: TeamsRenderAs) => object;
  /** Per request. */
  readonly timeoutMs?: number;
  /**
   * The longest this poster waits in one call, all waits together: Retry-After of a 429 (or a 503)
   * and the short pauses before trying a 412, a 5xx or a network error again. A longer wait is
   * left to EventBridge's retry (a transient failure), so one invocation never sleeps past its timeout.
   */
  readonly maxWaitSeconds?: number;
  /**
   * Requests per call, the first included (a 401's one retry with a new token not counted, nor the
   * 429s: those are bounded by maxWaitSeconds alone).
   */
  readonly maxAttempts?: number;
  /** [0, 1): spreads the tries after a 429 over the second after its Retry-After (Math.random). */
  readonly random?: () => number;
  /** Milliseconds since the epoch (Date.now): the call's age, which its waits and requests together stay within. */
  readonly now?: () => number;
  readonly log?: Log;
  readonly sleep?: (ms: number) => Promise<void>;
  /** node:http(s) by default (the global fetch loads undici on its first call: cold start). */
  readonly fetch?: typeof nodeHttpFetch;
}

type Operation = 'post' | 'update' | 'reply' | 'updateReply';

interface Target {
  /** Without its trailing slash. */
  readonly serviceUrl: string;
  /** The channel's conversation, without `;messageid=`. */
  readonly conversationId: string;
}

interface HttpAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly text: string;
}

/** What a 404 means per operation; on updates someone deleted the message, and notify posts it again. */
const NOT_FOUND: Readonly<Record<Operation, string>> = {
  post: 'conversation_not_found',
  reply: 'thread_not_found',
  update: 'message_not_found',
  updateReply: 'message_not_found',
};

/** The first pause before trying a failed request again without a Retry-After; doubled each time. */
const BACKOFF_MS = 250;
/**
 * After a 429, Retry-After and up to this much more, at random: the calls a burst got refused together
 * (Teams' 50 a second per app) come back spread over the next window instead of all at its start,
 * where nearly all of them would be refused again.
 */
const RATE_LIMIT_JITTER_MS = 1000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The Teams side of the notify path, over the Bot Connector's REST API: a root post is `POST
 * {serviceUrl}/v3/conversations/{conversation}/activities`, an update `PUT …/activities/{id}`, a
 * thread reply a POST to `{conversation};messageid={rootId}`, a reply's update a PUT of the reply's
 * id in the channel's conversation. Message ids are Teams' activity ids as they are: the conversation
 * comes from the channel's stored address.
 *
 * Failures are ChatDeliveryErrors: 429, 412, 5xx and network errors transient (tried again here
 * within `maxWaitSeconds`, honouring Retry-After, then left to EventBridge); a 401 gets one new token
 * and one more try; 403 (the bot is not in the conversation), 404 (`message_not_found` on updates, so
 * notify posts again), 413 and other refusals are permanent.
 */
export class TeamsChatPoster implements ChatPoster {
  private readonly addresses: ChannelAddresses;
  private readonly token: TeamsChatPosterOptions['token'];
  private readonly render: TeamsChatPosterOptions['render'];
  private readonly timeoutMs: number;
  private readonly maxWaitMs: number;
  private readonly maxAttempts: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly log: Log | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof nodeHttpFetch;

  constructor(options: TeamsChatPosterOptions) {
    this.addresses = options.addresses;
    this.token = options.token;
    this.render = options.render;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxWaitMs = (options.maxWaitSeconds ?? 10) * 1000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = options.fetch ?? nodeHttpFetch;
  }

  async post(channel: ChannelRef, message: AlertMessage): Promise<{ messageId: string }> {
    return this.atAddress(channel, async (target) => {
      const answer = await this.send('post', 'POST', activitiesUrl(target), this.render(message, 'message'));
      return { messageId: requireId(answer, 'post') };
    });
  }

  async update(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void> {
    await this.atAddress(channel, (target) =>
      this.send('update', 'PUT', activitiesUrl(target, messageId), this.render(message, 'message')),
    );
  }

  async reply(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<{ messageId: string }> {
    return this.atAddress(channel, async (target) => {
      const thread = { ...target, conversationId: `${target.conversationId};messageid=${messageId}` };
      const answer = await this.send('reply', 'POST', activitiesUrl(thread), this.render(message, 'reply'));
      return { messageId: requireId(answer, 'reply') };
    });
  }

  /** PUT of the reply's own id in the channel's conversation, rendered as a reply (as `reply` posted it). */
  async updateReply(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void> {
    await this.atAddress(channel, (target) =>
      this.send('updateReply', 'PUT', activitiesUrl(target, messageId), this.render(message, 'reply')),
    );
  }

  /**
   * `send` to the channel's address. Where the addresses are kept in memory (`forget`: notify's
   * cache), a permanent refusal may come from an address that has since changed (a moved service
   * URL): the copy is dropped and the address read again, and if it changed, the call is made once
   * more there. Otherwise the refusal stands.
   */
  private async atAddress<T>(channel: ChannelRef, send: (target: Target) => Promise<T>): Promise<T> {
    const target = await this.target(channel);
    try {
      return await send(target);
    } catch (error) {
      const forget = this.addresses.forget?.bind(this.addresses);
      if (!(error instanceof ChatDeliveryError) || error.kind !== 'permanent' || forget === undefined) throw error;
      forget(channel);
      const current = await this.target(channel);
      if (current.serviceUrl === target.serviceUrl && current.conversationId === target.conversationId) throw error;
      this.log?.warn('teams: the channel address changed since it was read; sending to the new one', {
        code: error.code,
      });
      return send(current);
    }
  }

  /**
   * The message's deep link, `https://teams.microsoft.com/l/message/<conversation>/<activity id>`,
   * with the tenant and, for a channel's root message, `parentMessageId` (the message itself), as
   * Teams' "Copy link" gives it. No call: the conversation comes from the channel's stored address.
   */
  async permalink(channel: ChannelRef, messageId: string): Promise<string> {
    const target = await this.target(channel);
    const query = new URLSearchParams({ tenantId: channel.workspace, parentMessageId: messageId });
    return `https://teams.microsoft.com/l/message/${encodeURIComponent(target.conversationId)}/${encodeURIComponent(messageId)}?${query}`;
  }

  /** Where the channel's messages go: its stored address, or a permanent failure. */
  private async target(channel: ChannelRef): Promise<Target> {
    if (channel.platform !== 'teams') {
      throw new ChatDeliveryError('permanent', 'unsupported_platform', `Cannot post to ${channel.platform} with Teams`);
    }
    let address: Readonly<Record<string, string>> | undefined;
    try {
      address = await this.addresses.get(channel);
    } catch (error) {
      throw new ChatDeliveryError('transient', 'address_unavailable', 'could not read the channel address', {
        cause: error,
      });
    }
    if (address?.serviceUrl === undefined) {
      throw new ChatDeliveryError(
        'permanent',
        'channel_not_installed',
        'pipewatch has no address for this Teams channel: the app was not installed there, or was removed',
      );
    }
    return {
      serviceUrl: trustedServiceUrl(address.serviceUrl),
      conversationId: address.conversationId ?? channel.channel,
    };
  }

  /** One Bot Connector call: a new token after a 401, short waits for transient failures, every failure a ChatDeliveryError. */
  private async send(operation: Operation, method: 'POST' | 'PUT', url: string, activity: object): Promise<unknown> {
    const body = JSON.stringify(activity);
    let rejected: string | undefined;
    let attempts = 0;
    let waitedMs = 0;
    const began = this.now();
    for (;;) {
      const token = await this.bearer(rejected);
      const answer = await this.request(operation, method, url, token, body);
      if (!(answer instanceof ChatDeliveryError)) {
        if (answer.status >= 200 && answer.status < 300) return parseJson(answer.text);
        if (answer.status === 401 && rejected === undefined) {
          // The token was refused (revoked, a rotated secret): one new token, one more try, not counted.
          rejected = token;
          continue;
        }
      }
      const failure = answer instanceof ChatDeliveryError ? answer : toDeliveryError(operation, answer);
      // A 429 that says when: bounded by the wait budget alone, as its Retry-After is honoured.
      const limited = failure.code === 'ratelimited' && failure.retryAfterSeconds !== undefined;
      if (!limited) attempts++;
      const waitMs =
        failure.kind !== 'transient'
          ? undefined
          : limited
            ? Math.max(
                BACKOFF_MS,
                (failure.retryAfterSeconds ?? 0) * 1000 + Math.floor(this.random() * RATE_LIMIT_JITTER_MS),
              )
            : waitBefore(failure, attempts);
      // Waits (and, on the clock, the requests between them) within the budget: a Retry-After of 0
      // still waits a little, so the loop always ends.
      const overBudget = (ms: number) => waitedMs + ms > this.maxWaitMs || this.now() - began + ms > this.maxWaitMs;
      if (waitMs === undefined || attempts >= this.maxAttempts || overBudget(waitMs)) throw failure;
      this.log?.warn('teams: trying again', { operation, code: failure.code, waitMs, attempt: attempts + 1 });
      await this.sleep(waitMs);
      waitedMs += waitMs;
    }
  }

  private async bearer(rejected: string | undefined): Promise<string> {
    try {
      return await this.token(rejected === undefined ? {} : { rejected });
    } catch (error) {
      if (error instanceof BotTokenError && error.kind === 'refused') {
        throw new ChatDeliveryError('permanent', 'token_refused', `no bot token: ${error.message}`, { cause: error });
      }
      const code = error instanceof BotTokenError ? error.code : 'unexpected_error';
      throw new ChatDeliveryError('transient', 'token_unavailable', `no bot token for now (${code})`, { cause: error });
    }
  }

  /** The answer, or a transient ChatDeliveryError when there was none (network, timeout). */
  private async request(
    operation: Operation,
    method: 'POST' | 'PUT',
    url: string,
    token: string,
    body: string,
  ): Promise<HttpAnswer | ChatDeliveryError> {
    try {
      const response = await this.fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json; charset=utf-8',
          Accept: 'application/json',
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      return new ChatDeliveryError(
        'transient',
        timedOut ? 'request_timeout' : 'request_error',
        `${operation} could not reach Teams${timedOut ? ' in time' : ''}`,
        { cause: error },
      );
    }
  }
}

/** The Bot Connector's answer, classified; the platform's code and message are kept where it gave them. */
export function toDeliveryError(operation: Operation, answer: HttpAnswer): ChatDeliveryError {
  const { status } = answer;
  const refusal = errorOf(answer.text);
  const said = refusal.message === undefined ? '' : `: ${refusal.message.slice(0, 200)}`;
  const fail = (kind: 'permanent' | 'transient', code: string, options: { retryAfterSeconds?: number } = {}) =>
    new ChatDeliveryError(kind, code, `${operation} to Teams failed with HTTP ${status} ${code}${said}`, options);
  if (status === 429 || status === 503) {
    const retryAfterSeconds = retryAfterOf(answer.retryAfter);
    const code = status === 429 ? 'ratelimited' : 'http_503';
    return fail('transient', code, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
  }
  if (status === 404) return fail('permanent', NOT_FOUND[operation]);
  if (status === 401) return fail('permanent', 'unauthorized');
  if (status === 408 || status === 412 || status >= 500 || status < 400) return fail('transient', `http_${status}`);
  // 400 BadArgument, 403 BotNotInConversationRoster, 413 MessageSizeTooBig, …: the same answer every time.
  return fail('permanent', refusal.code ?? `http_${status}`);
}

/** How long to wait before trying again: Retry-After when given, else a short doubling pause. */
function waitBefore(failure: ChatDeliveryError, attempts: number): number {
  if (failure.retryAfterSeconds !== undefined) return failure.retryAfterSeconds * 1000;
  return BACKOFF_MS * 2 ** (attempts - 1);
}

/** Seconds, or an HTTP date; undefined when missing or unreadable. */
function retryAfterOf(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function errorOf(text: string): { code?: string; message?: string } {
  const body = parseJson(text);
  if (typeof body !== 'object' || body === null) return {};
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' && code !== '' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

function activitiesUrl(target: Target, activityId?: string): string {
  const base = `${target.serviceUrl}/v3/conversations/${encodeURIComponent(target.conversationId)}/activities`;
  return activityId === undefined ? base : `${base}/${encodeURIComponent(activityId)}`;
}

/**
 * The stored service URL, if it is one the bot's token may be sent to: https, or http on loopback
 * (the local Bot Connector). Anything else is a permanent failure, never a request.
 */
function trustedServiceUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ChatDeliveryError('permanent', 'invalid_service_url', 'the channel address has no valid service URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new ChatDeliveryError('permanent', 'invalid_service_url', `refusing to send the bot token to ${url.origin}`);
  }
  return value.replace(/\/+$/, '');
}

function requireId(answer: unknown, operation: Operation): string {
  const id = typeof answer === 'object' && answer !== null ? (answer as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || id === '') {
    throw new ChatDeliveryError('transient', 'no_id', `${operation} to Teams answered without an activity id`);
  }
  return id;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
