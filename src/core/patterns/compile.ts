// (core) a validated event pattern --> sub-rules per $or combination --> a matcher with EventBridge's matching semantics
import { type CompiledLeaf, compileLeaf } from './leaf-test';
import type { EventPattern, LeafCondition, PatternObjectNode } from './pattern-ast';
import { parseEventPattern, type ValidateEventPatternOptions } from './validate';

/**
 * Compiling and matching. A pattern is flattened into sub-rules (one per
 * combination of `$or` alternatives), each a list of fields with a dot-joined
 * path and a compiled leaf test. Matching walks the event along those paths
 * only, so its cost is bounded by the sizes of the pattern and the event.
 *
 * EventBridge semantics this preserves:
 * - a path may be spelled nested (`{"a":{"b":..}}`) or dotted (`"a.b"`) in the
 *   pattern, and nested or dotted in the event, in any mix;
 * - an array matches when one element does (nested arrays flatten), and the
 *   fields that go through one array must all be satisfied by the same element;
 * - `exists: false` (and only it) is satisfied where the path has no leaf value:
 *   a missing key, an empty array, or a key whose value is an object.
 */

/** A field of a sub-rule: a path and the test its leaf value must pass. */
export interface CompiledField {
  /** The dot-joined path, the key EventBridge matches on. */
  readonly path: string;
  readonly segments: readonly string[];
  /**
   * `routes[i][j]` is segments i..i+j joined with dots: the event keys that can
   * carry the path from segment i on (`detail`, `detail.type`, ...).
   */
  readonly routes: readonly (readonly string[])[];
  readonly leaf: CompiledLeaf;
  readonly conditions: readonly LeafCondition[];
}

/** A field and how many of its segments have been consumed on the way down the event. */
interface FieldCursor {
  readonly field: CompiledField;
  readonly at: number;
}

export interface SubRule {
  readonly fields: readonly CompiledField[];
  /**
   * The same fields as a tree of path segments: the allocation-free fast path.
   * Built on the first match: an EventPatternIndex verifies most candidates
   * without it, and ten thousand tries would double its heap.
   */
  trie: TrieNode | undefined;
}

/**
 * The fields of a sub-rule arranged by path segment. Where the event spells
 * every path with plain (undotted) keys, which is nearly always, matching
 * follows this tree without allocating; where it has a dotted key that could
 * carry one of the paths, it falls back to the general routing of cursors.
 */
interface TrieNode {
  /** Fields whose path ends here. */
  readonly ending: readonly CompiledField[];
  readonly children: readonly { readonly key: string; readonly node: TrieNode }[];
  /** Event keys spanning two or more segments from here (`type.category`); their presence needs the general walk. */
  readonly dottedKeys: readonly string[];
  /** Every field below or at this node. */
  readonly fields: readonly CompiledField[];
  readonly depth: number;
  /** `fields` positioned here, the general walk's input: built on first use (events with dotted keys or arrays). */
  cursors: readonly FieldCursor[] | undefined;
  /** Whether every field below or at this node accepts absence (`exists: false`). */
  readonly absentOk: boolean;
  /** Whether every field strictly below this node accepts absence. */
  readonly deeperAbsentOk: boolean;
}

const EMPTY_EVENT: Readonly<Record<string, unknown>> = Object.freeze({});

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** For each segment i, the event keys that can carry the path from i on: segments i..i+j joined with dots. */
export function pathRoutes(segments: readonly string[]): string[][] {
  return segments.map((_, i) => segments.slice(i).map((__, j) => segments.slice(i, i + j + 1).join('.')));
}

const NO_FIELDS: readonly CompiledField[] = Object.freeze([]);
const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_CHILDREN: readonly { readonly key: string; readonly node: TrieNode }[] = Object.freeze([]);

/**
 * Compiled patterns share what is equal between them: fields (path, routes and
 * leaf test) with the same path and plain-string conditions, and the trie nodes
 * of such a field alone. Ten thousand subscriptions to one event source hold
 * one `source` field, not ten thousand. The caches are bounded: when one is
 * full it is emptied, so later patterns stop sharing with earlier ones, but
 * nothing grows without limit in a long-running process.
 */
const CACHE_LIMIT = 20_000;
const sharedPaths = new Map<string, { readonly segments: readonly string[]; readonly routes: string[][] }>();
const sharedFields = new Map<string, CompiledField>();
const sharedLeafNodes = new WeakMap<CompiledField, TrieNode>();

