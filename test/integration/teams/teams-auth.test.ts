import { DynamoDbChannelAddresses } from '../../../src/aws/dynamodb-channel-addresses';
import { installationActivity, messageActivity } from '../../../src/local/teams/signed-activity';
import { startTeamsStack, TABLE, type TeamsStack, teamsChannel } from './teams-harness';

/*
 * Every inbound request is authenticated as the Bot Framework specifies, through the real Teams
 * SDK behind the Lambda adapter, with tokens signed by a local identity with real RSA keys: the
 * OpenID metadata and the JWKS are the identity's, only their URL differs from Azure's. A refused
 * request is a 401 that does nothing (no address stored, no rule created) and is logged.
 */

let stack: TeamsStack;
beforeAll(async () => {
  stack = await startTeamsStack();
});
afterAll(() => stack.stop());

function installed(): Record<string, unknown> {
  return installationActivity(stack.parties(), 'add');
}

describe('inbound authentication of Teams activities', () => {
  test('a correctly signed install is accepted and its address kept', async () => {
    const response = await stack.send(installed());
    expect(response.statusCode).toBe(200);
    expect(await stack.address()).toEqual(
      expect.objectContaining({ serviceUrl: stack.connector.serviceUrl, tenantId: stack.identity.tenantId }),
    );
    await forgetAddress();
  });

  const forgeries: [string, () => string | null][] = [
    ['no Authorization header', () => null],
    ['a token for another app (audience)', () => sign({ audience: 'someone-else' })],
    ['another issuer', () => sign({ issuer: 'https://evil.example.com' })],
    ['an expired token', () => sign({ expiresAt: Math.floor(Date.now() / 1000) - 600, notBefore: 0, issuedAt: 0 })],
    ['a token not valid yet', () => sign({ notBefore: Math.floor(Date.now() / 1000) + 3600 })],
    ['an unknown key id', () => sign({ kid: 'not-a-published-key' })],
    ['a signature by a key the JWKS does not publish', () => sign({ foreignKey: true })],
    ['alg none', () => sign({ alg: 'none' })],
    [
      'a serviceurl claim other than the activity’s serviceUrl',
      () => sign({ serviceUrl: 'https://evil.example.com/' }),
    ],
    ['garbage', () => 'not.a.jwt'],
  ];

  test.each(forgeries)('%s: 401, nothing done', async (_name, token) => {
    const before = stack.log.lines.length;
    const response = await stack.send(installed(), token());
    expect(response.statusCode).toBe(401);
    expect(await stack.address()).toBeUndefined();
    expect(stack.log.lines.slice(before).some((line) => line.level === 'warn' || line.level === 'error')).toBe(true);
  });

  test('another channel than msteams: 401', async () => {
    const response = await stack.send({ ...installed(), channelId: 'webchat' });
    expect(response.statusCode).toBe(401);
    expect(await stack.address()).toBeUndefined();
  });

  test('a tenant the install does not serve: 401, even correctly signed', async () => {
    const activity = installed();
    const response = await stack.send({
      ...activity,
      conversation: { ...(activity.conversation as object), tenantId: 'ffffffff-0000-4000-8000-00000000ffff' },
      channelData: { tenant: { id: 'ffffffff-0000-4000-8000-00000000ffff' } },
    });
    expect(response.statusCode).toBe(401);
    expect(await stack.address()).toBeUndefined();
  });

  test('a body that is not JSON: 400', async () => {
    const event = { ...(await import('../../../src/local/teams/signed-activity')).teamsEvent({}, undefined) };
    const response = await stack.handler({ ...event, body: '{not json' });
    expect(response.statusCode).toBe(400);
  });

  test('a key rotated in: the new key id is fetched from the JWKS, and the token accepted', async () => {
    stack.identity.rotateKey();
    const response = await stack.send(installed());
    expect(response.statusCode).toBe(200);
    await forgetAddress();
  });

  test('a message with a forged token creates no subscription', async () => {
    const response = await stack.send(
      messageActivity(stack.parties(), 'subscribe myPipeline FAILED'),
      sign({ foreignKey: true }),
    );
    expect(response.statusCode).toBe(401);
  });
});

function sign(overrides: Parameters<TeamsStack['sign']>[0] = {}) {
  return stack.sign(overrides);
}

/** As after an uninstall: the next test starts without the address. */
async function forgetAddress(): Promise<void> {
  await new DynamoDbChannelAddresses({ client: stack.local.dynamo, tableName: TABLE }).delete(
    teamsChannel(stack.identity.tenantId),
  );
}
