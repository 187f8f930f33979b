import {
  DEFAULT_MAX_ACTIVITY_BYTES,
  type LocalIdentity,
  startLocalIdentity,
  type TenantChange,
} from '../../../src/local/teams';
import { activityBytes } from '../../../src/teams/card-size';
import {
  activitiesPath,
  call,
  cardActivity,
  DEPLOYS,
  GENERAL,
  GROUP_CHAT,
  type LocalTeams,
  MICROSOFT_SAMPLE_CARD,
  startLocalTeams,
} from './connector-harness';

let identity: LocalIdentity;
let teams: LocalTeams;
let now = Date.parse('2026-03-01T09:00:00Z');
beforeAll(async () => {
  identity = await startLocalIdentity({ now: () => now });
});
afterAll(() => identity.stop());
beforeEach(async () => {
  now = Date.parse('2026-03-01T09:00:00Z');
  teams = await startLocalTeams({ sharedIdentity: identity, connector: { now: () => now } });
});
afterEach(() => teams.stop());

const post = (conversation: string, body: unknown = cardActivity(), token?: string) =>
  call(teams, 'POST', activitiesPath(conversation), body, token ?? teams.identity.signAccessToken());
const put = (conversation: string, id: string, body: unknown = cardActivity()) =>
  call(teams, 'PUT', activitiesPath(conversation, id), body);

async function postedId(conversation: string, body: unknown = cardActivity()): Promise<string> {
  const answer = await post(conversation, body);
  expect(answer.status).toBe(201);
  return String(answer.json?.id);
}

