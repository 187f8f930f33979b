// (local Slack) the shapes the local Slack keeps: channels, users, groups, messages with revisions, ephemerals, views, calls
/**
 * The shapes the local Slack keeps. Blocks are kept as sent (after validation) so that tests can
 * compare them with what the renderer produced; Slack itself would add generated `block_id`s.
 */
export type Block = Record<string, unknown>;

export interface ChannelSpec {
  id: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** Whether the bot is a member; posting needs it (`not_in_channel`). Default true. */
  botMember?: boolean;
  /** Human members; every workspace user when omitted. */
  members?: string[];
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  botMember: boolean;
  members: string[] | undefined;
}

export interface UserSpec {
  id: string;
  name: string;
  realName?: string;
  isBot?: boolean;
  deleted?: boolean;
  /** `profile.email` in users.info, for a token with users:read.email ('' : none). */
  email?: string;
}

export interface UsergroupSpec {
  id: string;
  handle: string;
  users: string[];
}

/** What changed a message: the Web API method or a response_url POST. */
export type MessageSource = 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral' | 'response_url' | 'user';

/** One version of a message; `revisions[0]` is the original, the last is the current one. */
export interface MessageRevision {
  text: string;
  blocks: Block[] | undefined;
  /** A message ts-like stamp of when this version was written. */
  at: string;
  by: MessageSource;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  /** Author: the bot user for the app's messages, a human's id for `postUserMessage`. */
  user: string;
  botId: string | undefined;
  text: string;
  blocks: Block[] | undefined;
  /** Set on replies, and on a parent (equal to its own ts) once it has replies, as Slack does. */
  threadTs: string | undefined;
  replyBroadcast: boolean;
  replyCount: number;
  replyUsers: string[];
  latestReply: string | undefined;
  edited: { user: string; ts: string } | undefined;
  revisions: MessageRevision[];
  /** Other chat.postMessage arguments kept for assertions (unfurl_links, metadata, ...). */
  options: Record<string, unknown>;
}

export interface EphemeralMessage {
  channel: string;
  /** The user who sees it. */
  user: string;
  ts: string;
  text: string;
  blocks: Block[] | undefined;
  threadTs: string | undefined;
  deleted: boolean;
  revisions: MessageRevision[];
}

export interface OpenedView {
  id: string;
  triggerId: string;
  userId: string | undefined;
  /** The view as last opened or updated (the request's view object). */
  view: Record<string, unknown>;
  hash: string;
  externalId: string | undefined;
  /** Every version, for assertions; the last is current. */
  history: Record<string, unknown>[];
}

/** One Web API or response_url call, as the server answered it. */
export interface ApiCall {
  method: string;
  /** The arguments with JSON-encoded fields (blocks, view) decoded and the token removed. */
  args: Record<string, unknown>;
  ok: boolean;
  error: string | undefined;
  status: number;
  warnings: string[];
  at: number;
}

export type WorkspaceChange =
  | { type: 'message'; action: 'posted' | 'updated' | 'deleted'; channel: string; ts: string }
  | { type: 'ephemeral'; action: 'posted' | 'updated' | 'deleted'; channel: string; user: string; ts: string }
  | { type: 'view'; action: 'opened' | 'updated'; viewId: string }
  | { type: 'channel'; channel: string }
  | { type: 'call'; call: ApiCall };
