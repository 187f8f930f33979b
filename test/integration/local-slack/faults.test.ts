import { ErrorCode, type WebAPIHTTPError, type WebAPIRateLimitedError } from '@slack/web-api';
import type { LocalSlack } from '../../../src/local/slack';
import { CHANNEL, clientFor, slackError, startWorkspace } from './harness';

let slack: LocalSlack;

beforeEach(async () => {
  slack = await startWorkspace();
});
afterEach(() => slack.stop());

describe('faults: rate limits, errors and outages', () => {
  test('rateLimit answers HTTP 429 with Retry-After and ratelimited', async () => {
    slack.faults.rateLimit('chat.postMessage', { retryAfterSeconds: 7 });
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `channel=${CHANNEL}&text=x`,
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect(slack.workspace.calls[0]).toMatchObject({
      method: 'chat.postMessage',
      ok: false,
      error: 'ratelimited',
      status: 429,
    });
    expect(slack.workspace.messages(CHANNEL)).toEqual([]);
  });

  test('WebClient sees the Retry-After value (rejectRateLimitedCalls)', async () => {
    slack.faults.rateLimit('chat.update', { retryAfterSeconds: 30 });
    const client = clientFor(slack, { rejectRateLimitedCalls: true });
    const error = (await client.chat
      .update({ channel: CHANNEL, ts: '1.1', text: 'x' })
      .catch((e: unknown) => e)) as WebAPIRateLimitedError;
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(30);
  });

  test("WebClient's own retry waits Retry-After and then succeeds", async () => {
    slack.faults.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 1 });
    const client = clientFor(slack, { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } });
    const started = Date.now();
    const result = await client.chat.postMessage({ channel: CHANNEL, text: 'after the limit' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result.ok).toBe(true);
    expect(slack.workspace.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(slack.workspace.messages(CHANNEL).map((m) => m.text)).toEqual(['after the limit']);
  });

  test('fail returns the error the given number of times, then the method works again', async () => {
    slack.faults.fail('chat.postMessage', 'channel_not_found', 2);
    const client = clientFor(slack);
    expect((await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'a' }))).error).toBe(
      'channel_not_found',
    );
    expect((await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'b' }))).error).toBe(
      'channel_not_found',
    );
    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'c' })).resolves.toMatchObject({ ok: true });
    expect(slack.faults.pending()).toEqual([]);
  });

  test('faults apply to one method only; * matches any', async () => {
    slack.faults.fail('chat.update', 'message_not_found');
    const client = clientFor(slack);
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    slack.faults.fail('*', 'team_access_not_granted');
    expect((await slackError(client.auth.test())).error).toBe('team_access_not_granted');
  });

  test('serverError answers HTTP 500 or 503; WebClient raises WebAPIHTTPError', async () => {
    slack.faults.serverError('chat.postMessage', 1);
    slack.faults.serverError('chat.postMessage', 1, 503);
    const client = clientFor(slack);
    const first = (await client.chat
      .postMessage({ channel: CHANNEL, text: 'x' })
      .catch((e: unknown) => e)) as WebAPIHTTPError;
    expect(first.code).toBe(ErrorCode.HTTPError);
    expect(first.statusCode).toBe(500);
    const second = (await client.chat
      .postMessage({ channel: CHANNEL, text: 'x' })
      .catch((e: unknown) => e)) as WebAPIHTTPError;
    expect(second.statusCode).toBe(503);
    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  test('clear disarms everything', async () => {
    slack.faults.fail('auth.test', 'invalid_auth', 5);
    slack.faults.rateLimit('auth.test', { times: 5 });
    slack.faults.clear();
    await expect(clientFor(slack).auth.test()).resolves.toMatchObject({ ok: true });
  });

  test('times must be positive', () => {
    expect(() => slack.faults.fail('auth.test', 'x', 0)).toThrow(RangeError);
  });
});
