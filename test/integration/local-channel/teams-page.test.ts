import { type ButtonValue, encodeButtonValue, snoozeValues } from '../../../src/core/actions';
import { type AlertMessage, alertButtons } from '../../../src/core/messages';
import { type ChannelPageHandler, createChannelPage, lateFallback } from '../../../src/local/channel/channel-page';
import type { TeamsPagePort, TeamsPageUser } from '../../../src/local/channel/teams-page-port';
import { type LocalSlack, startLocalSlack } from '../../../src/local/slack';
import type { LocalBotConnector } from '../../../src/local/teams/bot-connector';
import type { LocalIdentity } from '../../../src/local/teams/identity';
import { renderAdaptiveCard } from '../../../src/teams/render-adaptive-card';
import { ALICE, BOB, CAROL, CHANNEL_ID, startTeamsStack, TEAM_ID, type TeamsStack } from '../teams/teams-harness';

/*
 * The channel page's Teams API (api/teams/state, api/teams/message, api/teams/action) in front of
 * the REAL Teams function (Teams SDK, JWT checked against a local identity) on the local AWS, with
 * a local Bot Connector holding the team: what is typed or clicked must arrive as Teams' signed
 * activities (a mention entity, an adaptiveCard/action invoke with the card's inputs), and the
 * answers must show, the clicker's to the clicker alone.
 */

const GENERAL = TEAM_ID;
const USERS: TeamsPageUser[] = [
  { ...ALICE, title: 'approver' },
  { ...BOB, title: 'developer' },
  { ...CAROL, title: 'viewer' },
];

let stack: TeamsStack;
let identity: LocalIdentity;
let connector: LocalBotConnector;
let slack: LocalSlack;
let page: ChannelPageHandler;
/** Every activity the page sent to the Teams function, with its answer. */
let sent: { activity: Record<string, unknown>; statusCode: number; body: string }[];

beforeEach(async () => {
  stack = await startTeamsStack();
  ({ identity, connector } = stack);
  sent = [];
  const port: TeamsPagePort = {
    tenant: connector.tenant,
    users: USERS,
    team: { id: TEAM_ID, name: 'Pipewatch', channels: [{ id: CHANNEL_ID, name: 'deploys' }] },
    parties: (conversationId, user) => ({
      ...stack.parties({ id: user.id, aadObjectId: user.aadObjectId, name: user.name }),
      conversationId,
    }),
    async send(activity) {
      const answer = await stack.send(activity);
      const result = { statusCode: answer.statusCode ?? 200, body: typeof answer.body === 'string' ? answer.body : '' };
      sent.push({ activity, ...result });
      return result;
    },
  };
  const slot = lateFallback();
  slack = await startLocalSlack({
    teamId: 'T0000LOCAL',
    channels: [{ id: 'C000DEPLOYS', name: 'deploys' }],
    users: [
      { id: 'U00000ALICE', name: 'alice' },
      { id: 'U0000000BOB', name: 'bob' },
      { id: 'U00000CAROL', name: 'carol' },
    ],
    fallback: slot.fallback,
  });
  page = createChannelPage({
    slack,
    invokeSlack: async () => ({ statusCode: 200, body: '' }),
    signingSecret: slack.signingSecret,
    users: [
      { id: 'U00000ALICE', name: 'alice', title: 'approver' },
      { id: 'U0000000BOB', name: 'bob', title: 'developer' },
      { id: 'U00000CAROL', name: 'carol', title: 'viewer' },
    ],
    channels: [{ id: 'C000DEPLOYS', name: 'deploys' }],
    teamId: 'T0000LOCAL',
    teams: port,
  });
  slot.mount(page);
});

afterEach(async () => {
  page.close();
  await slack.stop();
  await stack.stop();
  expect(stack.log.lines.filter((line) => line.level === 'error')).toEqual([]);
});

