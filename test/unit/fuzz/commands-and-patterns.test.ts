import fc from 'fast-check';
import { InvalidCommandError, parseCommand } from '../../../src/core/commands';
import { PipewatchError } from '../../../src/core/errors';
import { compileEventPattern, InvalidEventPatternError, validateEventPattern } from '../../../src/core/patterns';
import { InvalidSubscriptionError } from '../../../src/core/subscriptions';
import { eventArb, leafConditionArb, patternArb } from '../core/patterns/arbitraries';
import { FUZZ_SEED, runsFor, timeoutFor } from './fuzz-config';

/**
 * Commands through parseCommand: only InvalidCommandError (or InvalidSubscriptionError) may
 * come out, and never one that wraps a crash (its cause is a PipewatchError or nothing).
 * Patterns through the validator: only InvalidEventPatternError; a pattern it accepts
 * compiles and matches any event without throwing.
 */

const ODD_STRINGS = ['', '\ud800', 'a\udc00', '__proto__', 'constructor', 'toString', '*', '**', '…', '"', "'"];

/** Operands that once crashed, or could: objects whose String() throws, prototype keys, deep values. */
const oddOperandArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    { toString: 1 },
    { valueOf: 1, toString: 'x' },
    { __proto__: null },
    { constructor: 1 },
    [],
    [[]],
    null,
    true,
    Number.POSITIVE_INFINITY,
    -0,
    5e9,
    5.000001e9,
    '\ud800',
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A leaf condition gone wrong: a valid operator with an odd operand, or an odd operator. */
const oddConditionArb: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'prefix',
        'suffix',
        'equals-ignore-case',
        'wildcard',
        'numeric',
        'exists',
        'cidr',
        'anything-but',
        '__proto__',
        'constructor',
        'toString',
      ),
      oddOperandArb,
    )
    .map(([operator, operand]) => withOwn({}, operator, operand)),
  fc
    .tuple(fc.constantFrom('>', '>=', '<', '<=', '=', '==', ''), oddOperandArb, oddOperandArb, oddOperandArb)
    .chain(([operator, a, b, c]) =>
      fc.constantFrom(
        { numeric: [operator, a] },
        { numeric: [operator, 0, b] },
        { numeric: [operator, 0, b, c] },
        { numeric: ['>', 0, '<', c] },
        { numeric: ['>', 0, b, 10] },
      ),
    ),
  fc.constantFrom<unknown>(
    { numeric: ['>', 0, { toString: 1 }] },
    { 'anything-but': { prefix: { toString: 1 } } },
    { 'anything-but': { wildcard: [{ toString: 1 }] } },
    { prefix: { 'equals-ignore-case': { toString: 1 } } },
  ),
);

/** A member set as JSON.parse sets it: `__proto__` is an own key, not the prototype. */
function withOwn(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

function deepPattern(depth: number, viaOr: boolean): unknown {
  let node: Record<string, unknown> = { a: ['x'] };
  for (let i = 0; i < depth; i++) node = viaOr ? { $or: [node, { b: ['y'] }] } : { a: node };
  return node;
}

/** Valid patterns, each possibly broken in one place, and plain odd JSON. */
const fuzzPatternArb: fc.Arbitrary<unknown> = fc.oneof(
  patternArb,
  fc
    .tuple(patternArb, fc.constantFrom('a', 'source', 'detail', '$or', '__proto__', 'constructor', ''), oddConditionArb)
    .map(([pattern, key, condition]) => withOwn({ ...pattern }, key, [condition])),
  fc
    .tuple(patternArb, fc.constantFrom('$or', 'a', '__proto__'), oddOperandArb)
    .map(([pattern, key, value]) => withOwn({ ...pattern }, key, value)),
  fc.array(leafConditionArb).map((conditions) => ({ a: conditions })),
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(50, 64, 65, 500, 3_000).chain((depth) => fc.boolean().map((viaOr) => deepPattern(depth, viaOr))),
);

/** As a value or as JSON text (the text of a value may differ: `__proto__`, -0, huge numbers). */
const patternInputArb: fc.Arbitrary<unknown> = fc.oneof(
  fuzzPatternArb,
  fuzzPatternArb.map((pattern) => {
    try {
      return JSON.stringify(pattern) ?? 'null';
    } catch {
      return '{';
    }
  }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

function patternText(pattern: unknown): string {
  try {
    return JSON.stringify(pattern) ?? '';
  } catch {
    return '{';
  }
}

const wordArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'myPipeline',
    '*',
    'api-*',
    'a*b',
    'FAILED',
    'SUCCEEDED,FAILED',
    'all',
    'abc123',
    '--stage',
    '--stage=Build',
    '--action',
    '--category',
    '--category=Deploy,Build',
    '--level',
    '--level=pipeline,stage,action',
    '--level=nope',
    '--allow-missing',
    '--nope',
    '--',
    '-',
    '"quoted word"',
    '“typographic”',
    "'",
    'x'.repeat(200),
  ),
  fc.constantFrom(...ODD_STRINGS),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const commandTextArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'subscribe',
        'sub',
        'unsubscribe',
        'unsub',
        'list',
        'ls',
        'help',
        'status',
        'SUBSCRIBE',
        'subscrib',
      ),
      fc.array(wordArb, { maxLength: 6 }),
    )
    .map(([name, words]) => [name, ...words].join(' ')),
  fc
    .tuple(
      fc.constantFrom('subscribe', 'unsubscribe', 'sub'),
      fc.constantFrom('--pattern ', '--pattern=', '—pattern '),
      fuzzPatternArb,
    )
    .map(([name, flag, pattern]) => `${name} ${flag}${patternText(pattern)}`),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(...ODD_STRINGS),
);

describe('fuzz: commands and patterns', () => {
  const commandRuns = runsFor(2);
  it(
    `parseCommand throws only InvalidCommandError, never wrapping a crash (${commandRuns} commands)`,
    () => {
      fc.assert(
        fc.property(commandTextArb, (text) => {
          try {
            parseCommand(text);
          } catch (error) {
            if (!(error instanceof InvalidCommandError || error instanceof InvalidSubscriptionError)) throw error;
            // parseCommand turns any error into InvalidCommandError; a cause that is not ours was a crash.
            if (error.cause !== undefined && !(error.cause instanceof PipewatchError)) throw error.cause;
          }
        }),
        { seed: FUZZ_SEED, numRuns: commandRuns },
      );
    },
    timeoutFor(commandRuns, 5),
  );

  const patternRuns = runsFor(3);
  it(
    `the validator throws only InvalidEventPatternError; what it accepts compiles and matches (${patternRuns} patterns)`,
    () => {
      fc.assert(
        fc.property(patternInputArb, fc.array(eventArb, { maxLength: 3 }), (pattern, events) => {
          try {
            validateEventPattern(pattern);
          } catch (error) {
            if (error instanceof InvalidEventPatternError) return;
            throw error;
          }
          const compiled = compileEventPattern(pattern);
          for (const event of events) expect(typeof compiled.matches(event)).toBe('boolean');
        }),
        { seed: FUZZ_SEED, numRuns: patternRuns },
      );
    },
    timeoutFor(patternRuns, 5),
  );
});
