import type { ChannelRef } from '../../src/core/channels';
import type { ChannelAddresses } from '../../src/core/ports';

/** ChannelAddresses in memory (the DynamoDB adapter is tested on the local AWS with the same expectations). */
export class InMemoryChannelAddresses implements ChannelAddresses {
  readonly addresses = new Map<string, Readonly<Record<string, string>>>();

  async get(channel: ChannelRef): Promise<Readonly<Record<string, string>> | undefined> {
    return this.addresses.get(keyOf(channel));
  }

  async put(channel: ChannelRef, address: Readonly<Record<string, string>>): Promise<void> {
    this.addresses.set(keyOf(channel), { ...address });
  }

  async delete(channel: ChannelRef): Promise<void> {
    this.addresses.delete(keyOf(channel));
  }
}

function keyOf(channel: ChannelRef): string {
  return JSON.stringify([channel.platform, channel.workspace, channel.channel]);
}
