// (local Teams) the local tenant's state: teams with channels, group and personal chats, messages with revisions and thread replies, a call log; changes announced
import { EventEmitter } from 'node:events';
import { rootConversationId } from '../../teams/teams-context';
import type {
  Activity,
  ChatSpec,
  ConnectorCall,
  MessageSource,
  TeamSpec,
  TeamsConversation,
  TeamsMessage,
  TenantChange,
} from './types';

export interface TenantOptions {
  tenantId: string;
  /** The bot's app id: the author of the bot's messages. */
  botAppId: string;
  teams: readonly TeamSpec[];
  chats: readonly ChatSpec[];
  now: () => number;
}

/**
 * The state of the local tenant: conversations (every channel of every team, group chats, personal
 * chats) with their messages and thread replies, edit history, and a log of every call. Queries
 * return the live objects (read them, do not mutate them); every change is announced on
 * `on('change')` for the channel page.
 */
export class LocalTeamsTenant {
  readonly tenantId: string;
  readonly botAppId: string;
  /** Every Bot Connector request, oldest first. */
  readonly calls: ConnectorCall[] = [];
  readonly now: () => number;

  private readonly events = new EventEmitter();
  private readonly conversationsById = new Map<string, TeamsConversation>();
  /** Per conversation, every message (roots and replies) in id order. */
  private readonly conversationMessages = new Map<string, TeamsMessage[]>();
  private lastId = 0;

  constructor(options: TenantOptions) {
    this.tenantId = options.tenantId;
    this.botAppId = options.botAppId;
    this.now = options.now;
    this.events.setMaxListeners(0);
    for (const team of options.teams) this.addTeam(team);
    for (const chat of options.chats) this.addChat(chat);
  }

  on(event: 'change', listener: (change: TenantChange) => void): this {
    this.events.on(event, listener);
    return this;
  }

  off(event: 'change', listener: (change: TenantChange) => void): this {
    this.events.off(event, listener);
    return this;
  }

  // --- directory -----------------------------------------------------------------------------

  /** A team and its channels (General, with the team's id, added when not listed). */
  addTeam(spec: TeamSpec): TeamsConversation[] {
    const channels = spec.channels ?? [];
    const all = channels.some((channel) => channel.id === spec.id)
      ? channels
      : [{ id: spec.id, name: 'General' }, ...channels];
    return all.map((channel) =>
      this.addConversation({
        id: channel.id,
        type: 'channel',
        name: channel.name,
        teamId: spec.id,
        tenantId: this.tenantId,
        botInstalled: spec.botInstalled ?? true,
      }),
    );
  }

  addChat(spec: ChatSpec): TeamsConversation {
    return this.addConversation({
      id: spec.id,
      type: spec.type,
      name: spec.name ?? (spec.type === 'personal' ? 'pipewatch' : 'Group chat'),
      teamId: undefined,
      tenantId: this.tenantId,
      botInstalled: spec.botInstalled ?? true,
    });
  }

  /**
   * Installs or uninstalls the bot: in a team (every channel of it) or a chat. Uninstalled, posts
   * are refused with `BotNotInConversationRoster`, as Teams refuses them.
   */
  setBotInstalled(conversationOrTeamId: string, installed: boolean): void {
    const matched = [...this.conversationsById.values()].filter(
      (c) => c.id === conversationOrTeamId || c.teamId === conversationOrTeamId,
    );
    if (matched.length === 0) throw new Error(`Unknown conversation or team ${conversationOrTeamId}`);
    for (const conversation of matched) {
      conversation.botInstalled = installed;
      this.emit({ type: 'conversation', conversationId: conversation.id });
    }
  }

  /** By its id, with or without `;messageid=…`. */
  conversation(id: string): TeamsConversation | undefined {
    return this.conversationsById.get(rootConversationId(id));
  }

  conversations(): TeamsConversation[] {
    return [...this.conversationsById.values()];
  }

