import type { WebClient } from '@slack/web-api';
import type { LocalSlack, WorkspaceChange } from '../../../src/local/slack';
import { ALICE, BOB, CHANNEL, clientFor, slackError, startWorkspace } from './harness';

let slack: LocalSlack;
let client: WebClient;

beforeEach(async () => {
  slack = await startWorkspace();
  client = clientFor(slack);
});
afterEach(() => slack.stop());

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('local Slack Web API with the real WebClient', () => {
  test('auth.test names the bot and the team', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      team_id: slack.teamId,
      user_id: slack.workspace.botUserId,
      bot_id: slack.workspace.botId,
    });
  });

  test('chat.postMessage stores text and blocks (WebClient sends blocks as a JSON string) and returns the message', async () => {
    const blocks = [section('*deploy* failed'), { type: 'divider' }];
    const result = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'deploy failed',
      blocks,
      unfurl_links: false,
    });
    expect(result.ok).toBe(true);
    expect(result.channel).toBe(CHANNEL);
    expect(result.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(result.message).toMatchObject({ text: 'deploy failed', blocks, bot_id: slack.workspace.botId });
    const [stored] = slack.workspace.messages(CHANNEL);
    expect(stored).toMatchObject({ ts: result.ts, text: 'deploy failed', blocks, user: slack.workspace.botUserId });
    expect(stored?.options).toEqual({ unfurl_links: false });
    expect(slack.workspace.calls).toEqual([
      expect.objectContaining({ method: 'chat.postMessage', ok: true, status: 200, warnings: [] }),
    ]);
    // The call log decodes the JSON-string blocks WebClient sent.
    expect(slack.workspace.calls[0]?.args.blocks).toEqual(blocks);
  });

  test('channel names are accepted like ids', async () => {
    const result = await client.chat.postMessage({ channel: '#deployments', text: 'hi' });
    expect(result.channel).toBe(CHANNEL);
  });

  test('message ts values are unique and strictly increasing, even in a burst', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.chat.postMessage({ channel: CHANNEL, text: `m${i}` })),
    );
    const ts = slack.workspace.messages(CHANNEL).map((m) => m.ts);
    expect(new Set(ts).size).toBe(20);
    expect([...ts].sort()).toEqual(ts);
    expect(results.map((r) => r.ts).sort()).toEqual(ts);
  });

  test('chat.update replaces text/blocks, keeps every revision, and keeps blocks when omitted', async () => {
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'v1', blocks: [section('one')] });
    const ts = posted.ts as string;
    const updated = await client.chat.update({ channel: CHANNEL, ts, text: 'v2', blocks: [section('two')] });
    expect(updated).toMatchObject({ ok: true, channel: CHANNEL, ts, text: 'v2' });
    await client.chat.update({ channel: CHANNEL, ts, text: 'v3' });
    const message = slack.workspace.message(CHANNEL, ts);
    expect(message?.revisions.map((r) => [r.text, r.by])).toEqual([
      ['v1', 'chat.postMessage'],
      ['v2', 'chat.update'],
      ['v3', 'chat.update'],
    ]);
    expect(message?.blocks).toEqual([section('two')]);
    expect(message?.edited?.user).toBe(slack.workspace.botUserId);
    await client.chat.update({ channel: CHANNEL, ts, text: 'v4', blocks: [] });
    expect(slack.workspace.message(CHANNEL, ts)?.blocks).toBeUndefined();
  });

  test('thread replies, broadcast, conversations.replies and history', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'execution 1' });
    const parentTs = parent.ts as string;
    const reply = await client.chat.postMessage({ channel: CHANNEL, text: 'stage Build failed', thread_ts: parentTs });
    await client.chat.postMessage({
      channel: CHANNEL,
      text: 'approval waiting',
      thread_ts: parentTs,
      reply_broadcast: true,
    });
    // A reply's ts threads under the parent.
    await client.chat.postMessage({ channel: CHANNEL, text: 'nested', thread_ts: reply.ts as string });

    expect(slack.workspace.threadReplies(CHANNEL, parentTs).map((m) => m.text)).toEqual([
      'stage Build failed',
      'approval waiting',
      'nested',
    ]);
    expect(slack.workspace.messages(CHANNEL).map((m) => m.text)).toEqual(['execution 1', 'approval waiting']);

    const replies = await client.conversations.replies({ channel: CHANNEL, ts: parentTs });
    expect(replies.messages?.map((m) => m.text)).toEqual([
      'execution 1',
      'stage Build failed',
      'approval waiting',
      'nested',
    ]);
    expect(replies.messages?.[0]).toMatchObject({ thread_ts: parentTs, reply_count: 3 });

    const history = await client.conversations.history({ channel: CHANNEL });
    expect(history.messages?.map((m) => m.text)).toEqual(['approval waiting', 'execution 1']);
  });

  test('conversations.history paginates newest first with a cursor', async () => {
    for (let i = 0; i < 5; i++) await client.chat.postMessage({ channel: CHANNEL, text: `m${i}` });
    const first = await client.conversations.history({ channel: CHANNEL, limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    expect(first.has_more).toBe(true);
    const second = await client.conversations.history({
      channel: CHANNEL,
      limit: 2,
      cursor: first.response_metadata?.next_cursor as string,
    });
    expect(second.messages?.map((m) => m.text)).toEqual(['m2', 'm1']);
  });

  test('chat.postEphemeral is visible to one user and returns message_ts', async () => {
    const result = await client.chat.postEphemeral({ channel: CHANNEL, user: ALICE, text: 'only you can see this' });
    expect(result.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.workspace.ephemerals(CHANNEL, ALICE).map((e) => e.text)).toEqual(['only you can see this']);
    expect(slack.workspace.ephemerals(CHANNEL, BOB)).toEqual([]);
    expect(slack.workspace.messages(CHANNEL)).toEqual([]);
  });

  test('chat.getPermalink points at the local channel page', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'x' });
    const reply = await client.chat.postMessage({ channel: CHANNEL, text: 'y', thread_ts: parent.ts as string });
    const link = await client.chat.getPermalink({ channel: CHANNEL, message_ts: parent.ts as string });
    expect(link.permalink).toBe(`${slack.url}/archives/${CHANNEL}/p${(parent.ts as string).replace('.', '')}`);
    const replyLink = await client.chat.getPermalink({ channel: CHANNEL, message_ts: reply.ts as string });
    expect(replyLink.permalink).toContain(`?thread_ts=${parent.ts}&cid=${CHANNEL}`);
  });

  test('conversations.info, users.info and usergroups.users.list', async () => {
    const info = await client.conversations.info({ channel: CHANNEL });
    expect(info.channel).toMatchObject({ id: CHANNEL, name: 'deployments', is_archived: false, is_member: true });
    const user = await client.users.info({ user: ALICE });
    expect(user.user).toMatchObject({ id: ALICE, name: 'alice', real_name: 'Alice Approver', is_bot: false });
    const group = await client.usergroups.users.list({ usergroup: 'S0000APPROV' });
    expect(group.users).toEqual([ALICE]);
  });

  test("users.info checks the token's scopes: users:read for the user, users:read.email for the e-mail", async () => {
    await slack.stop();
    const users = [{ id: ALICE, name: 'alice', email: 'alice@example.com' }];
    for (const [scopes, expected] of [
      [['users:read', 'users:read.email'], 'alice@example.com'],
      [['users:read'], undefined],
    ] as const) {
      slack = await startWorkspace({ users, scopes: [...scopes] });
      const info = await clientFor(slack).users.info({ user: ALICE });
      expect(info.user?.profile?.email).toBe(expected);
      await slack.stop();
    }
    slack = await startWorkspace({ users, scopes: ['chat:write'] });
    expect(await slackError(clientFor(slack).users.info({ user: ALICE }))).toMatchObject({
      error: 'missing_scope',
      data: { needed: 'users:read', provided: 'chat:write' },
    });
  });

  test('a missing text fallback or a text over 4,000 characters is a warning, not an error', async () => {
    const result = await client.chat.postMessage({ channel: CHANNEL, blocks: [section('no fallback')] });
    expect(result.response_metadata?.warnings).toEqual(['missing_text_fallback']);
    await client.chat.postMessage({ channel: CHANNEL, text: 'x'.repeat(4001) });
    expect(slack.workspace.calls.map((c) => c.warnings)).toEqual([
      ['missing_text_fallback'],
      ['text_longer_than_4000_characters'],
    ]);
  });

  test('JSON bodies with a Bearer token work too; a token in a JSON body does not count', async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const ok = await post(
      { authorization: `Bearer ${slack.botToken}` },
      { channel: CHANNEL, text: 'json', blocks: [section('b')] },
    );
    expect(ok).toMatchObject({ ok: true, channel: CHANNEL });
    expect(slack.workspace.messages(CHANNEL)[0]?.blocks).toEqual([section('b')]);
    expect(await post({}, { token: slack.botToken, channel: CHANNEL, text: 'json' })).toEqual({
      ok: false,
      error: 'not_authed',
    });
    // A form body may carry the token.
    const form = await fetch(`${slack.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${slack.botToken}`,
    }).then((r) => r.json());
    expect(form).toMatchObject({ ok: true });
  });

  test('every change is announced for a live UI', async () => {
    const changes: WorkspaceChange[] = [];
    slack.workspace.on('change', (change) => changes.push(change));
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'a' });
    await client.chat.update({ channel: CHANNEL, ts: posted.ts as string, text: 'b' });
    expect(changes.filter((c) => c.type !== 'call')).toEqual([
      { type: 'message', action: 'posted', channel: CHANNEL, ts: posted.ts },
      { type: 'message', action: 'updated', channel: CHANNEL, ts: posted.ts },
    ]);
    expect(changes.filter((c) => c.type === 'call')).toHaveLength(2);
  });
});
