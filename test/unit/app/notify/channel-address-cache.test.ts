import { cachedChannelAddresses } from '../../../../src/app/notify/channel-address-cache';
import type { ChannelRef } from '../../../../src/core/channels';
import { InMemoryChannelAddresses } from '../../../helpers/in-memory-channel-addresses';

const A: ChannelRef = { platform: 'teams', workspace: 'tenant-1', channel: '19:a@thread.tacv2' };
const B: ChannelRef = { platform: 'teams', workspace: 'tenant-1', channel: '19:b@thread.tacv2' };
const ADDRESS = { serviceUrl: 'https://smba.trafficmanager.net/teams/', conversationId: '19:a@thread.tacv2' };

/** The in-memory port, counting reads and failing them on demand. */
class CountedAddresses extends InMemoryChannelAddresses {
  reads = 0;
  fail = false;
  override async get(channel: ChannelRef) {
    this.reads++;
    if (this.fail) throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    return super.get(channel);
  }
}

describe('cachedChannelAddresses', () => {
  test('a found address is read once per channel within the TTL, concurrent first reads sharing one', async () => {
    const store = new CountedAddresses();
    await store.put(A, ADDRESS);
    await store.put(B, { ...ADDRESS, conversationId: '19:b@thread.tacv2' });
    let time = 0;
    const cached = cachedChannelAddresses(store, { ttlMs: 60_000, now: () => time });
    const [first, second] = await Promise.all([cached.get(A), cached.get(A)]);
    expect(first).toEqual(ADDRESS);
    expect(second).toBe(first);
    expect(await cached.get(A)).toBe(first);
    expect(store.reads).toBe(1);
    expect((await cached.get(B))?.conversationId).toBe('19:b@thread.tacv2');
    expect(store.reads).toBe(2);
    time = 60_000;
    await cached.get(A);
    expect(store.reads).toBe(3);
  });

  test('no address is not kept, so an install shows at once; nor is a failed read', async () => {
    const store = new CountedAddresses();
    const cached = cachedChannelAddresses(store, { now: () => 0 });
    expect(await cached.get(A)).toBeUndefined();
    await store.put(A, ADDRESS);
    expect(await cached.get(A)).toEqual(ADDRESS);
    expect(store.reads).toBe(2);

    store.fail = true;
    await expect(cached.get(B)).rejects.toThrow('throttled');
    store.fail = false;
    expect(await cached.get(B)).toBeUndefined();
    expect(store.reads).toBe(4);
  });

  test('forget drops the kept copy: the next read asks the store', async () => {
    const store = new CountedAddresses();
    await store.put(A, ADDRESS);
    const cached = cachedChannelAddresses(store, { now: () => 0 });
    await cached.get(A);
    await store.put(A, { ...ADDRESS, serviceUrl: 'https://smba.trafficmanager.net/amer/' });
    expect((await cached.get(A))?.serviceUrl).toBe(ADDRESS.serviceUrl);
    cached.forget?.(A);
    expect((await cached.get(A))?.serviceUrl).toBe('https://smba.trafficmanager.net/amer/');
    expect(store.reads).toBe(2);
  });

  test('writing or deleting through it forgets the channel, and reaches the store', async () => {
    const store = new CountedAddresses();
    const cached = cachedChannelAddresses(store, { now: () => 0 });
    await cached.put(A, ADDRESS);
    expect(await cached.get(A)).toEqual(ADDRESS);
    await cached.put(A, { ...ADDRESS, serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    expect((await cached.get(A))?.serviceUrl).toBe('https://smba.trafficmanager.net/emea/');
    await cached.delete(A);
    expect(await cached.get(A)).toBeUndefined();
    expect(store.addresses.size).toBe(0);
  });
});