describe('the local Bot Connector: posts, thread replies, updates', () => {
  test('a root post answers 201 with a numeric id and keeps the activity as sent', async () => {
    const answer = await post(DEPLOYS);
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual({ id: expect.stringMatching(/^\d{13,}$/) });
    const [message] = teams.connector.tenant.messages(DEPLOYS);
    expect(message).toMatchObject({ id: answer.json?.id, replyToId: undefined, from: teams.identity.clientId });
    expect(message?.activity).toEqual(cardActivity());
    expect(teams.connector.tenant.messages(GENERAL)).toEqual([]);
    expect(teams.connector.tenant.calls).toEqual([
      expect.objectContaining({ method: 'POST', operation: 'post', conversationId: DEPLOYS, status: 201 }),
    ]);
  });

  test('ids are unique and increasing, even within one millisecond', async () => {
    const ids = [await postedId(DEPLOYS), await postedId(DEPLOYS), await postedId(GROUP_CHAT)];
    expect(new Set(ids).size).toBe(3);
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => a - b));
  });

  test(';messageid= makes a thread reply, whether the id is sent raw (Teams SDK) or percent-encoded (botbuilder)', async () => {
    const root = await postedId(DEPLOYS);
    const raw = await post(`${DEPLOYS};messageid=${root}`, cardActivity(MICROSOFT_SAMPLE_CARD, 'raw'));
    const encoded = await call(
      teams,
      'POST',
      `v3/conversations/${encodeURIComponent(`${DEPLOYS};messageid=${root}`)}/activities`,
      cardActivity(MICROSOFT_SAMPLE_CARD, 'encoded'),
    );
    expect([raw.status, encoded.status]).toEqual([201, 201]);
    const { tenant } = teams.connector;
    expect(tenant.messages(DEPLOYS).map((m) => m.id)).toEqual([root]);
    expect(tenant.threadReplies(DEPLOYS, root).map((m) => m.activity.summary)).toEqual(['raw', 'encoded']);
    expect(tenant.callsTo('reply').map((c) => c.status)).toEqual([201, 201]);
  });

  test('a reply to a reply joins the root thread (threads are one level); POST …/activities/{id} replies too', async () => {
    const root = await postedId(DEPLOYS);
    const first = await postedId(`${DEPLOYS};messageid=${root}`);
    const second = await postedId(`${DEPLOYS};messageid=${first}`);
    const third = await call(teams, 'POST', activitiesPath(DEPLOYS, root), cardActivity());
    expect(third.status).toBe(201);
    expect(teams.connector.tenant.threadReplies(DEPLOYS, root).map((m) => m.id)).toEqual([
      first,
      second,
      third.json?.id,
    ]);
  });

  test('a reply to an unknown root is 404', async () => {
    const answer = await post(`${DEPLOYS};messageid=1234567890123`);
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ error: { code: 'NotFound' } });
  });

  test('PUT updates in place and keeps every revision; replies are updated by id in the conversation', async () => {
    const root = await postedId(DEPLOYS);
    const reply = await postedId(`${DEPLOYS};messageid=${root}`);
    const updated = await put(DEPLOYS, root, cardActivity(MICROSOFT_SAMPLE_CARD, 'Deploy succeeded'));
    expect(updated.status).toBe(200);
    expect(updated.json).toEqual({ id: root });
    expect((await put(DEPLOYS, reply, cardActivity(MICROSOFT_SAMPLE_CARD, 'details'))).status).toBe(200);
    // The thread's conversation id names the same messages.
    expect((await put(`${DEPLOYS};messageid=${root}`, reply, cardActivity(MICROSOFT_SAMPLE_CARD, 'more'))).status).toBe(
      200,
    );
    const { tenant } = teams.connector;
    expect(tenant.message(DEPLOYS, root)?.revisions.map((r) => [r.by, r.activity.summary])).toEqual([
      ['post', 'Deploy failed'],
      ['update', 'Deploy succeeded'],
    ]);
    expect(tenant.message(DEPLOYS, reply)?.activity.summary).toBe('more');
    expect(tenant.threadReplies(DEPLOYS, root)).toHaveLength(1);
  });

  test('PUT of an unknown or deleted activity is 404; of a person’s message 403', async () => {
    const root = await postedId(DEPLOYS);
    teams.connector.tenant.deleteMessage(DEPLOYS, root);
    expect((await put(DEPLOYS, root)).status).toBe(404);
    expect((await put(DEPLOYS, '42')).json).toMatchObject({ error: { code: 'NotFound' } });
    const theirs = teams.connector.tenant.postUserMessage(DEPLOYS, '29:alice', 'hello');
    expect((await put(DEPLOYS, theirs.id)).status).toBe(403);
    expect(teams.connector.tenant.message(DEPLOYS, theirs.id)?.revisions).toHaveLength(1);
  });

  test('changes are announced for live pages', async () => {
    const changes: TenantChange[] = [];
    teams.connector.tenant.on('change', (change) => changes.push(change));
    const root = await postedId(DEPLOYS);
    await put(DEPLOYS, root);
    expect(changes.filter((c) => c.type === 'message')).toEqual([
      { type: 'message', action: 'posted', conversationId: DEPLOYS, id: root },
      { type: 'message', action: 'updated', conversationId: DEPLOYS, id: root },
    ]);
    expect(changes.filter((c) => c.type === 'call')).toHaveLength(2);
  });

  test('other paths are 404, other methods 405', async () => {
    expect((await call(teams, 'POST', 'v3/conversations', cardActivity())).status).toBe(404);
    expect((await call(teams, 'POST', `v3/conversations/${DEPLOYS}/members`, cardActivity())).status).toBe(404);
    expect((await call(teams, 'GET', activitiesPath(DEPLOYS), undefined)).status).toBe(405);
    expect((await call(teams, 'PUT', activitiesPath(DEPLOYS), cardActivity())).status).toBe(405);
  });
});

