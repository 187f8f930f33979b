// (Slack adapter) what the retry and approval listeners share: reading the clicked message, the
// double-click key, and showing the outcome in the channel
import { createHash } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { type ButtonPress, type ButtonValue, parseButtonValue } from '../../core/actions';
import * as z from '../../core/zod';
import { type ActionOutcome, outcomeLine, withOutcome, withoutActions } from '../action-outcome';
import type { SlackAppLogger } from './deps';
import { describeError } from './slack-errors';
import type { UserGroupResolver } from './user-groups';

/**
 * The key that makes a double click act once: the message, the button and its value. Two
 * people pressing the same button within the TTL also act once; the second learns why.
 */
export function clickKey(messageTs: string, actionId: string, value: string): string {
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 32);
  return `slack-click:${messageTs}:${actionId}:${digest}`;
}

/**
 * The parts of the clicked message pipewatch reads. Blocks are Slack's own, passed back to
 * chat.update as they came, so their inner shape is not re-validated here.
 */
const clickedMessageSchema = z.object({
  ts: z.string().check(z.minLength(1)),
  thread_ts: z.optional(z.string()),
  text: z.optional(z.string()),
  blocks: z.optional(z.array(z.looseObject({ type: z.string() }))),
});

export interface ClickedMessage {
  readonly channel: string;
  readonly ts: string;
  /** The thread the message is in, or its own ts: where the outcome reply goes. */
  readonly threadTs: string;
  readonly text: string;
  readonly blocks: readonly KnownBlock[];
}

export function clickedMessage(channel: string, message: unknown): ClickedMessage | undefined {
  const parsed = clickedMessageSchema.safeParse(message);
  if (!parsed.success) return undefined;
  const { ts, thread_ts: threadTs, text, blocks } = parsed.data;
  return { channel, ts, threadTs: threadTs ?? ts, text: text ?? '', blocks: (blocks ?? []) as KnownBlock[] };
}

/**
 * Reads a message back (conversations.replies finds top-level messages and thread replies
 * alike): a modal's submission does not carry the message its button was in.
 */
export async function fetchMessage(
  client: WebClient,
  channel: string,
  ts: string,
): Promise<ClickedMessage | undefined> {
  const result = await client.conversations.replies({ channel, ts, latest: ts, oldest: ts, inclusive: true, limit: 1 });
  const found = result.messages?.find((message) => message.ts === ts);
  return found === undefined ? undefined : clickedMessage(channel, found);
}

/**
 * The outcome, where people see it: a line under the alert (chat.update, without the buttons
 * that act when the decision is final) and a thread reply, which notifies. The CodePipeline call
 * already happened, so a failure here is logged and does not undo or hide it.
 */
export async function showOutcome(
  client: WebClient,
  log: SlackAppLogger,
  message: ClickedMessage,
  outcome: ActionOutcome,
  options: { readonly removeActions: boolean; readonly reply: string },
): Promise<void> {
  const blocks = options.removeActions ? withoutActions(message.blocks) : [...message.blocks];
  try {
    await client.chat.update({
      channel: message.channel,
      ts: message.ts,
      text: message.text || outcomeLine(outcome),
      blocks: withOutcome(blocks, outcome),
    });
  } catch (error) {
    log.warn('could not update the message after a click', {
      channel: message.channel,
      ts: message.ts,
      error: describeError(error),
    });
  }
  try {
    await client.chat.postMessage({ channel: message.channel, thread_ts: message.threadTs, text: options.reply });
  } catch (error) {
    log.warn('could not reply in the thread after a click', {
      channel: message.channel,
      ts: message.ts,
      error: describeError(error),
    });
  }
}

/** A clicked button's value when it is the kind `accepts` expects; undefined for anything unreadable. */
export function readButtonValue<T extends ButtonValue>(
  raw: string | undefined,
  accepts: (value: ButtonValue) => value is T,
): T | undefined {
  try {
    const value = parseButtonValue(raw ?? '');
    return accepts(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The presser as the core asks for them: their Slack id, name, and the user groups the policy names. */
export function slackPresser(
  client: WebClient,
  groups: UserGroupResolver,
  pipeline: string,
  user: { readonly id: string; readonly name?: string | undefined },
): ButtonPress['user'] {
  return (policy, action) => groups.chatUser(client, policy, action, pipeline, user);
}

/**
 * The outcome on a message known only by its place (a modal's submission does not carry the
 * message): read back with conversations.replies (the manifest's channels:history /
 * groups:history), then shown as showOutcome does. If it cannot be read, the thread reply still
 * tells everyone, and the notify path re-renders the alert when the approval's event arrives.
 */
export async function showOutcomeAt(
  client: WebClient,
  log: SlackAppLogger,
  where: { readonly channel: string; readonly messageTs: string; readonly threadTs?: string | undefined },
  outcome: ActionOutcome,
  options: { readonly removeActions: boolean; readonly reply: string },
): Promise<void> {
  const message = await fetchMessage(client, where.channel, where.messageTs).catch((error: unknown) => {
    log.warn('could not read the approval message', { channel: where.channel, error: describeError(error) });
    return undefined;
  });
  if (message !== undefined) return showOutcome(client, log, message, outcome, options);
  await client.chat
    .postMessage({ channel: where.channel, thread_ts: where.threadTs ?? where.messageTs, text: options.reply })
    .catch((error: unknown) => {
      log.warn('could not reply in the thread after a click', { error: describeError(error) });
    });
}
