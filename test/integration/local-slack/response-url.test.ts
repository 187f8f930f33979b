import type { WebClient } from '@slack/web-api';
import type { LocalSlack } from '../../../src/local/slack';
import { ALICE, CHANNEL, clientFor, manualNow, startWorkspace } from './harness';

let slack: LocalSlack;
let client: WebClient;
const clock = manualNow();

beforeEach(async () => {
  slack = await startWorkspace({ now: clock.now });
  client = clientFor(slack);
});
afterEach(() => slack.stop());

/** As Bolt's respond() posts: JSON with Content-Type application/json. */
async function respond(url: string, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('response_url', () => {
  test('is a loopback URL', () => {
    expect(slack.workspace.createResponseUrl(CHANNEL, ALICE)).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/response\/[0-9a-f]+$/,
    );
  });

  test('defaults to an ephemeral message for the user who interacted', async () => {
    const url = slack.workspace.createResponseUrl(CHANNEL, ALICE);
    expect(await respond(url, { text: 'Subscribed', blocks: [section('*Subscribed*')] })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(slack.workspace.ephemerals(CHANNEL, ALICE)).toEqual([
      expect.objectContaining({ text: 'Subscribed', blocks: [section('*Subscribed*')] }),
    ]);
    expect(slack.workspace.messages(CHANNEL)).toEqual([]);
  });

  test('response_type in_channel posts to the channel, also in a thread', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'execution' });
    const url = slack.workspace.createResponseUrl(CHANNEL, ALICE);
    await respond(url, { response_type: 'in_channel', text: 'Approved by alice' });
    await respond(url, { response_type: 'in_channel', text: 'in thread', thread_ts: parent.ts });
    expect(slack.workspace.messages(CHANNEL).map((m) => m.text)).toEqual(['execution', 'Approved by alice']);
    expect(slack.workspace.threadReplies(CHANNEL, parent.ts as string).map((m) => m.text)).toEqual(['in thread']);
  });

  test.each([true, 'true'])(
    'replace_original %p replaces the message the button was on, keeping history',
    async (flag) => {
      const posted = await client.chat.postMessage({
        channel: CHANNEL,
        text: 'Approve?',
        blocks: [section('Approve?')],
      });
      const url = slack.workspace.createResponseUrl(CHANNEL, ALICE, posted.ts);
      const result = await respond(url, { replace_original: flag, text: 'Approved', response_type: 'ephemeral' });
      expect(result.status).toBe(200);
      const message = slack.workspace.message(CHANNEL, posted.ts as string);
      // Replacing without blocks removes them; the visibility (in channel) does not change.
      expect(message).toMatchObject({ text: 'Approved', blocks: undefined });
      expect(message?.revisions.map((r) => r.by)).toEqual(['chat.postMessage', 'response_url']);
      expect(slack.workspace.ephemerals(CHANNEL)).toEqual([]);
    },
  );

  test('replace_original "false" (a string, as in Slack\'s docs) posts a new ephemeral instead', async () => {
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'Approve?' });
    const url = slack.workspace.createResponseUrl(CHANNEL, ALICE, posted.ts);
    await respond(url, { replace_original: 'false', text: 'Working on it' });
    expect(slack.workspace.message(CHANNEL, posted.ts as string)?.text).toBe('Approve?');
    expect(slack.workspace.ephemerals(CHANNEL, ALICE).map((e) => e.text)).toEqual(['Working on it']);
  });

  test('replace_original and delete_original act on an ephemeral original', async () => {
    const ephemeral = await client.chat.postEphemeral({ channel: CHANNEL, user: ALICE, text: 'Pick one' });
    const url = slack.workspace.createResponseUrl(CHANNEL, ALICE, ephemeral.message_ts);
    await respond(url, { replace_original: true, text: 'Picked' });
    expect(slack.workspace.ephemerals(CHANNEL, ALICE).map((e) => e.text)).toEqual(['Picked']);
    await respond(url, { delete_original: 'true' });
    expect(slack.workspace.ephemerals(CHANNEL, ALICE)).toEqual([]);
  });

  test('delete_original deletes a channel message', async () => {
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'Approve?' });
    const url = slack.workspace.createResponseUrl(CHANNEL, ALICE, posted.ts);
    expect(await respond(url, { delete_original: true })).toEqual({ status: 200, body: { ok: true } });
    expect(slack.workspace.messages(CHANNEL)).toEqual([]);
  });

  test("a slash command's response_url has no original message to replace", async () => {
    const url = slack.workspace.createResponseUrl(CHANNEL, ALICE);
    expect(await respond(url, { replace_original: true, text: 'x' })).toEqual({
      status: 400,
      body: { ok: false, error: 'no_original_message' },
    });
  });

  test('works at most 5 times', async () => {
    const url = slack.workspace.createResponseUrl(CHANNEL, ALICE);
    for (let i = 1; i <= 5; i++) expect((await respond(url, { text: `#${i}` })).status).toBe(200);
    expect(await respond(url, { text: '#6' })).toEqual({ status: 404, body: { ok: false, error: 'used_url' } });
    expect(slack.workspace.ephemerals(CHANNEL, ALICE)).toHaveLength(5);
  });

  test('works within 30 minutes only', async () => {
    const url = slack.workspace.createResponseUrl(CHANNEL, ALICE);
    clock.advance(30 * 60 * 1000);
    expect((await respond(url, { text: 'just in time' })).status).toBe(200);
    clock.advance(1);
    expect(await respond(url, { text: 'too late' })).toEqual({
      status: 404,
      body: { ok: false, error: 'expired_url' },
    });
  });

  test('bodies are validated like messages', async () => {
    const url = slack.workspace.createResponseUrl(CHANNEL, ALICE);
    expect(await respond(url, '{nope')).toEqual({ status: 400, body: { ok: false, error: 'invalid_payload' } });
    expect((await respond(url, {})).body.error).toBe('no_text');
    const tooLong = await respond(url, {
      text: 'x',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
    });
    expect(tooLong).toMatchObject({ status: 400, body: { ok: false, error: 'invalid_blocks' } });
    expect(tooLong.body.errors).toEqual(['must be less than 151 characters [json-pointer:/blocks/0/text/text]']);
    expect(await respond(`${slack.url}/response/unknown`, { text: 'x' })).toEqual({
      status: 404,
      body: { ok: false, error: 'no_such_url' },
    });
    expect(slack.workspace.callsTo('response_url').map((c) => c.error)).toEqual([
      'invalid_payload',
      'no_text',
      'invalid_blocks',
      'no_such_url',
    ]);
  });

  test('faults apply to response URLs under the name response_url', async () => {
    slack.faults.serverError('response_url');
    const url = slack.workspace.createResponseUrl(CHANNEL, ALICE);
    expect((await respond(url, { text: 'x' })).status).toBe(500);
    expect((await respond(url, { text: 'x' })).status).toBe(200);
  });
});
