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
 */

export interface EventPatternMatch<T> {
  readonly id: string;
  readonly value: T;
}

/** A field as the verification plan checks it; one object per distinct (path, conditions) in the index. */
interface PlanField {
  /** A number unique among the index's plan fields: residuals are interned by their fields' ids. */
  readonly id: number;
  readonly slot: PathSlot;
  readonly leaf: CompiledLeaf;
  /** The one plain string the field accepts, when that is all it accepts: compared inline, no call. */
  readonly only: string | undefined;
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
  readonly group: Group<T>;
}

/**
 * The entries whose patterns are the same JSON. Subscriptions repeat (several
 * channels follow one pipeline), so the index files and verifies each distinct
 * pattern once and answers for all its entries.
 */
interface Group<T> {
  readonly key: string;
  readonly compiled: CompiledEventPattern;
  /**
   * The sub-rules' fields in one flat array, sub-rules separated by `null`: the
   * event matches when every field of one sub-rule holds. Flat, because with
   * thousands of patterns verification costs memory fetches, not arithmetic.
   */
  readonly plan: readonly (PlanField | null)[];
  /** Per sub-rule, the fields that can index it; empty for a sub-rule that cannot be indexed. */
  readonly candidates: readonly (readonly IndexableField[])[];
  /**
   * For a pattern of one sub-rule, the fields other than the one it is filed
   * under: a candidate found by a plain (unambiguous) lookup of that field's
   * value already satisfies it, so only these are checked. Interned, so the
   * thousands of patterns that differ only in the filed field (the pipeline
   * name) share one, evaluated once per event.
   */
  residual: Residual | undefined;
  /** The entries with this pattern (usually one or a few, so an array). */
  members: Entry<T>[];
  /** The members' seqs and values interleaved (`[seq, value, seq, value, ...]`): what a match collects, in one array. */
  hits: unknown[];
  /** Where the group is filed now (undefined: in the scan list). */
  filed: readonly IndexKey[] | undefined;
  /** The match() call that last collected this group, so each candidate is verified once. */
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
  readonly path: string;
  readonly segments: readonly string[];
  readonly keys: readonly IndexKey[];
}

/**
 * The groups filed under one key, with each group's residual alongside: a
 * candidate whose residual fails (the common case) is rejected without
 * touching the group itself. Unordered (results are sorted by seq).
 */
class Bucket<T> {
  readonly groups: Group<T>[] = [];
  readonly residuals: (Residual | undefined)[] = [];

  get size(): number {
    return this.groups.length;
  }

  add(group: Group<T>): void {
    this.groups.push(group);
    this.residuals.push(group.residual);
  }

  delete(group: Group<T>): boolean {
    const at = this.groups.indexOf(group);
    if (at === -1) return false;
    const last = this.groups.length - 1;
    this.groups[at] = this.groups[last] as Group<T>;
    this.residuals[at] = this.residuals[last];
    this.groups.pop();
    this.residuals.pop();
    return true;
  }
}

/** What match() collects: the matching members' seqs and values (and entries, for matchEntries), in parallel. */
interface Hits<T> {
  readonly seqs: number[];
  readonly values: T[];
  readonly entries: Entry<T>[];
  /** Where each collected group's members start: each such run is already in seq order. */
  readonly runs: number[];
  withEntries: boolean;
}

function collect<T>(group: Group<T>, hits: Hits<T>): void {
  const data = group.hits;
  const { seqs, values } = hits;
  hits.runs.push(seqs.length);
  for (let i = 0; i < data.length; i += 2) {
    seqs.push(data[i] as number);
    values.push(data[i + 1] as T);
  }
  if (hits.withEntries) for (const entry of group.members) hits.entries.push(entry);
}

/** Sorts the hits by seq (insertion order of the patterns), keeping the parallel arrays aligned. */
function sortHits<T>(hits: Hits<T>): void {
  const { seqs, values, entries, withEntries, runs } = hits;
  const n = seqs.length;
  if (runs.length <= 1) return;
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const seq = seqs[i] as number;
      if ((seqs[i - 1] as number) <= seq) continue;
      const value = values[i] as T;
      const entry = entries[i];
      let j = i - 1;
      while (j >= 0 && (seqs[j] as number) > seq) {
        seqs[j + 1] = seqs[j] as number;
        values[j + 1] = values[j] as T;
        if (withEntries) entries[j + 1] = entries[j] as Entry<T>;
        j--;
      }
      seqs[j + 1] = seq;
      values[j + 1] = value;
      if (withEntries) entries[j + 1] = entry as Entry<T>;
    }
    return;
  }
  // Many hits: merge the sorted runs pairwise, O(n log runs).
  let bounds = [...runs, n];
  const tmpSeqs = seqs.slice();
  const tmpValues = values.slice();
  const tmpEntries = entries.slice();
  while (bounds.length > 2) {
    const next: number[] = [];
    for (let r = 0; r < bounds.length - 1; r += 2) {
      const lo = bounds[r] as number;
      const mid = bounds[r + 1] as number;
      next.push(lo);
      if (r + 2 >= bounds.length) break;
      const hi = bounds[r + 2] as number;
      for (let k = lo; k < hi; k++) {
        tmpSeqs[k] = seqs[k] as number;
        tmpValues[k] = values[k] as T;
        if (withEntries) tmpEntries[k] = entries[k] as Entry<T>;
      }
      let a = lo;
      let b = mid;
      for (let k = lo; k < hi; k++) {
        const fromA = b >= hi || (a < mid && (tmpSeqs[a] as number) <= (tmpSeqs[b] as number));
        const from = fromA ? a++ : b++;
        seqs[k] = tmpSeqs[from] as number;
        values[k] = tmpValues[from] as T;
        if (withEntries) entries[k] = tmpEntries[from] as Entry<T>;
      }
    }
    next.push(n);
    bounds = next;
  }
}

