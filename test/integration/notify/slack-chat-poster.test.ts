import { buildAlertMessage } from '../../../src/core/messages';
import { ChatDeliveryError } from '../../../src/core/notify';
import { type LocalSlack, startLocalSlack } from '../../../src/local/slack';
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
    slack.faults.rateLimit('chat.postMessage', { times: 3, retryAfterSeconds: 1 });
    expect(await failure(chat.post(CHANNEL, message))).toMatchObject({ code: 'ratelimited' });
  });
});
