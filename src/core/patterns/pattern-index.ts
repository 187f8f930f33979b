// (core) one event --> the matching patterns among many (one per rule), filed by an indexed leaf, then verified; exact
import {
  type CompiledEventPattern,
  type CompiledField,
  compileEventPattern,
  isObject,
  pathRoutes,
  presentValue,
} from './compile';
import { canonicalIpOf } from './ip-address';
import type { CompiledLeaf } from './leaf-test';
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
 *
 * Verification is memory-bound with thousands of patterns, so each entry keeps
 * a compact plan: its fields, interned across the index (the `source` and
 * `detail-type` fields of 10,000 subscriptions are a handful of shared, cached
 * objects), checked against the event's values per path, computed once per
 * event. Where an array or a dotted key along a path makes the plain check
 * ambiguous, the entry's full matcher decides.
 *
 * Memory: everything a pattern shares with others (its fields, the keys it can
 * be filed under, what remains to check once found) is interned, and the
 * arrays a pattern owns are allocated at their exact length (an array grown by
 * `push` reserves room for 16 more elements: with thousands of patterns that
 * doubled the index's heap).
 */

export interface EventPatternMatch<T> {
  readonly id: string;
  readonly value: T;
}

/** A field as the verification plan checks it; one object per distinct (path, conditions) in the index. */
interface PlanField {
  /** A number unique among the index's plan fields: groups and residuals are interned by their fields' ids. */
  readonly id: number;
  readonly slot: PathSlot;
  readonly leaf: CompiledLeaf;
  /** The one plain string the field accepts, when that is all it accepts: compared inline, no call. */
  readonly only: string | undefined;
  /** The keys the field can be filed under (shared by every pattern with the field), or undefined. */
  indexable: IndexableField | undefined;
  /**
   * The field's result for the event of match() call `round`: fields are shared
   * by many patterns, so each is evaluated once per event.
   */
  round: number;
  result: boolean | typeof AMBIGUOUS;
}

/**
 * The leaf values at a path, computed once per event: one primitive, an array
 * of several, NONE, or AMBIGUOUS. Leaf values are never objects, so frozen
 * objects serve as the markers.
 */
const NONE: object = Object.freeze({});
/** Marks a path whose values depend on which array element or key spelling is chosen. */
const AMBIGUOUS: object = Object.freeze({});
type PathValues = unknown;

/**
 * A path the index reads from events, one object per distinct path, shared by
 * the plan fields and the path index on it: its values are computed at most
 * once per event (stamped with the match() call's `round`), without a per-event
 * cache to clear.
 */
interface PathSlot {
  readonly path: string;
  readonly segments: readonly string[];
  readonly routes: readonly (readonly string[])[];
  round: number;
  values: PathValues;
}

function slotValues(slot: PathSlot, event: unknown, round: number): PathValues {
  if (slot.round !== round) {
    slot.values = valuesAt(event, slot);
    slot.round = round;
  }
  return slot.values;
}

interface Entry<T> {
  readonly id: string;
  readonly seq: number;
  readonly value: T;
  readonly group: Group;
}

/** Stride of Group.hits: seq, value, entry. */
const HIT = 3;

/**
 * The entries whose patterns have the same fields. Subscriptions repeat
 * (several channels follow one pipeline), so the index files and verifies each
 * distinct pattern once and answers for all its entries.
 */
interface Group {
  /** The plan's field ids: equal keys, equal sub-rules, the same matches. */
  readonly key: string;
  readonly compiled: CompiledEventPattern;
  /**
   * The sub-rules' fields in one flat array, sub-rules separated by `null`: the
   * event matches when every field of one sub-rule holds. Flat, because with
   * thousands of patterns verification costs memory fetches, not arithmetic.
   */
  readonly plan: readonly (PlanField | null)[];
  /**
   * For a pattern of one sub-rule, the fields other than the one it is filed
   * under: a candidate found by a plain (unambiguous) lookup of that field's
   * value already satisfies it, so only these are checked. Interned, so the
   * thousands of patterns that differ only in the filed field (the pipeline
   * name) share one, evaluated once per event.
   */
  residual: Residual | undefined;
  /**
   * The members' seqs, values and entries interleaved (`[seq, value, entry, ...]`),
   * in seq order: what a match collects, in one array. Changed in place, as
   * the buckets refer to it.
   */
  readonly hits: unknown[];
  /** Where the group is filed now (undefined: in the scan list). */
  filed: readonly IndexKey[] | undefined;
  /** The match() call that last verified this group in full, so each candidate is verified once. */
  seen: number;
}

/** Fields that must all hold, with their conjunction cached per match() call. */
interface Residual {
  readonly fields: readonly PlanField[];
  round: number;
  result: boolean | typeof AMBIGUOUS;
}

interface IndexKey {
  readonly path: string;
  readonly kind: 'exact' | 'prefix';
  readonly value: string;
  /** The key's name in the selectivity statistics (kind, path and value). */
  readonly stat: string;
}

interface IndexableField {
  readonly field: PlanField;
  readonly keys: readonly IndexKey[];
}

/**
 * The groups filed under one key, as triples `[residual, hits, group, ...]`:
 * a candidate whose residual fails (the common case) is rejected, and one
 * whose residual holds is collected, without touching the group itself.
 * Unordered (results are sorted by seq).
 */
type Bucket = unknown[];
/** Stride of a Bucket. */
const CANDIDATE = 3;

/** Arrays shorter than this are copied to grow or shrink (exact length); longer ones use push and pop. */
const SMALL = 16;

function appended<V>(array: V[], ...items: V[]): V[] {
  if (array.length >= SMALL) {
    array.push(...items);
    return array;
  }
  return array.concat(items);
}

/**
 * What match() collects: the `hits` arrays of the matching groups (each in seq
 * order), in a reused scratch array; nothing is copied until the answer is
 * gathered.
 */
interface Hits {
  readonly runs: (readonly unknown[])[];
  count: number;
  /** Scratch for merging: each run's next member. */
  readonly positions: number[];
}

function collect(data: readonly unknown[], hits: Hits): void {
  hits.runs[hits.count++] = data;
}

/** Up to this many runs are merged by picking the smallest head (O(members x runs)); more are sorted. */
const MERGE_RUNS = 16;

/**
 * The collected members in seq order (the order the patterns were added),
 * without repeats (a group found under two keys the event has is collected
 * twice): per member, its value (`offset` 1) or entry (2).
 */
function gather(hits: Hits, offset: number): unknown[] {
  const { runs, count } = hits;
  const out: unknown[] = [];
  if (count === 1) {
    const data = runs[0] as readonly unknown[];
    for (let i = offset; i < data.length; i += HIT) out.push(data[i]);
    return out;
  }
  if (count > MERGE_RUNS) return sortedMembers(hits, offset);
  const { positions } = hits;
  for (let r = 0; r < count; r++) positions[r] = 0;
  let last = -1;
  for (;;) {
    let best = -1;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (let r = 0; r < count; r++) {
      const data = runs[r] as readonly unknown[];
      const at = positions[r] as number;
      if (at < data.length && (data[at] as number) < bestSeq) {
        bestSeq = data[at] as number;
        best = r;
      }
    }
    if (best === -1) return out;
    const at = positions[best] as number;
    positions[best] = at + HIT;
    if (bestSeq === last) continue;
    last = bestSeq;
    out.push((runs[best] as readonly unknown[])[at + offset]);
  }
}

/** gather() for many runs: all members sorted by seq. */
function sortedMembers(hits: Hits, offset: number): unknown[] {
  const seqs: number[] = [];
  const items: unknown[] = [];
  for (let r = 0; r < hits.count; r++) {
    const data = hits.runs[r] as readonly unknown[];
    for (let i = 0; i < data.length; i += HIT) {
      seqs.push(data[i] as number);
      items.push(data[i + offset]);
    }
  }
  const order = seqs.map((_, i) => i).sort((a, b) => (seqs[a] as number) - (seqs[b] as number));
  const out: unknown[] = [];
  let last = -1;
  for (const i of order) {
    if (seqs[i] === last) continue;
    last = seqs[i] as number;
    out.push(items[i]);
  }
  return out;
}

/**
 * The prefix buckets of a path as a tree of characters: an event value walks
 * it once, meeting every bucket whose prefix it starts with, without slicing.
 */
interface PrefixNode {
  bucket: Bucket | undefined;
  next: Map<number, PrefixNode> | undefined;
}

interface PathIndex {
  readonly slot: PathSlot;
  readonly exact: Map<string, Bucket>;
  prefixes: PrefixNode | undefined;
  registrations: number;
}

/** A prefix bucket is hit by every value that starts with it; weigh it as less selective than an exact one. */
const PREFIX_WEIGHT = 2;
/** Re-choose every entry's keys when the index has doubled since the last choice (amortised O(1) per add). */
const MIN_REBUILD_SIZE = 32;

/** The keys a field can be indexed by, or undefined when some match of the field would not be found by them. */
function indexableField(field: CompiledField, planField: PlanField): IndexableField | undefined {
  if (field.leaf.allowsAbsent || field.conditions.length === 0) return undefined;
  const keys: IndexKey[] = [];
  for (const condition of field.conditions) {
    if (condition.kind === 'exact' && typeof condition.value === 'string' && !canonicalIpOf(condition.value)) {
      keys.push({
        path: field.path,
        kind: 'exact',
        value: condition.value,
        stat: `exact\u0000${field.path}\u0000${condition.value}`,
      });
    } else if (condition.kind === 'prefix' && !condition.ignoreCase) {
      keys.push({
        path: field.path,
        kind: 'prefix',
        value: condition.value,
        stat: `prefix\u0000${field.path}\u0000${condition.value}`,
      });
    } else {
      return undefined;
    }
  }
  return { field: planField, keys: keys.slice() };
}

/**
 * Appends to `out` each string leaf the event has at the path (all spellings,
 * all array elements). Recursion follows the path's few segments; arrays are
 * walked with an explicit stack, as events may nest them arbitrarily deep.
 */
function collectStrings(
  value: unknown,
  routes: readonly (readonly string[])[],
  at: number,
  segmentCount: number,
  out: string[],
): void {
  if (Array.isArray(value)) {
    const stack: unknown[] = [value];
    while (stack.length > 0) {
      const item = stack.pop();
      if (Array.isArray(item)) stack.push(...item);
      else if (item !== undefined) collectStrings(item, routes, at, segmentCount, out);
    }
    return;
  }
  if (at === segmentCount) {
    if (typeof value === 'string') out.push(value);
    return;
  }
  if (!isObject(value)) return;
  const row = routes[at] ?? [];
  for (let j = 0; j < row.length; j++) {
    const next = presentValue(value, row[j] ?? '');
    if (next !== undefined) collectStrings(next, routes, at + j + 1, segmentCount, out);
  }
}

/**
 * The leaf values the event has at a path, or AMBIGUOUS when an array lies
 * above the leaf (the same-element rule applies), an array at the leaf holds an
 * object, or two spellings (`a` and `a.b`) both exist: the full matcher decides
 * those. Otherwise the plain check below is exactly the full matcher's answer.
 */
function valuesAt(value: unknown, field: PathSlot): PathValues {
  let current = value;
  let position = 0;
  const { segments, routes } = field;
  while (position < segments.length) {
    // isObject and presentValue (compile.ts), written out: this runs for every indexed path of every event.
    if (typeof current !== 'object' || current === null) return NONE;
    if (Array.isArray(current)) return AMBIGUOUS;
    const object = current as Readonly<Record<string, unknown>>;
    const row = routes[position] as readonly string[];
    let next: unknown;
    let step = 0;
    for (let j = 0; j < row.length; j++) {
      const key = row[j] as string;
      const candidate = object[key];
      if (candidate === undefined || !Object.hasOwn(object, key)) continue;
      if (next !== undefined) return AMBIGUOUS;
      next = candidate;
      step = j + 1;
    }
    if (next === undefined) return NONE;
    current = next;
    position += step;
  }
  if (typeof current !== 'object' || current === null) return current;
  if (!Array.isArray(current)) return NONE;
  const out: unknown[] = [];
  const stack: unknown[] = [current];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i]);
    } else if (isObject(item)) {
      return AMBIGUOUS;
    } else if (item !== undefined) {
      out.push(item);
    }
  }
  return out.length === 0 ? NONE : out;
}

