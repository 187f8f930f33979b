import {
  checkEventPatternSize,
  compileEventPattern,
  InvalidEventPatternError,
  MAX_EVENT_PATTERN_LENGTH,
  matchesEventPattern,
  validateEventPattern,
} from '../../../../src/core/patterns';
import { matchesWildcard, parseWildcard } from '../../../../src/core/patterns/wildcard';

function expectInvalid(pattern: unknown, reason?: string | RegExp): void {
  let caught: unknown;
  try {
    validateEventPattern(pattern);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidEventPatternError);
  if (reason !== undefined && caught instanceof InvalidEventPatternError) expect(caught.reason).toMatch(reason);
}

const matches = (pattern: unknown, event: unknown): boolean => matchesEventPattern(pattern, event);

describe('InvalidEventPatternError', () => {
  test('is a PipewatchError worded like EventBridge, keeping the JSON parse error as cause', () => {
    let caught: unknown;
    try {
      validateEventPattern('{"source": [');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEventPatternError);
    const error = caught as InvalidEventPatternError;
    expect(error.code).toBe('INVALID_EVENT_PATTERN');
    expect(error.name).toBe('InvalidEventPatternError');
    expect(error.message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });
});

describe('validateEventPattern', () => {
  test('accepts JSON text or a parsed object and returns the pattern', () => {
    const pattern = { source: ['aws.codepipeline'] };
    expect(validateEventPattern(JSON.stringify(pattern))).toEqual(pattern);
    expect(validateEventPattern(pattern)).toBe(pattern);
  });

  test.each([
    ['an array', [1, 2]],
    ['null', null],
    ['a number', 3],
    ['a string that is not JSON', 'not json'],
    ['JSON text of a string', '"text"'],
    ['an empty object', {}],
    ['a bare value', { a: 'x' }],
    ['an empty list', { a: [] }],
    ['an empty nested object', { a: {} }],
    ['a nested list', { a: [['x']] }],
    ['a non-JSON value', { a: [undefined] }],
    ['a Date', { a: [new Date(0)] }],
    ['NaN', { a: [Number.NaN] }],
  ])('rejects %s', (_, pattern) => {
    expectInvalid(pattern);
  });

  test.each([
    [{ a: [{ NUMERIC: ['=', 5] }] }, 'Unrecognized match type NUMERIC'],
    [{ a: [{ prefix: 'x', suffix: 'y' }] }, 'Only one key allowed in match expression'],
    [{ a: [{ prefix: ['x'] }] }, 'prefix match pattern must be a string'],
    [{ a: [{ prefix: { foo: 'x' } }] }, 'Unsupported prefix pattern: foo'],
    [{ a: [{ suffix: { 'equals-ignore-case': 1 } }] }, 'equals-ignore-case match pattern must be a string'],
    [{ a: [{ exists: 'true' }] }, 'exists match pattern must be either true or false.'],
    [{ a: [{ wildcard: 'a**b' }] }, 'Consecutive wildcard characters at pos 2'],
    [{ a: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 2'],
    [{ a: [{ wildcard: 'a\\' }] }, 'Invalid escape character at pos 2'],
    [{ a: [{ wildcard: '*a*b*c*d*e*' }] }, /^Rule is too complex/],
    [{ a: [{ numeric: 5 }] }, 'Value of numeric must be an array.'],
    [{ a: [{ numeric: ['>', '5'] }] }, 'Value of > must be numeric'],
    [{ a: [{ numeric: ['>', 5, '>', 6] }] }, 'Bad numeric range operator: >'],
    [{ a: [{ numeric: ['>', 5, '<', 5] }] }, 'Bottom must be less than top'],
    [{ a: [{ numeric: ['=', 1, '<', 5] }] }, 'Too many elements in numeric expression'],
    [{ a: [{ numeric: ['>', 5e9 + 1] }] }, /^Value must be between/],
    [{ a: [{ cidr: '10.0.0.0/33' }] }, 'IPv4 mask bits must be < 32'],
    [{ a: [{ cidr: '::/129' }] }, 'IPv6 mask bits must be < 128'],
    [{ a: [{ cidr: '10.0.0.256/8' }] }, 'Nonstandard IP address: 10.0.0.256'],
    [{ a: [{ 'anything-but': ['x', 1] }] }, /mixed type is not supported/],
    [{ a: [{ 'anything-but': [null] }] }, /null\|boolean is not supported/],
    [{ a: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed'],
    [{ a: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'Unsupported anything-but pattern: numeric'],
    [{ $or: [{ a: ['x'] }] }, 'There must have at least 2 Objects in $or relationship.'],
    [{ $or: [{ a: ['x'] }, ['y']] }, 'Only JSON object is allowed in array of $or relationship.'],
  ])('rejects %j: %s', (pattern, reason) => {
    expectInvalid(pattern, reason);
  });

  test('accepts the largest valid forms', () => {
    expect(() => validateEventPattern({ a: [{ wildcard: '*a*b*c*d*e' }] })).not.toThrow();
    expect(() => validateEventPattern({ a: [{ cidr: '10.0.0.1/32' }, { cidr: '::1/128' }] })).not.toThrow();
    expect(() => validateEventPattern({ a: [{ numeric: ['>=', -5e9, '<=', 5e9] }] })).not.toThrow();
    expect(() => validateEventPattern({ a: [{ 'anything-but': { wildcard: '' } }] })).not.toThrow();
  });

  test('caps $or expansion at 1000 combinations', () => {
    const or = (name: string, n: number) => ({
      $or: Array.from({ length: n }, (_, i) => ({ [`${name}${i}`]: ['x'] })),
    });
    expect(() => validateEventPattern({ a: or('a', 10), b: or('b', 10), c: or('c', 10) })).not.toThrow();
    expectInvalid({ a: or('a', 10), b: or('b', 10), c: or('c', 11) }, /\$or/);
  });

  test('enforces the 2048-character quota by default, and a chosen maximum on request', () => {
    const long = { detail: { pipeline: Array.from({ length: 200 }, (_, i) => `pipeline-name-${i}`) } };
    const text = JSON.stringify(long);
    expect(text.length).toBeGreaterThan(MAX_EVENT_PATTERN_LENGTH);

    expectInvalid(long, /maximum is 2048/);
    expectInvalid(text, /maximum is 2048/);
    expect(validateEventPattern(long, { maxLength: Number.POSITIVE_INFINITY })).toBe(long);
    expect(() => checkEventPatternSize('{"a":["x"]}', 5)).toThrow(InvalidEventPatternError);
    expect(() => checkEventPatternSize('{"a":["x"]}')).not.toThrow();
  });
});

describe('exact values', () => {
  test('strings are case-sensitive and never equal numbers', () => {
    expect(matches({ a: ['x'] }, { a: 'x' })).toBe(true);
    expect(matches({ a: ['x'] }, { a: 'X' })).toBe(false);
    expect(matches({ a: [2] }, { a: '2' })).toBe(false);
    expect(matches({ a: ['2'] }, { a: 2 })).toBe(false);
  });

  test('numbers compare by value, to six decimals', () => {
    expect(matches({ a: [300] }, JSON.parse('{"a": 300.0}'))).toBe(true);
    expect(matches({ a: [300] }, { a: 3e2 })).toBe(true);
    expect(matches({ a: [0] }, { a: 0.0000001 })).toBe(true);
    expect(matches({ a: [37.8078] }, { a: 37.807807 })).toBe(false);
  });

  test('null, empty string, booleans and missing fields are all different', () => {
    expect(matches({ a: [null] }, { a: null })).toBe(true);
    expect(matches({ a: [null] }, {})).toBe(false);
    expect(matches({ a: [''] }, { a: null })).toBe(false);
    expect(matches({ a: [false] }, { a: false })).toBe(true);
    expect(matches({ a: [false] }, { a: 'false' })).toBe(false);
  });

  test('a pattern string that is an IP address compares as an address', () => {
    expect(matches({ ip: ['2400:6500:FF00::36FB:1F80'] }, { ip: '2400:6500:ff00:0:0:0:36fb:1f80' })).toBe(true);
    expect(matches({ ip: ['10.0.0.1'] }, { ip: '10.0.0.1' })).toBe(true);
    expect(matches({ ip: ['::1'] }, { ip: '::2' })).toBe(false);
  });
});

describe('arrays', () => {
  test('an event array matches when one element does; nested arrays flatten', () => {
    expect(matches({ a: ['x'] }, { a: ['y', 'x'] })).toBe(true);
    expect(matches({ a: ['x'] }, { a: [['y'], [['x']]] })).toBe(true);
    expect(matches({ a: ['x'] }, { a: [] })).toBe(false);
  });

  test('fields inside objects of one array must come from the same element', () => {
    const pattern = { d: { name: ['alice'], role: ['admin'] } };
    expect(
      matches(pattern, {
        d: [
          { name: 'alice', role: 'user' },
          { name: 'bob', role: 'admin' },
        ],
      }),
    ).toBe(false);
    expect(matches(pattern, { d: [{ name: 'bob' }, { name: 'alice', role: 'admin' }] })).toBe(true);
  });

  test('fields in different arrays are independent', () => {
    expect(matches({ a: { x: ['1'] }, b: { y: ['2'] } }, { a: [{ x: '1' }], b: [{ y: '2' }] })).toBe(true);
  });
});

describe('exists', () => {
  test('true needs a leaf value: null counts, [] and objects do not', () => {
    const pattern = { a: [{ exists: true }] };
    expect(matches(pattern, { a: null })).toBe(true);
    expect(matches(pattern, { a: [] })).toBe(false);
    expect(matches(pattern, { a: { b: 1 } })).toBe(false);
    expect(matches(pattern, {})).toBe(false);
  });

  test('false matches a missing field, [] and an object, not null', () => {
    const pattern = { a: [{ exists: false }] };
    expect(matches(pattern, {})).toBe(true);
    expect(matches(pattern, { a: [] })).toBe(true);
    expect(matches(pattern, { a: { b: 1 } })).toBe(true);
    expect(matches(pattern, { a: null })).toBe(false);
  });

  test('false inside an array is checked in the element that matched the other fields', () => {
    const pattern = { d: { name: ['anna'], ids: [{ exists: false }] } };
    expect(matches(pattern, { d: [{ name: 'john', ids: [1] }, { name: 'anna' }] })).toBe(true);
    expect(matches(pattern, { d: [{ name: 'anna', ids: [1] }] })).toBe(false);
  });
});

describe('prefix, suffix, equals-ignore-case', () => {
  test('work on strings only', () => {
    expect(matches({ a: [{ prefix: 'ap' }] }, { a: 'api-prod' })).toBe(true);
    expect(matches({ a: [{ prefix: '1' }] }, { a: 12 })).toBe(false);
    expect(matches({ a: [{ prefix: '' }] }, { a: '' })).toBe(true);
    expect(matches({ a: [{ suffix: '.png' }] }, { a: 'x.PNG' })).toBe(false);
    expect(matches({ a: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { a: 'x.PNG' })).toBe(true);
    expect(matches({ a: [{ prefix: { 'equals-ignore-case': 'API-' } }] }, { a: 'api-prod' })).toBe(true);
    expect(matches({ a: [{ 'equals-ignore-case': 'Failed' }] }, { a: 'FAILED' })).toBe(true);
    expect(matches({ a: [{ 'equals-ignore-case': 'Failed' }] }, { a: 'FAILED!' })).toBe(false);
  });
});

describe('numeric', () => {
  test('matches JSON numbers in the range only', () => {
    const pattern = { n: [{ numeric: ['>', 0, '<=', 5] }] };
    expect(matches(pattern, { n: 5 })).toBe(true);
    expect(matches(pattern, { n: 0 })).toBe(false);
    expect(matches(pattern, { n: '3' })).toBe(false);
    expect(matches(pattern, { n: null })).toBe(false);
    expect(matches({ n: [{ numeric: ['=', 3] }] }, { n: 3.0000001 })).toBe(true);
    expect(matches({ n: [{ numeric: ['<', 10] }] }, { n: 1e10 })).toBe(false);
  });
});

describe('cidr', () => {
  test('matches IPv4 and IPv6 address strings in the block', () => {
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' })).toBe(false);
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: 167772161 })).toBe(false);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:0db8:ffff::1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '10.0.0.1' })).toBe(false);
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '255.255.255.255' })).toBe(true);
  });
});

