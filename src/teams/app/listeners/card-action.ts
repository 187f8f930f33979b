// (teams listener) Action.Execute on a card (invoke adaptiveCard/action) --> pipewatch's own card? --> pressButton (core) --> an answer for the clicker, a reply for everyone
import { createHash } from 'node:crypto';
import type { IActivityContext } from '@microsoft/teams.apps';
import {
  ALREADY_HANDLED,
  type AuthorizationPolicy,
  type AuthorizedAction,
  type ButtonValue,
  type ChatUser,
  PolicyUnreadableError,
  parseButtonValue,
  policyUnreadableText,
  pressButton,
  readablePolicy,
  UNREADABLE_BUTTON,
} from '../../../core/actions';
import type { ChannelRef } from '../../../core/channels';
import { describeError } from '../../../core/errors';
import {
  APPROVAL_COMMENT_INPUT,
  CARD_VERBS,
  MAX_APPROVAL_COMMENT_LENGTH,
  MAX_STOP_REASON_LENGTH,
  SNOOZE_EXECUTION_KEY,
  STOP_REASON_INPUT,
} from '../../card-verbs';
import { GraphGroupsError } from '../../graph-groups';
import { channelOfActivity, type InboundActivity, TEAMS_PLATFORM_NAME } from '../../teams-context';
import type { TeamsAppDeps } from '../create-teams-app';
import { refuseRequest } from '../request-scope';
import { rememberAddress } from './remember-address';

/** The verbs of pipewatch's Action.Execute buttons, and the button value each accepts. */
const VERBS: Readonly<Record<string, (value: ButtonValue) => boolean>> = {
  [CARD_VERBS.retryFailed]: (value) => value.kind === 'retry' && value.mode === 'FAILED_ACTIONS',
  [CARD_VERBS.retryAll]: (value) => value.kind === 'retry' && value.mode === 'ALL_ACTIONS',
  [CARD_VERBS.approve]: (value) => value.kind === 'approve',
  [CARD_VERBS.reject]: (value) => value.kind === 'reject',
  [CARD_VERBS.stopWait]: (value) => value.kind === 'stop',
  [CARD_VERBS.stopAbandon]: (value) => value.kind === 'stop',
  [CARD_VERBS.snooze]: (value) => value.kind === 'snooze',
};

interface CardActionActivity extends InboundActivity {
  readonly value?: {
    readonly action?: { readonly type?: string; readonly verb?: string; readonly data?: Record<string, unknown> };
  };
}

/** The invoke response that shows `text` to the clicker only (the card stays as it is for them). */
export interface MessageInvokeResponse {
  readonly statusCode: 200;
  readonly type: 'application/vnd.microsoft.activity.message';
  readonly value: string;
}

function toClicker(text: string): MessageInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
}

/**
 * What the clicker is told when Microsoft Graph could not say which Entra groups they are in (the
 * policy names groups): as Slack tells of its user groups.
 */
export const GRAPH_GROUPS_UNREADABLE =
  'Nothing was changed: pipewatch could not read your Microsoft Entra groups, which decide whether you may do this. Try again in a moment; if it keeps failing, an admin can check that the app still has the Microsoft Graph permission GroupMember.Read.All (with admin consent).';

/**
 * 1. Read the verb and the button value (pipewatch's own, signed by nothing but checked: a value
 *    whose kind does not match its verb was not written by pipewatch); the approval comment from
 *    the card's Input.Text (≤ 512 characters).
 * 2. The card must be one pipewatch posted about the value's execution in this conversation (its
 *    message id, `replyToId`, is in the notify path's record): else HTTP 403, nothing done, logged.
 * 3. pressButton: the clicker is `from.aadObjectId` in the activity's tenant (never the value);
 *    the same policy as Slack's, with Entra object ids; a double click acts once (the click claim).
 *    A policy or Entra groups that cannot be read are told to the clicker alone, with where an
 *    admin fixes it.
 * 4. A refusal or a duplicate is answered to the clicker alone. Done: the clicker is told, and a
 *    reply in the card's thread tells everyone who did what (except a snooze: the clicker alone). The shared card itself is updated by
 *    notify (a PUT) as CodePipeline's events for what the button did arrive.
 */
export async function onCardAction(
  context: IActivityContext,
  deps: TeamsAppDeps,
): Promise<MessageInvokeResponse | undefined> {
  const activity = context.activity as CardActionActivity;
  const action = activity.value?.action;
  const words = await pressCardButton(context, deps, action?.verb ?? '', action?.data ?? {});
  return words === undefined ? undefined : toClicker(words);
}

/**
 * A card button: from an Action.Execute invoke, or from its Action.Submit fallback (older
 * clients), which arrives as a message activity whose `value` holds the verb and the data.
 * Returns the words for the clicker alone; none for a card pipewatch did not post (the request
 * is then answered 403).
 */
