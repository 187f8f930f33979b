import {
  type CompiledEventPattern,
  type CompiledField,
  compileEventPattern,
  isObject,
  pathRoutes,
  presentValue,
} from './compile';
import { canonicalIpOf } from './ip-address';
import type { ValidateEventPatternOptions } from './validate';

/**
 * Matching one event against many patterns (one per subscription) without
 * trying them all. Each pattern is filed under one required exact-string or
 * prefix leaf per sub-rule (for pipewatch, usually `detail.pipeline`), chosen
 * as the least shared one among the patterns seen so far; an event looks up
 * only the values it has at the indexed paths, and the few candidates found are
 * verified with the full matcher. Patterns with no such leaf (for example only
 * `anything-but` or `numeric`) are kept in a scan list and always verified.
 * The index is thus exact: `match(e)` is the set of patterns that match `e`.
 */

export interface EventPatternMatch<T> {
  readonly id: string;
  readonly value: T;
}

interface Entry<T> {
  readonly id: string;
  readonly seq: number;
  readonly value: T;
  readonly compiled: CompiledEventPattern;
  /** Per sub-rule, the fields that can index it; empty for a sub-rule that cannot be indexed. */
  readonly candidates: readonly (readonly IndexableField[])[];
  /** Where the entry is filed now (undefined: in the scan list). */
  filed: readonly IndexKey[] | undefined;
}

interface IndexKey {
  readonly path: string;
  readonly kind: 'exact' | 'prefix';
  readonly value: string;
}

interface IndexableField {
  readonly path: string;
  readonly segments: readonly string[];
  readonly keys: readonly IndexKey[];
}

type Bucket<T> = Set<Entry<T>>;

interface PathIndex<T> {
  readonly routes: readonly (readonly string[])[];
  readonly segmentCount: number;
  readonly exact: Map<string, Bucket<T>>;
  /** Prefix buckets by prefix length: an event value is looked up once per distinct length. */
  readonly prefixes: Map<number, Map<string, Bucket<T>>>;
  registrations: number;
}

/** A prefix bucket is hit by every value that starts with it; weigh it as less selective than an exact one. */
const PREFIX_WEIGHT = 2;
/** Re-choose every entry's keys when the index has doubled since the last choice (amortised O(1) per add). */
const MIN_REBUILD_SIZE = 32;

/** The keys a field can be indexed by, or undefined when some match of the field would not be found by them. */
function indexableField(field: CompiledField): IndexableField | undefined {
  if (field.leaf.allowsAbsent || field.conditions.length === 0) return undefined;
  const keys: IndexKey[] = [];
  for (const condition of field.conditions) {
    if (condition.kind === 'exact' && typeof condition.value === 'string' && !canonicalIpOf(condition.value)) {
      keys.push({ path: field.path, kind: 'exact', value: condition.value });
    } else if (condition.kind === 'prefix' && !condition.ignoreCase) {
      keys.push({ path: field.path, kind: 'prefix', value: condition.value });
    } else {
      return undefined;
    }
  }
  return { path: field.path, segments: field.segments, keys };
}

function statKey(key: IndexKey): string {
  return `${key.kind}\u0000${key.path}\u0000${key.value}`;
}

/** Calls `visit` with each string leaf the event has at the path (all spellings, all array elements). */
function forEachString(
  value: unknown,
  routes: readonly (readonly string[])[],
  at: number,
  segmentCount: number,
  visit: (text: string) => void,
): void {
  // Explicit stack: event arrays may nest arbitrarily deep.
  const stack: { value: unknown; at: number }[] = [{ value, at }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const current = item.value;
    if (Array.isArray(current)) {
      for (const element of current) stack.push({ value: element, at: item.at });
    } else if (item.at === segmentCount) {
      if (typeof current === 'string') visit(current);
    } else if (isObject(current)) {
      const row = routes[item.at] ?? [];
      for (let j = 0; j < row.length; j++) {
        const next = presentValue(current, row[j] ?? '');
        if (next !== undefined) stack.push({ value: next, at: item.at + j + 1 });
      }
    }
  }
}