function cacheSet<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** A key for conditions that are compared by their strings alone (the common case), else undefined: not shared. */
function conditionsKey(conditions: readonly LeafCondition[]): string | undefined {
  let key = '';
  for (const condition of conditions) {
    switch (condition.kind) {
      case 'exact':
        if (typeof condition.value !== 'string') return undefined;
        key += `e${condition.value.length}:${condition.value}`;
        break;
      case 'prefix':
      case 'suffix':
        key += `${condition.kind === 'prefix' ? 'p' : 's'}${condition.ignoreCase ? 'i' : ''}${condition.value.length}:${condition.value}`;
        break;
      case 'equals-ignore-case':
        key += `i${condition.value.length}:${condition.value}`;
        break;
      case 'exists':
        key += condition.exists ? 'x' : 'n';
        break;
      default:
        return undefined;
    }
  }
  return key;
}

function compileField(segments: readonly string[], conditions: readonly LeafCondition[]): CompiledField {
  const path = segments.join('.');
  const conditionKey = conditionsKey(conditions);
  const fieldKey = conditionKey === undefined ? undefined : `${path.length}:${path}${conditionKey}`;
  if (fieldKey !== undefined) {
    const shared = sharedFields.get(fieldKey);
    if (shared) return shared;
  }
  const route = sharedPaths.get(path) ?? cacheSet(sharedPaths, path, { segments, routes: pathRoutes(segments) });
  const field = { path, segments: route.segments, routes: route.routes, leaf: compileLeaf(conditions), conditions };
  return fieldKey === undefined ? field : cacheSet(sharedFields, fieldKey, field);
}

type FieldSpec = { readonly segments: readonly string[]; readonly conditions: readonly LeafCondition[] };

/** A sub-rule under construction: fields by dot-joined path, so a later definition of a path replaces an earlier one. */
type RuleSpec = Map<string, FieldSpec>;

function product(left: readonly RuleSpec[], right: readonly RuleSpec[]): RuleSpec[] {
  const out: RuleSpec[] = [];
  for (const a of left) {
    for (const b of right) {
      const merged = new Map(a);
      for (const [path, spec] of b) merged.set(path, spec);
      out.push(merged);
    }
  }
  return out;
}

/**
 * Expands `$or`s in document order: each result is one sub-rule's fields
 * (validation capped the count at 1000).
 */
function expand(node: PatternObjectNode, prefix: readonly string[]): RuleSpec[] {
  let rules: RuleSpec[] = [new Map()];
  const expandOr = (alternatives: readonly PatternObjectNode[]): void => {
    rules = product(
      rules,
      alternatives.flatMap((alternative) => expand(alternative, prefix)),
    );
  };
  node.fields.forEach((field, index) => {
    if (node.or && index === node.orPosition) expandOr(node.or);
    const segments = [...prefix, ...field.key.split('.')];
    if (field.kind === 'leaf') {
      const spec = { segments, conditions: field.conditions };
      for (const rule of rules) rule.set(segments.join('.'), spec);
    } else {
      rules = product(rules, expand(field.node, segments));
    }
  });
  if (node.or && (node.orPosition ?? node.fields.length) >= node.fields.length) expandOr(node.or);
  return rules;
}

/** A value with no leaf at a cursor's path: only `exists: false` fields are satisfied. */
function absentOk(cursor: FieldCursor): boolean {
  return cursor.field.leaf.allowsAbsent;
}

function satisfiesValue(value: unknown, cursors: readonly FieldCursor[]): boolean {
  if (Array.isArray(value)) return satisfiesArray(value, cursors);
  if (isObject(value)) {
    let deeper: FieldCursor[] | undefined;
    for (const cursor of cursors) {
      if (cursor.at === cursor.field.segments.length) {
        // The path ends on an object: no leaf value here.
        if (!absentOk(cursor)) return false;
      } else {
        deeper ??= [];
        deeper.push(cursor);
      }
    }
    return deeper === undefined || satisfiesObject(value, deeper);
  }
  for (const cursor of cursors) {
    if (cursor.at === cursor.field.segments.length) {
      if (!cursor.field.leaf.test(value)) return false;
    } else if (!absentOk(cursor)) {
      // The path continues below a scalar: absent.
      return false;
    }
  }
  return true;
}

