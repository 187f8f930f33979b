// (local Teams) a loopback Bot Connector: /v3/conversations/{id}/activities --> faults, bearer token, roster, rate limits, size, shape --> the local tenant
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { activityBytes, MAX_ACTIVITY_BYTES } from '../../teams/card-size';
import { createLoopbackServer, header, listen, readBody } from '../http';
import { activityProblems } from './activity-validation';
import { BotConnectorError, badArgument } from './connector-error';
import { defaultFaultCode, type Fault, TeamsFaults } from './faults';
import { BOT_FRAMEWORK_AUDIENCE, type LocalIdentity } from './identity';
import { type JwtClaims, JwtRejectedError, verifyJwt } from './jwt';
import { TEAMS_RATE_LIMITS, TeamsRateLimiter, type TeamsRateLimits } from './rate-limits';
import { sendJson, sendText } from './respond';
import { LocalTeamsTenant, threadRootOf } from './tenant';
import type { Activity, ChatSpec, ConnectorOperation, TeamSpec, TeamsMessage } from './types';

/**
 * The largest activity accepted, by default the renderer's own budget (src/teams/card-size.ts: Teams
 * documents "about 100 KB … encoded as UTF-16", advises 80 KB; above the limit a bot gets 413
 * `MessageSizeTooBig`), measured as the renderer measures it (UTF-16 bytes of the activity's JSON),
 * so that a card the renderer let through over its budget fails here as it could in Teams.
 */
export const DEFAULT_MAX_ACTIVITY_BYTES = MAX_ACTIVITY_BYTES;

export interface LocalBotConnectorOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Whose tokens are accepted: signed by its published keys, issued for its tenant, the bot being its client id. */
  identity: Pick<LocalIdentity, 'publicKey' | 'accessTokenIssuer' | 'clientId' | 'tenantId'>;
  teams?: TeamSpec[];
  chats?: ChatSpec[];
  /** Milliseconds since the epoch; tests pass a fake for token expiry and rate-limit windows. */
  now?: () => number;
  maxActivityBytes?: number;
  /** Per bot per conversation and per app per tenant; `false` turns them off. Teams' documented limits by default. */
  rateLimits?: TeamsRateLimits | false;
  /** Leeway on `exp`/`nbf` of bearer tokens; none by default, so an expired token fails at once. */
  clockSkewSeconds?: number;
  /** Requests for any other path (the channel page mounts here later); 404 without it. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface LocalBotConnector {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** `http://127.0.0.1:PORT/`: what activities carry as `serviceUrl` (Teams' have a trailing slash too). */
  serviceUrl: string;
  tenant: LocalTeamsTenant;
  faults: TeamsFaults;
  stop(): Promise<void>;
}

export const DEFAULT_TEAM: TeamSpec = {
  id: '19:0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a@thread.tacv2',
  name: 'Pipewatch',
  channels: [
    { id: '19:0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a@thread.tacv2', name: 'General' },
    { id: '19:0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d@thread.tacv2', name: 'deploys' },
  ],
};
export const DEFAULT_CHATS: ChatSpec[] = [
  { id: '19:0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c@thread.v2', type: 'groupChat', name: 'Release crew' },
  { id: 'a:1pipewatch-local-personal-chat', type: 'personal' },
];

/** The raw body is refused past this (far above any activity's limit: the size check answers first). */
const MAX_BODY = 4 * 1024 * 1024;
const CONVERSATIONS_PREFIX = '/v3/conversations/';

interface Target {
  readonly operation: ConnectorOperation;
  /** As in the URL, decoded; `;messageid=…` included. */
  readonly conversationId: string;
  readonly activityId: string | undefined;
}

/**
 * A local Bot Connector (the Teams service a bot sends to) on loopback: `POST
 * /v3/conversations/{id}/activities` (a root post; a thread reply when the id ends with
 * `;messageid={rootId}`), `POST …/activities/{activityId}` (a reply to that activity's thread) and
 * `PUT …/activities/{activityId}` (an update in place). Strict where Teams is, so that tests catch
 * what Teams would refuse: the bearer token (RS256 by the local identity's published keys, audience
 * api.botframework.com, issued by the bot's tenant, within its lifetime), the bot in the
 * conversation's roster, Teams' rate limits (per thread and per app per tenant), the message size, the activity's shape and
 * its Adaptive Cards. State lives in `tenant`; `faults` injects failures.
 */
