import type { AlertMessage } from '../../src/core/messages';
import { ChatDeliveryError } from '../../src/core/notify';
import type { ChatPoster } from '../../src/core/ports';
import type { ChannelRef } from '../../src/core/subscriptions';

export interface ChatMessageRecord {
  readonly id: string;
  readonly channel: string;
  /** Every version: [0] posted, the rest chat.update. */
  readonly revisions: AlertMessage[];
  /** Its thread, in posting order. */
  readonly replies: ChatReplyRecord[];
}

export interface ChatReplyRecord {
  readonly id: string;
  /** Every version: [0] replied, the rest updateReply. */
  readonly revisions: AlertMessage[];
}

export type ChatOperation = 'post' | 'update' | 'reply' | 'updateReply';

/**
 * A chat platform in memory: messages per channel with their revisions and thread replies,
 * and injected failures (ChatDeliveryError) per operation. A real class implementing the port.
 */
export class InMemoryChat implements ChatPoster {
  readonly messages: ChatMessageRecord[] = [];
  readonly calls: { operation: ChatOperation; channel: string }[] = [];
  private readonly failures: { operation: ChatOperation; error: ChatDeliveryError }[] = [];
  private nextId = 1;

  constructor(private readonly yieldPoint: () => Promise<unknown> = () => Promise.resolve()) {}

  /** The next call of `operation` fails with this error. */
  failNext(operation: ChatOperation, kind: 'permanent' | 'transient', code: string): this {
    this.failures.push({ operation, error: new ChatDeliveryError(kind, code, `${code} (injected)`) });
    return this;
  }

  async post(channel: ChannelRef, message: AlertMessage): Promise<{ messageId: string }> {
    await this.enter('post', channel);
    const id = `m${this.nextId++}`;
    this.messages.push({ id, channel: channel.channel, revisions: [message], replies: [] });
    return { messageId: id };
  }

  async update(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<void> {
    await this.enter('update', channel);
    this.find(channel, messageId).revisions.push(message);
  }

  async reply(channel: ChannelRef, messageId: string, message: AlertMessage): Promise<{ messageId: string }> {
    await this.enter('reply', channel);
    const id = `${messageId}.r${this.nextId++}`;
    this.find(channel, messageId).replies.push({ id, revisions: [message] });
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

  private async enter(operation: ChatOperation, channel: ChannelRef): Promise<void> {
    await this.yieldPoint();
    this.calls.push({ operation, channel: channel.channel });
    const index = this.failures.findIndex((failure) => failure.operation === operation);
    const failure = this.failures[index];
    if (failure !== undefined) {
      this.failures.splice(index, 1);
      throw failure.error;
    }
  }

  private find(channel: ChannelRef, messageId: string): ChatMessageRecord {
    const message = this.messages.find((entry) => entry.channel === channel.channel && entry.id === messageId);
    if (message === undefined) throw new ChatDeliveryError('permanent', 'message_not_found', 'message_not_found');
    return message;
  }
}