export class EventPatternIndex<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #paths = new Map<string, PathIndex<T>>();
  readonly #scan = new Set<Entry<T>>();
  /** How many entries could be filed under each key: the selectivity estimate. */
  readonly #keyUse = new Map<string, number>();
  readonly #options: ValidateEventPatternOptions | undefined;
  #seq = 0;
  #sizeAtLastChoice = 0;

  constructor(options?: ValidateEventPatternOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** Adds (or replaces) a pattern. Throws InvalidEventPatternError, leaving the index unchanged, if it is invalid. */
  add(id: string, pattern: unknown, value: T): void {
    const compiled = compileEventPattern(pattern, this.#options);
    this.remove(id);
    const candidates = compiled.subRules.map((rule) =>
      rule.fields.map(indexableField).filter((field): field is IndexableField => field !== undefined),
    );
    const entry: Entry<T> = { id, seq: this.#seq++, value, compiled, candidates, filed: undefined };
    for (const fields of candidates) for (const field of fields) for (const key of field.keys) this.#countKey(key, 1);
    this.#entries.set(id, entry);
    this.#file(entry);
    if (this.#entries.size >= Math.max(MIN_REBUILD_SIZE, 2 * this.#sizeAtLastChoice)) this.#refile();
  }

  /** Removes a pattern; returns whether it was there. */
  remove(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    this.#unfile(entry);
    for (const fields of entry.candidates)
      for (const field of fields) for (const key of field.keys) this.#countKey(key, -1);
    this.#entries.delete(id);
    return true;
  }

  /** The values of the patterns that match `event`, in the order they were added. */
  match(event: unknown): T[] {
    return this.matchEntries(event).map((match) => match.value);
  }

  /** The ids and values of the patterns that match `event`, in the order they were added. */
  matchEntries(event: unknown): EventPatternMatch<T>[] {
    const candidates = new Set<Entry<T>>(this.#scan);
    for (const index of this.#paths.values()) {
      forEachString(event, index.routes, 0, index.segmentCount, (text) => {
        const exact = index.exact.get(text);
        if (exact) for (const entry of exact) candidates.add(entry);
        for (const [length, buckets] of index.prefixes) {
          if (text.length < length) continue;
          const bucket = buckets.get(length === text.length ? text : text.slice(0, length));
          if (bucket) for (const entry of bucket) candidates.add(entry);
        }
      });
    }
    const matched: Entry<T>[] = [];
    for (const entry of candidates) if (entry.compiled.matches(event)) matched.push(entry);
    matched.sort((a, b) => a.seq - b.seq);
    return matched.map((entry) => ({ id: entry.id, value: entry.value }));
  }

  #countKey(key: IndexKey, delta: number): void {
    const stat = statKey(key);
    const count = (this.#keyUse.get(stat) ?? 0) + delta;
    if (count <= 0) this.#keyUse.delete(stat);
    else this.#keyUse.set(stat, count);
  }

  #cost(field: IndexableField): number {
    let cost = 0;
    for (const key of field.keys) {
      // An empty prefix is hit by every string: never worth indexing on.
      if (key.kind === 'prefix' && key.value === '') return Number.POSITIVE_INFINITY;
      cost += (this.#keyUse.get(statKey(key)) ?? 1) * (key.kind === 'prefix' ? PREFIX_WEIGHT : 1);
    }
    return cost;
  }

  /** Files the entry under the cheapest field of each sub-rule, or in the scan list if a sub-rule has none. */
  #file(entry: Entry<T>): void {
    const keys: IndexKey[] = [];
    for (const fields of entry.candidates) {
      let best: IndexableField | undefined;
      let bestCost = Number.POSITIVE_INFINITY;
      for (const field of fields) {
        const cost = this.#cost(field);
        if (cost < bestCost) {
          best = field;
          bestCost = cost;
        }
      }
      if (!best) {
        entry.filed = undefined;
        this.#scan.add(entry);
        return;
      }
      keys.push(...best.keys);
    }
    entry.filed = keys;
    for (const key of keys) {
      const index = this.#pathIndex(key.path, entry);
      index.registrations++;
      const buckets = key.kind === 'exact' ? index.exact : this.#prefixBuckets(index, key.value.length);
      let bucket = buckets.get(key.value);
      if (!bucket) {
        bucket = new Set();
        buckets.set(key.value, bucket);
      }
      bucket.add(entry);
    }
  }

  #unfile(entry: Entry<T>): void {
    const keys = entry.filed;
    entry.filed = undefined;
    if (!keys) {
      this.#scan.delete(entry);
      return;
    }
    for (const key of keys) {
      const index = this.#paths.get(key.path);
      if (!index) continue;
      const buckets = key.kind === 'exact' ? index.exact : index.prefixes.get(key.value.length);
      const bucket = buckets?.get(key.value);
      if (bucket?.delete(entry)) {
        index.registrations--;
        if (bucket.size === 0) buckets?.delete(key.value);
        if (key.kind === 'prefix' && buckets?.size === 0) index.prefixes.delete(key.value.length);
      }
      if (index.registrations === 0) this.#paths.delete(key.path);
    }
  }

  #pathIndex(path: string, entry: Entry<T>): PathIndex<T> {
    let index = this.#paths.get(path);
    if (!index) {
      const segments = entry.candidates.flat().find((field) => field.path === path)?.segments ?? path.split('.');
      index = {
        routes: pathRoutes(segments),
        segmentCount: segments.length,
        exact: new Map(),
        prefixes: new Map(),
        registrations: 0,
      };
      this.#paths.set(path, index);
    }
    return index;
  }

  #prefixBuckets(index: PathIndex<T>, length: number): Map<string, Bucket<T>> {
    let buckets = index.prefixes.get(length);
    if (!buckets) {
      buckets = new Map();
      index.prefixes.set(length, buckets);
    }
    return buckets;
  }

  /** Re-chooses every entry's keys with what is now known about how shared each key is. */
  #refile(): void {
    for (const entry of this.#entries.values()) this.#unfile(entry);
    for (const entry of this.#entries.values()) this.#file(entry);
    this.#sizeAtLastChoice = this.#entries.size;
  }
}
