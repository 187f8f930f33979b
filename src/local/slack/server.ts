// (local Slack) a loopback Slack: /api/<method> --> auth, arguments, faults --> the local workspace; response URLs; other paths to a fallback
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLoopbackServer, header, listen, readBody, sendJson } from '../http';
import { type Fault, SlackFaults } from './faults';
import { METHODS } from './methods';
import { WorkspacePersistence } from './persistence';
import { SlackRateLimiter, type SlackRateLimits } from './rate-limits';
import { decodeJsonArg, parseRequestArgs, type RawArgs } from './request-args';
import { handleResponseUrlPost } from './response-url';
import { SlackApiError } from './slack-api-error';
import type { ChannelSpec, UsergroupSpec, UserSpec } from './types';
import { LocalWorkspace } from './workspace';

export interface LocalSlackOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  botToken?: string;
  signingSecret?: string;
  teamId?: string;
  teamDomain?: string;
  channels?: ChannelSpec[];
  users?: UserSpec[];
  usergroups?: UsergroupSpec[];
  /**
   * The bot token's OAuth scopes, checked by the methods that need one beyond what every install has
   * (users.info: users:read, its profile.email: users:read.email). Absent: every scope.
   */
  scopes?: string[];
  /** Milliseconds since the epoch; tests pass a fake to expire triggers and response URLs. */
  now?: () => number;
  /** Requests for any other path (the channel page mounts here later); 404 without it. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Keeps the channels' messages (threads, edits, metadata) in `DIR/slack.json` across restarts
   * (`pipewatch local --data DIR`); in memory without it. A file that cannot be read stops the start.
   */
  dataDir?: string | undefined;
  /**
   * Slack's rate limits (`SLACK_RATE_LIMITS`: chat.postMessage per channel and per workspace, the
   * methods' tiers), answered as Slack does: HTTP 429, `Retry-After` seconds, `{ok:false,error:'ratelimited'}`.
   * Off unless given: `pipewatch local` turns them on; tests that are about something else stay fast.
   */
  rateLimits?: SlackRateLimits | false | undefined;
}

export interface LocalSlack {
  /** `http://127.0.0.1:PORT/api/`: WebClient's `slackApiUrl`. */
  apiUrl: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  botToken: string;
  signingSecret: string;
  teamId: string;
  workspace: LocalWorkspace;
  faults: SlackFaults;
  stop(): Promise<void>;
}

const MAX_BODY = 5 * 1024 * 1024;

export const DEFAULT_CHANNELS: ChannelSpec[] = [{ id: 'C0000000001', name: 'general' }];
export const DEFAULT_USERS: UserSpec[] = [{ id: 'U0000000001', name: 'dev' }];

/**
 * A local Slack on loopback: the Web API methods pipewatch uses (`/api/<method>`), strict about
 * authentication, arguments and Block Kit limits so that tests catch what real Slack would refuse,
 * plus response URLs (`/response/<id>`). State lives in `workspace`; `faults` injects failures.
 */
