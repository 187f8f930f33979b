// (local Slack) the local workspace's state: channels, messages and threads, ephemerals, views, a call log; changes announced
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { MessageTsClock } from './message-ts';
import { ResponseUrlRegistry } from './response-url-registry';
import { TriggerIds } from './trigger-ids';
import type {
  ApiCall,
  Block,
  ChannelSpec,
  EphemeralMessage,
  MessageSource,
  OpenedView,
  SlackChannel,
  SlackMessage,
  UsergroupSpec,
  UserSpec,
  WorkspaceChange,
} from './types';

export interface WorkspaceOptions {
  baseUrl: string;
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
  channels: readonly ChannelSpec[];
  users: readonly UserSpec[];
  usergroups: readonly UsergroupSpec[];
  now: () => number;
  /** The bot token's OAuth scopes, for the methods that check one; absent: every scope. */
  scopes?: readonly string[] | undefined;
}

/** What `--data DIR` keeps of a workspace (see `LocalWorkspace.saved`). */
export interface SavedWorkspace {
  channels: SlackChannel[];
  messages: SlackMessage[];
}

export interface NewMessage {
  text: string;
  blocks: Block[] | undefined;
  threadTs?: string | undefined;
  replyBroadcast?: boolean;
  options?: Record<string, unknown>;
}

/**
 * The state of the local workspace: channels with messages and threads, ephemerals per user, edit
 * history, opened views, and a log of every call. Queries return the live objects (read them, do
 * not mutate them); every change is announced on `on('change')` for the channel page.
 */
export class LocalWorkspace {
  readonly teamId: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly baseUrl: string;
  /** Every Web API and response_url call, oldest first. */
  readonly calls: ApiCall[] = [];
  readonly now: () => number;

  private readonly events = new EventEmitter();
  private readonly channelsById = new Map<string, SlackChannel>();
  private readonly usersById = new Map<string, Required<UserSpec>>();
  private readonly usergroupsById = new Map<string, UsergroupSpec>();
  /** Per channel, every message (top-level and replies) in ts order. */
  private readonly channelMessages = new Map<string, SlackMessage[]>();
  private readonly ephemeralMessages: EphemeralMessage[] = [];
  private readonly openedViews = new Map<string, OpenedView>();
  private readonly tsClock: MessageTsClock;
  private viewCounter = 0;
  readonly triggers: TriggerIds;
  readonly responseUrls: ResponseUrlRegistry;

  /** The bot token's scopes; undefined: all of them. */
  readonly scopes: ReadonlySet<string> | undefined;

  constructor(options: WorkspaceOptions) {
    this.scopes = options.scopes === undefined ? undefined : new Set(options.scopes);
    this.teamId = options.teamId;
    this.teamDomain = options.teamDomain;
    this.botUserId = options.botUserId;
    this.botId = options.botId;
    this.appId = options.appId;
    this.baseUrl = options.baseUrl;
    this.now = options.now;
    this.tsClock = new MessageTsClock(options.now);
    this.triggers = new TriggerIds(options.now);
    this.responseUrls = new ResponseUrlRegistry(options.now);
    this.events.setMaxListeners(0);
    for (const channel of options.channels) this.addChannel(channel);
    for (const user of options.users) this.addUser(user);
    for (const group of options.usergroups) this.addUsergroup(group);
  }

  on(event: 'change', listener: (change: WorkspaceChange) => void): this {
    this.events.on(event, listener);
    return this;
  }

  off(event: 'change', listener: (change: WorkspaceChange) => void): this {
    this.events.off(event, listener);
    return this;
  }

  // --- directory -----------------------------------------------------------------------------

  addChannel(spec: ChannelSpec): SlackChannel {
    const channel: SlackChannel = {
      id: spec.id,
      name: spec.name,
      isPrivate: spec.isPrivate ?? false,
      isArchived: spec.isArchived ?? false,
      botMember: spec.botMember ?? true,
      members: spec.members,
    };
    this.channelsById.set(channel.id, channel);
    if (!this.channelMessages.has(channel.id)) this.channelMessages.set(channel.id, []);
    this.emit({ type: 'channel', channel: channel.id });
    return channel;
  }

