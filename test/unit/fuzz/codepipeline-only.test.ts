import fc from 'fast-check';
import { compileEventPattern } from '../../../src/core/patterns';
import { CODEPIPELINE_SOURCE, InvalidSubscriptionError, restrictToCodePipeline } from '../../../src/core/subscriptions';
import { eventArb, leafConditionArb } from '../core/patterns/arbitraries';
import { FUZZ_SEED, runsFor, timeoutFor } from './fuzz-config';

/**
 * "CodePipeline events only" cannot be widened: whatever `--pattern` a person gives, a pattern
 * restrictToCodePipeline accepts never matches an event whose source is not aws.codepipeline,
 * by the matcher's own judgement. Patterns are generated with `source` at the top, in `$or`
 * branches (nested too), absent, dotted, nested, and with every operator.
 */

const SOURCES = [CODEPIPELINE_SOURCE, 'custom.app', 'aws.ec2', 'AWS.CODEPIPELINE', 'aws.codepipeline ', 'aws.', ''];

/** What a pattern may say of `source`: mostly the right thing, often something wider. */
const sourceConditionsArb: fc.Arbitrary<unknown[]> = fc.oneof(
  { arbitrary: fc.constant<unknown[]>([CODEPIPELINE_SOURCE]), weight: 4 },
  { arbitrary: fc.array(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 3 }), weight: 2 },
  {
    arbitrary: fc.array(
      fc.oneof(
        fc.constantFrom(...SOURCES),
        fc.constantFrom(...SOURCES).map((value) => ({ prefix: value || 'a' })),
        fc.constantFrom(...SOURCES).map((value) => ({ 'equals-ignore-case': value })),
        fc.constantFrom(...SOURCES).map((value) => ({ 'anything-but': value })),
        fc.constantFrom(...SOURCES).map((value) => ({ wildcard: `${value}*` })),
        fc.boolean().map((exists) => ({ exists })),
        leafConditionArb,
      ),
      { minLength: 1, maxLength: 2 },
    ),
    weight: 2,
  },
);

/** A field that is not `source`: the rest of a real pattern. */
const otherFieldArb = fc.record({
  key: fc.constantFrom('detail-type', 'detail', 'a', 'account'),
  conditions: fc.array(leafConditionArb, { minLength: 1, maxLength: 2 }),
});

/** How `source` is spelled at one level: not at all, a list, a nested object, a dotted key. */
const sourceMemberArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 3 },
  { arbitrary: sourceConditionsArb.map((conditions) => ({ source: conditions })), weight: 5 },
  { arbitrary: sourceConditionsArb.map((conditions) => ({ source: { x: conditions } })), weight: 1 },
  { arbitrary: sourceConditionsArb.map((conditions) => ({ 'source.x': conditions })), weight: 1 },
);

type PatternNode = Record<string, unknown>;

const nodeArb: fc.Memo<PatternNode> = fc.memo((depth) =>
  fc
    .tuple(
      sourceMemberArb,
      fc.array(otherFieldArb, { maxLength: 2 }),
      depth > 1
        ? fc.option(fc.array(nodeArb(depth - 1), { minLength: 2, maxLength: 3 }), { freq: 2 })
        : fc.constant(null),
      fc.boolean(),
    )
    .map(([source, fields, or, orFirst]) => {
      const node: PatternNode = {};
      // The order of `$or` and `source` matters: a later definition of a path wins in a sub-rule.
      if (or && orFirst) node.$or = or;
      for (const field of fields) node[field.key] = field.conditions;
      Object.assign(node, source);
      if (or && !orFirst) node.$or = or;
      return Object.keys(node).length === 0 ? { account: ['123456789012'] } : node;
    }),
);