export async function startLocalBotConnector(options: LocalBotConnectorOptions): Promise<LocalBotConnector> {
  const { identity } = options;
  const now = options.now ?? Date.now;
  const maxActivityBytes = options.maxActivityBytes ?? DEFAULT_MAX_ACTIVITY_BYTES;
  const faults = new TeamsFaults();
  const tenant = new LocalTeamsTenant({
    tenantId: identity.tenantId,
    botAppId: identity.clientId,
    teams: options.teams ?? [DEFAULT_TEAM],
    chats: options.chats ?? DEFAULT_CHATS,
    now,
  });
  const limiter =
    options.rateLimits === false ? undefined : new TeamsRateLimiter(options.rateLimits ?? TEAMS_RATE_LIMITS, now);

  const bindHost = options.host ?? '127.0.0.1';
  const server = createLoopbackServer('local-bot-connector', bindHost, (req, res) => {
    void route(req, res).catch((error: unknown) => {
      // A bug in the emulator must not take the server down; answer as an outage would.
      console.error('[local-bot-connector] internal error', error);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'InternalServerError', message: 'internal error' } });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!url.pathname.startsWith(CONVERSATIONS_PREFIX)) {
      if (options.fallback !== undefined) options.fallback(req, res);
      else sendJson(res, 404, { error: { code: 'NotFound', message: `no such path ${url.pathname}` } });
      return;
    }
    let target: Target | undefined;
    let activity: Activity | undefined;
    const record = (status: number, error?: BotConnectorError) => {
      tenant.recordCall({
        method: req.method ?? 'GET',
        operation: target?.operation,
        conversationId: target?.conversationId,
        activityId: target?.activityId,
        status,
        error: error?.code,
        detail: error?.message,
        activity,
        at: now(),
      });
    };
    try {
      target = targetOf(req.method ?? 'GET', url.pathname.slice(CONVERSATIONS_PREFIX.length));
      const raw = await readBody(req, MAX_BODY, () => tooBig(MAX_BODY));
      const fault = faults.take(target.operation);
      if (fault !== undefined) {
        const refusal = sendFault(res, fault);
        record(fault.status, refusal);
        return;
      }
      const claims = authenticate(req);
      activity = parseActivity(raw);
      const answer = handle(target, activity, claims);
      sendJson(res, answer.status, { id: answer.id });
      record(answer.status);
    } catch (error) {
      if (!(error instanceof BotConnectorError)) throw error;
      sendRefusal(res, error);
      record(error.status, error);
    }
  }

  function authenticate(req: IncomingMessage): JwtClaims {
    const match = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
    if (match?.[1] === undefined) throw unauthorized('no bearer token');
    try {
      return verifyJwt(match[1], {
        key: (kid) => identity.publicKey(kid),
        audience: BOT_FRAMEWORK_AUDIENCE,
        issuers: [identity.accessTokenIssuer],
        nowSeconds: Math.floor(now() / 1000),
        clockSkewSeconds: options.clockSkewSeconds ?? 0,
      });
    } catch (error) {
      if (error instanceof JwtRejectedError) throw unauthorized(`${error.problem}: ${error.message}`);
      throw error;
    }
  }

  /**
   * The checks made once the token is good, then the change. The refusals that say what is wrong with
   * the request come before the rate limit, which counts the requests that would have been taken.
   */
  function handle(target: Target, activity: Activity, claims: JwtClaims): { status: number; id: string } {
    const conversation = tenant.conversation(target.conversationId);
    if (conversation === undefined || !conversation.botInstalled || claims.appid !== tenant.botAppId) {
      throw new BotConnectorError(403, 'BotNotInConversationRoster', 'The bot is not part of the conversation roster.');
    }
    const size = activityBytes(activity);
    if (size > maxActivityBytes) {
      throw new BotConnectorError(
        413,
        'MessageSizeTooBig',
        `Message size too big: ${size} bytes (UTF-16) above ${maxActivityBytes}`,
      );
    }
    const problems = activityProblems(activity);
    if (problems.length > 0) throw badArgument(problems);
    const updated = target.operation === 'update' ? existing(conversation.id, target.activityId) : undefined;
    if (updated !== undefined && updated.from !== tenant.botAppId) {
      throw new BotConnectorError(403, 'Forbidden', 'A bot can only update its own messages.');
    }
    const rootId = target.operation === 'reply' ? threadRoot(conversation.id, target) : undefined;
    const retryAfter = limiter?.admit({
      appId: tenant.botAppId,
      tenantId: tenant.tenantId,
      conversationId: conversation.id,
    });
    if (retryAfter !== undefined) {
      throw new BotConnectorError(
        429,
        'Throttled',
        'Too many requests from this bot or to this conversation; retry later.',
        {
          'retry-after': String(retryAfter),
        },
      );
    }
    if (updated !== undefined) {
      tenant.updateMessage(updated, activity);
      return { status: 200, id: updated.id };
    }
    const message = tenant.insertMessage(conversation.id, tenant.botAppId, 'post', activity, rootId);
    return { status: 201, id: message.id };
  }

  /** The root a reply goes under: the `;messageid=` one, or the thread of the activity replied to. */
  function threadRoot(conversationId: string, target: Target): string {
    const named = threadRootOf(target.conversationId) ?? target.activityId ?? '';
    const message = existing(conversationId, named);
    return message.replyToId ?? message.id;
  }

  function existing(conversationId: string, id: string | undefined): TeamsMessage {
    const message = id === undefined ? undefined : tenant.message(conversationId, id);
    if (message === undefined) {
      throw new BotConnectorError(404, 'NotFound', `No activity ${String(id)} in this conversation.`);
    }
    return message;
  }

  await listen(server, options.port ?? 0, bindHost);
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  return {
    url,
    serviceUrl: `${url}/`,
    tenant,
    faults,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `{conversationId}/activities[/{activityId}]` with the method → the operation, or a 404/405 refusal. */
function targetOf(method: string, rest: string): Target {
  const segments = rest.split('/');
  let decoded: string[];
  try {
    decoded = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    throw new BotConnectorError(400, 'BadArgument', 'The path is not valid percent-encoding.');
  }
  const [conversationId = '', activities, activityId] = decoded;
  if (conversationId === '' || activities !== 'activities' || decoded.length > 3 || activityId === '') {
    throw new BotConnectorError(404, 'NotFound', `No such resource /v3/conversations/${rest}`);
  }
  if (method === 'POST') {
    const operation = activityId !== undefined || threadRootOf(conversationId) !== undefined ? 'reply' : 'post';
    return { operation, conversationId, activityId };
  }
  if (method === 'PUT' && activityId !== undefined) return { operation: 'update', conversationId, activityId };
  throw new BotConnectorError(405, 'MethodNotAllowed', `${method} is not supported on this resource`);
}

function parseActivity(raw: string): Activity {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badArgument(['the body is not JSON']);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badArgument(['the activity must be a JSON object']);
  }
  return value as Activity;
}