/** One element (nested arrays flattened, iteratively) must satisfy every cursor. */
function satisfiesArray(array: readonly unknown[], cursors: readonly FieldCursor[]): boolean {
  let sawElement = false;
  const stack: (readonly unknown[])[] = [array];
  const positions: number[] = [0];
  while (stack.length > 0) {
    const top = stack.length - 1;
    const current = stack[top] ?? [];
    const index = positions[top] ?? 0;
    if (index >= current.length) {
      stack.pop();
      positions.pop();
      continue;
    }
    positions[top] = index + 1;
    const element = current[index];
    if (Array.isArray(element)) {
      stack.push(element);
      positions.push(0);
      continue;
    }
    if (element === undefined) continue;
    sawElement = true;
    if (satisfiesValue(element, cursors)) return true;
  }
  // An empty array holds no value at all.
  return !sawElement && cursors.every(absentOk);
}

export function presentValue(object: Readonly<Record<string, unknown>>, key: string): unknown {
  const value = object[key];
  return value !== undefined && Object.hasOwn(object, key) ? value : undefined;
}

/**
 * Routes each cursor through the event keys that carry its path. Usually each
 * path has at most one route here; when the event has both `a` and `a.b`, the
 * alternatives are tried (bounded by the number of such dotted keys).
 */
function satisfiesObject(object: Readonly<Record<string, unknown>>, cursors: readonly FieldCursor[]): boolean {
  const groupKeys: string[] = [];
  const groupCursors: FieldCursor[][] = [];
  let ambiguous: { cursor: FieldCursor; options: number[] }[] | undefined;
  for (const cursor of cursors) {
    const row = cursor.field.routes[cursor.at] ?? [];
    let only = -1;
    let options: number[] | undefined;
    for (let j = 0; j < row.length; j++) {
      if (presentValue(object, row[j] ?? '') === undefined) continue;
      if (only === -1) {
        only = j;
      } else {
        options ??= [only];
        options.push(j);
      }
    }
    if (options) {
      ambiguous ??= [];
      ambiguous.push({ cursor, options });
    } else if (only === -1) {
      if (!absentOk(cursor)) return false;
    } else {
      addToGroup(groupKeys, groupCursors, row[only] ?? '', { field: cursor.field, at: cursor.at + only + 1 });
    }
  }
  if (ambiguous === undefined) return satisfiesGroups(object, groupKeys, groupCursors);
  return tryRoutes(object, groupKeys, groupCursors, ambiguous, 0);
}

function addToGroup(keys: string[], groups: FieldCursor[][], key: string, cursor: FieldCursor): void {
  const index = keys.indexOf(key);
  if (index === -1) {
    keys.push(key);
    groups.push([cursor]);
  } else {
    groups[index]?.push(cursor);
  }
}

function satisfiesGroups(
  object: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  groups: readonly (readonly FieldCursor[])[],
): boolean {
  for (let g = 0; g < keys.length; g++) {
    if (!satisfiesValue(presentValue(object, keys[g] ?? ''), groups[g] ?? [])) return false;
  }
  return true;
}

function tryRoutes(
  object: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  groups: readonly (readonly FieldCursor[])[],
  ambiguous: readonly { cursor: FieldCursor; options: number[] }[],
  index: number,
): boolean {
  const choice = ambiguous[index];
  if (choice === undefined) return satisfiesGroups(object, keys, groups);
  const row = choice.cursor.field.routes[choice.cursor.at] ?? [];
  for (const j of choice.options) {
    const nextKeys = [...keys];
    const nextGroups = groups.map((group) => [...group]);
    addToGroup(nextKeys, nextGroups, row[j] ?? '', { field: choice.cursor.field, at: choice.cursor.at + j + 1 });
    if (tryRoutes(object, nextKeys, nextGroups, ambiguous, index + 1)) return true;
  }
  return false;
}

function buildTrie(fields: readonly CompiledField[], depth: number): TrieNode {
  const [single] = fields;
  if (fields.length === 1 && single !== undefined && single.segments.length === depth) {
    // A leaf node of one field: the same for every pattern holding the (shared) field.
    let node = sharedLeafNodes.get(single);
    if (!node) {
      node = newTrieNode(fields, depth);
      sharedLeafNodes.set(single, node);
    }
    return node;
  }
  return newTrieNode(fields, depth);
}