  /** Archive/unarchive, invite/remove the bot: for `is_archived` / `not_in_channel` tests. */
  setChannel(id: string, changes: Partial<Pick<SlackChannel, 'isArchived' | 'botMember' | 'members'>>): void {
    const channel = this.requireChannel(id);
    Object.assign(channel, changes);
    this.emit({ type: 'channel', channel: id });
  }

  channel(id: string): SlackChannel | undefined {
    return this.channelsById.get(id);
  }

  /** By id, or by name with or without `#` (chat.postMessage accepts both). */
  findChannel(idOrName: string): SlackChannel | undefined {
    const byId = this.channelsById.get(idOrName);
    if (byId !== undefined) return byId;
    const name = idOrName.startsWith('#') ? idOrName.slice(1) : idOrName;
    return [...this.channelsById.values()].find((c) => c.name === name);
  }

  channels(): SlackChannel[] {
    return [...this.channelsById.values()];
  }

  isMember(channelId: string, userId: string): boolean {
    const channel = this.channelsById.get(channelId);
    if (channel === undefined) return false;
    return channel.members === undefined ? this.usersById.has(userId) : channel.members.includes(userId);
  }

  addUser(spec: UserSpec): void {
    this.usersById.set(spec.id, {
      id: spec.id,
      name: spec.name,
      realName: spec.realName ?? spec.name,
      isBot: spec.isBot ?? false,
      deleted: spec.deleted ?? false,
      email: spec.email ?? '',
    });
  }

  /** Whether the bot token has `scope` (every scope when the workspace was given none). */
  hasScope(scope: string): boolean {
    return this.scopes === undefined || this.scopes.has(scope);
  }

  user(id: string): Required<UserSpec> | undefined {
    return this.usersById.get(id);
  }

  users(): Required<UserSpec>[] {
    return [...this.usersById.values()];
  }

  addUsergroup(spec: UsergroupSpec): void {
    this.usergroupsById.set(spec.id, { ...spec, users: [...spec.users] });
  }

  usergroup(id: string): UsergroupSpec | undefined {
    return this.usergroupsById.get(id);
  }

  // --- queries for assertions ----------------------------------------------------------------

  /** The channel's timeline, oldest first: top-level messages and replies sent to the channel too. */
  messages(channelId: string): SlackMessage[] {
    return this.allMessages(channelId).filter(
      (m) => m.threadTs === undefined || m.threadTs === m.ts || m.replyBroadcast,
    );
  }

  message(channelId: string, ts: string): SlackMessage | undefined {
    return this.allMessages(channelId).find((m) => m.ts === ts);
  }

  /** Replies in the thread of `ts`, oldest first, without the parent. */
  threadReplies(channelId: string, ts: string): SlackMessage[] {
    return this.allMessages(channelId).filter((m) => m.threadTs === ts && m.ts !== ts);
  }

  /** Ephemeral messages in the channel (for one user if given), oldest first, deleted ones excluded. */
  ephemerals(channelId: string, userId?: string): EphemeralMessage[] {
    return this.ephemeralMessages.filter(
      (e) => e.channel === channelId && !e.deleted && (userId === undefined || e.user === userId),
    );
  }

  ephemeral(channelId: string, ts: string): EphemeralMessage | undefined {
    return this.ephemeralMessages.find((e) => e.channel === channelId && e.ts === ts && !e.deleted);
  }

  views(): OpenedView[] {
    return [...this.openedViews.values()];
  }

