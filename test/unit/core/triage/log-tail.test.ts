import { logTail, MAX_LOG_LINE, tailWithin } from '../../../../src/core/triage';

describe('logTail', () => {
  test('the last 20 lines of events that hold several lines each, without their final line breaks', () => {
    const events = Array.from({ length: 15 }, (_, i) => `line ${2 * i}\nline ${2 * i + 1}\n`);
    expect(logTail(events)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 10}`));
  });

  test('\\r\\n, ANSI colours and control characters; a long line cut', () => {
    expect(logTail(['\u001b[31mFAIL\u001b[39m test.ts\r\n', 'bell\u0007 tab\tkept', 'x'.repeat(10_000)], 3)).toEqual([
      'FAIL test.ts',
      'bell\ufffd tab\tkept',
      `${'x'.repeat(MAX_LOG_LINE - 1)}…`,
    ]);
  });

  test('fewer lines than asked, none, or an empty line in the middle', () => {
    expect(logTail(['a\n\nb\n'], 20)).toEqual(['a', '', 'b']);
    expect(logTail([], 20)).toEqual([]);
    expect(logTail(['a\n', 'b\n'], 0)).toEqual([]);
  });
});

describe('tailWithin', () => {
  const cost = (line: string) => line.length + 1;
  test('the newest lines that fit, and how many older ones were left out', () => {
    expect(tailWithin(['aaaa', 'bb', 'cc'], 6, cost)).toEqual({ lines: ['bb', 'cc'], omitted: 1 });
    expect(tailWithin(['a', 'b'], 100, cost)).toEqual({ lines: ['a', 'b'], omitted: 0 });
  });

  test('a newest line longer than the budget comes alone, for the caller to cut', () => {
    expect(tailWithin(['a', 'x'.repeat(50)], 10, cost)).toEqual({ lines: ['x'.repeat(50)], omitted: 1 });
    expect(tailWithin([], 10, cost)).toEqual({ lines: [], omitted: 0 });
  });
});