describe('the local Bot Connector: authentication and the roster', () => {
  test('no bearer token is 401 as ASP.NET answers it, and nothing is kept', async () => {
    const answer = await call(teams, 'POST', activitiesPath(DEPLOYS), cardActivity(), null);
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ message: 'Authorization has been denied for this request.' });
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(teams.connector.tenant.messages(DEPLOYS)).toEqual([]);
  });

  test.each([
    ['signed by a foreign key', { foreignKey: true }, 'bad_signature'],
    ['of an unknown kid', { kid: 'not-published' }, 'unknown_kid'],
    ['unsigned (alg none)', { alg: 'none' }, 'unsupported_alg'],
    ['for another audience', { audience: 'https://graph.microsoft.com' }, 'wrong_audience'],
    ['from another issuer', { issuer: 'https://sts.windows.net/someone-else/' }, 'wrong_issuer'],
    ['expired', { expiresAt: Math.floor(Date.parse('2026-03-01T09:00:00Z') / 1000) - 1 }, 'expired'],
    ['not valid yet', { notBefore: Math.floor(Date.parse('2026-03-01T09:00:00Z') / 1000) + 60 }, 'not_yet_valid'],
  ] as const)('a token %s is 401', async (_case, forgery, problem) => {
    const answer = await post(DEPLOYS, cardActivity(), teams.identity.signAccessToken(forgery));
    expect(answer.status).toBe(401);
    expect(teams.connector.tenant.calls[0]?.detail).toMatch(new RegExp(`^${problem}: `));
    expect(teams.connector.tenant.messages(DEPLOYS)).toEqual([]);
  });

  test('an inbound activity token is no outbound token; garbage is no token', async () => {
    const inbound = teams.identity.signActivityToken({ appId: teams.identity.clientId, serviceUrl: 'https://x/' });
    expect((await post(DEPLOYS, cardActivity(), inbound)).status).toBe(401);
    expect((await post(DEPLOYS, cardActivity(), 'not.a.jwt')).status).toBe(401);
  });

  test('a token that expires is refused from its expiry on', async () => {
    const token = teams.identity.signAccessToken();
    expect((await post(DEPLOYS, cardActivity(), token)).status).toBe(201);
    now += 3599 * 1000;
    expect((await post(DEPLOYS, cardActivity(), token)).status).toBe(401);
  });

  test('a conversation the bot is not in is 403 BotNotInConversationRoster', async () => {
    const unknown = await post('19:nobody-installed-us@thread.tacv2');
    expect(unknown.status).toBe(403);
    expect(unknown.json).toEqual({
      error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' },
    });
    const root = await postedId(DEPLOYS);
    teams.connector.tenant.setBotInstalled(GENERAL, false);
    expect((await post(DEPLOYS)).status).toBe(403);
    expect((await put(DEPLOYS, root)).status).toBe(403);
    expect((await post(GROUP_CHAT)).status).toBe(201);
  });

  test("another app's valid token is not the bot: 403", async () => {
    const answer = await post(DEPLOYS, cardActivity(), teams.identity.signAccessToken({ clientId: 'another-app' }));
    expect(answer.status).toBe(403);
  });
});

describe('the local Bot Connector: size and shape', () => {
  /** A card whose activity measures exactly `bytes` (UTF-16). */
  function activityOfSize(bytes: number): Record<string, unknown> {
    const card = (text: string) => ({ ...MICROSOFT_SAMPLE_CARD, body: [{ type: 'TextBlock', text }] });
    const overhead = activityBytes(cardActivity(card('')));
    return cardActivity(card('x'.repeat((bytes - overhead) / 2)));
  }

  test('an activity of exactly the limit passes; one character more is 413 MessageSizeTooBig', async () => {
    expect(activityBytes(activityOfSize(DEFAULT_MAX_ACTIVITY_BYTES))).toBe(DEFAULT_MAX_ACTIVITY_BYTES);
    expect((await post(DEPLOYS, activityOfSize(DEFAULT_MAX_ACTIVITY_BYTES))).status).toBe(201);
    const over = await post(DEPLOYS, activityOfSize(DEFAULT_MAX_ACTIVITY_BYTES + 2));
    expect(over.status).toBe(413);
    expect(over.json).toMatchObject({ error: { code: 'MessageSizeTooBig' } });
    expect(teams.connector.tenant.messages(DEPLOYS)).toHaveLength(1);
  });

  test('the size counts UTF-16: 60,000 characters are 120,000 bytes', async () => {
    const body = cardActivity({ ...MICROSOFT_SAMPLE_CARD, body: [{ type: 'TextBlock', text: 'é'.repeat(60_000) }] });
    expect((await post(DEPLOYS, body)).status).toBe(413);
  });

  const card = (changes: object) => cardActivity({ ...MICROSOFT_SAMPLE_CARD, ...changes });
  test.each([
    ['a body that is not JSON', '{"type":', 'not JSON'],
    ['a typing activity', { type: 'typing' }, 'unsupported activity type "typing"'],
    ['an empty message', { type: 'message' }, 'needs text or at least one attachment'],
    ['a card above 1.5', card({ version: '1.6' }), '[json-pointer:/attachments/0/content/version]'],
    ['a card without a version', card({ version: undefined }), 'needs a version'],
    [
      'Action.Execute among the card-level actions',
      card({ actions: [{ type: 'Action.Execute', verb: 'retry' }] }),
      'must be inside an ActionSet (older Teams clients ignore its fallback elsewhere) [json-pointer:/attachments/0/content/actions/0]',
    ],
    ['Action.Execute in a 1.3 card', card({ version: '1.3' }), 'needs card version 1.4'],
    ['an element Teams does not render', card({ body: [{ type: 'Media', sources: [] }] }), '"Media"'],
    ['an input without an id', card({ body: [{ type: 'Input.Text' }] }), 'an input needs an id'],
    [
      'two inputs with one id',
      card({
        body: [
          { type: 'Input.Text', id: 'a' },
          { type: 'Input.Toggle', id: 'a', title: 't' },
        ],
      }),
      'used twice',
    ],
    ['a fact without a value', card({ body: [{ type: 'FactSet', facts: [{ title: 'Stage' }] }] }), 'a fact needs'],
    ['an OpenUrl without url', card({ actions: [{ type: 'Action.OpenUrl', title: 'Open' }] }), 'needs a url'],
    [
      'an Execute deep in a ShowCard outside an ActionSet',
      card({
        actions: [{ type: 'Action.ShowCard', card: { type: 'AdaptiveCard', actions: [{ type: 'Action.Execute' }] } }],
      }),
      '[json-pointer:/attachments/0/content/actions/0/card/actions/0]',
    ],
    [
      'an attachment without contentType',
      { type: 'message', attachments: [{ content: MICROSOFT_SAMPLE_CARD }] },
      'needs a contentType',
    ],
  ])('%s is 400 BadArgument', async (_case, body, problem) => {
    const answer = await post(DEPLOYS, body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: 'BadArgument' } });
    expect(String((answer.json?.error as { message?: unknown } | undefined)?.message)).toContain(problem);
    expect(teams.connector.tenant.messages(DEPLOYS)).toEqual([]);
  });

  test('a text message, a 1.5 card with an approval ShowCard, and other card types are taken', async () => {
    expect((await post(DEPLOYS, { type: 'message', text: 'Subscribed.', textFormat: 'markdown' })).status).toBe(201);
    const approval = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: 'Approve **Deploy**?', wrap: true },
        { type: 'FactSet', facts: [{ title: 'Pipeline', value: 'web' }] },
        {
          type: 'ActionSet',
          actions: [
            {
              type: 'Action.ShowCard',
              title: 'Approve…',
              card: {
                type: 'AdaptiveCard',
                body: [
                  { type: 'Input.Text', id: 'comment', maxLength: 512, isMultiline: true },
                  {
                    type: 'ActionSet',
                    actions: [{ type: 'Action.Execute', verb: 'approve', title: 'Approve', data: { v: 'x' } }],
                  },
                ],
              },
            },
            { type: 'Action.OpenUrl', title: 'Open', url: 'https://console.aws.amazon.com/' },
          ],
        },
      ],
    };
    expect((await post(DEPLOYS, cardActivity(approval))).status).toBe(201);
    const hero = {
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: {} }],
    };
    expect((await post(DEPLOYS, hero)).status).toBe(201);
  });
});

