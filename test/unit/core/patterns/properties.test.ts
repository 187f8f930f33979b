import fc from 'fast-check';
import {
  compileEventPattern,
  EventPatternIndex,
  InvalidEventPatternError,
  matchesEventPattern,
  validateEventPattern,
} from '../../../../src/core/patterns';
import { eventArb, leafConditionArb, patternArb } from './arbitraries';

function onlyInvalidPatternErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof InvalidEventPatternError)) throw error;
  }
}

describe('validateEventPattern on arbitrary input', () => {
  test('returns or throws InvalidEventPatternError, for any value', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true }),
        (value) => {
          onlyInvalidPatternErrors(() => validateEventPattern(value));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('returns or throws InvalidEventPatternError, for any JSON and its text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        onlyInvalidPatternErrors(() => validateEventPattern(value));
        onlyInvalidPatternErrors(() => validateEventPattern(JSON.stringify(value)));
      }),
      { numRuns: 2000 },
    );
  });

  test('returns or throws InvalidEventPatternError, for pattern-shaped objects with any operands', () => {
    const operator = fc.constantFrom(
      'prefix',
      'suffix',
      'anything-but',
      'numeric',
      'exists',
      'cidr',
      'wildcard',
      'equals-ignore-case',
      'Exists',
    );
    const expression = fc.dictionary(operator, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 2 });
    const pattern = fc.dictionary(
      fc.constantFrom('a', 'b', '$or', 'a.b'),
      fc.oneof(fc.array(fc.oneof(expression, leafConditionArb, fc.jsonValue({ maxDepth: 1 }))), fc.jsonValue()),
    );
    fc.assert(
      fc.property(pattern, (value) => {
        onlyInvalidPatternErrors(() => validateEventPattern(value));
      }),
      { numRuns: 3000 },
    );
  });

  test('generated patterns are valid and round-trip through JSON text', () => {
    fc.assert(
      fc.property(patternArb, (pattern) => {
        expect(validateEventPattern(JSON.stringify(pattern), { maxLength: Number.POSITIVE_INFINITY })).toEqual(pattern);
      }),
    );
  });
});

describe('matching arbitrary events', () => {
  const options = { maxLength: Number.POSITIVE_INFINITY };

  test('never throws for a valid pattern', () => {
    fc.assert(
      fc.property(patternArb, fc.anything({ withBigInt: true, withNullPrototype: true }), (pattern, event) => {
        const result = matchesEventPattern(pattern, event, options);
        expect(typeof result).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  test('is the same for the JSON text of the pattern and for the pattern value', () => {
    fc.assert(
      fc.property(patternArb, eventArb, (pattern, event) => {
        expect(matchesEventPattern(JSON.stringify(pattern), event, options)).toBe(
          matchesEventPattern(pattern, event, options),
        );
      }),
    );
  });

  test('a pattern spelled with dotted keys matches like its nested spelling', () => {
    fc.assert(
      fc.property(eventArb, fc.array(leafConditionArb, { minLength: 1, maxLength: 3 }), (event, leaf) => {
        const nested = compileEventPattern({ detail: { pipeline: { a: leaf } } });
        const dotted = compileEventPattern({ 'detail.pipeline.a': leaf });
        expect(dotted.matches(event)).toBe(nested.matches(event));
      }),
    );
  });
});

describe('EventPatternIndex agrees with brute force', () => {
  test('for any set of patterns and events, with removals', () => {
    fc.assert(
      fc.property(
        fc.array(patternArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(eventArb, { minLength: 1, maxLength: 20 }),
        (patterns, removals, events) => {
          // Prepare
          const index = new EventPatternIndex<number>({ maxLength: Number.POSITIVE_INFINITY });
          const live = new Map<string, number>();
          patterns.forEach((pattern, i) => {
            index.add(`p${i}`, pattern, i);
            live.set(`p${i}`, i);
          });
          for (const removal of removals) {
            const id = `p${removal % patterns.length}`;
            expect(index.remove(id)).toBe(live.delete(id));
          }
          expect(index.size).toBe(live.size);

          for (const event of events) {
            // Act
            const fromIndex = index.match(event);
            // Assess
            const bruteForce = [...live.values()].filter((i) =>
              matchesEventPattern(patterns[i], event, { maxLength: Number.POSITIVE_INFINITY }),
            );
            expect(fromIndex).toEqual(bruteForce);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('EventPatternIndex fast paths agree with brute force', () => {
  // Patterns of plain strings and prefixes (what the index files and checks by residual), many sharing fields,
  // against events whose values at those paths are plain, in arrays, behind arrays, or spelled with dotted keys.
  const word = fc.constantFrom('x', 'y', 'xy', 'api-x', 'FAILED', '10.0.0.1');
  const leaf = fc.array(
    fc.oneof(
      word,
      word,
      word.map((value) => ({ prefix: value })),
    ),
    { minLength: 1, maxLength: 2 },
  );
  const simplePattern = fc.oneof(
    fc.record({ source: leaf, detail: fc.record({ pipeline: leaf, state: leaf }, { requiredKeys: ['pipeline'] }) }),
    fc.record({ 'detail.pipeline': leaf, source: leaf }, { requiredKeys: ['detail.pipeline'] }),
    fc
      .tuple(leaf, leaf, leaf)
      .map(([a, b, c]) => ({ source: a, $or: [{ detail: { pipeline: b } }, { detail: { state: c } }] })),
  );
  const value = fc.oneof(word, fc.array(word, { maxLength: 3 }), fc.constant(null), fc.constant({}));
  const detail = fc.record({ pipeline: value, state: value }, { requiredKeys: [] });
  const simpleEvent = fc.oneof(
    fc.record({ source: value, detail }),
    fc.record({ source: value, detail: fc.array(detail, { maxLength: 2 }) }),
    fc.record({ source: value, 'detail.pipeline': value, detail }, { requiredKeys: ['detail.pipeline'] }),
  );

  test('for many patterns sharing fields, with removals', () => {
    fc.assert(
      fc.property(
        fc.array(simplePattern, { minLength: 1, maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(simpleEvent, { minLength: 1, maxLength: 20 }),
        (patterns, removals, events) => {
          const index = new EventPatternIndex<number>();
          const live = new Map<string, number>();
          patterns.forEach((pattern, i) => {
            index.add(`p${i}`, pattern, i);
            live.set(`p${i}`, i);
          });
          for (const removal of removals) live.delete(`p${removal % patterns.length}`);
          for (const removal of removals) index.remove(`p${removal % patterns.length}`);
          for (const event of events) {
            const bruteForce = [...live.values()].filter((i) => matchesEventPattern(patterns[i], event));
            expect(index.match(event)).toEqual(bruteForce);
            expect(index.matchEntries(event).map((m) => m.value)).toEqual(bruteForce);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
