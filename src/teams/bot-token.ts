// (adapter) Entra client credentials --> the bot's outbound token for the Bot Connector: cached until 5 minutes before it expires, one request at a time
import { PipewatchError } from '../core/errors';
import * as z from '../core/zod';
import { nodeHttpFetch } from '../http/node-http-fetch';

/** Entra's public cloud; the local identity's URL in local mode and tests (http:// works). */
export const DEFAULT_LOGIN_ENDPOINT = 'https://login.microsoftonline.com';
/** What the token is for: the Bot Connector (the `/.default` form client credentials need). */
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';
/** A token is replaced this long before it expires, so that no request carries one about to run out. */
export const REFRESH_MARGIN_SECONDS = 5 * 60;

/** The bot's app registration: its client id and a client secret, read by the caller (SSM in Lambda). */
export interface BotCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface BotTokenProviderOptions {
  /** The bot's own tenant (single-tenant bots; `botframework.com` no longer issues for new bots). */
  readonly tenantId: string;
  /** Asked on every token request (not on cached hits), so a rotated secret is picked up. */
  readonly credentials: () => Promise<BotCredentials>;
  readonly loginEndpoint?: string;
  readonly scope?: string;
  /** Per request. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
  /** node:http(s) by default (the global fetch loads undici on its first call: cold start). */
  readonly fetch?: typeof nodeHttpFetch;
}

/**
 * Entra did not grant a token. `refused`: it answered no (wrong secret, unknown client, wrong
 * tenant or scope; `code` is its OAuth error, e.g. `invalid_client`, `aadsts` its AADSTS numbers):
 * asking again gets the same answer until someone fixes the configuration. `unavailable`: no answer
 * (network, timeout, 429, 5xx, an unreadable body): asking again later can work.
 */
export class BotTokenError extends PipewatchError {
  override readonly name = 'BotTokenError';

  constructor(
    readonly kind: 'refused' | 'unavailable',
    readonly code: string,
    message: string,
    options: { readonly status?: number; readonly aadsts?: readonly number[]; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.aadsts = options.aadsts ?? [];
  }

  readonly status: number | undefined;
  readonly aadsts: readonly number[];
}

/** Entra's answer; `expires_in` is a number in v2.0, a string in v1.0 answers: both are read. */
const tokenAnswerSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.union([z.number(), z.string().check(z.regex(/^\d+$/))]),
  token_type: z.optional(z.string()),
});

const errorAnswerSchema = z.object({
  error: z.optional(z.string()),
  error_codes: z.optional(z.array(z.number())),
});

interface CachedToken {
  readonly token: string;
  /** Epoch milliseconds after which a new token is fetched. */
  readonly refreshAt: number;
}

/**
 * The bot's outbound token (client credentials: POST `{loginEndpoint}/{tenantId}/oauth2/v2.0/token`,
 * scope `https://api.botframework.com/.default`). Kept until 5 minutes before `expires_in` runs
 * out; concurrent callers share one request; a failure is not kept, so the next call asks again.
 * `token({rejected})` after a 401 fetches a new one unless the cache already moved past the rejected
 * token (so that many calls refused at once fetch once). Never logs or reports a secret or a token.
 */
export class BotTokenProvider {
  private readonly tenantId: string;
  private readonly credentials: () => Promise<BotCredentials>;
  private readonly url: string;
  private readonly scope: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly fetch: typeof nodeHttpFetch;
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;

  constructor(options: BotTokenProviderOptions) {
    this.tenantId = options.tenantId;
    this.credentials = options.credentials;
    const login = (options.loginEndpoint ?? DEFAULT_LOGIN_ENDPOINT).replace(/\/+$/, '');
    this.url = `${login}/${encodeURIComponent(options.tenantId)}/oauth2/v2.0/token`;
    this.scope = options.scope ?? BOT_FRAMEWORK_SCOPE;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.fetch = options.fetch ?? nodeHttpFetch;
  }

  /** A bound function, so that it can be handed over as `token` (the chat poster, the Teams SDK's App). */
  readonly token = async (options: { readonly rejected?: string } = {}): Promise<string> => {
    if (options.rejected !== undefined && this.cached?.token === options.rejected) this.cached = undefined;
    if (this.cached !== undefined && this.now() < this.cached.refreshAt) return this.cached.token;
    if (this.pending === undefined) {
      const request = this.request();
      this.pending = request;
      const forget = () => {
        if (this.pending === request) this.pending = undefined;
      };
      request.then(forget, forget);
    }
    return this.pending;
  };

  /** Forgets the cached token. */
  clear(): void {
    this.cached = undefined;
  }

  private async request(): Promise<string> {
    const startedAt = this.now();
    const { clientId, clientSecret } = await this.credentials();
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: this.scope,
    }).toString();
    let status: number;
    let text: string;
    try {
      const response = await this.fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new BotTokenError(
        'unavailable',
        timedOut ? 'request_timeout' : 'request_error',
        `could not reach the token endpoint of tenant ${this.tenantId}${timedOut ? ' in time' : ''}`,
        { cause: error },
      );
    }
    if (status !== 200) throw this.refusal(status, text);
    const answer = tokenAnswerSchema.safeParse(parseJson(text));
    if (!answer.success) {
      throw new BotTokenError('unavailable', 'invalid_response', 'the token endpoint answered without a usable token', {
        status,
      });
    }
    const lifetimeSeconds = Number(answer.data.expires_in);
    // Counted from before the request: the token's clock started while it was in flight.
    this.cached = {
      token: answer.data.access_token,
      refreshAt: startedAt + (lifetimeSeconds - REFRESH_MARGIN_SECONDS) * 1000,
    };
    return answer.data.access_token;
  }

  private refusal(status: number, text: string): BotTokenError {
    const parsed = errorAnswerSchema.safeParse(parseJson(text));
    const error = parsed.success ? parsed.data.error : undefined;
    const aadsts = parsed.success ? (parsed.data.error_codes ?? []) : [];
    const temporary = status === 408 || status === 429 || status >= 500;
    const code = error ?? `http_${status}`;
    const numbers = aadsts.length === 0 ? '' : ` (${aadsts.map((n) => `AADSTS${n}`).join(', ')})`;
    return new BotTokenError(
      temporary ? 'unavailable' : 'refused',
      code,
      temporary
        ? `the token endpoint of tenant ${this.tenantId} is unavailable: HTTP ${status} ${code}`
        : `Entra refused the bot's credentials in tenant ${this.tenantId}: ${code}${numbers}`,
      { status, aadsts },
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
