import { EventPatternIndex, InvalidEventPatternError } from '../../../../src/core/patterns';

const ALL_TYPES = [
  'CodePipeline Pipeline Execution State Change',
  'CodePipeline Stage Execution State Change',
  'CodePipeline Action Execution State Change',
];

function event(pipeline: string, state: string, extra: Record<string, unknown> = {}) {
  return {
    source: 'aws.codepipeline',
    'detail-type': 'CodePipeline Pipeline Execution State Change',
    detail: { pipeline, state, ...extra },
  };
}

describe('EventPatternIndex', () => {
  test('returns the values of matching patterns in insertion order', () => {
    // Prepare
    const index = new EventPatternIndex<string>();
    index.add('failed', { detail: { pipeline: ['api'], state: ['FAILED'] } }, 'api failures');
    index.add(
      'all-api',
      { source: ['aws.codepipeline'], 'detail-type': ALL_TYPES, detail: { pipeline: ['api', 'web'] } },
      'api+web',
    );
    index.add('prefix', { detail: { pipeline: [{ prefix: 'ap' }] } }, 'ap*');
    index.add('everything', { source: ['aws.codepipeline'] }, 'all');
    index.add('not-failed', { detail: { state: [{ 'anything-but': 'FAILED' }] } }, 'not failed');

    // Act / Assess
    expect(index.match(event('api', 'FAILED'))).toEqual(['api failures', 'api+web', 'ap*', 'all']);
    expect(index.match(event('web', 'SUCCEEDED'))).toEqual(['api+web', 'all', 'not failed']);
    expect(index.matchEntries(event('apple', 'FAILED')).map((m) => m.id)).toEqual(['prefix', 'everything']);
    expect(index.match({})).toEqual([]);
  });

  test('add replaces a pattern with the same id; remove forgets it', () => {
    const index = new EventPatternIndex<number>();
    index.add('s', { detail: { pipeline: ['a'] } }, 1);
    index.add('s', { detail: { pipeline: ['b'] } }, 2);

    expect(index.size).toBe(1);
    expect(index.match(event('a', 'FAILED'))).toEqual([]);
    expect(index.match(event('b', 'FAILED'))).toEqual([2]);
    expect(index.remove('s')).toBe(true);
    expect(index.remove('s')).toBe(false);
    expect(index.size).toBe(0);
    expect(index.match(event('b', 'FAILED'))).toEqual([]);
  });

  test('an invalid pattern is rejected and leaves the index unchanged', () => {
    const index = new EventPatternIndex<number>();
    index.add('s', { detail: { pipeline: ['a'] } }, 1);

    expect(() => index.add('s', { detail: { pipeline: [] } }, 2)).toThrow(InvalidEventPatternError);
    expect(index.match(event('a', 'FAILED'))).toEqual([1]);
  });

  test('finds patterns through dotted keys, arrays and $or', () => {
    const index = new EventPatternIndex<string>();
    index.add('dotted', { 'detail.pipeline': ['api'] }, 'dotted');
    index.add('or', { $or: [{ detail: { pipeline: ['x'] } }, { detail: { stage: ['Deploy'] } }] }, 'or');

    expect(index.match({ 'detail.pipeline': 'api' })).toEqual(['dotted']);
    expect(index.match({ detail: [{ pipeline: ['zzz', 'api'] }] })).toEqual(['dotted']);
    expect(index.match({ detail: { pipeline: 'y', stage: 'Deploy' } })).toEqual(['or']);
  });

  test('stays exact across many patterns and the re-filing that growth triggers', () => {
    const index = new EventPatternIndex<number>();
    for (let i = 0; i < 3000; i++) {
      index.add(
        `p${i}`,
        { source: ['aws.codepipeline'], detail: { pipeline: [`pipe-${i % 1000}`], state: ['FAILED'] } },
        i,
      );
    }
    index.add('star', { source: ['aws.codepipeline'], detail: { state: ['FAILED'] } }, -1);

    expect(index.match(event('pipe-7', 'FAILED'))).toEqual([7, 1007, 2007, -1]);
    expect(index.match(event('pipe-7', 'SUCCEEDED'))).toEqual([]);
  });

  test('many hits from interleaved repeated patterns come back in insertion order', () => {
    const index = new EventPatternIndex<number>();
    const shapes = [
      { detail: { pipeline: ['pipe'] } },
      { detail: { pipeline: [{ prefix: 'pi' }] } },
      { source: ['aws.codepipeline'] },
      { detail: { state: ['FAILED'] } },
      { detail: { pipeline: ['pipe'], state: ['FAILED'] } },
    ];
    for (let i = 0; i < 200; i++) index.add(`p${i}`, shapes[(i * 7) % shapes.length], i);
    index.remove('p3');

    const expected = Array.from({ length: 200 }, (_, i) => i).filter((i) => i !== 3);
    expect(index.match(event('pipe', 'FAILED'))).toEqual(expected);
    expect(index.matchEntries(event('pipe', 'FAILED')).map((m) => m.id)).toEqual(expected.map((i) => `p${i}`));
  });
  test('a pattern filed under two keys the event has comes back once, among many matching patterns', () => {
    const index = new EventPatternIndex<number>();
    // Exact 'api' and prefix 'ap' in one field: the pattern is found twice for 'api'.
    index.add('both', { detail: { pipeline: ['api', { prefix: 'ap' }] } }, 0);
    // More distinct matching patterns than the index merges head by head (it sorts then).
    for (let i = 1; i <= 40; i++) index.add(`p${i}`, { detail: { pipeline: ['api'], version: [i] } }, i);
    index.add('late', { detail: { pipeline: [{ prefix: 'a' }] } }, 41);

    const all = Array.from({ length: 42 }, (_, i) => i);
    const first = [0, 1, 41];
    expect(index.match(event('api', 'FAILED', { version: 1 }))).toEqual(first);
    expect(index.match({ detail: { pipeline: 'api', version: [...all] } })).toEqual(all);
    expect(index.matchEntries(event('api', 'FAILED', { version: 1 })).map((m) => m.id)).toEqual(['both', 'p1', 'late']);
    expect(index.match(event('apx', 'FAILED'))).toEqual([0, 41]);
  });

  test('removing prefix patterns forgets their keys; the others still match', () => {
    const index = new EventPatternIndex<string>();
    index.add('api', { detail: { pipeline: [{ prefix: 'api-' }] } }, 'api-');
    index.add('ap', { detail: { pipeline: [{ prefix: 'ap' }] } }, 'ap');
    index.add('auth', { detail: { pipeline: [{ prefix: 'auth-' }] } }, 'auth-');

    expect(index.match(event('api-1', 'FAILED'))).toEqual(['api-', 'ap']);
    index.remove('api');
    expect(index.match(event('api-1', 'FAILED'))).toEqual(['ap']);
    index.remove('ap');
    expect(index.match(event('api-1', 'FAILED'))).toEqual([]);
    expect(index.match(event('auth-1', 'FAILED'))).toEqual(['auth-']);
    index.remove('auth');
    expect(index.layout()).toEqual({ distinct: 0, scanned: 0, paths: {} });
  });
});
