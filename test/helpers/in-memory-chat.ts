import type { AlertMessage } from '../../src/core/messages';
import { ChatDeliveryError } from '../../src/core/notify';
import type { ChatPoster, PostMark, PostWindow } from '../../src/core/ports';
import type { ChannelRef } from '../../src/core/subscriptions';

export interface ChatMessageRecord {
  readonly id: string;
  readonly channel: string;
  /** Every version: [0] posted, the rest chat.update. */
  readonly revisions: AlertMessage[];
  /** Its thread, in posting order. */
  readonly replies: ChatReplyRecord[];
  /** What the post was marked with (as Slack keeps message metadata). */
  readonly mark?: PostMark;
}

export interface ChatReplyRecord {
  readonly id: string;
  /** Every version: [0] replied, the rest updateReply. */
  readonly revisions: AlertMessage[];
  readonly mark?: PostMark;
}

export type ChatOperation = 'post' | 'update' | 'reply' | 'updateReply' | 'findPost';

/**
 * A chat platform in memory: messages per channel with their revisions and thread replies,
 * and injected failures (ChatDeliveryError) per operation. A real class implementing the port.
 */
export class InMemoryChat implements ChatPoster {
  readonly messages: ChatMessageRecord[] = [];
  readonly calls: { operation: ChatOperation; channel: string }[] = [];
  private readonly failures: { operation: ChatOperation; error: ChatDeliveryError; after?: true }[] = [];
  /** Whether findPost is offered (Slack can look for a post; Teams cannot). */
  readonly findPost?: ChatPoster['findPost'];
  private nextId = 1;

  constructor(
    private readonly yieldPoint: () => Promise<unknown> = () => Promise.resolve(),
    options: { canFindPosts?: boolean } = {},
  ) {
    if (options.canFindPosts !== false) this.findPost = (channel, mark, window) => this.lookFor(channel, mark, window);
  }

  /** The next call of `operation` is carried out, then fails (its answer lost: a timeout). */
  loseNextAnswer(operation: 'post' | 'reply'): this {
    this.failures.push({
      operation,
      error: new ChatDeliveryError('transient', 'request_timeout', 'request_timeout (injected, after the call)'),
      after: true,
    });
    return this;
  }

  /** The next call of `operation` fails with this error. */
  failNext(operation: ChatOperation, kind: 'permanent' | 'transient', code: string): this {
    this.failures.push({ operation, error: new ChatDeliveryError(kind, code, `${code} (injected)`) });
    return this;
  }

  async post(channel: ChannelRef, message: AlertMessage, mark?: PostMark): Promise<{ messageId: string }> {
    const lost = await this.enter('post', channel);
    const id = `m${this.nextId++}`;
    this.messages.push({ id, channel: channel.channel, revisions: [message], replies: [], ...(mark ? { mark } : {}) });
    if (lost !== undefined) throw lost;
    return { messageId: id };
  }

  async update(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void> {
    await this.enter('update', channel);
    this.find(channel, messageId).revisions.push(message);
  }

  async reply(
    channel: ChannelRef,
    messageId: string,
    message: AlertMessage,
    mark?: PostMark,
  ): Promise<{ messageId: string }> {
    const lost = await this.enter('reply', channel);
    const id = `${messageId}.r${this.nextId++}`;
    this.find(channel, messageId).replies.push({ id, revisions: [message], ...(mark ? { mark } : {}) });
    if (lost !== undefined) throw lost;
    return { messageId: id };
  }

  async updateReply(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void> {
    await this.enter('updateReply', channel);
    const reply = this.in(channel.channel)
      .flatMap((entry) => entry.replies)
      .find((entry) => entry.id === messageId);
    if (reply === undefined) throw new ChatDeliveryError('permanent', 'message_not_found', 'message_not_found');
    reply.revisions.push(message);
  }

  /** Someone deletes a thread reply (its id as `reply` returned it). */
  deleteReply(messageId: string): void {
    for (const message of this.messages) {
      const index = message.replies.findIndex((entry) => entry.id === messageId);
      if (index >= 0) message.replies.splice(index, 1);
    }
  }

  in(channel: string): ChatMessageRecord[] {
    return this.messages.filter((message) => message.channel === channel);
  }

  /** Marked posts are found by their mark (the window is not checked: this chat keeps no clock). */
  private async lookFor(
    channel: ChannelRef,
    mark: PostMark,
    window: PostWindow,
  ): Promise<{ messageId: string } | undefined> {
    await this.yieldPoint();
    this.calls.push({ operation: 'findPost', channel: channel.channel });
    const same = (other: PostMark | undefined) =>
      other?.pipeline === mark.pipeline && other.executionId === mark.executionId && other.reply === mark.reply;
    const candidates =
      window.parentId === undefined
        ? this.in(channel.channel)
        : (this.in(channel.channel).find((entry) => entry.id === window.parentId)?.replies ?? []);
    const found = candidates.find((entry) => same(entry.mark));
    return found === undefined ? undefined : { messageId: found.id };
  }

  /** Throws an injected failure, or returns one to throw after the call (its answer lost). */
  private async enter(operation: ChatOperation, channel: ChannelRef): Promise<ChatDeliveryError | undefined> {
    await this.yieldPoint();
    this.calls.push({ operation, channel: channel.channel });
    const index = this.failures.findIndex((failure) => failure.operation === operation);
    const failure = this.failures[index];
    if (failure === undefined) return undefined;
    this.failures.splice(index, 1);
    if (failure.after === true) return failure.error;
    throw failure.error;
  }

  private find(channel: ChannelRef, messageId: string): ChatMessageRecord {
    const message = this.messages.find((entry) => entry.channel === channel.channel && entry.id === messageId);
    if (message === undefined) throw new ChatDeliveryError('permanent', 'message_not_found', 'message_not_found');
    return message;
  }
}