describe('the local Bot Connector: rate limits per thread', () => {
  test('the 8th send in a second is 429 with Retry-After; a second later it goes through', async () => {
    for (let i = 0; i < 7; i++) expect((await post(DEPLOYS)).status).toBe(201);
    const limited = await post(DEPLOYS);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.json).toMatchObject({ error: { code: 'Throttled' } });
    // Another conversation has its own budget.
    expect((await post(GROUP_CHAT)).status).toBe(201);
    now += 1000;
    expect((await post(DEPLOYS)).status).toBe(201);
    // 8 within 2 s: the next waits for the first second's sends to leave the 2-second window.
    const again = await post(DEPLOYS);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('1');
    expect(teams.connector.tenant.messages(DEPLOYS)).toHaveLength(8);
  });

  test('updates and replies count against the same thread', async () => {
    const root = await postedId(DEPLOYS);
    for (let i = 0; i < 3; i++) expect((await put(DEPLOYS, root)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await post(`${DEPLOYS};messageid=${root}`)).status).toBe(201);
    expect((await put(DEPLOYS, root)).status).toBe(429);
  });

  test('60 in 30 s: the 61st waits until the oldest leaves the window', async () => {
    for (let second = 0; second < 15; second++) {
      for (let i = 0; i < 4; i++) expect((await post(DEPLOYS)).status).toBe(201);
      now += 1000;
    }
    const limited = await post(DEPLOYS);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('15');
  });

  test('refusals for what is wrong with a request do not use up the budget', async () => {
    for (let i = 0; i < 10; i++) expect((await post(DEPLOYS, { type: 'message' })).status).toBe(400);
    expect((await post(DEPLOYS)).status).toBe(201);
  });
});

