import type { WebClient } from '@slack/web-api';
import type { LocalSlack } from '../../../src/local/slack';
import {
  ALICE,
  ARCHIVED,
  CAROL,
  CHANNEL,
  clientFor,
  OUTSIDE,
  PRIVATE_OUTSIDE,
  slackError,
  startWorkspace,
} from './harness';

let slack: LocalSlack;
let client: WebClient;

beforeAll(async () => {
  slack = await startWorkspace();
  client = clientFor(slack);
});
afterAll(() => slack.stop());

describe('local Slack errors (HTTP 200, ok:false, as Slack answers)', () => {
  test('no token is not_authed, a wrong one invalid_auth', async () => {
    const anonymous = clientFor(slack, {}, '');
    expect((await slackError(anonymous.auth.test())).error).toBe('not_authed');
    const wrong = clientFor(slack, {}, 'xoxb-wrong');
    expect((await slackError(wrong.chat.postMessage({ channel: CHANNEL, text: 'x' }))).error).toBe('invalid_auth');
    const raw = await fetch(`${slack.apiUrl}auth.test`, { method: 'POST' });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  test('a missing required argument is missing_argument, naming it', async () => {
    const { error, data } = await slackError(client.apiCall('chat.update', { channel: CHANNEL, text: 'x' }));
    expect(error).toBe('missing_argument');
    expect(data.response_metadata).toEqual({ messages: ['[ERROR] missing required field: ts'] });
    expect((await slackError(client.apiCall('chat.postMessage', { text: 'x' }))).error).toBe('missing_argument');
    expect((await slackError(client.apiCall('views.open', { view: {} }))).error).toBe('missing_argument');
  });

  test('a message without text or blocks is no_text', async () => {
    expect((await slackError(client.chat.postMessage({ channel: CHANNEL, text: '' }))).error).toBe('no_text');
    expect((await slackError(client.apiCall('chat.postEphemeral', { channel: CHANNEL, user: ALICE }))).error).toBe(
      'no_text',
    );
  });

  test('channel_not_found, is_archived and not_in_channel', async () => {
    const post = (channel: string) => slackError(client.chat.postMessage({ channel, text: 'x' }));
    expect((await post('C9999999999')).error).toBe('channel_not_found');
    // A private channel the bot is not in does not exist for it.
    expect((await post(PRIVATE_OUTSIDE)).error).toBe('channel_not_found');
    expect((await post(ARCHIVED)).error).toBe('is_archived');
    expect((await post(OUTSIDE)).error).toBe('not_in_channel');
    expect((await slackError(client.conversations.history({ channel: OUTSIDE }))).error).toBe('not_in_channel');
    expect((await slackError(client.conversations.info({ channel: 'C9999999999' }))).error).toBe('channel_not_found');
  });

  test('the bot removed from a channel can no longer post there', async () => {
    const channel = 'C00000TEMP1';
    slack.workspace.addChannel({ id: channel, name: 'temp' });
    await client.chat.postMessage({ channel, text: 'before' });
    slack.workspace.setChannel(channel, { botMember: false });
    expect((await slackError(client.chat.postMessage({ channel, text: 'after' }))).error).toBe('not_in_channel');
    slack.workspace.setChannel(channel, { isArchived: true });
    expect((await slackError(client.chat.postMessage({ channel, text: 'after' }))).error).toBe('is_archived');
  });

  test('chat.update of an unknown ts is message_not_found; of a person’s message cant_update_message', async () => {
    expect((await slackError(client.chat.update({ channel: CHANNEL, ts: '1700000000.000001', text: 'x' }))).error).toBe(
      'message_not_found',
    );
    const human = slack.workspace.postUserMessage(CHANNEL, ALICE, '/pipewatch list');
    expect((await slackError(client.chat.update({ channel: CHANNEL, ts: human.ts, text: 'x' }))).error).toBe(
      'cant_update_message',
    );
    expect(
      (await slackError(client.chat.getPermalink({ channel: CHANNEL, message_ts: '1700000000.000001' }))).error,
    ).toBe('message_not_found');
  });

  test('a text over 40,000 characters is msg_too_long', async () => {
    const { error } = await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'x'.repeat(40_001) }));
    expect(error).toBe('msg_too_long');
    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'x'.repeat(40_000) })).resolves.toMatchObject({
      ok: true,
    });
  });

  test('thread_ts must be a ts string of an existing message (a float-mangled ts fails)', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'parent' });
    const mangled = String(Number(parent.ts));
    expect((await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'r', thread_ts: mangled }))).error).toBe(
      'invalid_thread_ts',
    );
    expect(
      (await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'r', thread_ts: '1700000000.000001' })))
        .error,
    ).toBe('thread_not_found');
  });

  test('ephemeral to an unknown user or one outside the channel', async () => {
    expect((await slackError(client.chat.postEphemeral({ channel: CHANNEL, user: 'U404', text: 'x' }))).error).toBe(
      'user_not_found',
    );
    expect((await slackError(client.chat.postEphemeral({ channel: CHANNEL, user: CAROL, text: 'x' }))).error).toBe(
      'user_not_in_channel',
    );
  });

  test('unknown users, user groups and methods', async () => {
    expect((await slackError(client.users.info({ user: 'U404' }))).error).toBe('user_not_found');
    expect((await slackError(client.usergroups.users.list({ usergroup: 'S404' }))).error).toBe('no_such_subteam');
    const { error, data } = await slackError(client.apiCall('chat.delete', { channel: CHANNEL, ts: '1.1' }));
    expect(error).toBe('unknown_method');
    expect(data.req_method).toBe('chat.delete');
  });

  test('blocks that are not a JSON array are invalid_blocks_format; wrong types invalid_arguments', async () => {
    expect((await slackError(client.apiCall('chat.postMessage', { channel: CHANNEL, blocks: '{nope' }))).error).toBe(
      'invalid_blocks_format',
    );
    expect(
      (
        await slackError(
          client.apiCall('chat.postMessage', { channel: CHANNEL, text: 'x', blocks: { type: 'divider' } }),
        )
      ).error,
    ).toBe('invalid_blocks_format');
    expect((await slackError(client.apiCall('conversations.history', { channel: CHANNEL, limit: 'ten' }))).error).toBe(
      'invalid_arguments',
    );
  });

  test('failed calls are logged with their error', () => {
    const failed = slack.workspace.calls.filter((c) => !c.ok);
    expect(failed.length).toBeGreaterThan(10);
    expect(failed.every((c) => typeof c.error === 'string' && c.status === 200)).toBe(true);
    expect(slack.workspace.calls.some((c) => 'token' in c.args)).toBe(false);
  });
});
