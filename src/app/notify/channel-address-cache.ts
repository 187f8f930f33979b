// (composition) ChannelAddresses --> the same, each found address kept a minute per container
import { TtlCache } from '../../aws/ttl-cache';
import { channelLabel } from '../../core/channels';
import type { ChannelAddresses } from '../../core/ports';

type Address = Readonly<Record<string, string>>;

/**
 * A Teams channel's address (service URL, conversation) is read for every chat call of a render (the
 * card, its replies, their updates), and a burst sends one channel many executions' cards: a warm
 * notify container keeps each address it found for `ttlMs` (a minute). Concurrent first reads share
 * one request. An address not found is not kept, so an install shows at once; a failed read is not
 * kept either. The Teams function stores addresses in its own containers, so this one learns of a
 * change when a send to the old address is refused: the Teams poster then forgets the entry, reads
 * the address again and, if it changed, sends there (a moved service URL costs no event). An
 * address removed (the app uninstalled) is refused the same way, a permanent failure as the missing
 * address is. Writes through this object forget the channel's entry too.
 */
export function cachedChannelAddresses(
  addresses: ChannelAddresses,
  { ttlMs = 60_000, now = Date.now }: { ttlMs?: number; now?: () => number } = {},
): ChannelAddresses {
  const cache = new TtlCache<string, Address | undefined>(ttlMs, now);
  return {
    async get(channel) {
      const key = channelLabel(channel);
      const address = await cache.get(key, () => addresses.get(channel));
      if (address === undefined) cache.forget(key);
      return address;
    },
    async put(channel, address) {
      cache.forget(channelLabel(channel));
      await addresses.put(channel, address);
    },
    async delete(channel) {
      cache.forget(channelLabel(channel));
      await addresses.delete(channel);
    },
    forget(channel) {
      cache.forget(channelLabel(channel));
    },
  };
}
