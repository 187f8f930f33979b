// (local channel page) a page action --> a signed Slack body in an API Gateway v2 event --> the Slack function --> its answer read back
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { httpApiPostEvent } from '../http';
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
  return httpApiPostEvent(SLACK_EVENTS_PATH, body, {
    headers: {
      accept: 'application/json,*/*',
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signSlackRequest(signingSecret, body, options.timestamp ?? Math.floor(Date.now() / 1000)),
      ...options.headers,
    },
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.base64 === undefined ? {} : { base64: options.base64 }),
  });
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

/** A button (or a static_select) of a message by action_id (and block_id when given): in an actions block or a section's accessory. */
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
      if ((record.type === 'button' || record.type === 'static_select') && record.action_id === actionId) {
        return { blockId: id, element: record };
      }
    }
  }
  return undefined;
}