describe('anything-but', () => {
  test('never matches a missing field but matches null and other types', () => {
    const pattern = { s: [{ 'anything-but': 'FAILED' }] };
    expect(matches(pattern, { s: 'SUCCEEDED' })).toBe(true);
    expect(matches(pattern, { s: 'FAILED' })).toBe(false);
    expect(matches(pattern, { s: null })).toBe(true);
    expect(matches(pattern, { s: 3 })).toBe(true);
    expect(matches(pattern, {})).toBe(false);
  });

  test('numeric lists match strings; prefix, suffix, wildcard and ignore-case forms exclude', () => {
    expect(matches({ n: [{ 'anything-but': [1, 2] }] }, { n: '1' })).toBe(true);
    expect(matches({ n: [{ 'anything-but': [1, 2] }] }, { n: 2.0 })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { prefix: ['api-', 'web-'] } }] }, { s: 'web-prod' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { suffix: '-test' } }] }, { s: 'api-prod' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': { wildcard: 'api-*-test' } }] }, { s: 'api-x-test' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { 'equals-ignore-case': ['failed'] } }] }, { s: 'FAILED' })).toBe(false);
  });
});

describe('wildcard', () => {
  test('star matches any run, escapes are literal', () => {
    expect(matches({ k: [{ wildcard: 'dir/*.png' }] }, { k: 'dir/a/b.png' })).toBe(true);
    expect(matches({ k: [{ wildcard: 'dir/*.png' }] }, { k: 'dir/.png' })).toBe(true);
    expect(matches({ k: [{ wildcard: 'a\\*c' }] }, { k: 'a*c' })).toBe(true);
    expect(matches({ k: [{ wildcard: 'a\\*c' }] }, { k: 'abc' })).toBe(false);
    expect(matches({ k: [{ wildcard: 'a\\\\*' }] }, { k: 'a\\xyz' })).toBe(true);
    expect(matches({ k: [{ wildcard: '' }] }, { k: '' })).toBe(true);
    expect(matches({ k: [{ wildcard: '1*3' }] }, { k: 123 })).toBe(false);
  });

  test('20 stars against a 100,000-character string finish (no backtracking)', () => {
    const pattern = parseWildcard(`${'a*'.repeat(20)}b`);
    if ('error' in pattern) throw new Error(pattern.error);
    const haystack = 'a'.repeat(100_000);

    expect(matchesWildcard(pattern, haystack)).toBe(false);
    expect(matchesWildcard(pattern, `${haystack}b`)).toBe(true);
  });

  test('the longest valid wildcard through the full matcher on adversarial input', () => {
    const compiled = compileEventPattern({ k: [{ wildcard: '*a*a*a*a*ab' }] });
    const haystack = 'a'.repeat(100_000);

    expect(compiled.matches({ k: haystack })).toBe(false);
    expect(compiled.matches({ k: [haystack, `${haystack}b`] })).toBe(true);
  });
});