const url = (path: string) => `${slack.url}/channel/${path}`;

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url(`api/${path}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: slack.url },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

interface TeamsMessageView {
  id: string;
  from: string;
  fromName: string;
  bot: boolean;
  text: string;
  cards: unknown[];
  revisions: number;
  editedAt?: number;
  replies: TeamsMessageView[];
}

interface TeamsState {
  conversation: { id: string; name: string };
  user: string;
  users: { id: string; name: string; slackUser: string }[];
  messages: TeamsMessageView[];
  notes: { messageId: string; text: string; error: boolean }[];
}

async function teamsState(user = BOB.id, conversation = CHANNEL_ID): Promise<TeamsState> {
  const response = await fetch(url(`api/teams/state?${new URLSearchParams({ conversation, user })}`));
  expect(response.status).toBe(200);
  return (await response.json()) as TeamsState;
}

/**
 * A card as the bot posts one: an approval with a comment in a ShowCard, and a retry without
 * inputs; recorded as pipewatch's, as the notify path records the cards it posts.
 */
async function postCard(): Promise<string> {
  const target = {
    v: 1 as const,
    pipeline: 'myPipeline',
    executionId: '00000000-0000-4000-8000-000000000000',
    region: 'us-east-1',
    account: '000000000000',
  };
  const approve = encodeButtonValue({ ...target, kind: 'approve', stage: 'Approval', action: 'Approval' });
  const retryValue = { ...target, kind: 'retry', mode: 'FAILED_ACTIONS', stage: 'Build' } as const;
  const retry = encodeButtonValue(retryValue);
  const card = {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'myPipeline · execution 00000000' },
      { type: 'Input.Text', id: 'elsewhere', label: 'not the approval’s' },
      {
        type: 'ActionSet',
        actions: [
          {
            type: 'Action.Execute',
            title: 'Retry failed actions',
            verb: 'pipewatch.retry.failed',
            data: { value: retry },
            associatedInputs: 'none',
          },
          {
            type: 'Action.ShowCard',
            title: 'Approve or reject…',
            card: {
              type: 'AdaptiveCard',
              body: [
                { type: 'Input.Text', id: 'comment', isMultiline: true, maxLength: 512 },
                {
                  type: 'ActionSet',
                  actions: [
                    {
                      type: 'Action.Execute',
                      title: 'Approve',
                      verb: 'pipewatch.approve',
                      data: { value: approve },
                      associatedInputs: 'auto',
                    },
                  ],
                },
              ],
            },
          },
        ],
      },
    ],
  };
  const message = connector.tenant.insertMessage(CHANNEL_ID, connector.tenant.botAppId, 'post', {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  });
  await stack.recordCard(message.id, retryValue);
  return message.id;
}

describe('Teams on the channel page: state', () => {
  test('the Slack state names the team and its channels, and pairs each Teams person with a Slack one', async () => {
    const response = await fetch(url('api/state'));
    const state = (await response.json()) as { teams: { team: { channels: unknown[] }; users: unknown[] } };
    expect(state.teams.team.channels).toEqual([{ id: CHANNEL_ID, name: 'deploys' }]);
    expect(state.teams.users).toEqual([
      expect.objectContaining({ id: ALICE.id, name: 'Alice', slackUser: 'U00000ALICE' }),
      expect.objectContaining({ id: BOB.id, name: 'Bob', slackUser: 'U0000000BOB' }),
      expect.objectContaining({ id: CAROL.id, name: 'Carol', slackUser: 'U00000CAROL' }),
    ]);
    expect((await teamsState()).conversation).toMatchObject({ id: CHANNEL_ID, name: 'deploys' });
  });

  test('an unknown channel or person is a 404 with a clear JSON error; a channel not on the page too', async () => {
    for (const [query, error] of [
      [{ conversation: '19:nope@thread.tacv2', user: BOB.id }, 'unknown Teams channel 19:nope@thread.tacv2'],
      [{ conversation: GENERAL, user: BOB.id }, `unknown Teams channel ${GENERAL}`],
      [{ conversation: CHANNEL_ID, user: '29:nobody' }, 'unknown Teams user 29:nobody'],
    ] as const) {
      const response = await fetch(url(`api/teams/state?${new URLSearchParams(query)}`));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ ok: false, error });
    }
  });

  test('a page without a local Teams answers its Teams endpoints with a 404', async () => {
    const bare = createChannelPage({
      slack,
      invokeSlack: async () => ({ statusCode: 200, body: '' }),
      signingSecret: slack.signingSecret,
      users: [{ id: 'U00000ALICE', name: 'alice' }],
      channels: [{ id: 'C000DEPLOYS', name: 'deploys' }],
      teamId: 'T0000LOCAL',
    });
    const answer = await new Promise<{ status: number; body: string }>((resolve) => {
      const res = {
        headersSent: false,
        writeHead(status: number) {
          this.status = status;
          return this;
        },
        status: 0,
        end(body: string) {
          resolve({ status: this.status, body });
        },
      };
      bare({ url: '/channel/api/teams/state', method: 'GET', headers: {} } as never, res as never);
    });
    bare.close();
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ ok: false, error: 'no local Teams on this page' });
  });
});

describe('Teams on the channel page: posts', () => {
  test('@pipewatch subscribe …: the person’s post, then a signed message activity with a mention entity; the answer in its thread', async () => {
    const { status, json } = await post('teams/message', {
      conversation: CHANNEL_ID,
      user: BOB.id,
      text: '@pipewatch subscribe myPipeline FAILED',
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: true, kind: 'mention', status: 200 });
    const [message] = sent;
    expect(message?.activity).toMatchObject({
      type: 'message',
      id: json.id,
      text: '<at>pipewatch</at> subscribe myPipeline FAILED',
      from: { id: BOB.id, aadObjectId: BOB.aadObjectId },
      conversation: { id: `${CHANNEL_ID};messageid=${json.id}` },
      entities: [
        {
          type: 'mention',
          text: '<at>pipewatch</at>',
          mentioned: { id: `28:${identity.clientId}`, name: 'pipewatch' },
        },
      ],
    });
    const state = await teamsState();
    expect(state.messages).toHaveLength(1);
    expect(state.messages[0]).toMatchObject({
      id: json.id,
      fromName: 'Bob',
      bot: false,
      text: '<at>pipewatch</at> subscribe myPipeline FAILED',
    });
    expect(state.messages[0]?.replies.map((reply) => reply.text).join('\n')).toMatch(/Subscribed this channel/);
  });

  test('a post without the mention stays a post: the bot hears nothing; a reply goes to its thread', async () => {
    const root = await post('teams/message', { conversation: CHANNEL_ID, user: ALICE.id, text: 'deploying now' });
    expect(root.json).toMatchObject({ ok: true, kind: 'post' });
    const reply = await post('teams/message', {
      conversation: CHANNEL_ID,
      user: BOB.id,
      text: 'thanks @pipewatch help',
      replyToId: root.json.id,
    });
    expect(reply.json).toMatchObject({ ok: true, kind: 'mention' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.activity.conversation).toMatchObject({ id: `${CHANNEL_ID};messageid=${root.json.id}` });
    const [only] = (await teamsState()).messages;
    expect(only?.replies[0]).toMatchObject({ text: 'thanks <at>pipewatch</at> help', fromName: 'Bob' });
    expect(only?.replies.some((r) => r.bot && /@pipewatch subscribe/.test(r.text))).toBe(true);
  });

  test('a message or a card action from another origin, or without one, is refused and nothing is sent', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const port = new URL(slack.url).port;
      for (const origin of [`http://evil.example:${port}`, `http://localhost:${Number(port) + 1}`, undefined]) {
        for (const [path, body] of [
          ['teams/message', { conversation: CHANNEL_ID, user: BOB.id, text: '@pipewatch subscribe myPipeline' }],
          ['teams/action', { conversation: CHANNEL_ID, user: ALICE.id, messageId: '1', verb: 'retry', data: {} }],
        ] as const) {
          const response = await fetch(url(`api/${path}`), {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(origin === undefined ? {} : { origin }) },
            body: JSON.stringify(body),
          });
          expect({ origin, path, status: response.status, json: await response.json() }).toEqual({
            origin,
            path,
            status: 403,
            json: { ok: false, error: 'cross_origin_request', detail: expect.any(String) },
          });
        }
      }
      expect(sent).toEqual([]);
      expect((await teamsState()).messages).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  test('bad requests are refused with clear JSON errors (zod), nothing is posted', async () => {
    expect(await post('teams/message', { conversation: CHANNEL_ID, user: BOB.id })).toEqual({
      status: 400,
      json: { ok: false, error: expect.stringMatching(/^invalid request: text: /) },
    });
    expect(await post('teams/message', { conversation: CHANNEL_ID, user: BOB.id, text: '   ' })).toEqual({
      status: 400,
      json: { ok: false, error: 'nothing to send' },
    });
    expect((await post('teams/message', { conversation: CHANNEL_ID, user: '29:x', text: 'hi' })).status).toBe(404);
    expect(
      (await post('teams/message', { conversation: CHANNEL_ID, user: BOB.id, text: 'hi', replyToId: '42' })).json,
    ).toEqual({ ok: false, error: 'no post 42 to reply to' });
    const form = await fetch(url('api/teams/message'), {
      method: 'POST',
      headers: { origin: slack.url },
      body: 'text=hi',
    });
    expect(form.status).toBe(415);
    expect((await teamsState()).messages).toEqual([]);
    expect(sent).toEqual([]);
  });
});

