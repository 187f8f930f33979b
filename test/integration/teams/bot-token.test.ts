import { type LocalIdentity, startLocalIdentity } from '../../../src/local/teams';
import {
  type BotCredentials,
  BotTokenError,
  BotTokenProvider,
  REFRESH_MARGIN_SECONDS,
} from '../../../src/teams/bot-token';

const LIFETIME = 3599;

let identity: LocalIdentity;
let now = Date.now();
beforeEach(async () => {
  now = Date.now();
  identity = await startLocalIdentity({ tokenLifetimeSeconds: LIFETIME });
});
afterEach(() => identity.stop());

function provider(credentials?: () => Promise<BotCredentials>): BotTokenProvider {
  return new BotTokenProvider({
    tenantId: identity.tenantId,
    loginEndpoint: identity.loginEndpoint,
    credentials: credentials ?? (async () => ({ clientId: identity.clientId, clientSecret: identity.clientSecret })),
    now: () => now,
  });
}

async function failure(promise: Promise<unknown>): Promise<BotTokenError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof BotTokenError)) throw new Error(`expected a BotTokenError, got ${String(error)}`);
  return error;
}

function appIdOf(token: string): unknown {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).appid;
}

describe('BotTokenProvider against the local identity (http:// login endpoint)', () => {
  test('fetches a token with client credentials and reuses it until 5 minutes before it expires', async () => {
    const tokens = provider();
    const first = await tokens.token();
    expect(appIdOf(first)).toBe(identity.clientId);
    expect(identity.tokenRequests()).toHaveLength(1);
    now += (LIFETIME - REFRESH_MARGIN_SECONDS - 1) * 1000;
    expect(await tokens.token()).toBe(first);
    expect(identity.tokenRequests()).toHaveLength(1);
    now += 2000;
    await tokens.token();
    expect(identity.tokenRequests()).toHaveLength(2);
  });

  test('concurrent callers share one request', async () => {
    const tokens = provider();
    const all = await Promise.all(Array.from({ length: 8 }, () => tokens.token()));
    expect(new Set(all).size).toBe(1);
    expect(identity.tokenRequests()).toHaveLength(1);
  });

  test('a rejected token is replaced once, however many callers report it; another token is not dropped', async () => {
    const tokens = provider();
    const first = await tokens.token();
    const replaced = await Promise.all([tokens.token({ rejected: first }), tokens.token({ rejected: first })]);
    expect(identity.tokenRequests()).toHaveLength(2);
    expect(replaced[0]).toBe(replaced[1]);
    expect(await tokens.token({ rejected: first })).toBe(replaced[0]);
    expect(identity.tokenRequests()).toHaveLength(2);
  });

  test('a wrong secret is refused (invalid_client, AADSTS7000215) and not kept: the next call asks again', async () => {
    let secret = 'stale-secret';
    const tokens = provider(async () => ({ clientId: identity.clientId, clientSecret: secret }));
    const refused = await failure(tokens.token());
    expect(refused).toMatchObject({ kind: 'refused', code: 'invalid_client', status: 401, aadsts: [7000215] });
    expect(refused.message).not.toContain('stale-secret');
    secret = identity.clientSecret;
    expect(appIdOf(await tokens.token())).toBe(identity.clientId);
    expect(identity.tokenRequests().map((call) => call.status)).toEqual([401, 200]);
  });

  test('a single-tenant bot asking the botframework.com tenant is refused (AADSTS700016)', async () => {
    const tokens = new BotTokenProvider({
      tenantId: 'botframework.com',
      loginEndpoint: `${identity.loginEndpoint}/`,
      credentials: async () => ({ clientId: identity.clientId, clientSecret: identity.clientSecret }),
    });
    expect(await failure(tokens.token())).toMatchObject({
      kind: 'refused',
      code: 'unauthorized_client',
      aadsts: [700016],
    });
  });

  test('an outage or an unreachable endpoint is unavailable, and is not kept either', async () => {
    const tokens = provider();
    identity.faults.fail('token', 503);
    expect(await failure(tokens.token())).toMatchObject({ kind: 'unavailable', status: 503 });
    identity.faults.rateLimit('token');
    expect(await failure(tokens.token())).toMatchObject({ kind: 'unavailable', status: 429 });
    await tokens.token();
    const nowhere = new BotTokenProvider({
      tenantId: identity.tenantId,
      loginEndpoint: 'http://127.0.0.1:9',
      credentials: async () => ({ clientId: 'x', clientSecret: 'y' }),
    });
    expect(await failure(nowhere.token())).toMatchObject({ kind: 'unavailable', code: 'request_error' });
  });

  test('the credentials are read for each token request, not for cached hits', async () => {
    let reads = 0;
    const tokens = provider(async () => {
      reads += 1;
      return { clientId: identity.clientId, clientSecret: identity.clientSecret };
    });
    await tokens.token();
    await tokens.token();
    expect(reads).toBe(1);
    tokens.clear();
    await tokens.token();
    expect(reads).toBe(2);
  });
});
