import fc from 'fast-check';
import { listFixtures, loadFixture } from '../../helpers/fixtures';

/**
 * Mutated CodePipeline events for the fuzz suite: every fixture, with fields deleted, nulled,
 * retyped, given lone surrogates, huge strings, deep nesting, odd links and prototype keys.
 */

export const EVENT_FIXTURES: readonly string[] = [
  ...listFixtures('codepipeline'),
  ...listFixtures('codepipeline/handmade'),
];

export const MUTATION_KINDS = [
  'delete',
  'null',
  'retype',
  'lone-surrogate',
  'inject-surrogate',
  'huge-string',
  'deep-nesting',
  'prototype-key',
  'odd-text',
  'odd-url',
  'valid-looking-name',
] as const;

export type MutationKind = (typeof MUTATION_KINDS)[number];

/** One change to an event: what, where (an index into the event's paths, or a path that matters), and a pick. */
export interface Mutation {
  readonly kind: MutationKind;
  /** Picks a path among the event's own (modulo their count), unless `target` names one. */
  readonly at: number;
  readonly target?: readonly string[];
  readonly pick: number;
}

/** Paths where a bad value once did harm, or could: names, ids, links, texts that reach a header. */
const TARGETS: readonly (readonly string[])[] = [
  ['detail', 'pipeline'],
  ['detail', 'execution-id'],
  ['detail', 'stage'],
  ['detail', 'action'],
  ['detail', 'state'],
  ['detail', 'region'],
  ['detail', 'type', 'category'],
  ['detail', 'type', 'provider'],
  ['detail', 'execution-result', 'external-execution-url'],
  ['detail', 'execution-result', 'external-execution-summary'],
  ['detail', 'execution-result', 'error-code'],
  ['detail', 'execution-trigger', 'trigger-detail'],
  ['detail', 'stop-execution-comments'],
  ['detail', 'pipeline-execution-attempt'],
  ['detail', 'start-time'],
  ['additionalAttributes', 'failedStage'],
  ['additionalAttributes', 'failedActions'],
  ['additionalAttributes', 'additionalInformation'],
  ['region'],
  ['account'],
  ['time'],
  ['id'],
  ['resources'],
  ['detail'],
];

const LONE_SURROGATES = ['\ud800', '\udfff', 'my\ud83dPipeline', '\udc00Build', 'a\ud800\ud800b', '\ud83d'];
const ODD_TEXTS = [
  '',
  ' ',
  '\u0000',
  'a\r\nb',
  '\u202eevil',
  '<!channel> *bold* _x_ ~y~ `z`',
  '&amp;&lt;&gt;',
  '[link](javascript:alert(1))',
  '👩‍👩‍👧‍👦🇫🇷',
  'e\u0301\u0301\u0301',
  '{{x}}',
  "it's",
  '$' + '{x}',
  'constructor',
  '__proto__',
  'toString',
  'x'.repeat(101),
  '99999999-9999-9999-9999-999999999999',
];
const ODD_URLS = [
  'https:/host',
  'https:host/x',
  'HTTPS://EXAMPLE.com/a/../b',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'data:text/html,<script>',
  ' https://example.com',
  'https://exa\ud800mple.com',
  'https://example.com/\udc00',
  'http://[::1',
  'https://',
  '//example.com/x',
  `https://example.com/${'a'.repeat(4000)}`,
  'https://user:pass@example.com/',
];
const RETYPED: readonly unknown[] = [0, -1, 1.5, 1e308, true, false, [], {}, '', 'x', [1, 'a', null], { a: 1 }, [[]]];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON'];
const PROTOTYPE_VALUES: readonly unknown[] = [{ polluted: true }, null, 1, 'x', [], { toString: 1 }, { valueOf: 'x' }];
const VALID_LOOKING_NAMES = ['a', 'A.b-c_d@e', 'x'.repeat(100), '0', '...', '@'];

export const mutationArb: fc.Arbitrary<Mutation> = fc.record(
  {
    // Huge strings cost the renderers ~100 ms an event: rarer, so a CI run stays short.
    kind: fc.oneof(
      { arbitrary: fc.constantFrom(...MUTATION_KINDS.filter((kind) => kind !== 'huge-string')), weight: 20 },
      { arbitrary: fc.constant('huge-string' as const), weight: 1 },
    ),
    at: fc.nat(),
    target: fc.constantFrom(...TARGETS),
    pick: fc.nat(),
  },
  { requiredKeys: ['kind', 'at', 'pick'] },
);

/** A fixture's name, up to 4 mutations, and whether it is handed over as JSON text. */
export interface MutatedEventCase {
  readonly fixture: string;
  readonly mutations: readonly Mutation[];
  readonly asText: boolean;
}

