// (adapter helper) a per-container cache of asynchronous reads: shared in flight, kept for a TTL, failures forgotten

interface Entry<V> {
  /** The request in flight or its result: concurrent callers share it. */
  readonly value: Promise<V>;
  readonly fetchedAt: number;
}

/**
 * Values read from AWS (secrets, pipeline names, stage orders) kept for the life of a warm
 * container with a TTL. Concurrent first calls share one request. A failed read is not kept, so
 * the next call asks again; expired entries are dropped when a new one is added, so the map holds
 * what one TTL's worth of calls asked for.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K, fetch: (key: K) => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached !== undefined && this.fresh(cached)) return cached.value;
    for (const [other, entry] of this.entries) if (!this.fresh(entry)) this.entries.delete(other);
    const entry: Entry<V> = { value: fetch(key), fetchedAt: this.now() };
    this.entries.set(key, entry);
    // Forget a failure (only if it is still the current entry), so the next call asks again.
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  /** Forgets one key: the next call asks again. */
  forget(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private fresh(entry: Entry<V>): boolean {
    return this.now() - entry.fetchedAt < this.ttlMs;
  }
}
