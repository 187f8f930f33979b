import { cachedChannelAddresses } from '../../../src/app/notify/channel-address-cache';
import type { ChannelRef } from '../../../src/core/channels';
import { parsePipelineEvent } from '../../../src/core/events';
import { type AlertMessage, buildAlertMessage } from '../../../src/core/messages';
import { ChatDeliveryError } from '../../../src/core/notify';
import type { ChannelAddresses } from '../../../src/core/ports';
import { BotTokenProvider } from '../../../src/teams/bot-token';
import { activityOf } from '../../../src/teams/render-adaptive-card';
import { TeamsChatPoster, type TeamsChatPosterOptions } from '../../../src/teams/teams-chat-poster';
import { loadFixture } from '../../helpers/fixtures';
import { InMemoryChannelAddresses } from '../../helpers/in-memory-channel-addresses';
import { pipelineEvent, retriedExecutionSpecs } from '../../unit/core/executions/execution-events';
import { DEPLOYS, GROUP_CHAT, type LocalTeams, startLocalTeams } from './connector-harness';

const failed = buildAlertMessage(pipelineEvent(retriedExecutionSpecs()[7] ?? fail('no spec')));
const approval = buildAlertMessage(
  parsePipelineEvent(loadFixture('codepipeline/handmade/action-started-approval.json')),
);

let teams: LocalTeams;
/** The addresses as the Teams app stores them on install (in memory: DynamoDB's is tested on its own). */
let addresses: InMemoryChannelAddresses;
let tokens: BotTokenProvider;
/** The clock of the connector and the identity: the poster's sleeps move it on, so rate-limit windows pass without waiting. */
let now = Date.now();
let waits: number[];
let channel: ChannelRef;

beforeEach(async () => {
  now = Date.now();
  waits = [];
  teams = await startLocalTeams({ identity: { now: () => now }, connector: { now: () => now } });
  addresses = new InMemoryChannelAddresses();
  channel = { platform: 'teams', workspace: teams.identity.tenantId, channel: DEPLOYS };
  await addresses.put(channel, install(DEPLOYS));
  tokens = new BotTokenProvider({
    tenantId: teams.identity.tenantId,
    loginEndpoint: teams.identity.loginEndpoint,
    credentials: async () => ({ clientId: teams.identity.clientId, clientSecret: teams.identity.clientSecret }),
  });
});
afterEach(() => teams.stop());

function install(conversationId: string, serviceUrl = teams.connector.serviceUrl): Record<string, string> {
  return { serviceUrl, conversationId, tenantId: teams.identity.tenantId, conversationType: 'channel' };
}

function poster(options: Partial<TeamsChatPosterOptions> = {}): TeamsChatPoster {
  return new TeamsChatPoster({
    addresses,
    token: tokens.token,
    render: (message, as) => activityOf(message, { as }),
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    // No jitter unless a test asks for it: the waits are the Retry-After's.
    random: () => 0,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<ChatDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ChatDeliveryError)) throw new Error(`expected a ChatDeliveryError, got ${String(error)}`);
  return error;
}

const statuses = () => teams.connector.tenant.calls.map((call) => call.status);

