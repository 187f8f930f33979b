// (local channel page) a page action --> a signed Slack body in an API Gateway v2 event --> the Slack function --> its answer read back
import { createHash, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { signSlackRequest } from '../slack/sign-request';
import type { Block } from '../slack/types';

/**
 * Requests to the Slack function as Slack and API Gateway deliver them: a signed form body in an
 * HTTP API (payload v2) event, and the function's answer read back as API Gateway would.
 */

/** The Slack function as Lambda runs it (handlers/slack.ts), or any function with its signature. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler typed as returning Promise<void> must fit too.
export type InvokeSlack = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2 | string | void>;

export const SLACK_EVENTS_PATH = '/slack/events';

/** An API Gateway HTTP API (payload v2) event carrying a signed Slack request body. */
export interface SignedSlackEventOptions {
  /** The Host the request came to (default `localhost`). */
  host?: string;
  /** The signature's timestamp in epoch seconds (default now): tests send stale or future ones. */
  timestamp?: number;
  /** Sent base64-encoded, as API Gateway does for some content types. */
  base64?: boolean;
  /** Headers to add or override after signing (tests forge signatures this way). */
  headers?: Record<string, string>;
}

export function signedSlackEvent(
  signingSecret: string,
  body: string,
  options: SignedSlackEventOptions = {},
): APIGatewayProxyEventV2 {
  const now = Date.now();
  const host = options.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: `POST ${SLACK_EVENTS_PATH}`,
    rawPath: SLACK_EVENTS_PATH,
    rawQueryString: '',
    headers: {
      accept: 'application/json,*/*',
      'content-length': String(Buffer.byteLength(body, 'utf8')),
      'content-type': 'application/x-www-form-urlencoded',
      host,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signSlackRequest(signingSecret, body, options.timestamp ?? Math.floor(now / 1000)),
      ...options.headers,
    },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: 'POST',
        path: SLACK_EVENTS_PATH,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'Slackbot 1.0 (+https://api.slack.com/robots)',
      },
      requestId: randomUUID(),
      routeKey: `POST ${SLACK_EVENTS_PATH}`,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body: options.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: options.base64 === true,
  };
}

export interface SlackFunctionAnswer {
  statusCode: number;
  body: string;
}

/**
 * API Gateway's reading of a Lambda result (payload v2): a structured result as given, a bare
 * string as a 200 with that body, nothing as an empty 200.
 */
export function readAnswer(result: unknown): SlackFunctionAnswer {
  if (result === undefined || result === null) return { statusCode: 200, body: '' };
  if (typeof result === 'string') return { statusCode: 200, body: result };
  if (typeof result !== 'object' || (!('statusCode' in result) && !('body' in result))) {
    return { statusCode: 200, body: JSON.stringify(result) };
  }
  const structured = result as { statusCode?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const raw = typeof structured.body === 'string' ? structured.body : '';
  const body = structured.isBase64Encoded === true ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  return { statusCode: typeof structured.statusCode === 'number' ? structured.statusCode : 200, body };
}

/** An answer body Slack would act on: JSON (a message, or a view submission's response_action) or plain text. */
export function answerJson(body: string): Record<string, unknown> | undefined {
  if (body.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // plain text
  }
  return { text: body };
}

/**
 * Slack gives every block a `block_id` (a short random one when the app set none) and sends the
 * blocks back with it in interaction payloads. These are derived from the message and the block's
 * position so that the page and the payload agree without storing anything.
 */
export function effectiveBlockId(block: Block, messageTs: string, index: number): string {
  if (typeof block.block_id === 'string' && block.block_id !== '') return block.block_id;
  return createHash('sha256').update(`${messageTs}:${index}`).digest('base64url').slice(0, 5);
}

export function withBlockIds(blocks: readonly Block[] | undefined, messageTs: string): Block[] | undefined {
  return blocks?.map((block, index) => ({ ...block, block_id: effectiveBlockId(block, messageTs, index) }));
}

export interface FoundButton {
  blockId: string;
  element: Record<string, unknown>;
}

/** A button of a message by action_id (and block_id when given): in an actions block or a section's accessory. */
export function findButton(
  blocks: readonly Block[] | undefined,
  messageTs: string,
  actionId: string,
  blockId?: string,
): FoundButton | undefined {
  for (const [index, block] of (blocks ?? []).entries()) {
    const id = effectiveBlockId(block, messageTs, index);
    if (blockId !== undefined && blockId !== '' && id !== blockId) continue;
    const candidates: unknown[] = [];
    if (block.type === 'actions' && Array.isArray(block.elements)) candidates.push(...block.elements);
    if (block.type === 'section' && block.accessory !== undefined) candidates.push(block.accessory);
    for (const element of candidates) {
      if (typeof element !== 'object' || element === null) continue;
      const record = element as Record<string, unknown>;
      if (record.type === 'button' && record.action_id === actionId) return { blockId: id, element: record };
    }
  }
  return undefined;
}
