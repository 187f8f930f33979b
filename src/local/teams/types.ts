// (local Teams) the shapes the local Bot Connector keeps: conversations (team channels, group and personal chats), messages with revisions and replies, calls
/**
 * The shapes the local Bot Connector keeps. Activities are kept as sent (after validation) so that
 * tests can compare them with what the renderer produced; Teams itself would add ids, timestamps
 * and the sender.
 */
export type Activity = Readonly<Record<string, unknown>>;

/** Bot Framework's `conversation.conversationType` in Teams. */
export type ConversationType = 'channel' | 'groupChat' | 'personal';

export interface ChannelSpec {
  /** `19:…@thread.tacv2`; a team's General channel has the team's id. */
  id: string;
  name: string;
}

export interface TeamSpec {
  /** `19:…@thread.tacv2`: also the id of its General channel. */
  id: string;
  name: string;
  /** The team's channels; General (the team's id) is added when missing. */
  channels?: ChannelSpec[];
  /** Whether pipewatch is installed in the team; posting needs it (`BotNotInConversationRoster`). Default true. */
  botInstalled?: boolean;
}

export interface ChatSpec {
  /** `19:…@thread.v2` for a group chat, `a:…` for a personal chat. */
  id: string;
  type: 'groupChat' | 'personal';
  name?: string;
  botInstalled?: boolean;
}

export interface TeamsConversation {
  id: string;
  type: ConversationType;
  name: string;
  /** The team of a channel. */
  teamId: string | undefined;
  tenantId: string;
  botInstalled: boolean;
}

/** What changed a message: the bot's POST or PUT, or a person (tests, the channel page). */
export type MessageSource = 'post' | 'update' | 'user';

/** One version of a message; `revisions[0]` is the original, the last is the current one. */
export interface MessageRevision {
  activity: Activity;
  /** Epoch milliseconds. */
  at: number;
  by: MessageSource;
}

export interface TeamsMessage {
  /** The conversation without `;messageid=…`. */
  conversationId: string;
  /** Numeric, as Teams' message ids are (milliseconds, made unique). */
  id: string;
  /** The thread's root on a thread reply; undefined on a root post. */
  replyToId: string | undefined;
  /** The bot's app id for the bot's messages, a person's id otherwise. */
  from: string;
  /** The activity as last sent. */
  activity: Activity;
  revisions: MessageRevision[];
}

/** The Bot Connector operations pipewatch uses. */
export type ConnectorOperation = 'post' | 'reply' | 'update';

/** One request to the Bot Connector, as it was answered. */
export interface ConnectorCall {
  method: string;
  /** Undefined for a path that is no operation. */
  operation: ConnectorOperation | undefined;
  /** As in the URL (decoded), `;messageid=…` included. */
  conversationId: string | undefined;
  activityId: string | undefined;
  status: number;
  /** The error code of a refusal (`BotNotInConversationRoster`, `MessageSizeTooBig`, …). */
  error: string | undefined;
  /** What was wrong, for a refusal: the test's best clue. */
  detail: string | undefined;
  /** The activity body, when it parsed. */
  activity: Activity | undefined;
  at: number;
}

export type TenantChange =
  | { type: 'message'; action: 'posted' | 'updated' | 'deleted'; conversationId: string; id: string }
  | { type: 'conversation'; conversationId: string }
  | { type: 'call'; call: ConnectorCall };