describe('TeamsChatPoster against the local Bot Connector and identity', () => {
  test('posts the card, updates it in place, replies in its thread and updates the reply', async () => {
    const chat = poster();
    const { tenant } = teams.connector;
    const { messageId } = await chat.post(channel, failed);
    expect(tenant.messages(DEPLOYS).map((m) => [m.id, m.activity])).toEqual([[messageId, activityOf(failed)]]);

    const later: AlertMessage = { ...failed, title: 'Stage Build failed again' };
    await chat.update(channel, messageId, later);
    expect(tenant.message(DEPLOYS, messageId)?.revisions.map((r) => r.activity)).toEqual([
      activityOf(failed),
      activityOf(later),
    ]);

    const { messageId: replyId } = await chat.reply(channel, messageId, failed);
    expect(replyId).not.toBe(messageId);
    const [reply] = tenant.threadReplies(DEPLOYS, messageId);
    expect([reply?.id, reply?.activity]).toEqual([replyId, activityOf(failed, { as: 'reply' })]);

    const details: AlertMessage = { ...failed, summary: 'Tests failed: 3 of 120' };
    await chat.updateReply(channel, replyId, details);
    expect(tenant.message(DEPLOYS, replyId)?.activity).toEqual(activityOf(details, { as: 'reply' }));
    expect(tenant.messages(DEPLOYS)).toHaveLength(1);

    expect(tenant.calls.map((c) => [c.method, c.operation, c.conversationId, c.activityId, c.status])).toEqual([
      ['POST', 'post', DEPLOYS, undefined, 201],
      ['PUT', 'update', DEPLOYS, messageId, 200],
      ['POST', 'reply', `${DEPLOYS};messageid=${messageId}`, undefined, 201],
      ['PUT', 'update', DEPLOYS, replyId, 200],
    ]);
    // One token for all four calls.
    expect(teams.identity.tokenRequests()).toHaveLength(1);
  });

  test("the renderer's approval card (Action.Execute buttons, a comment) passes the connector's checks", async () => {
    const chat = poster();
    const { messageId } = await chat.post(channel, approval);
    await chat.reply(channel, messageId, approval);
    expect(teams.connector.tenant.threadReplies(DEPLOYS, messageId)).toHaveLength(1);
  });

  test('concurrent posts share one token request; a group chat is addressed the same way', async () => {
    const chat = poster();
    const chatChannel: ChannelRef = { ...channel, channel: GROUP_CHAT };
    await addresses.put(chatChannel, install(GROUP_CHAT));
    await Promise.all([chat.post(channel, failed), chat.post(channel, failed), chat.post(chatChannel, failed)]);
    expect(teams.connector.tenant.messages(GROUP_CHAT)).toHaveLength(1);
    expect(teams.identity.tokenRequests()).toHaveLength(1);
  });
});