function fieldHolds(field: PlanField, values: PathValues): boolean {
  if (values === NONE) return field.leaf.allowsAbsent;
  if (Array.isArray(values))
    return field.only !== undefined ? values.includes(field.only) : values.some(field.leaf.test);
  return field.only !== undefined ? values === field.only : field.leaf.test(values);
}

function verify(group: Group, event: unknown, round: number): boolean {
  const { plan } = group;
  let holds = true;
  for (let i = 0; i < plan.length; i++) {
    const field = plan[i];
    if (field === null || field === undefined) {
      // End of a sub-rule.
      if (holds) return true;
      holds = true;
      continue;
    }
    if (!holds) continue;
    const result = fieldResult(field, event, round);
    if (result === AMBIGUOUS) return group.compiled.matches(event);
    if (!result) holds = false;
  }
  return holds;
}

function fieldResult(field: PlanField, event: unknown, round: number): boolean | typeof AMBIGUOUS {
  if (field.round !== round) {
    const values = slotValues(field.slot, event, round);
    field.result = values === AMBIGUOUS ? AMBIGUOUS : fieldHolds(field, values);
    field.round = round;
  }
  return field.result;
}

function residualResult(residual: Residual, event: unknown, round: number): boolean | typeof AMBIGUOUS {
  if (residual.round !== round) {
    let result: boolean | typeof AMBIGUOUS = true;
    const { fields } = residual;
    for (let i = 0; i < fields.length; i++) {
      const field = fieldResult(fields[i] as PlanField, event, round);
      if (field === AMBIGUOUS) {
        result = AMBIGUOUS;
        break;
      }
      if (!field) {
        // As in verify(): a field that plainly fails fails the conjunction.
        result = false;
        break;
      }
    }
    residual.result = result;
    residual.round = round;
  }
  return residual.result;
}

