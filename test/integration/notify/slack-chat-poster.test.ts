import { buildAlertMessage } from '../../../src/core/messages';
import { ChatDeliveryError } from '../../../src/core/notify';
import { type LocalSlack, SLACK_RATE_LIMITS, startLocalSlack } from '../../../src/local/slack';
import { renderBlockKit, renderThreadReply } from '../../../src/slack';
import { SlackChatPoster } from '../../../src/slack/slack-chat-poster';
import { pipelineEvent, retriedExecutionSpecs } from '../../unit/core/executions/execution-events';

const CHANNEL = { platform: 'slack' as const, workspace: 'T1', channel: 'C0000000001' };
const message = buildAlertMessage(pipelineEvent(retriedExecutionSpecs()[7] ?? fail('no spec')));

let slack: LocalSlack;
beforeEach(async () => {
  slack = await startLocalSlack({ port: 0 });
});
afterEach(() => slack.stop());

function poster(options: Partial<ConstructorParameters<typeof SlackChatPoster>[0]> = {}) {
  return new SlackChatPoster({ token: slack.botToken, slackApiUrl: slack.apiUrl, retries: 0, ...options });
}

async function failure(promise: Promise<unknown>): Promise<ChatDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ChatDeliveryError)) throw new Error(`expected a ChatDeliveryError, got ${String(error)}`);
  return error;
}

describe('SlackChatPoster against the local Slack', () => {
  test('posts the Block Kit rendering without unfurls, updates it in place, replies in its thread', async () => {
    const chat = poster();
    const { messageId } = await chat.post(CHANNEL, message);
    const [posted] = slack.workspace.messages(CHANNEL.channel);
    expect(posted?.blocks).toEqual(renderBlockKit(message).blocks);
    expect(posted?.options).toMatchObject({ unfurl_links: false });
    expect(posted?.options).not.toHaveProperty('link_names');
    await chat.update(CHANNEL, messageId, { ...message, title: 'Updated' });
    expect(slack.workspace.message(CHANNEL.channel, messageId)?.revisions).toHaveLength(2);
    await chat.reply(CHANNEL, messageId, message);
    expect(slack.workspace.threadReplies(CHANNEL.channel, messageId)).toHaveLength(1);
  });

  test('updates a thread reply in place with the reply rendering; a deleted one is message_not_found', async () => {
    const chat = poster();
    const failed = { ...message, status: { ...message.status, severity: 'error' as const, known: true } };
    const { messageId } = await chat.post(CHANNEL, failed);
    const { messageId: replyId } = await chat.reply(CHANNEL, messageId, failed);
    const later = { ...failed, summary: 'Tests failed: 3 of 120' };
    await chat.updateReply(CHANNEL, replyId, later);
    const [reply] = slack.workspace.threadReplies(CHANNEL.channel, messageId);
    expect(reply?.ts).toBe(replyId);
    expect(reply?.blocks).toEqual(renderThreadReply(later)?.blocks);
    expect(slack.workspace.callsTo('chat.update').filter((call) => call.ok)).toHaveLength(1);
    expect(await failure(chat.updateReply(CHANNEL, '1.000000', later))).toMatchObject({
      kind: 'permanent',
      code: 'message_not_found',
    });
  });

  test('errors are classified: refusals permanent, outages and long rate limits transient', async () => {
    const chat = poster({ maxRetryAfterSeconds: 5 });
    expect(await failure(chat.post({ ...CHANNEL, channel: 'C0NOWHERE' }, message))).toMatchObject({
      kind: 'permanent',
      code: 'channel_not_found',
    });
    slack.faults.serverError('chat.postMessage');
    expect(await failure(chat.post(CHANNEL, message))).toMatchObject({ kind: 'transient', code: 'http_500' });
    slack.faults.rateLimit('chat.postMessage', { retryAfterSeconds: 30 });
    expect(await failure(chat.post(CHANNEL, message))).toMatchObject({
      kind: 'transient',
      code: 'ratelimited',
      retryAfterSeconds: 30,
    });
    expect(await failure(poster({ token: 'xoxb-wrong' }).post(CHANNEL, message))).toMatchObject({
      kind: 'permanent',
      code: 'invalid_auth',
    });
    expect(slack.workspace.messages(CHANNEL.channel)).toEqual([]);
  });

  test('a short Retry-After is waited out (bounded), then the call succeeds', async () => {
    const waits: number[] = [];
    const chat = poster({ sleep: async (ms) => void waits.push(ms) });
    slack.faults.rateLimit('chat.postMessage', { times: 2, retryAfterSeconds: 2 });
    await chat.post(CHANNEL, message);
    expect(waits).toEqual([2000, 2000]);
    // All waits of a call together are bounded (notify's timeout): past the budget, transient.
    slack.faults.rateLimit('chat.postMessage', { times: 3, retryAfterSeconds: 1 });
    const bounded = poster({ sleep: async (ms) => void waits.push(ms), maxRateLimitWaitSeconds: 2 });
    expect(await failure(bounded.post(CHANNEL, message))).toMatchObject({ code: 'ratelimited' });
    expect(waits).toEqual([2000, 2000, 1000, 1000]);
  });
});

