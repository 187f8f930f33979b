// (teams listener) Action.Execute on a card (invoke adaptiveCard/action) --> pressButton (core) --> an answer for the clicker, a reply for everyone
import { createHash } from 'node:crypto';
import type { IActivityContext } from '@microsoft/teams.apps';
import {
  ALREADY_HANDLED,
  type AuthorizationPolicy,
  type AuthorizedAction,
  type ButtonValue,
  type ChatUser,
  parseButtonValue,
  pressButton,
  UNREADABLE_BUTTON,
} from '../../../core/actions';
import {
  APPROVAL_COMMENT_INPUT,
  CARD_VERBS,
  MAX_APPROVAL_COMMENT_LENGTH,
  MAX_STOP_REASON_LENGTH,
  STOP_REASON_INPUT,
} from '../../card-verbs';
import { GraphGroupsError } from '../../graph-groups';
import { channelOfActivity, type InboundActivity, TEAMS_PLATFORM_NAME } from '../../teams-context';
import type { TeamsAppDeps } from '../create-teams-app';
import { rememberAddress } from './remember-address';

/** The verbs of pipewatch's Action.Execute buttons, and the button value each accepts. */
const VERBS: Readonly<Record<string, (value: ButtonValue) => boolean>> = {
  [CARD_VERBS.retryFailed]: (value) => value.kind === 'retry' && value.mode === 'FAILED_ACTIONS',
  [CARD_VERBS.retryAll]: (value) => value.kind === 'retry' && value.mode === 'ALL_ACTIONS',
  [CARD_VERBS.approve]: (value) => value.kind === 'approve',
  [CARD_VERBS.reject]: (value) => value.kind === 'reject',
  [CARD_VERBS.stopWait]: (value) => value.kind === 'stop',
  [CARD_VERBS.stopAbandon]: (value) => value.kind === 'stop',
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
 * 1. Read the verb and the button value (pipewatch's own, signed by nothing but checked: a value
 *    whose kind does not match its verb was not written by pipewatch); the approval comment from
 *    the card's Input.Text (≤ 512 characters).
 * 2. pressButton: the clicker is `from.aadObjectId` in the activity's tenant (never the value);
 *    the same policy as Slack's, with Entra object ids; a double click acts once (the click claim).
 * 3. A refusal or a duplicate is answered to the clicker alone. Done: the clicker is told, and a
 *    reply in the card's thread tells everyone who did what. The shared card itself is updated by
 *    notify (a PUT) as CodePipeline's events for what the button did arrive.
 */
export async function onCardAction(context: IActivityContext, deps: TeamsAppDeps): Promise<MessageInvokeResponse> {
  const activity = context.activity as CardActionActivity;
  const action = activity.value?.action;
  return toClicker(await pressCardButton(context, deps, action?.verb ?? '', action?.data ?? {}));
}

/**
 * A card button: from an Action.Execute invoke, or from its Action.Submit fallback (older
 * clients), which arrives as a message activity whose `value` holds the verb and the data.
 * Returns the words for the clicker.
 */
export async function pressCardButton(
  context: IActivityContext,
  deps: TeamsAppDeps,
  verb: string,
  data: Record<string, unknown>,
): Promise<string> {
  const activity = context.activity as CardActionActivity;
  const value = readValue(data.value, VERBS[verb]);
  const clicker = activity.from?.aadObjectId;
  if (value === undefined || clicker === undefined) {
    deps.log.warn('unreadable Teams button', { verb: verb.slice(0, 64), user: clicker });
    return UNREADABLE_BUTTON;
  }
  const channel = channelOfActivity(activity);
  if (channel !== undefined) await rememberAddress(activity, channel, deps);
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
        clickKey: clickKey(activity.replyToId ?? activity.id ?? '', verb, String(data.value)),
        platformName: TEAMS_PLATFORM_NAME,
        ...(comment === '' ? {} : { comment }),
        ...(stopping ? { stopMode: verb === CARD_VERBS.stopAbandon ? 'abandon' : 'wait' } : {}),
        ...(channel === undefined ? {} : { channel }),
      },
      { ...deps, pipelinesIn: deps.pipelinesIn ?? (() => deps.pipelines) },
    );
  } catch (error) {
    if (!(error instanceof GraphGroupsError)) throw error;
    deps.log.warn('could not read the clicker’s groups from Microsoft Graph', { error: error.message });
    return `${error.message}, so the groups in the authorization policy could not be checked. Nothing was done; an administrator can check pipewatch's Graph permission (GroupMember.Read.All).`;
  }
  if (outcome.status === 'duplicate') return ALREADY_HANDLED;
  if (outcome.status === 'refused') return outcome.message;
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
