import { type LocalSlack, SLACK_RATE_LIMITS, type SlackRateLimits } from '../../../src/local/slack';
import { ARCHIVED, CHANNEL, manualNow, startWorkspace } from './harness';

const OTHER = 'C0000000009';

let slack: LocalSlack | undefined;
afterEach(async () => {
  await slack?.stop();
  slack = undefined;
});

async function start(rateLimits: SlackRateLimits | false | undefined, clock = manualNow()) {
  const started = await startWorkspace({
    now: clock.now,
    rateLimits,
    channels: [
      { id: CHANNEL, name: 'deployments' },
      { id: OTHER, name: 'builds' },
      { id: ARCHIVED, name: 'old', isArchived: true },
    ],
  });
  slack = started;
  return { slack: started, clock };
}

/** A Web API call as WebClient makes it (form body, bearer token): status, Retry-After, body. */
async function call(local: LocalSlack, method: string, args: Record<string, string>) {
  const res = await fetch(`${local.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${local.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(args).toString(),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const post = (local: LocalSlack, channel: string, text = 'x') => call(local, 'chat.postMessage', { channel, text });

describe("the local Slack's rate limits", () => {
  test('chat.postMessage: a burst of 5 per channel, then 429 with Retry-After 1 and ratelimited, as Slack answers', async () => {
    const { slack: local, clock } = await start(SLACK_RATE_LIMITS);
    for (let i = 0; i < 5; i++) expect((await post(local, CHANNEL, `m${i}`)).status).toBe(200);
    const limited = await post(local, CHANNEL, 'm5');
    expect(limited).toEqual({ status: 429, retryAfter: '1', body: { ok: false, error: 'ratelimited' } });
    expect(local.workspace.calls.at(-1)).toMatchObject({
      method: 'chat.postMessage',
      status: 429,
      error: 'ratelimited',
    });
    // Another channel has its own bucket.
    expect((await post(local, OTHER)).status).toBe(200);
    // A refused call spends nothing: one second later exactly one more goes through.
    clock.advance(1000);
    expect((await post(local, CHANNEL, 'm5')).status).toBe(200);
    expect((await post(local, CHANNEL, 'm6')).status).toBe(429);
    expect(local.workspace.messages(CHANNEL).map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
  });

  test('the workspace-wide chat.postMessage bucket limits posts across channels; Retry-After is the wait for a token', async () => {
    const limits: SlackRateLimits = {
      ...SLACK_RATE_LIMITS,
      postPerWorkspace: { burst: 3, perSecond: 0.25 },
    };
    const { slack: local, clock } = await start(limits);
    expect((await post(local, CHANNEL)).status).toBe(200);
    expect((await post(local, OTHER)).status).toBe(200);
    expect((await post(local, CHANNEL)).status).toBe(200);
    expect(await post(local, OTHER)).toMatchObject({ status: 429, retryAfter: '4' });
    clock.advance(3000);
    expect(await post(local, OTHER)).toMatchObject({ status: 429, retryAfter: '1' });
    clock.advance(1000);
    expect((await post(local, OTHER)).status).toBe(200);
  });

  test("chat.update is Tier 3 (50 a minute per workspace); a method's tier is its own", async () => {
    const { slack: local, clock } = await start(SLACK_RATE_LIMITS);
    const ts = String((await post(local, CHANNEL)).body.ts);
    for (let i = 0; i < 50; i++) {
      expect((await call(local, 'chat.update', { channel: CHANNEL, ts, text: `v${i}` })).status).toBe(200);
    }
    expect(await call(local, 'chat.update', { channel: CHANNEL, ts, text: 'v50' })).toEqual({
      status: 429,
      retryAfter: '2',
      body: { ok: false, error: 'ratelimited' },
    });
    // users.info (Tier 4) and chat.postMessage are not spent by chat.update.
    expect((await call(local, 'chat.getPermalink', { channel: CHANNEL, message_ts: ts })).status).toBe(200);
    expect((await post(local, CHANNEL)).status).toBe(200);
    clock.advance(1200); // 50 a minute: one more every 1.2 s
    expect((await call(local, 'chat.update', { channel: CHANNEL, ts, text: 'v50' })).status).toBe(200);
    expect(local.workspace.message(CHANNEL, ts)?.text).toBe('v50');
  });

  test('a refused call is still authenticated first: a bad token is invalid_auth, not ratelimited', async () => {
    const { slack: local } = await start({ ...SLACK_RATE_LIMITS, postPerChannel: { burst: 1, perSecond: 1 } });
    expect((await post(local, CHANNEL)).status).toBe(200);
    const res = await fetch(`${local.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-wrong', 'content-type': 'application/x-www-form-urlencoded' },
      body: `channel=${CHANNEL}&text=x`,
    });
    expect(await res.json()).toEqual({ ok: false, error: 'invalid_auth' });
  });

  test('off unless given (the test harnesses), and switched off with false: 30 posts in a row go through', async () => {
    for (const rateLimits of [undefined, false] as const) {
      const { slack: local } = await start(rateLimits);
      for (let i = 0; i < 30; i++) expect((await post(local, CHANNEL)).status).toBe(200);
      await local.stop();
      slack = undefined;
    }
  });
});