interface PathIndex<T> {
  readonly slot: PathSlot;
  readonly exact: Map<string, Bucket<T>>;
  /** Prefix buckets by prefix length: an event value is looked up once per distinct length. */
  readonly prefixes: Map<number, Map<string, Bucket<T>>>;
  /** The same as an array, for iteration without allocating on every event. */
  prefixList: readonly { readonly length: number; readonly buckets: Map<string, Bucket<T>> }[];
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
  return { field: planField, path: field.path, segments: field.segments, keys };
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
  while (position < field.segments.length) {
    if (Array.isArray(current)) return AMBIGUOUS;
    if (!isObject(current)) return NONE;
    const row = field.routes[position] ?? [];
    let next: unknown;
    let step = 0;
    for (let j = 0; j < row.length; j++) {
      const candidate = presentValue(current, row[j] ?? '');
      if (candidate === undefined) continue;
      if (next !== undefined) return AMBIGUOUS;
      next = candidate;
      step = j + 1;
    }
    if (next === undefined) return NONE;
    current = next;
    position += step;
  }
  if (!Array.isArray(current)) return isObject(current) ? NONE : current;
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

function verify<T>(group: Group<T>, event: unknown, round: number): boolean {
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
      if (!field) result = false;
    }
    residual.result = result;
    residual.round = round;
  }
  return residual.result;
}

/** Verifies a candidate once per event with its full plan and collects its members when it matches. */
function consider<T>(group: Group<T>, event: unknown, round: number, hits: Hits<T>): void {
  if (group.seen === round) return;
  group.seen = round;
  if (verify(group, event, round)) collect(group, hits);
}

/**
 * The candidates of a bucket. `proven`: the bucket was found by an unambiguous
 * value at its path, so a group with a residual needs only that checked.
 */
function considerAll<T>(bucket: Bucket<T>, event: unknown, round: number, hits: Hits<T>, proven: boolean): void {
  const { groups, residuals } = bucket;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] as Group<T>;
    const residual = residuals[i];
    if (!proven || residual === undefined) {
      consider(group, event, round, hits);
      continue;
    }
    const result = residualResult(residual, event, round);
    if (result === false || group.seen === round) continue;
    group.seen = round;
    if (result === true || group.compiled.matches(event)) collect(group, hits);
  }
}

/** The candidates filed under one string the event has at the index's path. */
function lookUp<T>(
  index: PathIndex<T>,
  text: string,
  event: unknown,
  round: number,
  hits: Hits<T>,
  proven: boolean,
): void {
  const exact = index.exact.get(text);
  if (exact) considerAll(exact, event, round, hits, proven);
  const { prefixList } = index;
  for (let i = 0; i < prefixList.length; i++) {
    const { length, buckets } = prefixList[i] as { readonly length: number; readonly buckets: Map<string, Bucket<T>> };
    if (text.length < length) continue;
    const bucket = buckets.get(length === text.length ? text : text.slice(0, length));
    if (bucket) considerAll(bucket, event, round, hits, proven);
  }
}