/** Verifies a candidate once per event with its full plan and collects its members when it matches. */
function consider(group: Group, event: unknown, round: number, hits: Hits): void {
  if (group.seen === round) return;
  group.seen = round;
  if (verify(group, event, round)) collect(group.hits, hits);
}

/**
 * The candidates of a bucket. `proven`: the bucket was found by an unambiguous
 * value at its path, so a group with a residual needs only that checked (a
 * group collected twice this way is dropped as a repeat by sortHits).
 */
function considerAll(bucket: Bucket, event: unknown, round: number, hits: Hits, proven: boolean): void {
  for (let i = 0; i < bucket.length; i += CANDIDATE) {
    const residual = bucket[i] as Residual | undefined;
    if (!proven || residual === undefined) {
      consider(bucket[i + 2] as Group, event, round, hits);
      continue;
    }
    const result = residual.round === round ? residual.result : residualResult(residual, event, round);
    if (result === true) {
      collect(bucket[i + 1] as unknown[], hits);
    } else if (result !== false) {
      const group = bucket[i + 2] as Group;
      if (group.seen === round) continue;
      group.seen = round;
      if (group.compiled.matches(event)) collect(group.hits, hits);
    }
  }
}

/** The candidates filed under one string the event has at the index's path. */
function lookUp(index: PathIndex, text: string, event: unknown, round: number, hits: Hits, proven: boolean): void {
  const exact = index.exact.get(text);
  if (exact !== undefined) considerAll(exact, event, round, hits, proven);
  let node = index.prefixes;
  for (let i = 0; node !== undefined; i++) {
    if (node.bucket !== undefined) considerAll(node.bucket, event, round, hits, proven);
    if (node.next === undefined || i >= text.length) break;
    node = node.next.get(text.charCodeAt(i));
  }
}