describe('Teams on the channel page: card actions', () => {
  test('Approve sends an adaptiveCard/action invoke with the verb and the comment from the card’s input; the answer is the clicker’s alone', async () => {
    const card = await postCard();
    const refused = await post('teams/action', {
      conversation: CHANNEL_ID,
      user: CAROL.id,
      messageId: card,
      verb: 'pipewatch.approve',
      inputs: { comment: 'Ship it', elsewhere: 'x', sneaky: 'y' },
    });
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({
      ok: true,
      status: 200,
      response: { statusCode: 200, type: 'application/vnd.microsoft.activity.message' },
    });
    expect(String((refused.json.response as { value: string }).value)).toMatch(/not allowed to approve/);
    const invoke = sent[0]?.activity;
    expect(invoke).toMatchObject({
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: card,
      from: { id: CAROL.id, aadObjectId: CAROL.aadObjectId },
      conversation: { id: `${CHANNEL_ID};messageid=${card}` },
      value: { action: { type: 'Action.Execute', verb: 'pipewatch.approve' }, trigger: 'manual' },
    });
    // The button's data with the card's inputs; what is not an input of the card is not sent.
    const data = (invoke?.value as { action: { data: Record<string, unknown> } } | undefined)?.action.data ?? {};
    expect(Object.keys(data).sort()).toEqual(['comment', 'elsewhere', 'value']);
    expect(data.comment).toBe('Ship it');

    expect((await teamsState(CAROL.id)).notes).toEqual([
      expect.objectContaining({ messageId: card, text: expect.stringMatching(/not allowed to approve/), error: false }),
    ]);
    expect((await teamsState(BOB.id)).notes).toEqual([]);
  });

  test('Snooze on a failure card as pipewatch renders it: the choice set’s value goes with the invoke, and the answer is the clicker’s alone', async () => {
    const target = {
      pipeline: 'myPipeline',
      executionId: '00000000-0000-4000-8000-00000000f00d',
      region: 'us-east-1',
      account: '000000000000',
    };
    const alert: AlertMessage = {
      eventId: 'e-1',
      time: '2026-01-01T00:00:00Z',
      level: 'pipeline',
      pipeline: target.pipeline,
      executionId: target.executionId,
      title: 'myPipeline failed',
      status: { state: 'FAILED', label: 'Failed', severity: 'error', known: true },
      facts: [],
      links: [],
      actions: alertButtons({ target, failedStage: 'Build', consoleUrl: 'https://console.aws.amazon.com/' }),
    };
    const message = connector.tenant.insertMessage(CHANNEL_ID, connector.tenant.botAppId, 'post', {
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: renderAdaptiveCard(alert) }],
    });
    await stack.recordCard(message.id, { v: 1, kind: 'stop', ...target });
    const [, fourHours] = snoozeValues('myPipeline');
    const chosen = encodeButtonValue(fourHours?.value as ButtonValue);
    const { json } = await post('teams/action', {
      conversation: CHANNEL_ID,
      user: BOB.id,
      messageId: message.id,
      verb: 'pipewatch.snooze',
      inputs: { value: chosen },
    });
    const data =
      (sent[0]?.activity.value as { action: { data: Record<string, unknown> } } | undefined)?.action.data ?? {};
    expect(data).toEqual({ execution: target.executionId, value: chosen });
    expect(json).toMatchObject({ ok: true, status: 200 });
    expect(String((json.response as { value: string }).value)).toMatch(/^Snoozed myPipeline here until .* \(4 hours\)/);
    expect((await teamsState(BOB.id)).notes).toEqual([
      expect.objectContaining({ messageId: message.id, text: expect.stringMatching(/^Snoozed myPipeline/) }),
    ]);
  });

  test('a button without inputs (associatedInputs none) sends none; the refusal is noted for the clicker', async () => {
    const card = await postCard();
    const { json } = await post('teams/action', {
      conversation: CHANNEL_ID,
      user: CAROL.id,
      messageId: card,
      verb: 'pipewatch.retry.failed',
      inputs: { comment: 'ignored', elsewhere: 'ignored' },
    });
    const data =
      (sent[0]?.activity.value as { action: { data: Record<string, unknown> } } | undefined)?.action.data ?? {};
    expect(Object.keys(data)).toEqual(['value']);
    expect(json.note).toMatchObject({ messageId: card, text: expect.stringMatching(/not allowed to retry/) });
    expect((await teamsState(CAROL.id)).notes).toHaveLength(1);
    expect((await teamsState(BOB.id)).notes).toHaveLength(0);
  });

  test('an unknown message or verb is a 404 and nothing is sent; a missing field is a 400', async () => {
    const card = await postCard();
    expect(
      await post('teams/action', { conversation: CHANNEL_ID, user: BOB.id, messageId: '1', verb: 'pipewatch.approve' }),
    ).toEqual({ status: 404, json: { ok: false, error: 'no such message' } });
    expect(
      await post('teams/action', { conversation: CHANNEL_ID, user: BOB.id, messageId: card, verb: 'pipewatch.deploy' }),
    ).toEqual({
      status: 404,
      json: { ok: false, error: 'no Action.Execute with the verb pipewatch.deploy on that message' },
    });
    const missing = await post('teams/action', { conversation: CHANNEL_ID, user: BOB.id, verb: 'pipewatch.approve' });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatch(/^invalid request: messageId: /);
    expect(sent).toEqual([]);
  });

  test('a card updated in place (PUT) shows its new revision, and the live stream ticks for Teams', async () => {
    const card = await postCard();
    const events = await fetch(url('api/events'));
    const reader = events.body?.getReader();
    if (reader === undefined) throw new Error('no stream');
    const decoder = new TextDecoder();
    let received = '';
    const read = async (until: RegExp) => {
      while (!until.test(received)) {
        const chunk = await reader.read();
        if (chunk.done) break;
        received += decoder.decode(chunk.value);
      }
    };
    await read(/hello/);
    const message = connector.tenant.message(CHANNEL_ID, card);
    if (message === undefined) throw new Error('no card');
    connector.tenant.updateMessage(message, { ...message.activity, summary: 'updated' });
    await read(/"teams"/);
    await reader.cancel();
    const [shown] = (await teamsState()).messages;
    expect(shown).toMatchObject({ id: card, revisions: 2, bot: true, fromName: 'pipewatch' });
    expect(shown?.editedAt).toEqual(expect.any(Number));
  });
});

describe('Teams on the channel page: static files', () => {
  test('the Adaptive Cards renderer is served from node_modules under the page’s CSP', async () => {
    const response = await fetch(url('vendor/adaptivecards.min.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('AdaptiveCards');
    for (const file of ['teams.js', 'teams-markdown.js']) expect((await fetch(url(file))).status).toBe(200);
  });
});