describe('the local Bot Connector: the rate limit per app per tenant', () => {
  // Eight channels: 7 sends each in one second stay within every thread's limit but make 56 for the app.
  const channels = Array.from({ length: 8 }, (_, i) => `19:${String(i).padStart(32, 'f')}@thread.tacv2`);
  let wide: LocalTeams;
  beforeEach(async () => {
    wide = await startLocalTeams({
      sharedIdentity: identity,
      connector: {
        now: () => now,
        teams: [{ id: channels[0] ?? '', name: 'Wide', channels: channels.map((id, i) => ({ id, name: `c${i}` })) }],
      },
    });
  });
  afterEach(() => wide.stop());
  const send = (conversation: string) =>
    call(wide, 'POST', activitiesPath(conversation), cardActivity(), wide.identity.signAccessToken());

  test('the 51st send in a second across conversations is 429; a second later the app may send again', async () => {
    const statuses: number[] = [];
    for (const channel of channels) for (let i = 0; i < 7; i++) statuses.push((await send(channel)).status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(50);
    expect(statuses.slice(50)).toEqual([429, 429, 429, 429, 429, 429]);
    const limited = await send(channels[7] ?? '');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.json).toMatchObject({ error: { code: 'Throttled' } });
    now += 1000;
    expect((await send(channels[7] ?? '')).status).toBe(201);
  });

  test("a send the app limit refuses does not use up its thread's budget", async () => {
    // 49 sends elsewhere, then the last channel's first send fills the app's second.
    for (const channel of channels.slice(0, 7))
      for (let i = 0; i < 7; i++) expect((await send(channel)).status).toBe(201);
    const last = channels[7] ?? '';
    expect((await send(last)).status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await send(last)).status).toBe(429);
    now += 1000;
    // The thread has sent 1 in the last 2 s, so 7 more pass the 8-in-2-s window: the refused 5 were not counted.
    for (let i = 0; i < 7; i++) expect((await send(last)).status).toBe(201);
  });

  test('the limits can be set: the app limit applies, per thread off', async () => {
    const strict = await startLocalTeams({
      sharedIdentity: identity,
      connector: { now: () => now, rateLimits: { perThread: [], perApp: [{ windowMs: 1000, limit: 2 }] } },
    });
    try {
      const statuses: number[] = [];
      for (const conversation of [DEPLOYS, GENERAL, GROUP_CHAT]) {
        statuses.push((await call(strict, 'POST', activitiesPath(conversation), cardActivity())).status);
      }
      expect(statuses).toEqual([201, 201, 429]);
    } finally {
      await strict.stop();
    }
  });
});

describe('the local Bot Connector: injected faults', () => {
  test('rateLimit answers 429 with its Retry-After before authentication, then the operation works', async () => {
    teams.connector.faults.rateLimit('post', { retryAfterSeconds: 3 });
    const limited = await call(teams, 'POST', activitiesPath(DEPLOYS), cardActivity(), null);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await post(DEPLOYS)).status).toBe(201);
    expect(teams.connector.tenant.callsTo('post').map((c) => [c.status, c.error])).toEqual([
      [429, 'Throttled'],
      [201, undefined],
    ]);
  });

  test('fail arms one operation for a number of calls, with the statuses Teams answers', async () => {
    const root = await postedId(DEPLOYS);
    teams.connector.faults.fail('update', 412, { times: 2 });
    teams.connector.faults.fail('reply', 403, { code: 'BotNotInConversationRoster' });
    const first = await put(DEPLOYS, root);
    expect([first.status, first.json]).toEqual([
      412,
      expect.objectContaining({ error: expect.objectContaining({ code: 'PreconditionFailed' }) }),
    ]);
    expect((await put(DEPLOYS, root)).status).toBe(412);
    expect((await put(DEPLOYS, root)).status).toBe(200);
    const reply = await post(`${DEPLOYS};messageid=${root}`);
    expect(reply.json).toMatchObject({ error: { code: 'BotNotInConversationRoster' } });
    expect((await post(DEPLOYS)).status).toBe(201);
    expect(teams.connector.faults.pending()).toEqual([]);
  });

  test.each([500, 502, 503, 504] as const)('%d on every operation: gateways answer with text', async (status) => {
    teams.connector.faults.fail('*', status, { times: 2 });
    const first = await post(DEPLOYS);
    expect(first.status).toBe(status);
    if (status === 500) expect(first.json).toMatchObject({ error: { code: 'InternalServerError' } });
    else expect(first.json).toBeUndefined();
    expect((await put(DEPLOYS, '1')).status).toBe(status);
    expect((await post(DEPLOYS)).status).toBe(201);
  });
});
