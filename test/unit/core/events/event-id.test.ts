import { canonicalJson } from '../../../../src/core/canonical-json';
import { synthesizeEventId } from '../../../../src/core/events';

describe('synthesizeEventId / canonicalJson', () => {
  it('does not depend on key order and survives values JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = { a: 1n, b: undefined, c: () => 1, d: Number.NaN };
    cyclic.self = cyclic;
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
    expect(canonicalJson(cyclic)).toBe('{"a":"1","d":null,"self":"[Circular]"}');
    expect(synthesizeEventId({ x: 1, y: 2 })).toBe(synthesizeEventId({ y: 2, x: 1 }));
  });
});
