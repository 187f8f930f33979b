// (Lambda adapter) API Gateway HTTP API (payload v2) --> signature check --> replay check --> Bolt's AwsLambdaReceiver --> listeners
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AwsLambdaReceiver } from '@slack/bolt';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type CreateSlackAppOptions, createSlackApp } from './create-slack-app';
import { InMemoryRequestReplays, type RequestReplays, SIGNATURE_WINDOW_SECONDS } from './request-replays';
import { describeError } from './slack-errors';

export interface SlackLambdaHandlerOptions extends Omit<CreateSlackAppOptions, 'receiver'> {
  readonly signingSecret: string;
  /**
   * Where accepted requests are remembered for the signature window, so that a replayed one is
   * refused. The deployed function shares one in DynamoDB; by default, this process's memory.
   */
  readonly replays?: RequestReplays;
  /** Milliseconds since the epoch, for the signature's window (tests move it to replay a request later). */
  readonly now?: () => number;
}

export type SlackLambdaHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export { SIGNATURE_WINDOW_SECONDS };

const FORM = 'application/x-www-form-urlencoded';

/**
 * The Slack function's handler, built once per cold start (by handlers/slack.ts, by tests and by
 * the local mode with explicit dependencies). Around Bolt's receiver it:
 * - decodes a base64 body as UTF-8: the receiver decodes it as ASCII, which garbles any
 *   non-ASCII text ("déploiement ✅") so that the signature no longer matches;
 * - answers Slack's `ssl_check=1` with 200 without running a listener;
 * - checks the signature itself with Slack's rule, |now − timestamp| ≤ 5 minutes both ways
 *   (the receiver only refuses old timestamps), before any body is parsed: a forged or stale
 *   request gets 401 and costs nothing more;
 * - refuses a replay: a signature already accepted within the window (RequestReplays) gets 401
 *   and is logged; one that Slack marks as its own retry (`X-Slack-Retry-Num`) gets an empty 200,
 *   since the first delivery already acted (Slack signs each delivery anew, so this is only a
 *   safety net). If the replay store cannot answer, nothing is done: a command is told so, an
 *   interaction gets 503;
 * - turns a body that cannot be parsed into 400 rather than a crashed invocation.
 */
export function createSlackLambdaHandler(options: SlackLambdaHandlerOptions): SlackLambdaHandler {
  const { signingSecret, ...appOptions } = options;
  const receiver = new AwsLambdaReceiver({
    signingSecret,
    ...(options.boltLogger === undefined ? {} : { logger: options.boltLogger }),
    // Our own check already logged the refusal.
    invalidRequestSignatureHandler: () => {},
  });
  createSlackApp({ ...appOptions, receiver });
  const boltHandler = receiver.toHandler();
  const log = options.deps.log;
  const now = options.now ?? Date.now;
  const replays = options.replays ?? new InMemoryRequestReplays(now);

  return async (event, context) => {
    const body = rawBody(event);
    const headers = lowerCaseHeaders(event.headers);
    const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (mediaType === FORM && new URLSearchParams(body).get('ssl_check') === '1') {
      return { statusCode: 200, body: '' };
    }
    const verdict = verifySlackSignature(signingSecret, body, headers, Math.floor(now() / 1000));
    if (verdict !== 'valid') {
      log.warn('refused a Slack request', { reason: verdict });
      return { statusCode: 401, body: '' };
    }
    const refusal = await refuseReplay(replays, log, body, mediaType, headers);
    if (refusal !== undefined) return refusal;
    try {
      const result = await boltHandler(
        {
          ...event,
          body,
          isBase64Encoded: false,
          // The receiver compares the content type exactly; Slack sends it without parameters, a proxy may not.
          headers: { ...headers, 'content-type': mediaType },
        },
        context ?? {},
      );
      return {
        statusCode: result.statusCode,
        body: result.body,
        ...(result.headers === undefined ? {} : { headers: stringHeaders(result.headers) }),
      };
    } catch (error) {
      log.warn('could not read a signed Slack request', {
        error: error instanceof Error ? error.message : String(error),
      });
      return { statusCode: 400, body: '' };
    }
  };
}

/**
 * Undefined for a request seen for the first time (now remembered); otherwise the answer. Runs
 * after the signature check, so only signed requests are remembered.
 */
async function refuseReplay(
  replays: RequestReplays,
  log: SlackLambdaHandlerOptions['deps']['log'],
  body: string,
  mediaType: string,
  headers: Readonly<Record<string, string>>,
): Promise<APIGatewayProxyStructuredResultV2 | undefined> {
  // Both are present: verifySlackSignature accepted them.
  const signature = headers['x-slack-signature'] as string;
  const timestamp = Number(headers['x-slack-request-timestamp']);
  const retry = headers['x-slack-retry-num'];
  const what = requestKind(body, mediaType);
  let first: boolean;
  try {
    first = await replays.firstUse(signature, timestamp);
  } catch (error) {
    log.error('could not check a Slack request against replays: refused', {
      request: what,
      error: describeError(error),
    });
    return what === 'command'
      ? json(200, { response_type: 'ephemeral', text: REPLAY_CHECK_FAILED })
      : { statusCode: 503, body: '' };
  }
  if (first) return undefined;
  if (retry !== undefined) {
    log.info('a Slack retry of a request already handled: not acted on again', { request: what, retry, timestamp });
    return { statusCode: 200, body: '' };
  }
  log.warn('refused a replayed Slack request', { reason: 'replay', request: what, timestamp });
  return { statusCode: 401, body: '' };
}

export const REPLAY_CHECK_FAILED =
  'pipewatch could not check that this request was not a replay, so it did nothing. Try again in a moment.';

/** For the log: a slash command, an interaction (its payload type) or something else. */
function requestKind(body: string, mediaType: string): string {
  if (mediaType !== FORM) return 'other';
  const form = new URLSearchParams(body);
  if (form.has('command')) return 'command';
  const payload = form.get('payload');
  if (payload === null) return 'other';
  try {
    const parsed: unknown = JSON.parse(payload);
    const type = typeof parsed === 'object' && parsed !== null && 'type' in parsed ? parsed.type : undefined;
    return typeof type === 'string' ? type : 'interaction';
  } catch {
    return 'interaction';
  }
}

function json(statusCode: number, value: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

export type SignatureVerdict = 'valid' | 'missing-headers' | 'stale' | 'mismatch';

/** Slack's v0 signing: `v0=` + hex HMAC-SHA256(secret, `v0:<timestamp>:<raw body>`), compared in constant time. */
export function verifySlackSignature(
  signingSecret: string,
  body: string,
  headers: Readonly<Record<string, string | undefined>>,
  nowSeconds: number,
): SignatureVerdict {
  const timestamp = headers['x-slack-request-timestamp'];
  const signature = headers['x-slack-signature'];
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return 'missing-headers';
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) return 'stale';
  const expected = Buffer.from(
    `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
    'utf8',
  );
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
}

function rawBody(event: APIGatewayProxyEventV2): string {
  if (event.body === undefined || event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** HTTP API v2 lower-cases header names already; a test or another proxy may not. */
function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
}