describe('$or', () => {
  test('any alternative, ANDed with the other fields, at any level', () => {
    const pattern = { source: ['s'], detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } };
    expect(matches(pattern, { source: 's', detail: { b: '2' } })).toBe(true);
    expect(matches(pattern, { source: 't', detail: { b: '2' } })).toBe(false);
    expect(matches(pattern, { source: 's', detail: { c: '3' } })).toBe(false);
  });

  test('an alternative that names an outer field replaces it', () => {
    const pattern = { name: ['a', 'b'], $or: [{ name: [{ 'anything-but': 'a' }] }, { c: ['x'] }] };
    expect(matches(pattern, { name: 'z' })).toBe(true);
    expect(matches(pattern, { name: 'a', c: 'x' })).toBe(true);
    expect(matches(pattern, { name: 'a' })).toBe(false);
  });
});

describe('dot-joined keys', () => {
  test('a nested pattern matches a dotted event key and the reverse', () => {
    expect(matches({ detail: { state: { status: ['ok'] } } }, { detail: { 'state.status': 'ok' } })).toBe(true);
    expect(matches({ 'detail.state.status': ['ok'] }, { detail: { state: { status: 'ok' } } })).toBe(true);
    expect(matches({ 'detail.state': { status: ['ok'] } }, { 'detail.state.status': 'ok' })).toBe(true);
    expect(matches({ detail: { state: ['ok'] } }, { detail: { 'state.status': 'ok' } })).toBe(false);
  });

  test('when both spellings are present either can match', () => {
    const event = { a: { b: 'nested' }, 'a.b': 'dotted' };
    expect(matches({ a: { b: ['nested'] } }, event)).toBe(true);
    expect(matches({ a: { b: ['dotted'] } }, event)).toBe(true);
  });

  test('keys are case-sensitive and inherited properties are never fields', () => {
    expect(matches({ MY_KEY: ['v'] }, { my_key: 'v' })).toBe(false);
    expect(matches({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matches({ constructor: [{ exists: false }] }, {})).toBe(true);
    expect(matches(JSON.parse('{"__proto__": ["x"]}'), JSON.parse('{"__proto__": "x"}'))).toBe(true);
  });
});

describe('unusual events', () => {
  test.each([null, undefined, 'text', 42, [], [{ a: 'x' }]])('never throw and are treated as empty: %j', (event) => {
    expect(matches({ a: ['x'] }, event)).toBe(false);
    expect(matches({ a: [{ exists: false }] }, event)).toBe(true);
  });
});