export const mutatedEventArb: fc.Arbitrary<MutatedEventCase> = fc.record({
  fixture: fc.constantFrom(...EVENT_FIXTURES),
  mutations: fc.array(mutationArb, { minLength: 0, maxLength: 4 }),
  asText: fc.boolean(),
});

/** The event of a case, as an object or as its JSON text (when JSON.stringify can write it). */
export function buildMutatedEvent(fuzzCase: MutatedEventCase): unknown {
  const event = structuredClone(loadFixture(fuzzCase.fixture)) as Record<string, unknown>;
  for (const mutation of fuzzCase.mutations) applyMutation(event, mutation);
  if (!fuzzCase.asText) return event;
  try {
    return JSON.stringify(event);
  } catch {
    return event;
  }
}

type Slot = { readonly parent: Record<string, unknown> | unknown[]; readonly key: string | number };

/** Every (container, key) of an event: where a mutation can act. */
function slotsOf(root: Record<string, unknown>): Slot[] {
  const slots: Slot[] = [];
  const stack: unknown[] = [root];
  const seen = new Set<unknown>();
  while (stack.length > 0 && slots.length < 2_000) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        slots.push({ parent: value, key: index });
        stack.push(item);
      });
    } else {
      for (const key of Object.keys(value)) {
        slots.push({ parent: value as Record<string, unknown>, key });
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return slots;
}

/** The slot a target path names, creating its parents as objects where they are missing. */
function targetSlot(root: Record<string, unknown>, path: readonly string[]): Slot | undefined {
  let parent: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(parent, key) ? parent[key] : undefined;
    if (next === undefined) {
      const created: Record<string, unknown> = {};
      parent[key] = created;
      parent = created;
    } else if (next !== null && typeof next === 'object' && !Array.isArray(next)) {
      parent = next as Record<string, unknown>;
    } else {
      return undefined;
    }
  }
  const last = path.at(-1);
  return last === undefined ? undefined : { parent, key: last };
}

function pick<T>(list: readonly T[], index: number): T {
  return list[index % list.length] as T;
}

/** Sets a member as JSON.parse would: `__proto__` becomes an own property, never the prototype. */
function setOwn(parent: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(parent, key, { value, writable: true, enumerable: true, configurable: true });
}

function deepValue(depth: number, arrays: boolean): unknown {
  let value: unknown = arrays ? [1] : { a: 1 };
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
}

export function applyMutation(root: Record<string, unknown>, mutation: Mutation): void {
  const slot =
    mutation.target !== undefined ? targetSlot(root, mutation.target) : (pick(slotsOf(root), mutation.at) ?? undefined);
  if (slot === undefined) return;
  const { parent, key } = slot;
  const current = (parent as Record<string | number, unknown>)[key];
  switch (mutation.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key as string];
      return;
    case 'null':
      setOwn(parent, key, null);
      return;
    case 'retype':
      setOwn(parent, key, structuredClone(pick(RETYPED, mutation.pick)));
      return;
    case 'lone-surrogate':
      setOwn(parent, key, pick(LONE_SURROGATES, mutation.pick));
      return;
    case 'inject-surrogate': {
      const text = typeof current === 'string' ? current : 'name';
      const at = mutation.pick % (text.length + 1);
      setOwn(parent, key, `${text.slice(0, at)}${pick(LONE_SURROGATES, mutation.at)}${text.slice(at)}`);
      return;
    }
    case 'huge-string':
      // 120,000 code units at most: past every chat limit, within EventBridge's 256 KB.
      setOwn(
        parent,
        key,
        pick(['x', '👍', '\ud800', '*_', 'a b\n'], mutation.pick).repeat(pick([3_000, 30_000], mutation.at)),
      );
      return;
    case 'deep-nesting':
      setOwn(parent, key, deepValue(pick([70, 500, 3_000], mutation.pick), mutation.at % 2 === 0));
      return;
    case 'prototype-key': {
      const holder =
        current !== null && typeof current === 'object' && !Array.isArray(current)
          ? (current as Record<string, unknown>)
          : Array.isArray(parent)
            ? undefined
            : parent;
      if (holder === undefined) return;
      setOwn(holder, pick(PROTOTYPE_KEYS, mutation.pick), structuredClone(pick(PROTOTYPE_VALUES, mutation.at)));
      return;
    }
    case 'odd-text':
      setOwn(parent, key, pick(ODD_TEXTS, mutation.pick));
      return;
    case 'odd-url':
      setOwn(parent, key, pick(ODD_URLS, mutation.pick));
      return;
    case 'valid-looking-name':
      setOwn(parent, key, pick(VALID_LOOKING_NAMES, mutation.pick));
      return;
  }
}