describe('TeamsChatPoster: transient failures', () => {
  test('a 429 with a short Retry-After is waited out within the call, then the post succeeds', async () => {
    teams.connector.faults.rateLimit('post', { times: 2, retryAfterSeconds: 2 });
    const { messageId } = await poster().post(channel, failed);
    expect(waits).toEqual([2000, 2000]);
    expect(statuses()).toEqual([429, 429, 201]);
    expect(teams.connector.tenant.message(DEPLOYS, messageId)).toBeDefined();
  });

  test("Teams' own per-thread limit: the 8th send in a second waits its Retry-After and goes through", async () => {
    const chat = poster();
    for (let i = 0; i < 8; i++) await chat.post(channel, failed);
    expect(waits).toEqual([1000]);
    expect(statuses().filter((status) => status === 429)).toHaveLength(1);
    expect(teams.connector.tenant.messages(DEPLOYS)).toHaveLength(8);
  });

  test('a Retry-After longer than the wait budget is no wait: transient, left to EventBridge', async () => {
    teams.connector.faults.rateLimit('update', { retryAfterSeconds: 30 });
    const chat = poster();
    const { messageId } = await chat.post(channel, failed);
    expect(await failure(chat.update(channel, messageId, failed))).toMatchObject({
      kind: 'transient',
      code: 'ratelimited',
      retryAfterSeconds: 30,
    });
    expect(waits).toEqual([]);
  });

  test('waits together stay within maxWaitSeconds', async () => {
    teams.connector.faults.rateLimit('post', { times: 3, retryAfterSeconds: 4 });
    expect(await failure(poster({ maxAttempts: 5, maxWaitSeconds: 10 }).post(channel, failed))).toMatchObject({
      code: 'ratelimited',
    });
    expect(waits).toEqual([4000, 4000]);
  });

  test('a Retry-After of 0 still waits a little, and the call ends within its budget on the clock too', async () => {
    teams.connector.faults.rateLimit('post', { times: 1000, retryAfterSeconds: 0 });
    let clock = 0;
    const chat = poster({
      maxWaitSeconds: 2,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms + 50;
      },
    });
    expect(await failure(chat.post(channel, failed))).toMatchObject({ code: 'ratelimited' });
    // 250 ms each (the floor), and 50 ms more per request on the clock: within 2 s, 6 waits.
    expect(statuses()).toHaveLength(7);
  });

  test('429s with a Retry-After are bounded by the wait budget, not maxAttempts; each wait spread over the second after it', async () => {
    teams.connector.faults.rateLimit('post', { times: 5, retryAfterSeconds: 1 });
    const spread = [0.1, 0.9, 0.5, 0, 0.25];
    const { messageId } = await poster({ maxAttempts: 3, maxWaitSeconds: 20, random: () => spread.shift() ?? 0 }).post(
      channel,
      failed,
    );
    expect(waits).toEqual([1100, 1900, 1500, 1000, 1250]);
    expect(statuses()).toEqual([429, 429, 429, 429, 429, 201]);
    expect(teams.connector.tenant.message(DEPLOYS, messageId)).toBeDefined();
  });

  test.each([500, 502, 503, 504] as const)('%d is tried again briefly, then transient', async (status) => {
    teams.connector.faults.fail('post', status, { times: 3 });
    expect(await failure(poster().post(channel, failed))).toMatchObject({ kind: 'transient', code: `http_${status}` });
    expect(waits).toEqual([250, 500]);
    expect(statuses()).toEqual([status, status, status]);
    teams.connector.faults.fail('post', status, { times: 1 });
    await poster().post(channel, failed);
    expect(teams.connector.tenant.messages(DEPLOYS)).toHaveLength(1);
  });

  test('412 on an update is transient and tried again', async () => {
    const chat = poster();
    const { messageId } = await chat.post(channel, failed);
    teams.connector.faults.fail('update', 412);
    await chat.update(channel, messageId, { ...failed, title: 'later' });
    expect(statuses()).toEqual([201, 412, 200]);
  });

  test('no connection is transient (request_error)', async () => {
    await addresses.put(channel, install(DEPLOYS, 'http://127.0.0.1:9/'));
    expect(await failure(poster({ maxAttempts: 1 }).post(channel, failed))).toMatchObject({
      kind: 'transient',
      code: 'request_error',
    });
  });

  test('a token endpoint outage is transient; the failure is not kept', async () => {
    teams.identity.faults.fail('token', 503);
    expect(await failure(poster().post(channel, failed))).toMatchObject({
      kind: 'transient',
      code: 'token_unavailable',
    });
    await poster().post(channel, failed);
    expect(teams.identity.tokenRequests().map((call) => call.status)).toEqual([503, 200]);
  });
});

