// (Lambda adapter) API Gateway HTTP API (payload v2) --> signature check --> Bolt's AwsLambdaReceiver --> listeners
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AwsLambdaReceiver } from '@slack/bolt';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type CreateSlackAppOptions, createSlackApp } from './create-slack-app';

export interface SlackLambdaHandlerOptions extends Omit<CreateSlackAppOptions, 'receiver'> {
  readonly signingSecret: string;
}

export type SlackLambdaHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Slack: refuse a request whose timestamp is more than five minutes from local time (a replay). */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

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

  return async (event, context) => {
    const body = rawBody(event);
    const headers = lowerCaseHeaders(event.headers);
    const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (mediaType === FORM && new URLSearchParams(body).get('ssl_check') === '1') {
      return { statusCode: 200, body: '' };
    }
    const verdict = verifySlackSignature(signingSecret, body, headers, Math.floor(Date.now() / 1000));
    if (verdict !== 'valid') {
      log.warn('refused a Slack request', { reason: verdict });
      return { statusCode: 401, body: '' };
    }
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