export async function startLocalSlack(options: LocalSlackOptions = {}): Promise<LocalSlack> {
  const botToken = options.botToken ?? 'xoxb-local-bot-token';
  const signingSecret = options.signingSecret ?? 'local-signing-secret';
  const teamId = options.teamId ?? 'T0000LOCAL';
  const now = options.now ?? Date.now;
  const bindHost = options.host ?? '127.0.0.1';
  const faults = new SlackFaults();
  const limiter =
    options.rateLimits === undefined || options.rateLimits === false
      ? undefined
      : new SlackRateLimiter(options.rateLimits, now);
  // Read before the port is taken: an unreadable file fails the start and is left as it is.
  const persistence = options.dataDir === undefined ? undefined : new WorkspacePersistence(options.dataDir);
  const saved = persistence?.load();
  // The workspace needs the server's address (response URLs, permalinks), so it is made after listen.
  let workspace: LocalWorkspace | undefined;

  // The channel page (the fallback) is behind the same loopback Host check.
  const server = createLoopbackServer('local-slack', bindHost, (req, res) => {
    if (workspace === undefined) {
      res.writeHead(503).end();
      return;
    }
    void route(workspace, req, res).catch((error: unknown) => {
      // A bug in the emulator must not take the server down; answer as an outage would.
      console.error('[local-slack] internal error', error);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fatal_error' });
    });
  });

  async function route(ws: LocalWorkspace, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname.startsWith('/api/')) {
      await handleApi(ws, decodeURIComponent(url.pathname.slice('/api/'.length)), url.searchParams, req, res);
    } else if (url.pathname.startsWith('/response/') && req.method === 'POST') {
      await handleResponseUrl(ws, url.pathname.slice('/response/'.length), req, res);
    } else if (options.fallback !== undefined) {
      options.fallback(req, res);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  }

  async function handleApi(
    ws: LocalWorkspace,
    method: string,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const record = (args: RawArgs, status: number, body: Record<string, unknown>) => {
      ws.recordCall({
        method,
        args: decodeForLog(args),
        ok: body.ok === true,
        error: typeof body.error === 'string' ? body.error : undefined,
        status,
        warnings: warningsOf(body),
        at: now(),
      });
    };
    let args: RawArgs = {};
    try {
      const rawBody = await readBody(req, MAX_BODY, () => new SlackApiError('request_too_large', {}, 413));
      const parsed = parseRequestArgs(header(req, 'content-type'), rawBody, query);
      args = parsed.args;
      const fault = faults.take(method);
      if (fault !== undefined && fault.kind !== 'lostAnswer') {
        const status = sendFault(res, fault);
        record(args, status, faultBody(fault));
        return;
      }
      authenticate(bearerToken(req) ?? parsed.bodyToken, botToken);
      const handler = METHODS[method];
      if (handler === undefined) throw new SlackApiError('unknown_method', { req_method: method });
      const retryAfter = limiter?.admit(method, args);
      if (retryAfter !== undefined) {
        const status = sendFault(res, { kind: 'rateLimit', retryAfterSeconds: retryAfter });
        record(args, status, { ok: false, error: 'ratelimited' });
        return;
      }
      const body = { ok: true, ...handler(args, ws) };
      if (fault !== undefined) {
        // Done, and its answer lost on the way back.
        record(args, sendFault(res, fault), body);
        return;
      }
      sendJson(res, 200, body);
      record(args, 200, body);
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      const body = { ok: false, error: error.code, ...error.details };
      sendJson(res, error.status, body);
      record(args, error.status, body);
    }
  }

  async function handleResponseUrl(
    ws: LocalWorkspace,
    id: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const rawBody = await readBody(req, MAX_BODY, () => new SlackApiError('request_too_large', {}, 413));
    const fault = faults.take('response_url');
    let outcome: { status: number; body: Record<string, unknown>; args: Record<string, unknown>; warnings: string[] };
    if (fault !== undefined) {
      outcome = { status: sendFault(res, fault), body: faultBody(fault), args: { raw: rawBody }, warnings: [] };
    } else {
      outcome = handleResponseUrlPost(ws, id, rawBody);
      sendJson(res, outcome.status, outcome.body);
    }
    ws.recordCall({
      method: 'response_url',
      args: { ...outcome.args, response_url_id: id },
      ok: outcome.body.ok === true,
      error: typeof outcome.body.error === 'string' ? outcome.body.error : undefined,
      status: outcome.status,
      warnings: outcome.warnings,
      at: now(),
    });
  }

  await listen(server, options.port ?? 0, bindHost);
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const baseUrl = `http://${host}:${port}`;
  workspace = new LocalWorkspace({
    baseUrl,
    teamId,
    teamDomain: options.teamDomain ?? 'pipewatch-local',
    botUserId: 'U0000000BOT',
    botId: 'B0000000BOT',
    appId: 'A0000000APP',
    channels: options.channels ?? DEFAULT_CHANNELS,
    users: options.users ?? DEFAULT_USERS,
    usergroups: options.usergroups ?? [],
    now,
    scopes: options.scopes,
  });
  if (saved !== undefined) workspace.restore(saved);
  persistence?.watch(workspace);

  return {
    apiUrl: `${baseUrl}/api/`,
    url: baseUrl,
    botToken,
    signingSecret,
    teamId,
    workspace,
    faults,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      persistence?.close();
    },
  };
}

/** `Authorization: Bearer` wins over a `token` form field, as in Slack. */
function authenticate(token: string | undefined, botToken: string): void {
  if (token === undefined || token === '') throw new SlackApiError('not_authed');
  if (token !== botToken) throw new SlackApiError('invalid_auth');
}

function bearerToken(req: IncomingMessage): string | undefined {
  const value = header(req, 'authorization');
  const match = value === undefined ? null : /^Bearer\s+(\S+)$/i.exec(value);
  return match?.[1];
}

function faultBody(fault: Fault): Record<string, unknown> {
  switch (fault.kind) {
    case 'rateLimit':
      return { ok: false, error: 'ratelimited' };
    case 'fail':
      return { ok: false, error: fault.error };
    case 'serverError':
      return { ok: false, error: fault.status === 503 ? 'service_unavailable' : 'fatal_error' };
    case 'lostAnswer':
      return { ok: false, error: 'request_timeout' };
  }
}

function sendFault(res: ServerResponse, fault: Fault): number {
  const body = faultBody(fault);
  switch (fault.kind) {
    case 'rateLimit':
      sendJson(res, 429, body, { 'retry-after': String(fault.retryAfterSeconds) });
      return 429;
    case 'fail':
      sendJson(res, 200, body);
      return 200;
    case 'serverError':
      sendJson(res, fault.status, body);
      return fault.status;
    case 'lostAnswer':
      res.writeHead(504, { 'content-type': 'text/html' }).end('<html><body>504 Gateway Time-out</body></html>');
      return 504;
  }
}

/** The call log shows blocks and views as objects even though WebClient sent them as JSON strings. */
function decodeForLog(args: RawArgs): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  for (const key of ['blocks', 'view', 'attachments', 'metadata']) {
    if (typeof out[key] === 'string') {
      const decoded = decodeJsonArg(out[key]);
      if (decoded.ok) out[key] = decoded.value;
    }
  }
  return out;
}

function warningsOf(body: Record<string, unknown>): string[] {
  const metadata = body.response_metadata;
  if (typeof metadata !== 'object' || metadata === null || !('warnings' in metadata)) return [];
  const warnings = (metadata as { warnings: unknown }).warnings;
  return Array.isArray(warnings) ? warnings.map(String) : [];
}
