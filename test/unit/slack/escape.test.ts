import { ELLIPSIS, escapeMrkdwn, oneLine, truncate, truncatePlain, unescapeMrkdwn } from '../../../src/slack';

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here> <@U123>', '&lt;!here&gt; &lt;@U123&gt;'],
    ['<https://evil|click>', '&lt;https://evil|click&gt;'],
    ['R&D > QA', 'R&amp;D &gt; QA'],
    ['&amp; already', '&amp;amp; already'],
  ])('%s', (raw, escaped) => {
    expect(escapeMrkdwn(raw)).toBe(escaped);
    expect(unescapeMrkdwn(escapeMrkdwn(raw))).toBe(raw);
  });

  it('leaves everything else alone: Slack decodes only the three entities', () => {
    expect(escapeMrkdwn(`it's "quoted" *bold* 😀`)).toBe(`it's "quoted" *bold* 😀`);
  });
});

describe('truncate', () => {
  it('keeps text that fits', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('ends a cut text with … and fits the limit', () => {
    const cut = truncate('abcdefghij', 5);
    expect(cut).toBe(`abcd${ELLIPSIS}`);
    expect(cut.length).toBe(5);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(10);
    for (let max = 1; max < text.length; max += 1) {
      const cut = truncate(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.replace(ELLIPSIS, '')).toBe('😀'.repeat((cut.length - 1) / 2));
    }
  });

  it('never splits a grapheme: ZWJ families, skin tones, flags', () => {
    for (const grapheme of ['👨‍👩‍👧‍👦', '👍🏽', '🇫🇷', 'é']) {
      const text = `a${grapheme.repeat(6)}`;
      for (let max = 1; max < text.length; max += 1) {
        const body = truncate(text, max).slice(0, -1);
        expect(body.length).toBeLessThan(max);
        expect(body.slice(1).split(grapheme).join('')).toBe('');
      }
    }
  });

  it('never cuts an entity in half', () => {
    const escaped = escapeMrkdwn('a&b<c>d&e');
    for (let max = 1; max < escaped.length; max += 1) {
      const body = truncate(escaped, max).slice(0, -1);
      // Whole entities only: the body is a prefix of the escaped text that ends between entities.
      expect(body).not.toMatch(/&[a-z]*$/);
      expect(escapeMrkdwn(unescapeMrkdwn(body))).toBe(body);
    }
  });

  it('a limit too small for the ellipsis gives an empty string rather than throwing', () => {
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('abc', 1)).toBe(ELLIPSIS);
  });
});

describe('truncatePlain', () => {
  it('counts the escaped length, so plain text fits whichever form Slack measures', () => {
    const cut = truncatePlain('&'.repeat(100), 20);
    expect(escapeMrkdwn(cut).length).toBeLessThanOrEqual(20);
    expect(cut).toBe(`&&&${ELLIPSIS}`);
  });
});

describe('oneLine', () => {
  it('joins lines', () => {
    expect(oneLine('  a\n\r\n b\tc ')).toBe('a b c');
  });
});

describe('wellFormed output', () => {
  it('a lone surrogate in the input becomes U+FFFD, a pair stays', () => {
    expect(truncate('a\uD83D b 😀 \uDE00', 100)).toBe('a\uFFFD b 😀 \uFFFD');
    expect(truncate('abcdefg\uD83D', 5)).toBe(`abcd${ELLIPSIS}`);
  });
});