describe("SlackChatPoster under the local Slack's own rate limits", () => {
  test('a burst of 8 posts to one channel: each posted exactly once, the 429s waited out, never looked for', async () => {
    await slack.stop();
    let now = Date.UTC(2026, 0, 15, 9, 0, 0);
    slack = await startLocalSlack({ port: 0, now: () => now, rateLimits: SLACK_RATE_LIMITS });
    const waits: number[] = [];
    // Sleeping moves the local Slack's clock: Retry-After is waited out exactly.
    const chat = poster({
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push((await chat.post(CHANNEL, { ...message, title: `run ${i}` })).messageId);
    const posted = slack.workspace.messages(CHANNEL.channel);
    expect(posted.map((m) => m.ts)).toEqual(ids);
    expect(new Set(ids).size).toBe(8);
    // Burst 5, then one a second: posts 6, 7 and 8 each waited one Retry-After of 1 s.
    expect(waits).toEqual([1000, 1000, 1000]);
    const statuses = slack.workspace.callsTo('chat.postMessage').map((c) => c.status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 200, 429, 200, 429, 200]);
    expect(slack.workspace.callsTo('conversations.history')).toEqual([]);
  });
});

describe("SlackChatPoster: a burst over a channel's limit", () => {
  test("10 posts at once to one channel and 1 to another: each posted once; the first channel's refused posts retry one at a time, the other's is not held up", async () => {
    await slack.stop();
    const [busy, other] = ['CLINE00000', 'CLINE00001'];
    slack = await startLocalSlack({
      port: 0,
      channels: [
        { id: busy, name: 'busy' },
        { id: other, name: 'other' },
      ],
      rateLimits: SLACK_RATE_LIMITS,
    });
    const chat = poster();
    const posted = await Promise.all([
      ...Array.from({ length: 10 }, async (_, i) =>
        chat.post({ ...CHANNEL, channel: busy }, { ...message, title: `run ${i}` }),
      ),
      chat.post({ ...CHANNEL, channel: other }, { ...message, title: 'other' }),
    ]);
    expect(new Set(posted.map((p) => p.messageId)).size).toBe(11);
    expect(slack.workspace.messages(busy)).toHaveLength(10);
    const calls = slack.workspace.callsTo('chat.postMessage');
    const toBusy = calls.filter((c) => c.args.channel === busy).map((c) => c.status);
    // A burst of 5, then 1 a second: the 5 refused at once, then in line one tries after the Retry-After
    // and the next at once (refused: the channel's second is used), and so on: 5 + 4. Each retrying at
    // its own Retry-After instead, 4 of the 5 are refused again a second later, then 3, … (5 + 4 + 3 + 2 + 1).
    expect(toBusy.filter((status) => status === 429).length).toBeLessThanOrEqual(10);
    // The other channel's post went straight through, before the busy channel's 6th was taken (a second on).
    const otherAt = calls.findIndex((c) => c.args.channel === other);
    const sixthAt = calls.findIndex(
      (c, i) =>
        c.args.channel === busy &&
        c.status === 200 &&
        calls.slice(0, i).filter((d) => d.args.channel === busy && d.status === 200).length === 5,
    );
    expect(calls[otherAt]?.status).toBe(200);
    expect(otherAt).toBeLessThan(sixthAt);
  });
});

describe('SlackChatPoster: a burst over the workspace limit', () => {
  test('60 posts at once to 20 channels: each posted once; after the 429s one call at a time tries again', async () => {
    await slack.stop();
    const channels = Array.from({ length: 20 }, (_, i) => `CLINE${String(i).padStart(5, '0')}`);
    slack = await startLocalSlack({
      port: 0,
      channels: channels.map((id, i) => ({ id, name: `line-${i}` })),
      // The workspace's burst of 10, then 10 a second: the posts past the 10th meet 429s.
      rateLimits: { ...SLACK_RATE_LIMITS, postPerWorkspace: { burst: 10, perSecond: 10 } },
    });
    const chat = poster();
    const posts = Array.from({ length: 60 }, (_, i) => ({ channel: channels[i % 20] ?? '', title: `run ${i}` }));
    const ids = await Promise.all(
      posts.map(
        async ({ channel, title }) => (await chat.post({ ...CHANNEL, channel }, { ...message, title })).messageId,
      ),
    );
    expect(new Set(ids).size).toBe(60);
    for (const channel of channels) expect(slack.workspace.messages(channel)).toHaveLength(3);
    const statuses = slack.workspace.callsTo('chat.postMessage').map((c) => c.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(60);
    // The 50 refused at once, then the workspace's line: one call probes the limit after the
    // Retry-After (1 s), the others follow it one at a time while Slack takes them, about one 429 a
    // second. Each retrying at its own Retry-After instead, all that wait but 10 are refused again
    // each second (50 + 40 + 30 …).
    const refused = statuses.filter((status) => status === 429).length;
    expect(refused).toBeLessThanOrEqual(50 + 10);
  });
});

describe('SlackChatPoster: a post whose answer is lost is not made twice', () => {
  const mark = { pipeline: 'myPipeline', executionId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' };

  test('each post carries its mark as message metadata, shown by history only with include_all_metadata', async () => {
    const chat = poster();
    const { messageId } = await chat.post(CHANNEL, message, mark);
    const { messageId: replyId } = await chat.reply(CHANNEL, messageId, message, { ...mark, reply: 'failed:Build@1' });
    const history = await fetchJson(`${slack.apiUrl}conversations.history`, { channel: CHANNEL.channel });
    expect(history.messages[0]).not.toHaveProperty('metadata');
    const withMetadata = await fetchJson(`${slack.apiUrl}conversations.replies`, {
      channel: CHANNEL.channel,
      ts: messageId,
      include_all_metadata: 'true',
    });
    expect(withMetadata.messages.map((entry: { metadata?: unknown }) => entry.metadata)).toEqual([
      {
        event_type: 'pipewatch_post',
        event_payload: { pipeline: mark.pipeline, execution_id: mark.executionId, post: 'message' },
      },
      {
        event_type: 'pipewatch_post',
        event_payload: { pipeline: mark.pipeline, execution_id: mark.executionId, post: 'failed:Build@1' },
      },
    ]);
    const window = { sinceMs: Date.now() - 60_000, untilMs: Date.now() + 60_000 };
    expect(await chat.findPost(CHANNEL, mark, window)).toEqual({ messageId });
    expect(
      await chat.findPost(CHANNEL, { ...mark, reply: 'failed:Build@1' }, { ...window, parentId: messageId }),
    ).toEqual({ messageId: replyId });
    expect(await chat.findPost(CHANNEL, { ...mark, executionId: 'other' }, window)).toBeUndefined();
    // Outside the window: not found (the lookup is bounded to the lease).
    expect(await chat.findPost(CHANNEL, mark, { sinceMs: Date.now() + 60_000, untilMs: Date.now() + 120_000 })).toBe(
      undefined,
    );
  });

  test('chat.postMessage done but answered 504: looked for, found, not posted again (message and reply)', async () => {
    const chat = poster({ retries: 2, sleep: async () => {} });
    slack.faults.lostAnswer('chat.postMessage');
    const { messageId } = await chat.post(CHANNEL, message, mark);
    expect(slack.workspace.messages(CHANNEL.channel)).toHaveLength(1);
    expect(slack.workspace.messages(CHANNEL.channel)[0]?.ts).toBe(messageId);
    expect(slack.workspace.callsTo('conversations.history')).toHaveLength(1);
    slack.faults.lostAnswer('chat.postMessage');
    const { messageId: replyId } = await chat.reply(CHANNEL, messageId, message, { ...mark, reply: 'failed:Build@1' });
    expect(slack.workspace.threadReplies(CHANNEL.channel, messageId).map((entry) => entry.ts)).toEqual([replyId]);
    expect(slack.workspace.callsTo('conversations.replies')).toHaveLength(1);
  });

  test('a 500 before the post was made: looked for, not found, posted once', async () => {
    const chat = poster({ retries: 2, sleep: async () => {} });
    slack.faults.serverError('chat.postMessage');
    await chat.post(CHANNEL, message, mark);
    expect(slack.workspace.messages(CHANNEL.channel)).toHaveLength(1);
    expect(slack.workspace.callsTo('chat.postMessage').map((call) => call.status)).toEqual([500, 200]);
  });

  test('an unmarked post is not looked for: a lost answer is a transient failure after the retries', async () => {
    const chat = poster({ retries: 0 });
    slack.faults.lostAnswer('chat.postMessage');
    expect(await failure(chat.post(CHANNEL, message))).toMatchObject({ kind: 'transient', code: 'http_504' });
    expect(slack.workspace.callsTo('conversations.history')).toEqual([]);
  });

  test('the local Slack checks metadata as Slack does', async () => {
    const post = (metadata: string) =>
      fetchJson(`${slack.apiUrl}chat.postMessage`, { channel: CHANNEL.channel, text: 'x', metadata });
    expect(await post('not json')).toMatchObject({ ok: false, error: 'invalid_metadata_format' });
    expect(await post(JSON.stringify({ event_type: 'x' }))).toMatchObject({
      ok: false,
      error: 'invalid_metadata_format',
    });
    const ignored = await post(JSON.stringify({ event_type: 'has.dots', event_payload: {} }));
    expect(ignored).toMatchObject({ ok: true, response_metadata: { warnings: ['invalid_metadata_schema'] } });
    expect(slack.workspace.messages(CHANNEL.channel)[0]?.options).not.toHaveProperty('metadata');
  });
});

/** A Web API call with the bot token, form-encoded as WebClient sends it. */
async function fetchJson(url: string, args: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${slack.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(args).toString(),
  });
  return (await response.json()) as { ok: boolean; messages: { metadata?: unknown }[]; [key: string]: unknown };
}
