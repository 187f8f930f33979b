// (local Slack) text and blocks of a message --> decoded, checked against Slack's limits and Block Kit --> content + warnings
import { MESSAGE_RULES, validateBlocks } from '../block-kit-validation';
import { decodeJsonArg } from '../request-args';
import { SlackApiError } from '../slack-api-error';
import type { Block } from '../types';

/** chat.postMessage: "Slack will truncate messages containing more than 40,000 characters." */
export const TEXT_HARD_LIMIT = 40_000;
/** "For best results, limit the number of characters in the text field to 4,000 characters." */
export const TEXT_SOFT_LIMIT = 4_000;

/**
 * Local warning names (not Slack's): Slack accepts both cases, but the message then reads badly in
 * notifications and screen readers, which is worth flagging in tests.
 */
export const WARNING_MISSING_TEXT = 'missing_text_fallback';
export const WARNING_LONG_TEXT = 'text_longer_than_4000_characters';

export interface MessageContent {
  text: string | undefined;
  /** `undefined` when the argument was absent; `[]` when sent empty. */
  blocks: Block[] | undefined;
  warnings: string[];
}

/**
 * `text` and `blocks` of a message: blocks JSON-decoded (WebClient sends them as a JSON string) and
 * validated against Block Kit's limits. `requireContent` gives `no_text` when neither is present.
 */
export function readMessageContent(
  raw: { text?: string | undefined; blocks?: unknown; attachments?: unknown },
  requireContent: boolean,
): MessageContent {
  const blocks = decodeBlocks(raw.blocks);
  const hasBlocks = blocks !== undefined && blocks.length > 0;
  const hasText = raw.text !== undefined && raw.text !== '';
  if (requireContent && !hasText && !hasBlocks && raw.attachments === undefined) throw new SlackApiError('no_text');
  const warnings: string[] = [];
  if (raw.text !== undefined) {
    const length = [...raw.text].length;
    if (length > TEXT_HARD_LIMIT) throw new SlackApiError('msg_too_long');
    if (length > TEXT_SOFT_LIMIT) warnings.push(WARNING_LONG_TEXT);
  }
  if (hasBlocks && !hasText) warnings.push(WARNING_MISSING_TEXT);
  return { text: raw.text, blocks, warnings };
}

export function decodeBlocks(value: unknown): Block[] | undefined {
  if (value === undefined || value === '') return undefined;
  const decoded = decodeJsonArg(value);
  if (!decoded.ok || !Array.isArray(decoded.value)) throw new SlackApiError('invalid_blocks_format');
  const errors = validateBlocks(decoded.value, '/blocks', MESSAGE_RULES);
  if (errors.length > 0) {
    throw new SlackApiError('invalid_blocks', {
      errors,
      response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
    });
  }
  return decoded.value as Block[];
}