function newTrieNode(fields: readonly CompiledField[], depth: number): TrieNode {
  const ending = fields.filter((field) => field.segments.length === depth);
  const deeper = ending.length === fields.length ? NO_FIELDS : fields.filter((field) => field.segments.length > depth);
  const bySegment = new Map<string, CompiledField[]>();
  let dottedKeys: Set<string> | undefined;
  for (const field of deeper) {
    const segment = field.segments[depth] ?? '';
    const group = bySegment.get(segment) ?? [];
    group.push(field);
    bySegment.set(segment, group);
    const row = field.routes[depth] ?? NO_STRINGS;
    for (let j = 1; j < row.length; j++) {
      dottedKeys ??= new Set();
      dottedKeys.add(row[j] ?? '');
    }
  }
  return {
    ending: ending.length === 0 ? NO_FIELDS : ending,
    children:
      bySegment.size === 0
        ? NO_CHILDREN
        : [...bySegment].map(([key, group]) => ({ key, node: buildTrie(group, depth + 1) })),
    dottedKeys: dottedKeys === undefined ? NO_STRINGS : [...dottedKeys],
    fields,
    depth,
    cursors: undefined,
    absentOk: fields.every((field) => field.leaf.allowsAbsent),
    deeperAbsentOk: deeper.every((field) => field.leaf.allowsAbsent),
  };
}

function cursorsOf(node: TrieNode): readonly FieldCursor[] {
  node.cursors ??= node.fields.map((field) => ({ field, at: node.depth }));
  return node.cursors;
}

/** satisfiesValue(value, node.cursors), without allocating while the event has no dotted keys. */
function satisfiesTrieValue(value: unknown, node: TrieNode): boolean {
  if (Array.isArray(value)) return satisfiesArray(value, cursorsOf(node));
  if (isObject(value)) {
    for (const field of node.ending) if (!field.leaf.allowsAbsent) return false;
    return satisfiesTrieObject(value, node);
  }
  for (const field of node.ending) if (!field.leaf.test(value)) return false;
  return node.deeperAbsentOk;
}

function satisfiesTrieObject(object: Readonly<Record<string, unknown>>, node: TrieNode): boolean {
  for (const key of node.dottedKeys) {
    if (presentValue(object, key) !== undefined) {
      const deeper = cursorsOf(node).filter((cursor) => cursor.at < cursor.field.segments.length);
      return satisfiesObject(object, deeper);
    }
  }
  for (const child of node.children) {
    const value = presentValue(object, child.key);
    if (value === undefined ? !child.node.absentOk : !satisfiesTrieValue(value, child.node)) return false;
  }
  return true;
}

/** A validated pattern, ready to match many events. */
export class CompiledEventPattern {
  readonly pattern: EventPattern;
  /** The flattened sub-rules; an event matches when one of them does. Used by EventPatternIndex. */
  readonly subRules: readonly SubRule[];

  constructor(pattern: EventPattern, root: PatternObjectNode) {
    this.pattern = pattern;
    this.subRules = expand(root, []).map((specs) => {
      const fields = [...specs.values()].map((spec) => compileField(spec.segments, spec.conditions));
      const rule: SubRule = { fields, trie: undefined };
      return rule;
    });
  }

  /** Whether EventBridge would deliver `event` to a rule with this pattern. Never throws. */
  matches(event: unknown): boolean {
    const root = isObject(event) ? event : EMPTY_EVENT;
    for (const rule of this.subRules) {
      rule.trie ??= buildTrie(rule.fields, 0);
      if (satisfiesTrieObject(root, rule.trie)) return true;
    }
    return false;
  }
}

/** Validates once (throwing InvalidEventPatternError) and returns a reusable matcher. */
export function compileEventPattern(pattern: unknown, options?: ValidateEventPatternOptions): CompiledEventPattern {
  const parsed = parseEventPattern(pattern, options);
  return new CompiledEventPattern(parsed.pattern, parsed.root);
}

/** One-off convenience: validates `pattern` and matches `event` against it. */
export function matchesEventPattern(pattern: unknown, event: unknown, options?: ValidateEventPatternOptions): boolean {
  return compileEventPattern(pattern, options).matches(event);
}