describe('TeamsChatPoster: permanent failures and the token', () => {
  test('a conversation the bot is not in is permanent (403 BotNotInConversationRoster), tried once', async () => {
    teams.connector.tenant.setBotInstalled(DEPLOYS, false);
    expect(await failure(poster().post(channel, failed))).toMatchObject({
      kind: 'permanent',
      code: 'BotNotInConversationRoster',
    });
    expect(statuses()).toEqual([403]);
  });

  test("notify's kept address, refused: read again, and the send made once more where it changed", async () => {
    const kept = cachedChannelAddresses(addresses);
    const chat = poster({ addresses: kept });
    await chat.post(channel, failed);
    // The Teams function (another container) stores a new address for the channel; notify still has the old.
    await addresses.put(channel, install(GROUP_CHAT));
    teams.connector.tenant.setBotInstalled(DEPLOYS, false);
    const { messageId } = await chat.post(channel, failed);
    expect(statuses()).toEqual([201, 403, 201]);
    expect(teams.connector.tenant.messages(GROUP_CHAT).map((m) => m.id)).toEqual([messageId]);

    // Refused at the address as stored: the refusal stands, after one read of the store.
    teams.connector.tenant.setBotInstalled(GROUP_CHAT, false);
    expect(await failure(chat.post(channel, failed))).toMatchObject({
      kind: 'permanent',
      code: 'BotNotInConversationRoster',
    });
    expect(statuses()).toEqual([201, 403, 201, 403]);

    // Uninstalled (the address deleted): the second read says so.
    await addresses.delete(channel);
    expect(await failure(chat.post(channel, failed))).toMatchObject({ code: 'channel_not_installed' });
    expect(statuses()).toEqual([201, 403, 201, 403, 403]);
  });

  test('a message over the size limit is permanent (413 MessageSizeTooBig)', async () => {
    const huge = (message: AlertMessage) => ({
      ...activityOf(message),
      summary: 'x'.repeat(60_000),
    });
    expect(await failure(poster({ render: huge }).post(channel, failed))).toMatchObject({
      kind: 'permanent',
      code: 'MessageSizeTooBig',
    });
    expect(statuses()).toEqual([413]);
  });

  test('a deleted message or reply is message_not_found, so notify posts it again', async () => {
    const chat = poster();
    const { messageId } = await chat.post(channel, failed);
    const { messageId: replyId } = await chat.reply(channel, messageId, failed);
    teams.connector.tenant.deleteMessage(DEPLOYS, replyId);
    expect(await failure(chat.updateReply(channel, replyId, failed))).toMatchObject({
      kind: 'permanent',
      code: 'message_not_found',
    });
    teams.connector.tenant.deleteMessage(DEPLOYS, messageId);
    expect(await failure(chat.update(channel, messageId, failed))).toMatchObject({ code: 'message_not_found' });
    expect(await failure(chat.reply(channel, messageId, failed))).toMatchObject({
      kind: 'permanent',
      code: 'thread_not_found',
    });
  });

  test('a 401 drops the token: one new token, one more try', async () => {
    const chat = poster();
    await chat.post(channel, failed);
    // The key that signed the cached token is retired: the connector refuses it.
    teams.identity.rotateKey({ keepPrevious: false });
    await chat.post(channel, failed);
    expect(statuses()).toEqual([201, 401, 201]);
    expect(teams.identity.tokenRequests()).toHaveLength(2);
    expect(waits).toEqual([]);
  });

  test('a token refused twice is permanent (unauthorized), after exactly one retry', async () => {
    const forged = async () => teams.identity.signAccessToken({ foreignKey: true });
    expect(await failure(poster({ token: forged }).post(channel, failed))).toMatchObject({
      kind: 'permanent',
      code: 'unauthorized',
    });
    expect(statuses()).toEqual([401, 401]);
  });

  test('credentials Entra refuses are permanent (token_refused), without a call to Teams', async () => {
    const wrong = new BotTokenProvider({
      tenantId: teams.identity.tenantId,
      loginEndpoint: teams.identity.loginEndpoint,
      credentials: async () => ({ clientId: teams.identity.clientId, clientSecret: 'revoked' }),
    });
    const error = await failure(poster({ token: wrong.token }).post(channel, failed));
    expect(error).toMatchObject({ kind: 'permanent', code: 'token_refused' });
    expect(error.message).toContain('invalid_client');
    expect(statuses()).toEqual([]);
  });

  test('a channel without an address is permanent (channel_not_installed); so is another platform', async () => {
    const elsewhere: ChannelRef = { ...channel, channel: '19:never-installed@thread.tacv2' };
    expect(await failure(poster().post(elsewhere, failed))).toMatchObject({
      kind: 'permanent',
      code: 'channel_not_installed',
    });
    expect(await failure(poster().post({ ...channel, platform: 'slack' }, failed))).toMatchObject({
      code: 'unsupported_platform',
    });
    expect(statuses()).toEqual([]);
  });

  test('the bot token is never sent over plain http to anything but loopback', async () => {
    await addresses.put(channel, install(DEPLOYS, 'http://smba.trafficmanager.net/amer/'));
    expect(await failure(poster().post(channel, failed))).toMatchObject({
      kind: 'permanent',
      code: 'invalid_service_url',
    });
    expect(teams.identity.tokenRequests()).toHaveLength(0);
  });

  test('an address store that fails is transient', async () => {
    const broken: ChannelAddresses = {
      get: async () => {
        throw new Error('DynamoDB throttled');
      },
      put: async () => undefined,
      delete: async () => undefined,
    };
    expect(await failure(poster({ addresses: broken }).post(channel, failed))).toMatchObject({
      kind: 'transient',
      code: 'address_unavailable',
    });
  });
});
