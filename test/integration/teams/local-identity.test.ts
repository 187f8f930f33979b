import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import { ServiceTokenValidator } from '@microsoft/teams.apps/dist/middleware/auth/service-token-validator';
import type { ILogger } from '@microsoft/teams.common';
import {
  BOT_FRAMEWORK_AUDIENCE,
  BOT_FRAMEWORK_ISSUER,
  BOT_FRAMEWORK_SCOPE,
  type LocalIdentity,
  startLocalIdentity,
} from '../../../src/local/teams';

const SERVICE_URL = 'https://smba.trafficmanager.net/amer/';

let identity: LocalIdentity;
beforeEach(async () => {
  identity = await startLocalIdentity();
});
afterEach(() => identity.stop());

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function requestToken(
  fields: Record<string, string>,
  options: { tenant?: string; contentType?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const base = { grant_type: 'client_credentials', client_id: identity.clientId, client_secret: identity.clientSecret };
  const form = new URLSearchParams({ ...base, scope: BOT_FRAMEWORK_SCOPE, ...fields });
  const res = await fetch(`${identity.loginEndpoint}/${options.tenant ?? identity.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded' },
    body: options.contentType === 'application/json' ? JSON.stringify(Object.fromEntries(form)) : form.toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

type Verdict = 'ok' | 'malformed' | 'alg' | 'kid' | 'signature' | 'audience' | 'issuer' | 'expired';

/**
 * An independent check of a token against the JWKS the identity serves (node:crypto only, nothing
 * from src/local/teams/jwt.ts), so that a wrong signer or a wrong claim cannot pass both sides.
 */
async function verdictOf(token: string, expected: { audience: string; issuer: string }): Promise<Verdict> {
  const { body } = await getJson(identity.jwksUri);
  const keys = body.keys as (JsonWebKey & { kid: string })[];
  const [head, payload, signature] = token.split('.');
  if (head === undefined || payload === undefined || signature === undefined) return 'malformed';
  const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg: string; kid: string };
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  if (header.alg !== 'RS256') return 'alg';
  const jwk = keys.find((key) => key.kid === header.kid);
  if (jwk === undefined) return 'kid';
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  if (!verify('RSA-SHA256', Buffer.from(`${head}.${payload}`), key, Buffer.from(signature, 'base64url'))) {
    return 'signature';
  }
  if (claims.aud !== expected.audience) return 'audience';
  if (claims.iss !== expected.issuer) return 'issuer';
  if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return 'expired';
  return 'ok';
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

function recordingLogger(lines: string[]): ILogger {
  const logger: ILogger = {
    debug: () => undefined,
    info: () => undefined,
    trace: () => undefined,
    log: () => undefined,
    warn: (...parts: unknown[]) => void lines.push(parts.map(String).join(' ')),
    error: (...parts: unknown[]) => void lines.push(parts.map(String).join(' ')),
    child: () => logger,
  };
  return logger;
}

describe('the local identity: Bot Framework metadata and keys', () => {
  test('serves OpenID metadata whose jwks_uri is the keys endpoint, and a JWKS of RS256 signing keys', async () => {
    const metadata = await getJson(identity.openIdMetadataUrl);
    expect(metadata.status).toBe(200);
    expect(metadata.body).toMatchObject({
      issuer: BOT_FRAMEWORK_ISSUER,
      jwks_uri: identity.jwksUri,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    // The Teams SDK derives the keys URL from the metadata URL; both must name the same place.
    expect(identity.openIdMetadataUrl.replace(/\/openidconfiguration$/, '/keys')).toBe(identity.jwksUri);
    const jwks = await getJson(identity.jwksUri);
    expect(jwks.body.keys).toEqual([
      expect.objectContaining({
        kid: identity.currentKeyId(),
        kty: 'RSA',
        use: 'sig',
        alg: 'RS256',
        n: expect.stringMatching(/^[A-Za-z0-9_-]{300,}$/),
        e: 'AQAB',
      }),
    ]);
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d"|"p"|"q"/);
  });

  test('a rotation publishes a new key; the old one stays unless retired', async () => {
    const first = identity.currentKeyId();
    const second = identity.rotateKey();
    expect(second).not.toBe(first);
    const kids = async () => ((await getJson(identity.jwksUri)).body.keys as { kid: string }[]).map((k) => k.kid);
    expect(await kids()).toEqual([first, second]);
    const third = identity.rotateKey({ keepPrevious: false });
    expect(await kids()).toEqual([third]);
    expect(identity.publicKey(first)).toBeUndefined();
  });

  test('unknown paths are 404, other methods 405', async () => {
    expect((await getJson(`${identity.url}/v1/.well-known/nothing`)).status).toBe(404);
    expect((await fetch(identity.jwksUri, { method: 'DELETE' })).status).toBe(405);
  });
});

describe('the local identity: the client-credentials token endpoint', () => {
  test('grants an RS256 token for api.botframework.com to the configured client', async () => {
    const { status, body } = await requestToken({});
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    const token = String(body.access_token);
    expect(await verdictOf(token, { audience: BOT_FRAMEWORK_AUDIENCE, issuer: identity.accessTokenIssuer })).toBe('ok');
    const claims = claimsOf(token);
    expect(claims).toMatchObject({ appid: identity.clientId, tid: identity.tenantId, ver: '1.0' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3599);
    expect(identity.tokenRequests()).toEqual([
      expect.objectContaining({ status: 200, clientId: identity.clientId, error: undefined }),
    ]);
  });

  test.each([
    ['a wrong secret', { client_secret: 'guessed' }, {}, 401, 'invalid_client', 7000215],
    ['no secret', { client_secret: '' }, {}, 401, 'invalid_client', 7000216],
    ['an unknown client id', { client_id: 'someone-else' }, {}, 400, 'unauthorized_client', 700016],
    ['another scope', { scope: 'https://management.azure.com/.default' }, {}, 400, 'invalid_scope', 1002012],
    ['the scope without /.default', { scope: BOT_FRAMEWORK_AUDIENCE }, {}, 400, 'invalid_scope', 1002012],
    ['another grant', { grant_type: 'password' }, {}, 400, 'unsupported_grant_type', 70003],
    [
      'the botframework.com tenant (single-tenant bot)',
      {},
      { tenant: 'botframework.com' },
      400,
      'unauthorized_client',
      700016,
    ],
    ['an unknown tenant', {}, { tenant: 'contoso.example' }, 400, 'invalid_request', 90002],
    ['a JSON body', {}, { contentType: 'application/json' }, 400, 'invalid_request', 900144],
  ] as const)('refuses %s as Entra does', async (_case, fields, options, status, error, code) => {
    const answer = await requestToken(fields, options);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error, error_codes: [code] });
    expect(String(answer.body.error_description)).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(answer.body).not.toHaveProperty('access_token');
    expect(identity.tokenRequests().map((call) => call.error)).toEqual([error]);
  });

  test('an injected outage answers the token request before any check, then it works again', async () => {
    identity.faults.fail('token', 503, { times: 1, retryAfterSeconds: 2 });
    const res = await fetch(identity.tokenEndpoint, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await requestToken({})).status).toBe(200);
  });
});

describe('the local identity: activity tokens as Teams sends them, and forgeries', () => {
  const APP = { audience: 'app-id-of-the-bot', issuer: BOT_FRAMEWORK_ISSUER };

  test('a genuine token carries the serviceurl, the app id as audience and a lifetime', async () => {
    const token = identity.signActivityToken({ appId: APP.audience, serviceUrl: SERVICE_URL });
    expect(await verdictOf(token, APP)).toBe('ok');
    const claims = claimsOf(token);
    expect(claims).toMatchObject({ serviceurl: SERVICE_URL, aud: APP.audience, iss: BOT_FRAMEWORK_ISSUER });
    expect(Number(claims.nbf)).toBeLessThanOrEqual(Number(claims.iat));
    expect(Number(claims.exp)).toBeGreaterThan(Date.now() / 1000);
  });

  test.each([
    ['another audience', { audience: 'someone-else' }, 'audience'],
    ['another issuer', { issuer: 'https://sts.windows.net/evil/' }, 'issuer'],
    ['an expired token', { expiresAt: Math.floor(Date.now() / 1000) - 600 }, 'expired'],
    ['an unknown kid', { kid: 'no-such-key' }, 'kid'],
    ['alg none', { alg: 'none' }, 'alg'],
    ['a foreign key', { foreignKey: true }, 'signature'],
  ] as const)('%s is detectably bad', async (_case, forgery, verdict) => {
    const token = identity.signActivityToken({ appId: APP.audience, serviceUrl: SERVICE_URL, ...forgery });
    expect(await verdictOf(token, APP)).toBe(verdict);
  });

  test("the Teams SDK's validator, pointed at the identity, accepts the genuine token and refuses each forgery", async () => {
    const lines: string[] = [];
    const cloud = withOverrides(PUBLIC, identity.cloud);
    const validator = new ServiceTokenValidator(
      APP.audience,
      identity.tenantId,
      undefined,
      recordingLogger(lines),
      cloud,
    );
    const sign = (forgery: object = {}) =>
      `Bearer ${identity.signActivityToken({ appId: APP.audience, serviceUrl: SERVICE_URL, ...forgery })}`;
    const accepted = await validator.check(sign(), { serviceUrl: SERVICE_URL });
    expect(accepted.serviceUrl).toBe(SERVICE_URL);

    const forgeries = [
      { audience: 'someone-else' },
      { issuer: 'https://sts.windows.net/evil/' },
      { expiresAt: Math.floor(Date.now() / 1000) - 600 },
      { kid: 'no-such-key' },
      { alg: 'none' },
      { foreignKey: true },
    ];
    for (const forgery of forgeries) {
      await expect(validator.check(sign(forgery), { serviceUrl: SERVICE_URL })).rejects.toThrow('Invalid token');
    }
    // The serviceurl claim must match the activity's serviceUrl.
    await expect(validator.check(sign(), { serviceUrl: 'https://elsewhere.example/' })).rejects.toThrow(
      'Invalid token',
    );
    expect(lines.join('\n')).toMatch(/audience/);
    expect(lines.join('\n')).toMatch(/issuer/);
  });

  test('after a rotation the SDK fetches the keys again for the unknown kid and accepts the new signature', async () => {
    const cloud = withOverrides(PUBLIC, identity.cloud);
    const validator = new ServiceTokenValidator(APP.audience, identity.tenantId, undefined, recordingLogger([]), cloud);
    const token = () => `Bearer ${identity.signActivityToken({ appId: APP.audience, serviceUrl: SERVICE_URL })}`;
    await validator.check(token(), { serviceUrl: SERVICE_URL });
    const keyFetches = () => identity.calls.filter((call) => call.path === '/v1/.well-known/keys').length;
    const before = keyFetches();
    identity.rotateKey({ keepPrevious: false });
    await expect(validator.check(token(), { serviceUrl: SERVICE_URL })).resolves.toMatchObject({
      serviceUrl: SERVICE_URL,
    });
    expect(keyFetches()).toBe(before + 1);
  });
});