  view(id: string): OpenedView | undefined {
    return this.openedViews.get(id);
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  // --- handles for simulated users -----------------------------------------------------------

  /**
   * A URL the handlers can POST to as they would to Slack's response_url; give it in a slash command
   * or block_actions payload. `messageTs` is the message the interaction came from (a channel message
   * or an ephemeral), which `replace_original` / `delete_original` act on.
   */
  createResponseUrl(channelId: string, userId: string, messageTs?: string): string {
    const target = this.responseUrls.create(channelId, userId, messageTs);
    return `${this.baseUrl}/response/${target.id}`;
  }

  /** A trigger_id as Slack sends with a command or click: views.open accepts it once within 3 s. */
  createTriggerId(userId?: string): string {
    return this.triggers.create(userId);
  }

  /** A message written by a person (so that `cant_update_message` and threads can be tested). */
  postUserMessage(channelId: string, userId: string, text: string, threadTs?: string): SlackMessage {
    return this.insertMessage(channelId, userId, 'user', { text, blocks: undefined, threadTs });
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  // --- mutations used by the server ------------------------------------------------------------

  nextTs(): string {
    return this.tsClock.next();
  }

  insertMessage(channelId: string, user: string, by: MessageSource, input: NewMessage): SlackMessage {
    const list = this.allMessagesOrThrow(channelId);
    const ts = this.nextTs();
    const message: SlackMessage = {
      channel: channelId,
      ts,
      user,
      botId: user === this.botUserId ? this.botId : undefined,
      text: input.text,
      blocks: input.blocks,
      threadTs: input.threadTs,
      replyBroadcast: input.replyBroadcast ?? false,
      replyCount: 0,
      replyUsers: [],
      latestReply: undefined,
      edited: undefined,
      revisions: [{ text: input.text, blocks: input.blocks, at: ts, by }],
      options: input.options ?? {},
    };
    list.push(message);
    if (input.threadTs !== undefined) {
      const parent = list.find((m) => m.ts === input.threadTs);
      if (parent !== undefined) {
        parent.threadTs = parent.ts;
        parent.replyCount += 1;
        if (!parent.replyUsers.includes(user)) parent.replyUsers.push(user);
        parent.latestReply = ts;
      }
    }
    this.emit({ type: 'message', action: 'posted', channel: channelId, ts });
    return message;
  }

  /** `blocks: undefined` keeps the current blocks (chat.update's rule); `[]` removes them. */
  updateMessage(message: SlackMessage, by: MessageSource, text: string | undefined, blocks: Block[] | undefined): void {
    const at = this.nextTs();
    if (text !== undefined) message.text = text;
    if (blocks !== undefined) message.blocks = blocks.length === 0 ? undefined : blocks;
    message.edited = { user: this.botUserId, ts: at };
    message.revisions.push({ text: message.text, blocks: message.blocks, at, by });
    this.emit({ type: 'message', action: 'updated', channel: message.channel, ts: message.ts });
  }

  deleteMessage(message: SlackMessage): void {
    const list = this.allMessagesOrThrow(message.channel);
    const index = list.indexOf(message);
    if (index >= 0) list.splice(index, 1);
    this.emit({ type: 'message', action: 'deleted', channel: message.channel, ts: message.ts });
  }

  insertEphemeral(
    channelId: string,
    userId: string,
    by: MessageSource,
    input: Omit<NewMessage, 'replyBroadcast' | 'options'>,
  ): EphemeralMessage {
    const ts = this.nextTs();
    const ephemeral: EphemeralMessage = {
      channel: channelId,
      user: userId,
      ts,
      text: input.text,
      blocks: input.blocks,
      threadTs: input.threadTs,
      deleted: false,
      revisions: [{ text: input.text, blocks: input.blocks, at: ts, by }],
    };
    this.ephemeralMessages.push(ephemeral);
    this.emit({ type: 'ephemeral', action: 'posted', channel: channelId, user: userId, ts });
    return ephemeral;
  }

  replaceEphemeral(ephemeral: EphemeralMessage, text: string, blocks: Block[] | undefined): void {
    ephemeral.text = text;
    ephemeral.blocks = blocks;
    ephemeral.revisions.push({ text, blocks, at: this.nextTs(), by: 'response_url' });
    this.emit({
      type: 'ephemeral',
      action: 'updated',
      channel: ephemeral.channel,
      user: ephemeral.user,
      ts: ephemeral.ts,
    });
  }

  deleteEphemeral(ephemeral: EphemeralMessage): void {
    ephemeral.deleted = true;
    this.emit({
      type: 'ephemeral',
      action: 'deleted',
      channel: ephemeral.channel,
      user: ephemeral.user,
      ts: ephemeral.ts,
    });
  }

  openView(triggerId: string, userId: string | undefined, view: Record<string, unknown>): OpenedView {
    this.viewCounter += 1;
    const id = `V${String(this.viewCounter).padStart(10, '0')}`;
    const opened: OpenedView = {
      id,
      triggerId,
      userId,
      view,
      hash: viewHash(id, 0),
      externalId: typeof view.external_id === 'string' ? view.external_id : undefined,
      history: [view],
    };
    this.openedViews.set(id, opened);
    this.emit({ type: 'view', action: 'opened', viewId: id });
    return opened;
  }

  updateView(opened: OpenedView, view: Record<string, unknown>): void {
    opened.view = view;
    opened.history.push(view);
    opened.hash = viewHash(opened.id, opened.history.length);
    if (typeof view.external_id === 'string') opened.externalId = view.external_id;
    this.emit({ type: 'view', action: 'updated', viewId: opened.id });
  }

  findViewByExternalId(externalId: string): OpenedView | undefined {
    return [...this.openedViews.values()].find((v) => v.externalId === externalId);
  }

  // --- what `--data DIR` keeps ------------------------------------------------------------------

  /**
   * The channels and every message (top-level and replies, with edits and chat.postMessage's other
   * arguments such as metadata), for `--data DIR`. Live objects: serialize them before the next change.
   */
  saved(): SavedWorkspace {
    return { channels: this.channels(), messages: [...this.channelMessages.values()].flat() };
  }

  /**
   * Puts back what `saved()` returned in an earlier run: channels not known yet, then the messages
   * (a channel's earlier messages, if any, are replaced). New messages get later ts than every
   * restored one. Announces nothing: these are not new messages.
   */
  restore(saved: SavedWorkspace): void {
    for (const channel of saved.channels) {
      if (!this.channelsById.has(channel.id)) this.channelsById.set(channel.id, { ...channel });
    }
    const byChannel = new Map<string, SlackMessage[]>();
    for (const message of saved.messages) {
      this.requireChannel(message.channel);
      const list = byChannel.get(message.channel) ?? [];
      list.push(message);
      byChannel.set(message.channel, list);
      this.tsClock.advancePast(message.ts);
      if (message.edited !== undefined) this.tsClock.advancePast(message.edited.ts);
      for (const revision of message.revisions) this.tsClock.advancePast(revision.at);
    }
    for (const id of this.channelsById.keys()) {
      const list = byChannel.get(id) ?? [];
      list.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      this.channelMessages.set(id, list);
    }
  }

  recordCall(call: ApiCall): void {
    this.calls.push(call);
    this.emit({ type: 'call', call });
  }

  private allMessages(channelId: string): SlackMessage[] {
    return this.channelMessages.get(channelId) ?? [];
  }

  private allMessagesOrThrow(channelId: string): SlackMessage[] {
    const list = this.channelMessages.get(channelId);
    if (list === undefined) throw new Error(`Unknown channel ${channelId}`);
    return list;
  }

  private requireChannel(id: string): SlackChannel {
    const channel = this.channelsById.get(id);
    if (channel === undefined) throw new Error(`Unknown channel ${id}`);
    return channel;
  }

  private emit(change: WorkspaceChange): void {
    this.events.emit('change', change);
  }
}

/** Slack's view hash changes on every update; views.update with a stale hash fails (`hash_conflict`). */
function viewHash(id: string, version: number): string {
  return `${version}.${createHash('sha256').update(`${id}:${version}`).digest('hex').slice(0, 12)}`;
}