/** Events of every source but CodePipeline's: other strings, and values no real event has. */
const foreignEventArb: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    eventArb,
    fc.oneof(
      fc.constantFrom<unknown>(...SOURCES.filter((source) => source !== CODEPIPELINE_SOURCE), undefined, null, 1, {}),
      fc.string(),
      fc.constantFrom(...SOURCES.filter((source) => source !== CODEPIPELINE_SOURCE)).map((source) => ({ x: source })),
    ),
  )
  .map(([event, source]) => {
    const { source: _dropped, ...rest } = event;
    return source === undefined ? rest : { ...rest, source };
  });

describe('fuzz: a --pattern subscription matches CodePipeline events only', () => {
  const runs = runsFor(3);
  it(
    `no accepted pattern matches an event of another source (${runs} patterns)`,
    () => {
      let accepted = 0;
      fc.assert(
        fc.property(nodeArb(3), fc.array(foreignEventArb, { minLength: 1, maxLength: 5 }), (pattern, events) => {
          let restricted: Record<string, unknown>;
          try {
            restricted = restrictToCodePipeline(JSON.stringify(pattern)).pattern;
          } catch (error) {
            if (error instanceof InvalidSubscriptionError) return;
            throw error;
          }
          accepted++;
          const matcher = compileEventPattern(restricted);
          for (const event of events) expect(matcher.matches(event)).toBe(false);
          // Still the person's pattern: for CodePipeline events, it matches what it matched before.
          const original = compileEventPattern(pattern);
          for (const event of events) {
            const asCodePipeline = { ...event, source: CODEPIPELINE_SOURCE };
            if (matcher.matches(asCodePipeline)) expect(original.matches(asCodePipeline)).toBe(true);
          }
        }),
        { seed: FUZZ_SEED, numRuns: runs },
      );
      // The generator must reach both sides, or the property proves nothing.
      expect(accepted).toBeGreaterThan(runs / 10);
      expect(accepted).toBeLessThan(runs);
    },
    timeoutFor(runs, 5),
  );

  it.each([
    [
      '$or branch naming another source',
      '{"source":["aws.codepipeline"],"$or":[{"source":["custom.app"]},{"a":["x"]}]}',
    ],
    [
      '$or before the top-level source',
      '{"$or":[{"source":["custom.app"]},{"a":["x"]}],"source":["aws.codepipeline"]}',
    ],
    ['nested $or', '{"source":["aws.codepipeline"],"$or":[{"$or":[{"source":["x"]},{"b":["y"]}]},{"a":["x"]}]}'],
    ['a second source', '{"source":["aws.codepipeline","custom.app"]}'],
    ['prefix', '{"source":[{"prefix":"aws.codepipeline"}]}'],
    ['anything-but', '{"source":[{"anything-but":"aws.ec2"}]}'],
    ['wildcard', '{"source":[{"wildcard":"aws.*"}]}'],
    ['exists', '{"source":[{"exists":true}]}'],
    ['equals-ignore-case', '{"source":[{"equals-ignore-case":"aws.codepipeline"}]}'],
    ['a nested source object', '{"source":{"x":[{"exists":false}]}}'],
  ])('refuses %s', (_name, raw) => {
    expect(() => restrictToCodePipeline(raw)).toThrow(/restricted to CodePipeline events/);
  });

  it.each([
    ['source at the top', '{"source":["aws.codepipeline"],"$or":[{"a":["x"]},{"b":["y"]}]}', undefined],
    [
      'source in every branch',
      '{"$or":[{"source":["aws.codepipeline"]},{"source":["aws.codepipeline"],"b":["y"]}]}',
      undefined,
    ],
    [
      'no source: it is added',
      '{"detail":{"state":["FAILED"]}}',
      { source: ['aws.codepipeline'], detail: { state: ['FAILED'] } },
    ],
    [
      'source in one branch only: added at the top',
      '{"$or":[{"source":["aws.codepipeline"]},{"b":["y"]}]}',
      { source: ['aws.codepipeline'], $or: [{ source: ['aws.codepipeline'] }, { b: ['y'] }] },
    ],
  ])('accepts %s', (_name, raw, expected) => {
    expect(restrictToCodePipeline(raw).pattern).toEqual(expected ?? JSON.parse(raw));
  });
});
