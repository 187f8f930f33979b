// (Slack adapter) what the retry and approval listeners share: reading the clicked message, the
// double-click key, the button's own-message check, unreadable policy or groups, and showing the outcome in the channel
import { createHash } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import {
  type AuthorizationPolicy,
  type ButtonPress,
  type ButtonValue,
  type PolicySource,
  PolicyUnreadableError,
  parseButtonValue,
  policyUnreadableText,
  readablePolicy,
} from '../../core/actions';
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

/**
 * The presser as the core asks for them: their Slack id, name, and the user groups the policy
 * names. A failed group lookup is a UserGroupsUnreadableError (unreadableAnswer tells the clicker).
 */
export function slackPresser(
  client: WebClient,
  groups: UserGroupResolver,
  pipeline: string,
  user: { readonly id: string; readonly name?: string | undefined },
): ButtonPress['user'] {
  return async (policy, action) => {
    try {
      return await groups.chatUser(client, policy, action, pipeline, user);
    } catch (error) {
      throw new UserGroupsUnreadableError(error);
    }
  };
}

/** Slack could not say which user groups the clicker is in (usergroups.users.list failed). */
export class UserGroupsUnreadableError extends Error {
  constructor(cause: unknown) {
    super(`the clicker's user groups could not be read: ${describeError(cause).message}`, { cause });
    this.name = 'UserGroupsUnreadableError';
  }
}

export const USER_GROUPS_UNREADABLE =
  'Nothing was changed: pipewatch could not read your Slack user groups, which decide whether you may do this. Try again in a moment; if it keeps failing, an admin can check that the app still has the usergroups:read scope.';

/**
 * Runs a press (mayPress or pressButton) against the policy, with a failure to read the policy or
 * the clicker's groups told to the clicker alone (and logged): then undefined comes back. Any
 * other failure is thrown.
 */
export async function pressTellingUnreadable<T>(
  press: (policy: () => Promise<AuthorizationPolicy>) => Promise<T>,
  deps: { readonly log: SlackAppLogger; readonly policy: PolicySource; readonly policyLocation?: string | undefined },
  click: { readonly user: string; readonly button: string; readonly tell: (text: string) => Promise<unknown> },
): Promise<T | undefined> {
  try {
    return await press(readablePolicy(deps.policy));
  } catch (error) {
    const text = unreadableAnswer(error, deps.log, {
      user: click.user,
      button: click.button,
      policyLocation: deps.policyLocation,
    });
    if (text === undefined) throw error;
    await click.tell(text);
    return undefined;
  }
}

/**
 * A press that failed on the policy or the clicker's groups, as a sentence for the clicker alone
 * (logged here); undefined for any other failure, which the caller rethrows.
 */
function unreadableAnswer(
  error: unknown,
  log: SlackAppLogger,
  context: { readonly user: string; readonly policyLocation?: string | undefined; readonly button: string },
): string | undefined {
  if (error instanceof PolicyUnreadableError) {
    log.error('a click was refused: the authorization policy could not be read', {
      user: context.user,
      button: context.button,
      policyLocation: context.policyLocation,
      error: describeError(error.cause),
    });
    return policyUnreadableText(context.policyLocation);
  }
  if (error instanceof UserGroupsUnreadableError) {
    log.warn("a click was refused: the clicker's user groups could not be read", {
      user: context.user,
      button: context.button,
      error: describeError(error.cause),
    });
    return USER_GROUPS_UNREADABLE;
  }
  return undefined;
}

/**
 * Whether a click is on a button that is not on the bot's own message (foreignButtonReason); such
 * a click is refused with nothing visible, and logged here.
 */
export function refusedForeignClick(
  message: unknown,
  action: { readonly action_id: string; readonly value?: string | undefined },
  own: { readonly botId?: string | undefined; readonly appId?: string | undefined },
  log: SlackAppLogger,
  user: string,
): boolean {
  const reason = foreignButtonReason(message, action, own);
  if (reason === undefined) return false;
  log.warn("refused a click on a button that is not on pipewatch's own message", {
    reason,
    actionId: action.action_id,
    user,
  });
  return true;
}

/**
 * Why a click is not on a button of the bot's own message (undefined when it is): the payload's
 * message must be the bot's (`bot_id`, and `app_id` when the app id is configured), and the pressed
 * `action_id` with its `value` must be one of that message's buttons.
 */
export function foreignButtonReason(
  message: unknown,
  action: { readonly action_id: string; readonly value?: string | undefined },
  own: { readonly botId?: string | undefined; readonly appId?: string | undefined },
): string | undefined {
  if (typeof message !== 'object' || message === null) return 'no message in the payload';
  const m = message as Record<string, unknown>;
  if (own.botId === undefined || m.bot_id !== own.botId) return 'a message of another bot (or of a person)';
  if (own.appId !== undefined && m.app_id !== own.appId) return 'a message of another app';
  if (!hasButton(m.blocks, action.action_id, action.value)) return 'the button is not on the message';
  return undefined;
}

/** Whether the blocks hold a button (or a select's option) with this action_id and value (in an actions block or a section's accessory). */
function hasButton(blocks: unknown, actionId: string, value: string | undefined): boolean {
  if (!Array.isArray(blocks)) return false;
  return blocks.some((block: unknown) => {
    if (typeof block !== 'object' || block === null) return false;
    const { elements, accessory } = block as { elements?: unknown; accessory?: unknown };
    const candidates = [...(Array.isArray(elements) ? elements : []), accessory];
    return candidates.some((element: unknown) => {
      if (typeof element !== 'object' || element === null) return false;
      const e = element as Record<string, unknown>;
      if (e.action_id !== actionId) return false;
      if (e.type === 'button') return e.value === value;
      // A select (the Snooze durations): the chosen value must be one of its options.
      return e.type === 'static_select' && Array.isArray(e.options) && e.options.some((o) => o?.value === value);
    });
  });
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
