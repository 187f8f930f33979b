// (local Teams) a loopback Microsoft identity: Bot Framework OpenID metadata + JWKS, Entra's client-credentials token endpoint, forged tokens for tests
import { createHash, generateKeyPairSync, type JsonWebKey, type KeyObject, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLoopbackServer, header, listen, readBody } from '../http';
import { type Fault, type FaultStatus, TeamsFaults } from './faults';
import { decodeJwt, type JwtClaims, keyIdOf, signJwt, verifyJwt } from './jwt';
import { sendJson } from './respond';

/** What a Bot Connector token is for: the `aud` of outbound tokens, the resource of the scope. */
export const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';
/** The only scope the token endpoint grants (client credentials need the `/.default` form). */
export const BOT_FRAMEWORK_SCOPE = `${BOT_FRAMEWORK_AUDIENCE}/.default`;
/** The `iss` of the tokens the Bot Framework sends with inbound activities (the SDK's `cloud.tokenIssuer`). */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

/** Microsoft Graph: the audience and the client-credentials scope of its tokens. */
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
export const GRAPH_SCOPE = `${GRAPH_AUDIENCE}/.default`;
export const OPENID_METADATA_PATH = '/v1/.well-known/openidconfiguration';
export const JWKS_PATH = '/v1/.well-known/keys';

export interface LocalIdentityOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The bot's tenant (a single-tenant bot's app registration lives there). */
  tenantId?: string;
  /** The bot's app id: the app registration's client id, the audience of inbound tokens. */
  clientId?: string;
  clientSecret?: string;
  /** `expires_in` of the tokens the token endpoint issues; Entra's are about an hour. */
  tokenLifetimeSeconds?: number;
  /** Milliseconds since the epoch; tests pass a fake to expire tokens. */
  now?: () => number;
}

/** Ways to make a token that a correct verifier refuses. */
export interface TokenForgery {
  /** `none`: unsigned (empty signature), as an alg-confusion attack sends it. */
  readonly alg?: 'RS256' | 'none';
  /** The header's `kid`: give one the JWKS does not publish. */
  readonly kid?: string;
  /** Sign with a key the JWKS does not publish, under the current key's kid: only the signature is wrong. */
  readonly foreignKey?: boolean;
}

/** Claim overrides shared by both kinds of token. Times are epoch seconds. */
export interface TokenTimes {
  readonly issuedAt?: number;
  readonly notBefore?: number;
  /** Give one in the past for an expired token. */
  readonly expiresAt?: number;
}

export interface ActivityTokenOptions extends TokenForgery, TokenTimes {
  /** The bot's app id: the token's audience. */
  readonly appId: string;
  /** The `serviceurl` claim; the Teams SDK requires it to equal the activity's `serviceUrl`. */
  readonly serviceUrl: string;
  readonly audience?: string;
  readonly issuer?: string;
  /** Added last: replaces any claim above, or adds one. */
  readonly claims?: JwtClaims;
}

export interface AccessTokenOptions extends TokenForgery, TokenTimes {
  /** The `appid` claim: the configured client id unless given. */
  readonly clientId?: string;
  readonly audience?: string;
  readonly issuer?: string;
  readonly claims?: JwtClaims;
}

/** One request to the identity, as it was answered. */
export interface IdentityCall {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The token endpoint's `error` (e.g. `invalid_client`), for refused token requests. */
  readonly error: string | undefined;
  /** The token endpoint's `client_id` field. */
  readonly clientId: string | undefined;
  readonly at: number;
}