/** The node of a prefix, created with the nodes on the way. */
function prefixNode(root: PrefixNode, prefix: string): PrefixNode {
  let node = root;
  for (let i = 0; i < prefix.length; i++) {
    const code = prefix.charCodeAt(i);
    node.next ??= new Map();
    let next = node.next.get(code);
    if (next === undefined) {
      next = { bucket: undefined, next: undefined };
      node.next.set(code, next);
    }
    node = next;
  }
  return node;
}

/** Removes the group from the prefix's bucket, pruning emptied nodes; whether it was there. */
function unfilePrefix(root: PrefixNode, prefix: string, group: object): boolean {
  const path: PrefixNode[] = [root];
  let node: PrefixNode | undefined = root;
  for (let i = 0; i < prefix.length && node !== undefined; i++) {
    node = node.next?.get(prefix.charCodeAt(i));
    if (node !== undefined) path.push(node);
  }
  if (node === undefined || node.bucket === undefined) return false;
  const bucket = without(node.bucket, group);
  if (bucket === undefined) return false;
  node.bucket = bucket.length === 0 ? undefined : bucket;
  for (let i = path.length - 1; i > 0; i--) {
    const child = path[i] as PrefixNode;
    if (child.bucket !== undefined || (child.next !== undefined && child.next.size > 0)) break;
    const parent = path[i - 1] as PrefixNode;
    parent.next?.delete(prefix.charCodeAt(i - 1));
    if (parent.next?.size === 0) parent.next = undefined;
  }
  return true;
}

