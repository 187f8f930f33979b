import fc from 'fast-check';

/**
 * Generators over a small vocabulary, so that generated patterns and events
 * collide often enough for matches (and near-misses) to be common.
 */

const KEYS = ['a', 'b', 'c', 'a.b', 'detail', 'pipeline'] as const;
const STRINGS = ['x', 'y', 'xy', 'api-x', 'X', '', '10.0.0.1', 'FAILED'] as const;
const NUMBERS = [0, 1, 2.5, -3, 300] as const;

const stringArb = fc.constantFrom(...STRINGS);
const numberArb = fc.constantFrom(...NUMBERS);

/** One alternative of a field's list, always valid. */
export const leafConditionArb: fc.Arbitrary<unknown> = fc.oneof(
  stringArb,
  numberArb,
  fc.constantFrom(null, true, false),
  stringArb.map((value) => ({ prefix: value })),
  stringArb.map((value) => ({ suffix: value })),
  stringArb.map((value) => ({ prefix: { 'equals-ignore-case': value } })),
  stringArb.map((value) => ({ 'equals-ignore-case': value })),
  fc.constantFrom('x*', '*y', 'x*y', '*', 'api-*').map((value) => ({ wildcard: value })),
  fc.constantFrom(['>', 0], ['<=', 2.5], ['>', -5, '<', 1], ['=', 300]).map((range) => ({ numeric: range })),
  fc.boolean().map((exists) => ({ exists })),
  fc.constantFrom('10.0.0.0/8', '0.0.0.0/0').map((block) => ({ cidr: block })),
  fc
    .oneof(
      stringArb,
      numberArb,
      fc.uniqueArray(stringArb, { minLength: 1, maxLength: 3 }),
      fc.constantFrom({ prefix: 'api-' }, { suffix: 'y' }, { wildcard: 'x*' }, { 'equals-ignore-case': ['x'] }),
    )
    .map((but) => ({ 'anything-but': but })),
);

const leafListArb = fc.array(leafConditionArb, { minLength: 1, maxLength: 3 });

/**
 * A valid event pattern (non-empty objects, non-empty lists, `$or` with at
 * least two alternatives), at most `depth` levels deep and with `$or` only near
 * the top, so that generated patterns stay the size of real ones.
 */
function objectArb(depth: number): fc.Arbitrary<Record<string, unknown>> {
  const value = depth > 0 ? fc.oneof(leafListArb, leafListArb, objectArb(depth - 1)) : leafListArb;
  const fields = fc.dictionary(fc.constantFrom(...KEYS), value, { minKeys: 1, maxKeys: 3 });
  if (depth < 2) return fields;
  const or = fc.option(fc.array(objectArb(depth - 2), { minLength: 2, maxLength: 3 }), { freq: 3 });
  return fc
    .tuple(fields, or)
    .map(([object, alternatives]) => (alternatives ? { ...object, $or: alternatives } : object));
}

export const patternArb: fc.Arbitrary<Record<string, unknown>> = objectArb(3);

/** An event built from the same vocabulary: objects, arrays, strings, numbers, null, booleans. */
export const eventArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{
  value: unknown;
  object: Record<string, unknown>;
}>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, withCrossShrink: true },
    stringArb,
    numberArb,
    fc.constantFrom(null, true, false),
    fc.array(tie('value'), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
})).object;