export class EventPatternIndex<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #groups = new Map<string, Group<T>>();
  readonly #paths = new Map<string, PathIndex<T>>();
  /** The path indexes as an array, for iteration without allocating on every event. */
  #pathList: readonly PathIndex<T>[] = [];
  readonly #scan = new Set<Group<T>>();
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
  readonly #hits: Hits<T> = { seqs: [], values: [], entries: [], runs: [], withEntries: false };
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
    const key = JSON.stringify(compiled.pattern);
    let group = this.#groups.get(key);
    if (!group) {
      group = {
        key,
        compiled,
        plan: compiled.subRules.flatMap((rule, i) => [
          ...(i === 0 ? [] : [null]),
          ...rule.fields.map((field) => this.#intern(field)),
        ]),
        candidates: compiled.subRules.map((rule) => {
          const fields: IndexableField[] = [];
          for (const field of rule.fields) {
            const indexable = indexableField(field, this.#intern(field));
            if (indexable) fields.push(indexable);
          }
          return fields;
        }),
        residual: undefined,
        members: [],
        hits: [],
        filed: undefined,
        seen: 0,
      };
      this.#groups.set(key, group);
      this.#countKeys(group, 1);
      this.#file(group);
    }
    const entry: Entry<T> = { id, seq: this.#seq++, value, group };
    group.members.push(entry);
    group.hits.push(entry.seq, value);
    this.#entries.set(id, entry);
    if (this.#groups.size >= Math.max(MIN_REBUILD_SIZE, 2 * this.#groupsAtLastChoice)) this.#refile();
  }

  /** Removes a pattern; returns whether it was there. */
  remove(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    this.#entries.delete(id);
    const { group } = entry;
    group.members = group.members.filter((member) => member !== entry);
    group.hits = group.members.flatMap((member) => [member.seq, member.value]);
    if (group.members.length === 0) {
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
    const hits = this.#matching(event, false);
    const out = hits.values.slice();
    this.#clearHits();
    return out;
  }

  /** The ids and values of the patterns that match `event`, in the order they were added. */
  matchEntries(event: unknown): EventPatternMatch<T>[] {
    const hits = this.#matching(event, true);
    const out = hits.entries.map((entry) => ({ id: entry.id, value: entry.value }));
    this.#clearHits();
    return out;
  }

  #clearHits(): void {
    const hits = this.#hits;
    hits.seqs.length = 0;
    hits.values.length = 0;
    hits.entries.length = 0;
    hits.runs.length = 0;
  }

  /** The matching members, sorted, in the reused scratch arrays (the caller copies and clears them). */
  #matching(event: unknown, withEntries: boolean): Hits<T> {
    const round = ++this.#round;
    const hits = this.#hits;
    this.#clearHits();
    hits.withEntries = withEntries;
    if (this.#scan.size > 0) for (const group of this.#scan) consider(group, event, round, hits);
    const pathList = this.#pathList;
    for (let p = 0; p < pathList.length; p++) {
      const index = pathList[p] as PathIndex<T>;
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
    if (hits.seqs.length > 1) sortHits(hits);
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
        round: 0,
        result: false,
      };
      this.#planFields.set(key, interned);
    }
    this.#planByField.set(field, interned);
    return interned;
  }

  #countKeys(group: Group<T>, delta: number): void {
    for (const fields of group.candidates) {
      for (const field of fields) {
        for (const key of field.keys) {
          const stat = key.stat;
          const count = (this.#keyUse.get(stat) ?? 0) + delta;
          if (count <= 0) this.#keyUse.delete(stat);
          else this.#keyUse.set(stat, count);
        }
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

  /** Files the group under the cheapest field of each sub-rule, or in the scan list if a sub-rule has none. */
  #file(group: Group<T>): void {
    const keys: IndexKey[] = [];
    for (const fields of group.candidates) {
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
        group.filed = undefined;
        group.residual = undefined;
        this.#scan.add(group);
        return;
      }
      keys.push(...best.keys);
      if (group.candidates.length === 1) {
        const chosen = best.field;
        group.residual = this.#residual(group.plan.filter((field): field is PlanField => field !== chosen));
      } else {
        group.residual = undefined;
      }
    }
    group.filed = keys;
    for (const key of keys) {
      const index = this.#pathIndex(key.path, group);
      index.registrations++;
      const buckets = key.kind === 'exact' ? index.exact : this.#prefixBuckets(index, key.value.length);
      let bucket = buckets.get(key.value);
      if (!bucket) {
        bucket = new Bucket();
        buckets.set(key.value, bucket);
      }
      bucket.add(group);
    }
  }

  #unfile(group: Group<T>): void {
    const keys = group.filed;
    group.filed = undefined;
    if (!keys) {
      this.#scan.delete(group);
      return;
    }
    for (const key of keys) {
      const index = this.#paths.get(key.path);
      if (!index) continue;
      const buckets = key.kind === 'exact' ? index.exact : index.prefixes.get(key.value.length);
      const bucket = buckets?.get(key.value);
      if (bucket?.delete(group)) {
        index.registrations--;
        if (bucket.size === 0) buckets?.delete(key.value);
        if (key.kind === 'prefix' && buckets?.size === 0) {
          index.prefixes.delete(key.value.length);
          index.prefixList = index.prefixList.filter((entry) => entry.length !== key.value.length);
        }
      }
      if (index.registrations === 0 && this.#paths.delete(key.path)) this.#pathList = [...this.#paths.values()];
    }
  }

  #pathIndex(path: string, group: Group<T>): PathIndex<T> {
    let index = this.#paths.get(path);
    if (!index) {
      const segments = group.candidates.flat().find((field) => field.path === path)?.segments ?? path.split('.');
      index = {
        slot: this.#slot(path, segments),
        exact: new Map(),
        prefixes: new Map(),
        prefixList: [],
        registrations: 0,
      };
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

  #prefixBuckets(index: PathIndex<T>, length: number): Map<string, Bucket<T>> {
    let buckets = index.prefixes.get(length);
    if (!buckets) {
      buckets = new Map();
      index.prefixes.set(length, buckets);
      index.prefixList = [...index.prefixList, { length, buckets }];
    }
    return buckets;
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
