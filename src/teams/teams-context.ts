// (teams) where an activity came from: the channel (tenant + conversation), its delivery address, the person, the command text
import type { ChannelRef } from '../core/channels';

export const TEAMS_PLATFORM = 'teams' as const;
/** Recorded in approval summaries and retry notes: "Approved by Mary in Teams". */
export const TEAMS_PLATFORM_NAME = 'Teams';
/** How people invoke pipewatch in Teams, for the examples in answers. */
export const TEAMS_INVOCATION = '@pipewatch';

/** The parts of an inbound activity pipewatch reads (the SDK's types are wider and all optional). */
export interface InboundActivity {
  readonly type?: string;
  readonly id?: string;
  readonly channelId?: string;
  readonly serviceUrl?: string;
  readonly text?: string;
  readonly replyToId?: string;
  readonly from?: { readonly id?: string; readonly name?: string; readonly aadObjectId?: string };
  readonly recipient?: { readonly id?: string; readonly name?: string };
  readonly conversation?: {
    readonly id?: string;
    readonly tenantId?: string;
    readonly conversationType?: string;
    readonly isGroup?: boolean;
  };
  readonly channelData?: {
    readonly tenant?: { readonly id?: string };
    readonly team?: { readonly id?: string };
    readonly channel?: { readonly id?: string };
  };
  readonly entities?: readonly unknown[];
}

/** The conversation id without the thread part (`19:…@thread.tacv2;messageid=123` → `19:…@thread.tacv2`). */
export function rootConversationId(conversationId: string): string {
  const cut = conversationId.indexOf(';messageid=');
  return cut === -1 ? conversationId : conversationId.slice(0, cut);
}

/** The activity's tenant: the conversation's, else the channel data's. */
export function tenantOf(activity: InboundActivity): string | undefined {
  return activity.conversation?.tenantId ?? activity.channelData?.tenant?.id;
}

/**
 * The channel of an activity: `{platform: 'teams', workspace: <tenant id>, channel: <conversation id
 * without ;messageid=…>}`, so a command typed in a channel's thread and the channel itself are one
 * subscription target. Undefined when the activity names no tenant or conversation.
 */
export function channelOfActivity(activity: InboundActivity): ChannelRef | undefined {
  const tenant = tenantOf(activity);
  const conversation = activity.conversation?.id;
  if (tenant === undefined || tenant === '' || conversation === undefined || conversation === '') return undefined;
  return { platform: TEAMS_PLATFORM, workspace: tenant, channel: rootConversationId(conversation) };
}

/**
 * What the notify function needs to post to the channel later (proactively): the service URL the
 * activity came from (each region of Teams has its own), the conversation and the tenant, and the
 * team, read by ChannelAddresses' users (src/teams/teams-chat-poster.ts).
 */
export function addressOfActivity(activity: InboundActivity): Record<string, string> | undefined {
  const channel = channelOfActivity(activity);
  const serviceUrl = activity.serviceUrl;
  if (channel === undefined || serviceUrl === undefined || serviceUrl === '') return undefined;
  return {
    serviceUrl,
    conversationId: channel.channel,
    tenantId: channel.workspace,
    ...(activity.channelData?.team?.id === undefined ? {} : { teamId: activity.channelData.team.id }),
    ...(activity.conversation?.conversationType === undefined
      ? {}
      : { conversationType: activity.conversation.conversationType }),
    ...(activity.recipient?.id === undefined ? {} : { botId: activity.recipient.id }),
  };
}

interface MentionEntity {
  readonly type: 'mention';
  readonly text?: string;
  readonly mentioned?: { readonly id?: string; readonly name?: string };
}

function isMention(entity: unknown): entity is MentionEntity {
  return typeof entity === 'object' && entity !== null && (entity as { type?: unknown }).type === 'mention';
}

/**
 * The command a person typed: the text without the bot's own mentions. Found by the mention
 * entities whose `mentioned.id` is the bot (the recipient), never by the bot's display name: the
 * `<at>` text Teams puts in the message can differ from the entity's `text` and from the name.
 * Each such entity's `<at>…</at>` span is removed where it stands in the text; mentions of other
 * people stay. Teams' `&nbsp;` and HTML entities around mentions read as spaces.
 */
export function commandText(activity: InboundActivity): string {
  let text = activity.text ?? '';
  const botId = activity.recipient?.id;
  const botMentions = (activity.entities ?? []).filter(
    (entity): entity is MentionEntity => isMention(entity) && botId !== undefined && entity.mentioned?.id === botId,
  );
  for (const mention of botMentions) {
    const inner = (mention.text ?? '').replace(/^<at>|<\/at>$/g, '');
    // The entity's own span first; else the span with the mentioned name (Teams may drop the "@").
    const candidates = [mention.text, `<at>${inner}</at>`, `<at>${inner.replace(/^@/, '')}</at>`];
    const found = candidates.find(
      (candidate) => candidate !== undefined && candidate !== '' && text.includes(candidate),
    );
    if (found !== undefined) text = text.replace(found, ' ');
  }
  return decodeEntities(text).replace(/\s+/g, ' ').trim();
}

const ENTITIES: Readonly<Record<string, string>> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}