  // --- queries for assertions ------------------------------------------------------------------

  /** The conversation's root messages, oldest first (replies are in their threads). */
  messages(conversationId: string): TeamsMessage[] {
    return this.allMessages(conversationId).filter((m) => m.replyToId === undefined);
  }

  /** A root message or a reply, by id. */
  message(conversationId: string, id: string): TeamsMessage | undefined {
    return this.allMessages(conversationId).find((m) => m.id === id);
  }

  /** The replies in the thread of `rootId`, oldest first, without the root. */
  threadReplies(conversationId: string, rootId: string): TeamsMessage[] {
    return this.allMessages(conversationId).filter((m) => m.replyToId === rootId);
  }

  callsTo(operation: ConnectorCall['operation']): ConnectorCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  // --- handles for simulated people ----------------------------------------------------------

  /** A message written by a person (or a thread reply under `replyToId`). */
  postUserMessage(conversationId: string, userId: string, text: string, replyToId?: string): TeamsMessage {
    return this.insertMessage(conversationId, userId, 'user', { type: 'message', text }, replyToId);
  }

  /** Someone deleted the message (a root with its replies): updating it is then a 404, as in Teams. */
  deleteMessage(conversationId: string, id: string): void {
    const list = this.allMessagesOrThrow(conversationId);
    const remaining = list.filter((m) => m.id !== id && m.replyToId !== id);
    if (remaining.length === list.length) throw new Error(`Unknown message ${id} in ${conversationId}`);
    list.splice(0, list.length, ...remaining);
    this.emit({ type: 'message', action: 'deleted', conversationId: rootConversationId(conversationId), id });
  }

  // --- mutations used by the server ------------------------------------------------------------

  /** A new numeric message id: the time in milliseconds, made unique and increasing. */
  nextId(): string {
    this.lastId = Math.max(Math.floor(this.now()), this.lastId + 1);
    return String(this.lastId);
  }

  insertMessage(
    conversationId: string,
    from: string,
    by: MessageSource,
    activity: Activity,
    replyToId?: string,
  ): TeamsMessage {
    const base = rootConversationId(conversationId);
    const list = this.allMessagesOrThrow(base);
    const id = this.nextId();
    const message: TeamsMessage = {
      conversationId: base,
      id,
      replyToId,
      from,
      activity,
      revisions: [{ activity, at: this.now(), by }],
    };
    list.push(message);
    this.emit({ type: 'message', action: 'posted', conversationId: base, id });
    return message;
  }

  updateMessage(message: TeamsMessage, activity: Activity): void {
    message.activity = activity;
    message.revisions.push({ activity, at: this.now(), by: 'update' });
    this.emit({ type: 'message', action: 'updated', conversationId: message.conversationId, id: message.id });
  }

  recordCall(call: ConnectorCall): void {
    this.calls.push(call);
    this.emit({ type: 'call', call });
  }

  private addConversation(conversation: TeamsConversation): TeamsConversation {
    this.conversationsById.set(conversation.id, conversation);
    if (!this.conversationMessages.has(conversation.id)) this.conversationMessages.set(conversation.id, []);
    this.emit({ type: 'conversation', conversationId: conversation.id });
    return conversation;
  }

  private allMessages(conversationId: string): TeamsMessage[] {
    return this.conversationMessages.get(rootConversationId(conversationId)) ?? [];
  }

  private allMessagesOrThrow(conversationId: string): TeamsMessage[] {
    const list = this.conversationMessages.get(rootConversationId(conversationId));
    if (list === undefined) throw new Error(`Unknown conversation ${conversationId}`);
    return list;
  }

  private emit(change: TenantChange): void {
    this.events.emit('change', change);
  }
}

/** The thread root named by `;messageid=…`, if any. */
export function threadRootOf(conversationId: string): string | undefined {
  const cut = conversationId.indexOf(';messageid=');
  return cut === -1 ? undefined : conversationId.slice(cut + ';messageid='.length);
}