export interface LocalIdentity {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Where the token endpoint is: `${loginEndpoint}/${tenantId}/oauth2/v2.0/token` (the SDK's `cloud.loginEndpoint`). */
  readonly loginEndpoint: string;
  readonly tokenEndpoint: string;
  /** The SDK's `cloud.openIdMetadataUrl`: it derives the keys URL by replacing `/openidconfiguration` with `/keys`. */
  readonly openIdMetadataUrl: string;
  readonly jwksUri: string;
  /** The SDK's `cloud.tokenIssuer`: the `iss` of activity tokens. */
  readonly tokenIssuer: string;
  /** The `iss` of the access tokens the token endpoint issues (Entra v1 tokens, as api.botframework.com gets). */
  readonly accessTokenIssuer: string;
  /** The Teams SDK's cloud overrides (`withOverrides(PUBLIC, identity.cloud)`). */
  readonly cloud: {
    readonly loginEndpoint: string;
    readonly loginTenant: string;
    readonly botScope: string;
    readonly openIdMetadataUrl: string;
    readonly tokenIssuer: string;
  };
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Faults of the `token` operation (`*` too). */
  readonly faults: TeamsFaults;
  /** Every request, oldest first. */
  readonly calls: IdentityCall[];
  /** The kid the identity signs with now. */
  currentKeyId(): string;
  /**
   * A new signing key; the old one stays published unless `keepPrevious` is false, as Microsoft
   * publishes keys before and after they sign. Returns the new kid.
   */
  rotateKey(options?: { keepPrevious?: boolean }): string;
  /** The published public key with this kid (what the JWKS serves), undefined for any other. */
  publicKey(kid: string): KeyObject | undefined;
  /** A local Microsoft Graph base URL (`checkMemberGroups` only), with tokens from this identity. */
  readonly graphUrl: string;
  /** The Entra object ids of a group's members, as Graph's checkMemberGroups answers. */
  setGroupMembers(groupId: string, userObjectIds: readonly string[]): void;
  /** The token the Bot Framework sends with an activity to the bot's endpoint. */
  signActivityToken(options: ActivityTokenOptions): string;
  /** An access token as the token endpoint issues it, without the HTTP round trip; forgeable. */
  signAccessToken(options?: AccessTokenOptions): string;
  /** The token endpoint's requests (each a client-credentials grant, granted or not). */
  tokenRequests(): IdentityCall[];
  stop(): Promise<void>;
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: JsonWebKey;
}

const MAX_BODY = 64 * 1024;
export const DEFAULT_TENANT_ID = '0f0f0f0f-0000-4000-8000-00000000face';
export const DEFAULT_CLIENT_ID = 'b0b0b0b0-0000-4000-8000-0000000000b0';
export const DEFAULT_CLIENT_SECRET = 'local~client~secret';
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const ENTRA_KEYS_PATH = /^\/([^/]+)\/discovery\/v2\.0\/keys$/;
const CHECK_MEMBER_GROUPS_PATH = /^\/v1\.0\/users\/([^/]+)\/checkMemberGroups$/;

/**
 * A local Microsoft identity on loopback, with an RSA key pair made at start:
 * - the Bot Framework's OpenID metadata and JWKS (`/v1/.well-known/…`), which the Teams SDK reads to
 *   check inbound activity tokens (also served as Entra's `/{tenant}/discovery/v2.0/keys`);
 * - Entra's token endpoint for client credentials (`POST /{tenant}/oauth2/v2.0/token`), strict about
 *   the tenant, the client id, the secret and the scope, answering refusals as Entra does (AADSTS codes);
 * - `signActivityToken` for the tokens Teams sends with activities, and forged variants for tests.
 */
export async function startLocalIdentity(options: LocalIdentityOptions = {}): Promise<LocalIdentity> {
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const lifetime = options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  const now = options.now ?? Date.now;
  const faults = new TeamsFaults();
  const calls: IdentityCall[] = [];
  const accessTokenIssuer = `https://sts.windows.net/${tenantId}/`;
  // The app's service principal in the tenant: the `oid` and `sub` of its tokens.
  const servicePrincipalId = randomUUID();
  let published: SigningKey[] = [newSigningKey()];
  let foreign: KeyObject | undefined;
  let baseUrl = '';

  const nowSeconds = () => Math.floor(now() / 1000);
  const groupMembers = new Map<string, ReadonlySet<string>>();
  const current = (): SigningKey => published[published.length - 1] as SigningKey;

  function signToken(claims: JwtClaims, forgery: TokenForgery): string {
    const key = current();
    const alg = forgery.alg ?? 'RS256';
    const tokenHeader = { alg, typ: 'JWT', kid: forgery.kid ?? key.kid };
    if (alg === 'none') return signJwt(tokenHeader, claims, undefined);
    if (forgery.foreignKey !== true) return signJwt(tokenHeader, claims, key.privateKey);
    // Made on first use only: an RSA key pair costs tens of milliseconds.
    foreign ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return signJwt(tokenHeader, claims, foreign);
  }

  function signAccessToken(overrides: AccessTokenOptions = {}): string {
    const issuedAt = overrides.issuedAt ?? nowSeconds();
    const issuer = overrides.issuer ?? accessTokenIssuer;
    return signToken(
      {
        aud: overrides.audience ?? BOT_FRAMEWORK_AUDIENCE,
        iss: issuer,
        iat: issuedAt,
        nbf: overrides.notBefore ?? issuedAt,
        exp: overrides.expiresAt ?? issuedAt + lifetime,
        appid: overrides.clientId ?? clientId,
        appidacr: '1',
        idp: issuer,
        tid: tenantId,
        oid: servicePrincipalId,
        sub: servicePrincipalId,
        uti: randomUUID(),
        ver: '1.0',
        ...overrides.claims,
      },
      overrides,
    );
  }

  function signActivityToken(overrides: ActivityTokenOptions): string {
    const issuedAt = overrides.issuedAt ?? nowSeconds();
    return signToken(
      {
        serviceurl: overrides.serviceUrl,
        nbf: overrides.notBefore ?? issuedAt,
        iat: issuedAt,
        exp: overrides.expiresAt ?? issuedAt + 3600,
        iss: overrides.issuer ?? BOT_FRAMEWORK_ISSUER,
        aud: overrides.audience ?? overrides.appId,
        ...overrides.claims,
      },
      overrides,
    );
  }

  function jwks(): { keys: JsonWebKey[] } {
    return { keys: published.map((key) => key.jwk) };
  }

  function openIdMetadata(): Record<string, unknown> {
    // The shape login.botframework.com publishes: it issues no tokens itself, hence the dummy endpoint.
    return {
      issuer: BOT_FRAMEWORK_ISSUER,
      authorization_endpoint: 'https://invalid.botframework.com',
      jwks_uri: `${baseUrl}${JWKS_PATH}`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    };
  }

  /** Answers one request; returns what the call log notes beyond method, path and status. */
  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<CallNote> {
    const tokenPath = TOKEN_PATH.exec(path);
    if (tokenPath !== null && req.method === 'POST') {
      return token(decodeURIComponent(tokenPath[1] ?? ''), req, res);
    }
    const memberGroupsPath = CHECK_MEMBER_GROUPS_PATH.exec(path);
    if (memberGroupsPath !== null && req.method === 'POST') {
      return checkMemberGroups(decodeURIComponent(memberGroupsPath[1] ?? ''), req, res);
    }
    if (req.method !== 'GET') {
      sendJson(res, 405, { error: 'invalid_request', error_description: `${req.method} is not supported here` });
      return {};
    }
    if (path === OPENID_METADATA_PATH) {
      sendJson(res, 200, openIdMetadata(), { 'cache-control': 'public, max-age=86400' });
    } else if (path === JWKS_PATH || ENTRA_KEYS_PATH.test(path)) {
      sendJson(res, 200, jwks(), { 'cache-control': 'public, max-age=86400' });
    } else {
      sendJson(res, 404, { error: 'not_found', error_description: `no such path ${path}` });
    }
    return {};
  }

  /**
   * Microsoft Graph's `POST /v1.0/users/{id}/checkMemberGroups` (application permission
   * GroupMember.Read.All): which of the given group ids the user is a member of. The bearer must
   * be a token this identity issued for Graph.
   */
  async function checkMemberGroups(userId: string, req: IncomingMessage, res: ServerResponse): Promise<CallNote> {
    const bearer = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1];
    const claims = bearer === undefined ? undefined : graphClaims(bearer);
    if (claims === undefined) {
      sendJson(res, 401, {
        error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' },
      });
      return { error: 'InvalidAuthenticationToken' };
    }
    let groupIds: unknown;
    try {
      groupIds = (
        JSON.parse(await readBody(req, MAX_BODY, () => new Error('request body too large'))) as { groupIds?: unknown }
      ).groupIds;
    } catch {
      groupIds = undefined;
    }
    if (!Array.isArray(groupIds) || groupIds.length > 20 || groupIds.some((id) => typeof id !== 'string')) {
      sendJson(res, 400, { error: { code: 'Request_BadRequest', message: 'groupIds: at most 20 group ids.' } });
      return { error: 'Request_BadRequest' };
    }
    const member = groupIds.filter((id: string) => groupMembers.get(id)?.has(userId) === true);
    sendJson(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#Collection(Edm.String)`, value: member });
    return {};
  }

  function graphClaims(token: string): Readonly<Record<string, unknown>> | undefined {
    try {
      const kid = decodeJwt(token).header.kid;
      if (typeof kid !== 'string') return undefined;
      return verifyJwt(token, {
        key: (id) => published.find((key) => key.kid === id)?.publicKey,
        audience: GRAPH_AUDIENCE,
        issuers: [accessTokenIssuer],
        nowSeconds: nowSeconds(),
      });
    } catch {
      return undefined;
    }
  }

  async function token(tenant: string, req: IncomingMessage, res: ServerResponse): Promise<CallNote> {
    const raw = await readBody(req, MAX_BODY, () => new Error('request body too large'));
    // Entra reads a form only: any other body has no grant_type (AADSTS900144).
    const form = (header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(raw)
      : new URLSearchParams();
    const requestedClient = form.get('client_id') ?? undefined;
    const fault = faults.take('token');
    if (fault !== undefined) return { error: sendFault(res, fault), clientId: requestedClient };
    const refusal = refusalOf(tenant, form);
    if (refusal !== undefined) {
      sendJson(res, refusal.status, entraError(refusal));
      return { error: refusal.error, clientId: requestedClient };
    }
    sendJson(
      res,
      200,
      {
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: signAccessToken(form.get('scope') === GRAPH_SCOPE ? { audience: GRAPH_AUDIENCE } : {}),
      },
      { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
    );
    return { clientId: requestedClient };
  }

  /** Entra's answers, checked in its order: tenant, grant, client, secret, scope. */
  function refusalOf(tenant: string, form: URLSearchParams): EntraRefusal | undefined {
    const requestedClient = form.get('client_id') ?? '';
    if (tenant !== tenantId) {
      // The multi-tenant `botframework.com` tenant knows no single-tenant app: AADSTS700016.
      return tenant === 'botframework.com'
        ? unknownApplication(requestedClient, tenant)
        : { status: 400, error: 'invalid_request', code: 90002, text: `Tenant '${tenant}' not found.` };
    }
    const grant = form.get('grant_type');
    if (grant === null) {
      return {
        status: 400,
        error: 'invalid_request',
        code: 900144,
        text: "The request body must contain the following parameter: 'grant_type'.",
      };
    }
    if (grant !== 'client_credentials') {
      return {
        status: 400,
        error: 'unsupported_grant_type',
        code: 70003,
        text: `The app requested an unsupported grant type '${grant}'.`,
      };
    }
    if (requestedClient !== clientId) return unknownApplication(requestedClient, tenant);
    const secret = form.get('client_secret');
    if (secret === null || secret === '') {
      return {
        status: 401,
        error: 'invalid_client',
        code: 7000216,
        text: "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      };
    }
    if (secret !== clientSecret) {
      return {
        status: 401,
        error: 'invalid_client',
        code: 7000215,
        text: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      };
    }
    const scope = form.get('scope');
    if (scope !== BOT_FRAMEWORK_SCOPE && scope !== GRAPH_SCOPE) {
      return {
        status: 400,
        error: 'invalid_scope',
        code: 1002012,
        text: `The provided value for scope ${scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      };
    }
    return undefined;
  }

  function entraError(refusal: EntraRefusal): Record<string, unknown> {
    const timestamp = new Date(now())
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z');
    const traceId = randomUUID();
    const correlationId = randomUUID();
    return {
      error: refusal.error,
      error_description: `AADSTS${refusal.code}: ${refusal.text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [refusal.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${baseUrl}/error?code=${refusal.code}`,
    };
  }

  const bindHost = options.host ?? '127.0.0.1';
  const server = createLoopbackServer('local-identity', bindHost, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    route(req, res, path)
      .then((note) => {
        calls.push({
          method: req.method ?? 'GET',
          path,
          status: res.statusCode,
          error: note.error,
          clientId: note.clientId,
          at: now(),
        });
      })
      .catch((error: unknown) => {
        console.error('[local-identity] internal error', error);
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'AADSTS50000' });
      });
  });

  await listen(server, options.port ?? 0, bindHost);
  const { address, port } = server.address() as AddressInfo;
  baseUrl = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  return {
    url: baseUrl,
    loginEndpoint: baseUrl,
    tokenEndpoint: `${baseUrl}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`,
    openIdMetadataUrl: `${baseUrl}${OPENID_METADATA_PATH}`,
    jwksUri: `${baseUrl}${JWKS_PATH}`,
    tokenIssuer: BOT_FRAMEWORK_ISSUER,
    accessTokenIssuer,
    cloud: {
      loginEndpoint: baseUrl,
      loginTenant: tenantId,
      botScope: BOT_FRAMEWORK_SCOPE,
      openIdMetadataUrl: `${baseUrl}${OPENID_METADATA_PATH}`,
      tokenIssuer: BOT_FRAMEWORK_ISSUER,
    },
    tenantId,
    clientId,
    clientSecret,
    faults,
    calls,
    currentKeyId: () => current().kid,
    rotateKey(rotation = {}) {
      const next = newSigningKey();
      published = rotation.keepPrevious === false ? [next] : [...published, next];
      return next.kid;
    },
    publicKey: (kid) => published.find((key) => key.kid === kid)?.publicKey,
    graphUrl: baseUrl,
    setGroupMembers(groupId, userObjectIds) {
      groupMembers.set(groupId, new Set(userObjectIds));
    },
    signActivityToken,
    signAccessToken,
    tokenRequests: () => calls.filter((call) => TOKEN_PATH.test(call.path)),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface CallNote {
  readonly error?: string | undefined;
  readonly clientId?: string | undefined;
}

interface EntraRefusal {
  readonly status: 400 | 401;
  /** OAuth's error (`invalid_client`, `unauthorized_client`, …). */
  readonly error: string;
  /** The AADSTS number. */
  readonly code: number;
  readonly text: string;
}

function unknownApplication(clientId: string, tenant: string): EntraRefusal {
  return {
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    text: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  };
}

function sendFault(res: ServerResponse, fault: Fault): string {
  const error = fault.code ?? faultError(fault.status);
  const headers: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
  sendJson(
    res,
    fault.status,
    { error, error_description: `AADSTS50000: injected fault (HTTP ${fault.status})` },
    headers,
  );
  return error;
}

function faultError(status: FaultStatus): string {
  if (status === 429) return 'too_many_requests';
  if (status === 403 || status === 412) return 'invalid_request';
  return 'temporarily_unavailable';
}

function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = keyIdOf(publicKey);
  const { n, e } = publicKey.export({ format: 'jwk' });
  // x5t as Microsoft's keys carry it (there a certificate thumbprint; here a digest of the key).
  const x5t = createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { kty: 'RSA', use: 'sig', alg: 'RS256', kid, x5t, n, e, endorsements: ['msteams'] } as JsonWebKey,
  };
}