function unauthorized(reason: string): BotConnectorError {
  return new BotConnectorError(401, 'Unauthorized', reason, {
    'www-authenticate': `Bearer error="invalid_token", error_description="${reason.replace(/["\\]/g, "'")}"`,
  });
}

function tooBig(limit: number): BotConnectorError {
  return new BotConnectorError(413, 'MessageSizeTooBig', `The request body is larger than ${limit} bytes`);
}

function sendRefusal(res: ServerResponse, error: BotConnectorError): void {
  // ASP.NET's own answer to a refused bearer token, as the Bot Connector sends it.
  const body =
    error.status === 401
      ? { message: 'Authorization has been denied for this request.' }
      : { error: { code: error.code, message: error.message } };
  sendJson(res, error.status, body, { ...error.headers });
}

/** Injected: 502/503/504 with a gateway's plain-text body, the others as the service answers. */
function sendFault(res: ServerResponse, fault: Fault): BotConnectorError {
  const code = fault.code ?? defaultFaultCode(fault.status);
  const headers: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
  const refusal = new BotConnectorError(fault.status, code, `injected fault (HTTP ${fault.status})`, headers);
  if (fault.status >= 502) sendText(res, fault.status, `${fault.status} ${code}`, headers);
  else sendRefusal(res, refusal);
  return refusal;
}
