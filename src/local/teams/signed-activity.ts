// (local Teams) activities as Teams sends them to a bot (messages with a mention, installs, card invokes) --> signed HTTP API events
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { httpApiPostEvent } from '../http';

export const TEAMS_MESSAGES_PATH = '/api/messages';

/** Who and where, as Teams names them. */
export interface ActivityParties {
  /** The Bot Connector's base URL (the local one, or Teams'). */
  readonly serviceUrl: string;
  readonly tenantId: string;
  /** The conversation: a channel (`19:…@thread.tacv2`), a group chat, or a personal chat. */
  readonly conversationId: string;
  readonly conversationType?: 'channel' | 'groupChat' | 'personal';
  readonly teamId?: string;
  /** The bot: `28:<app id>` and its name. */
  readonly bot: { readonly id: string; readonly name: string };
  /** The person: Teams' `29:` id, their Entra object id and name. */
  readonly user: { readonly id: string; readonly aadObjectId: string; readonly name: string };
}

let sequence = 0;

/** An id as Teams' look (digits), unique in this process: pipewatch refuses an activity id it has seen. */
function activityId(): string {
  sequence = (sequence + 1) % 1000;
  return `${Date.now()}${String(sequence).padStart(3, '0')}`;
}

function envelope(parties: ActivityParties, conversationId = parties.conversationId): Record<string, unknown> {
  return {
    id: activityId(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: parties.serviceUrl,
    from: { id: parties.user.id, name: parties.user.name, aadObjectId: parties.user.aadObjectId },
    recipient: { id: parties.bot.id, name: parties.bot.name },
    conversation: {
      id: conversationId,
      tenantId: parties.tenantId,
      conversationType: parties.conversationType ?? 'channel',
      isGroup: (parties.conversationType ?? 'channel') !== 'personal',
    },
    channelData: {
      tenant: { id: parties.tenantId },
      ...(parties.teamId === undefined ? {} : { team: { id: parties.teamId } }),
      ...(parties.conversationType === undefined || parties.conversationType === 'channel'
        ? { channel: { id: parties.conversationId } }
        : {}),
    },
    locale: 'en-US',
  };
}

/**
 * A message as a person types it: `@pipewatch subscribe …` arrives as `<at>pipewatch</at> subscribe …`
 * with a mention entity naming the bot by id (no mention in a personal chat). A new post in a
 * channel is its own thread: the conversation id carries `;messageid=` with the post's id.
 */
export function messageActivity(
  parties: ActivityParties,
  command: string,
  options: {
    readonly mention?: boolean;
    readonly threadOf?: string;
    /** The message's id, as the service stored the person's post (a new post in a channel is its own thread). */
    readonly id?: string;
  } = {},
): Record<string, unknown> {
  const mention = options.mention ?? (parties.conversationType ?? 'channel') !== 'personal';
  const base = envelope(parties);
  const id = options.id ?? String(base.id);
  const inThread =
    (parties.conversationType ?? 'channel') === 'channel'
      ? `${parties.conversationId};messageid=${options.threadOf ?? id}`
      : parties.conversationId;
  const at = `<at>${parties.bot.name}</at>`;
  return {
    ...envelope(parties, inThread),
    id,
    type: 'message',
    textFormat: 'plain',
    text: mention ? `${at} ${command}` : command,
    entities: mention ? [{ type: 'mention', text: at, mentioned: { id: parties.bot.id, name: parties.bot.name } }] : [],
  };
}

/** The app installed in (or removed from) a team, a group chat or a personal chat. */
export function installationActivity(parties: ActivityParties, action: 'add' | 'remove'): Record<string, unknown> {
  return { ...envelope(parties), type: 'installationUpdate', action };
}

/**
 * A click on an Action.Execute button of a card: invoke `adaptiveCard/action` with the verb, the
 * button's data merged with the card's inputs (the approval comment), and `replyToId` the card.
 */
export function cardActionActivity(
  parties: ActivityParties,
  card: { readonly activityId: string; readonly threadOf?: string },
  action: { readonly verb: string; readonly data: Record<string, unknown> },
): Record<string, unknown> {
  const conversation =
    (parties.conversationType ?? 'channel') === 'channel'
      ? `${parties.conversationId};messageid=${card.threadOf ?? card.activityId}`
      : parties.conversationId;
  return {
    ...envelope(parties, conversation),
    id: randomUUID(),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: card.activityId,
    value: {
      action: { type: 'Action.Execute', id: randomUUID(), verb: action.verb, data: action.data },
      trigger: 'manual',
    },
  };
}

/** The HTTP API v2 event of POST /api/messages carrying `activity`, with `authorization: Bearer <token>`. */
export function teamsEvent(
  activity: Record<string, unknown>,
  token: string | undefined,
  options: { readonly base64?: boolean; readonly host?: string } = {},
): APIGatewayProxyEventV2 {
  return httpApiPostEvent(TEAMS_MESSAGES_PATH, JSON.stringify(activity), {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Microsoft-SkypeBotApi (Microsoft-BotFramework 3.0)',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.base64 === undefined ? {} : { base64: options.base64 }),
  });
}