/** The bucket without the group (a new array, or the same one shortened), or undefined when it was not there. */
function without(bucket: Bucket, group: object): Bucket | undefined {
  let at = -1;
  for (let i = 2; i < bucket.length; i += CANDIDATE) {
    if (bucket[i] === group) {
      at = i - 2;
      break;
    }
  }
  if (at === -1) return undefined;
  if (bucket.length <= SMALL) return bucket.slice(0, at).concat(bucket.slice(at + CANDIDATE));
  const last = bucket.length - CANDIDATE;
  for (let k = 0; k < CANDIDATE; k++) bucket[at + k] = bucket[last + k];
  bucket.length = last;
  return bucket;
}

export class EventPatternIndex<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #groups = new Map<string, Group>();
  readonly #paths = new Map<string, PathIndex>();
  /** The path indexes as an array, for iteration without allocating on every event. */
  #pathList: readonly PathIndex[] = [];
  readonly #scan = new Set<Group>();
  /** How many groups could be filed under each key: the selectivity estimate. */
  readonly #keyUse = new Map<string, number>();
  /** Interned plan fields. Grows with the distinct fields ever added; cleared when the index is emptied. */
  readonly #planFields = new Map<string, PlanField>();
  readonly #planByField = new Map<CompiledField, PlanField>();
  readonly #options: ValidateEventPatternOptions | undefined;
  /** Interned path slots, one per distinct path of the plan fields and path indexes. */
  readonly #slots = new Map<string, PathSlot>();
  /** Interned residuals (see Group.residual), by their fields' ids; cleared with the plan fields. */
  readonly #residuals = new Map<string, Residual>();
  /** Scratch arrays, reused across calls: matching is synchronous. */
  readonly #texts: string[] = [];
  readonly #hits: Hits = { runs: [], count: 0, positions: [] };
  #seq = 0;
  #round = 0;
  #groupsAtLastChoice = 0;

  constructor(options?: ValidateEventPatternOptions) {
    this.#options = options;
  }

  /** The number of patterns (ids) in the index. */
  get size(): number {
    return this.#entries.size;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /**
   * How the patterns are filed: the number of distinct patterns, per indexed
   * path the number of registrations, and how many distinct patterns are scanned.
   */
  layout(): { readonly distinct: number; readonly scanned: number; readonly paths: Readonly<Record<string, number>> } {
    const paths: Record<string, number> = {};
    for (const [path, index] of this.#paths) paths[path] = index.registrations;
    return { distinct: this.#groups.size, scanned: this.#scan.size, paths };
  }

  /** Adds (or replaces) a pattern. Throws InvalidEventPatternError, leaving the index unchanged, if it is invalid. */
  add(id: string, pattern: unknown, value: T): void {
    const compiled = compileEventPattern(pattern, this.#options);
    this.remove(id);
    const planFields: (PlanField | null)[] = [];
    compiled.subRules.forEach((rule, i) => {
      if (i > 0) planFields.push(null);
      for (const field of rule.fields) planFields.push(this.#intern(field));
    });
    const key = planFields.map((field) => (field === null ? '|' : field.id)).join(',');
    const seq = this.#seq++;
    let group = this.#groups.get(key);
    let entry: Entry<T>;
    if (group) {
      entry = { id, seq, value, group };
      group.hits.push(seq, value, entry);
    } else {
      // A literal: the usual one-member group's array at its exact length.
      const hits: unknown[] = [seq, value, undefined];
      group = { key, compiled, plan: planFields.slice(), residual: undefined, hits, filed: undefined, seen: 0 };
      entry = { id, seq, value, group };
      hits[2] = entry;
      this.#groups.set(key, group);
      this.#countKeys(group, 1);
      this.#file(group);
    }
    this.#entries.set(id, entry);
    if (this.#groups.size >= Math.max(MIN_REBUILD_SIZE, 2 * this.#groupsAtLastChoice)) this.#refile();
  }

  /** Removes a pattern; returns whether it was there. */
  remove(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    this.#entries.delete(id);
    const { group } = entry;
    const { hits } = group;
    for (let i = 2; i < hits.length; i += HIT) {
      if (hits[i] === entry) {
        hits.splice(i - 2, HIT);
        break;
      }
    }
    if (hits.length === 0) {
      this.#unfile(group);
      this.#countKeys(group, -1);
      this.#groups.delete(group.key);
      if (this.#groups.size === 0) {
        this.#planFields.clear();
        this.#planByField.clear();
        this.#slots.clear();
        this.#residuals.clear();
      }
    }
    return true;
  }

  /** The values of the patterns that match `event`, in the order they were added. */
  match(event: unknown): T[] {
    const hits = this.#matching(event);
    return hits.count === 0 ? [] : (gather(hits, 1) as T[]);
  }

  /** The ids and values of the patterns that match `event`, in the order they were added. */
  matchEntries(event: unknown): EventPatternMatch<T>[] {
    const hits = this.#matching(event);
    if (hits.count === 0) return [];
    return (gather(hits, 2) as Entry<T>[]).map((entry) => ({ id: entry.id, value: entry.value }));
  }

  /** The matching groups' members, in the reused scratch array (valid until the next call). */
  #matching(event: unknown): Hits {
    const round = ++this.#round;
    const hits = this.#hits;
    hits.count = 0;
    if (this.#scan.size > 0) for (const group of this.#scan) consider(group, event, round, hits);
    const pathList = this.#pathList;
    for (let p = 0; p < pathList.length; p++) {
      const index = pathList[p] as PathIndex;
      const values = slotValues(index.slot, event, round);
      if (typeof values === 'string') {
        lookUp(index, values, event, round, hits, true);
      } else if (values === AMBIGUOUS) {
        // Arrays above the leaf or several spellings: every string the event has there.
        const texts = this.#texts;
        texts.length = 0;
        collectStrings(event, index.slot.routes, 0, index.slot.segments.length, texts);
        for (let t = 0; t < texts.length; t++) lookUp(index, texts[t] as string, event, round, hits, false);
        texts.length = 0;
      } else if (Array.isArray(values)) {
        for (let t = 0; t < values.length; t++) {
          const text = values[t];
          if (typeof text === 'string') lookUp(index, text, event, round, hits, true);
        }
      }
    }
    return hits;
  }

  #intern(field: CompiledField): PlanField {
    // Compiled fields are shared between patterns (see compile.ts): most are found by identity.
    const known = this.#planByField.get(field);
    if (known) return known;
    const key = `${field.path}\u0000${JSON.stringify(field.conditions)}`;
    let interned = this.#planFields.get(key);
    if (!interned) {
      const [first] = field.conditions;
      const only =
        field.conditions.length === 1 &&
        first?.kind === 'exact' &&
        typeof first.value === 'string' &&
        canonicalIpOf(first.value) === undefined
          ? first.value
          : undefined;
      interned = {
        id: this.#planFields.size,
        slot: this.#slot(field.path, field.segments),
        leaf: field.leaf,
        only,
        indexable: undefined,
        round: 0,
        result: false,
      };
      interned.indexable = indexableField(field, interned);
      this.#planFields.set(key, interned);
    }
    this.#planByField.set(field, interned);
    return interned;
  }

  #countKeys(group: Group, delta: number): void {
    for (const field of group.plan) {
      if (field?.indexable === undefined) continue;
      for (const key of field.indexable.keys) {
        const stat = key.stat;
        const count = (this.#keyUse.get(stat) ?? 0) + delta;
        if (count <= 0) this.#keyUse.delete(stat);
        else this.#keyUse.set(stat, count);
      }
    }
  }

  #cost(field: IndexableField): number {
    let cost = 0;
    for (const key of field.keys) {
      // An empty prefix is hit by every string: never worth indexing on.
      if (key.kind === 'prefix' && key.value === '') return Number.POSITIVE_INFINITY;
      cost += (this.#keyUse.get(key.stat) ?? 1) * (key.kind === 'prefix' ? PREFIX_WEIGHT : 1);
    }
    return cost;
  }

  /**
   * The cheapest field of the sub-rule starting at plan[from]; on a tie the one
   * with the longer path (`detail.pipeline` rather than `source`: deeper is
   * usually rarer when the index is too small to tell).
   */
  #bestField(plan: readonly (PlanField | null)[], from: number): IndexableField | undefined {
    let best: IndexableField | undefined;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let i = from; i < plan.length; i++) {
      const field = plan[i];
      if (field === null || field === undefined) break;
      if (field.indexable === undefined) continue;
      const cost = this.#cost(field.indexable);
      if (
        cost < bestCost ||
        (cost === bestCost && best !== undefined && field.slot.segments.length > best.field.slot.segments.length)
      ) {
        best = field.indexable;
        bestCost = cost;
      }
    }
    return best;
  }

  /** Files the group under the cheapest field of each sub-rule, or in the scan list if a sub-rule has none. */
  #file(group: Group): void {
    const { plan } = group;
    let keys: readonly IndexKey[] | undefined;
    let subRules = 0;
    for (let from = 0; from <= plan.length; from++) {
      if (from > 0 && plan[from - 1] !== null) continue;
      subRules++;
      const best = this.#bestField(plan, from);
      if (!best) {
        group.filed = undefined;
        group.residual = undefined;
        this.#scan.add(group);
        return;
      }
      keys = keys === undefined ? best.keys : keys.concat(best.keys);
      if (from === 0) {
        const chosen = best.field;
        group.residual = this.#residual(plan.filter((field): field is PlanField => field !== null && field !== chosen));
      }
    }
    if (subRules > 1) group.residual = undefined;
    group.filed = keys;
    for (const key of keys ?? []) {
      const index = this.#pathIndex(key.path, group);
      index.registrations++;
      const candidate = [group.residual, group.hits, group];
      if (key.kind === 'exact') {
        index.exact.set(key.value, appended(index.exact.get(key.value) ?? [], ...candidate));
      } else {
        index.prefixes ??= { bucket: undefined, next: undefined };
        const node = prefixNode(index.prefixes, key.value);
        node.bucket = appended(node.bucket ?? [], ...candidate);
      }
    }
  }

  #unfile(group: Group): void {
    const keys = group.filed;
    group.filed = undefined;
    if (!keys) {
      this.#scan.delete(group);
      return;
    }
    for (const key of keys) {
      const index = this.#paths.get(key.path);
      if (!index) continue;
      let removed = false;
      if (key.kind === 'exact') {
        const bucket = index.exact.get(key.value);
        const rest = bucket === undefined ? undefined : without(bucket, group);
        if (rest !== undefined) {
          removed = true;
          if (rest.length === 0) index.exact.delete(key.value);
          else index.exact.set(key.value, rest);
        }
      } else if (index.prefixes !== undefined) {
        removed = unfilePrefix(index.prefixes, key.value, group);
      }
      if (removed) index.registrations--;
      if (index.registrations === 0 && this.#paths.delete(key.path)) this.#pathList = [...this.#paths.values()];
    }
  }

  #pathIndex(path: string, group: Group): PathIndex {
    let index = this.#paths.get(path);
    if (!index) {
      const segments = group.plan.find((field) => field?.slot.path === path)?.slot.segments ?? path.split('.');
      index = { slot: this.#slot(path, segments), exact: new Map(), prefixes: undefined, registrations: 0 };
      this.#paths.set(path, index);
      this.#pathList = [...this.#paths.values()];
    }
    return index;
  }

  #residual(fields: readonly PlanField[]): Residual {
    const key = fields.map((field) => field.id).join(',');
    let residual = this.#residuals.get(key);
    if (!residual) {
      residual = { fields, round: 0, result: false };
      this.#residuals.set(key, residual);
    }
    return residual;
  }

  #slot(path: string, segments: readonly string[]): PathSlot {
    let slot = this.#slots.get(path);
    if (!slot) {
      slot = { path, segments, routes: pathRoutes(segments), round: 0, values: NONE };
      this.#slots.set(path, slot);
    }
    return slot;
  }

  /** Re-chooses every group's keys with what is now known about how shared each key is. */
  #refile(): void {
    // Empty every bucket at once (unfiling group by group would cost a search per group).
    this.#paths.clear();
    this.#pathList = [];
    this.#scan.clear();
    for (const group of this.#groups.values()) this.#file(group);
    this.#groupsAtLastChoice = this.#groups.size;
  }
}