export async function pressCardButton(
  context: IActivityContext,
  deps: TeamsAppDeps,
  verb: string,
  data: Record<string, unknown>,
): Promise<string | undefined> {
  const activity = context.activity as CardActionActivity;
  const value = readValue(data.value, VERBS[verb]);
  const clicker = activity.from?.aadObjectId;
  if (value === undefined || clicker === undefined) {
    deps.log.warn('unreadable Teams button', { verb: verb.slice(0, 64), user: clicker });
    return UNREADABLE_BUTTON;
  }
  const channel = channelOfActivity(activity);
  // A snooze's value names no execution: its button's data does, to find the card it is on.
  const execution = value.kind === 'snooze' ? String(data[SNOOZE_EXECUTION_KEY] ?? '') : value.executionId;
  const foreign = await foreignCardReason(
    activity,
    channel,
    { pipeline: value.pipeline, executionId: execution },
    deps,
  );
  if (foreign !== undefined || channel === undefined) {
    deps.log.warn("refused a click on a card that is not pipewatch's own message", {
      reason: foreign ?? 'no conversation',
      verb: verb.slice(0, 64),
      user: clicker,
    });
    refuseRequest({ status: 403, reason: 'foreign-card' });
    return undefined;
  }
  await rememberAddress(activity, channel, deps);
  // A stop's reason comes from its own input; the verb says whether to wait or abandon.
  const stopping = value.kind === 'stop';
  const typed = data[stopping ? STOP_REASON_INPUT : APPROVAL_COMMENT_INPUT];
  const max = stopping ? MAX_STOP_REASON_LENGTH : MAX_APPROVAL_COMMENT_LENGTH;
  const comment = typeof typed === 'string' ? typed.trim().slice(0, max) : '';
  const user = async (policy: AuthorizationPolicy, action: AuthorizedAction): Promise<ChatUser> => ({
    id: clicker,
    // Entra groups only where Graph is enabled (optional, see the README); user ids otherwise.
    groups: deps.groups === undefined ? [] : await deps.groups.memberGroups(policy, action, value.pipeline, clicker),
    ...(activity.from?.name ? { displayName: activity.from.name } : {}),
  });
  let outcome: Awaited<ReturnType<typeof pressButton>>;
  try {
    outcome = await pressButton(
      {
        value,
        user,
        clickKey: clickKey(activity.replyToId ?? '', verb, String(data.value)),
        platformName: TEAMS_PLATFORM_NAME,
        ...(comment === '' ? {} : { comment }),
        ...(stopping ? { stopMode: verb === CARD_VERBS.stopAbandon ? 'abandon' : 'wait' } : {}),
        channel,
      },
      { ...deps, policy: readablePolicy(deps.policy), pipelinesIn: deps.pipelinesIn ?? (() => deps.pipelines) },
    );
  } catch (error) {
    const text = unreadableAnswer(error, deps, { user: clicker, button: value.kind });
    if (text === undefined) throw error;
    return text;
  }
  if (outcome.status === 'duplicate') return ALREADY_HANDLED;
  if (outcome.status === 'refused') return outcome.message;
  // A snooze is this channel's quiet, told to the clicker alone: nothing is posted.
  if (value.kind === 'snooze') return outcome.message;
  const who = activity.from?.name ?? 'Someone';
  try {
    // The invoke's conversation is the card's thread: the reply notifies everyone in it.
    await context.send({ type: 'message', text: `${outcome.message} (${who})`, textFormat: 'plain' });
  } catch (error) {
    deps.log.warn('could not reply in the thread after a Teams click', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
  return outcome.message;
}

/**
 * Why the clicked card is not one pipewatch posted about the button's execution in this
 * conversation (undefined when it is). Teams sends no copy of the card, only its message id
 * (`replyToId`); the notify path recorded the ids of the card and of its thread replies in the
 * (channel, execution) conversation. As Slack's check of `bot_id` and the button on the message.
 */
async function foreignCardReason(
  activity: CardActionActivity,
  channel: ChannelRef | undefined,
  value: { readonly pipeline: string; readonly executionId: string },
  deps: TeamsAppDeps,
): Promise<string | undefined> {
  const cardId = activity.replyToId;
  if (cardId === undefined || cardId === '') return 'no card named (replyToId)';
  if (channel === undefined) return 'no conversation';
  if (value.executionId === '') return 'no execution named';
  const record = await deps.conversations.read({ channel, pipeline: value.pipeline, executionId: value.executionId });
  if (record === undefined) return 'pipewatch posted nothing about that execution in this conversation';
  const ids = [record.messageId, ...record.replies.map((reply) => reply.messageId)];
  return ids.includes(cardId) ? undefined : 'the card is not one pipewatch posted about that execution';
}

/**
 * A press that failed on the policy or the clicker's Entra groups, as a sentence for the clicker
 * alone (logged here, as Slack logs it); undefined for any other failure, which the caller rethrows.
 */
function unreadableAnswer(
  error: unknown,
  deps: TeamsAppDeps,
  context: { readonly user: string; readonly button: string },
): string | undefined {
  if (error instanceof PolicyUnreadableError) {
    deps.log.error('a click was refused: the authorization policy could not be read', {
      ...context,
      policyLocation: deps.policyLocation,
      error: describeError(error.cause),
    });
    return policyUnreadableText(deps.policyLocation);
  }
  if (error instanceof GraphGroupsError) {
    deps.log.warn("a click was refused: the clicker's Entra groups could not be read", {
      ...context,
      error: describeError(error.cause ?? error),
    });
    return GRAPH_GROUPS_UNREADABLE;
  }
  return undefined;
}

function readValue(raw: unknown, accepts: ((value: ButtonValue) => boolean) | undefined): ButtonValue | undefined {
  if (typeof raw !== 'string' || accepts === undefined) return undefined;
  try {
    const value = parseButtonValue(raw);
    return accepts(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A double click acts once: the card, the verb and the value (two people at once act once too). */
function clickKey(cardId: string, verb: string, value: string): string {
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 32);
  return `teams-click:${cardId}:${verb}:${digest}`;
}
