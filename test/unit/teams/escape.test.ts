import fc from 'fast-check';
import { cutText, ELLIPSIS, escapeTeamsMarkdown, escapeTeamsMarkdownWithin, oneLine } from '../../../src/teams/escape';
import { decodeTeamsMarkdown, injectedMarkup, markdownProblems } from './markdown-oracle';

const NBSP = '\u00a0';

/** What a reader should see for raw text: line breaks as \n, indentation as no-break spaces, controls as U+FFFD. */
function expectedShown(raw: string): string {
  return (
    raw
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/\r\n|\r/g, '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd')
      .split('\n')
      .map((line) => line.replace(/^[ \t]+/, (indent) => indent.replace(/\t/g, '    ').replace(/ /g, NBSP)))
      .join('\n')
  );
}

/** Markdown and Teams constructs, whole and in pieces, mixed with ordinary text. */
const MARKUP = [
  '[x](https://evil.example)',
  '![img](https://evil.example/a.png)',
  '[ref]: https://evil.example',
  '<at>Alice</at>',
  '&lt;at&gt;Bob&lt;/at&gt;',
  '<https://evil.example>',
  '<img src=x onerror=alert(1)>',
  '**bold**',
  '__bold__',
  '*em*',
  '_em_',
  '~~strike~~',
  '`code`',
  '```\nfence\n```',
  '# heading',
  'title\n===',
  'title\n---',
  '- item',
  '+ item',
  '* item',
  '1. first',
  '2) second',
  '> quote',
  '    indented code',
  '\tindented',
  '| a | b |\n|---|---|',
  '{{DATE(2017-02-14T06:00:00Z, SHORT)}}',
  '\\',
  '\\[x](y)',
  '&',
  '&amp;',
  '\r\n',
  '\r',
  '\n',
  '\u0000',
  '\ud83d',
  '😀',
  '👨‍👩‍👧',
  'my_pipeline',
  'x',
  ' ',
];

const arbitraryText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.constantFrom(...MARKUP), { maxLength: 20 }).map((parts) => parts.join('')),
  fc
    .array(fc.oneof(fc.constantFrom(...MARKUP), fc.string({ maxLength: 5 })), { maxLength: 30 })
    .map((parts) => parts.join('')),
  fc.array(fc.constantFrom(...'\\*_~`[]()|<>&{}#+-=.!1 \n\tab'), { maxLength: 80 }).map((chars) => chars.join('')),
);

describe('escapeTeamsMarkdown: fixed cases', () => {
  it.each([
    ['[x](https://evil.example)', '\\[x\\]\\(https://evil.example)'],
    ['![img](https://evil.example/a.png)', '!\\[img\\]\\(https://evil.example/a.png)'],
    ['<at>Alice</at>', '&lt;at&gt;Alice&lt;/at&gt;'],
    ['&lt;at&gt;', '&amp;lt;at&amp;gt;'],
    ['<https://evil.example>', '&lt;https://evil.example&gt;'],
    ['**bold** and __bold__', '\\*\\*bold\\*\\* and \\_\\_bold\\_\\_'],
    ['*em* _em_', '\\*em\\* \\_em\\_'],
    ['~~strike~~ `code`', '\\~\\~strike\\~\\~ \\`code\\`'],
    ['# heading', '\\# heading'],
    ['- item\n+ item\n* item', '\\- item\n\\+ item\n\\* item'],
    ['1. first\n2) second', '1\\. first\n2\\) second'],
    ['> quote', '&gt; quote'],
    ['title\n===', 'title\n\\==='],
    ['title\n---', 'title\n\\---'],
    ['| a | b |', '\\| a \\| b \\|'],
    ['{{DATE(2017-02-14T06:00:00Z, SHORT)}} {{{x', '{\\{DATE(2017-02-14T06:00:00Z, SHORT)}} {\\{\\{x'],
    ['C:\\path\\*', 'C:\\\\path\\\\\\*'],
    ['    code', `${NBSP.repeat(4)}code`],
    ['\t- nested', `${NBSP.repeat(4)}\\- nested`],
    ['a\r\nb\rc', 'a\nb\nc'],
    ['bell\u0007 nul\u0000', 'bell\ufffd nul\ufffd'],
    ['lone \ud800 surrogate', 'lone \ufffd surrogate'],
  ])('%j is escaped as %j', (raw, escaped) => {
    // Act
    const result = escapeTeamsMarkdown(raw);
    // Assess
    expect(result).toBe(escaped);
    expect(markdownProblems(result)).toEqual([]);
    expect(injectedMarkup(result)).toEqual([]);
  });

  it.each([
    'my-pipeline',
    'my_pipeline',
    'CodeBuild (Build)',
    'v1.2.3',
    'Build terminated with state: FAILED',
    'Source ✓ · Build ✗ · Approval … · Prod –',
    '{"code": 1}',
    'a + b = c - d',
    '2024-05-01 10:00 UTC',
  ])('%j, ordinary text, stays as it is', (raw) => {
    expect(escapeTeamsMarkdown(raw)).toBe(raw);
  });
});

describe('escapeTeamsMarkdown (property)', () => {
  it('leaves nothing a markdown reader would act on, and decodes back to the text', () => {
    fc.assert(
      fc.property(arbitraryText, (raw) => {
        // Act
        const escaped = escapeTeamsMarkdown(raw);
        // Assess
        expect(markdownProblems(escaped)).toEqual([]);
        expect(injectedMarkup(escaped)).toEqual([]);
        expect(decodeTeamsMarkdown(escaped)).toBe(expectedShown(raw));
      }),
      { numRuns: 3000 },
    );
  });

  it('composes: escaped texts joined by a space among pipewatch words still show literally', () => {
    fc.assert(
      fc.property(arbitraryText, arbitraryText, (left, right) => {
        const joined = `Commit ${escapeTeamsMarkdown(oneLine(left))} ${escapeTeamsMarkdown(oneLine(right))} · UTC`;
        expect(markdownProblems(joined)).toEqual([]);
        expect(injectedMarkup(joined)).toEqual([]);
        expect(decodeTeamsMarkdown(joined)).toBe(
          `Commit ${expectedShown(oneLine(left))} ${expectedShown(oneLine(right))} · UTC`,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('escapeTeamsMarkdownWithin', () => {
  it('cuts the raw text, never an entity or an escape', () => {
    expect(escapeTeamsMarkdownWithin('&&&&&', 12)).toBe('&amp;&amp;…');
    expect(escapeTeamsMarkdownWithin('[[[[[', 7)).toBe('\\[\\[\\[…');
    expect(escapeTeamsMarkdownWithin('short', 5)).toBe('short');
    expect(escapeTeamsMarkdownWithin('anything', 0)).toBe('');
  });

  it('never splits a grapheme', () => {
    const family = '👨‍👩‍👧';
    const result = escapeTeamsMarkdownWithin(`${family}x`.repeat(10), 15);
    expect(result.length).toBeLessThanOrEqual(15);
    expect(result.endsWith(ELLIPSIS)).toBe(true);
    expect(result.slice(0, -1).split(`${family}x`).join('')).toMatch(/^(👨‍👩‍👧)?$/u);
  });

  it('costs no more for a 1 MB text than for a short one', () => {
    const started = performance.now();
    const result = escapeTeamsMarkdownWithin('<&>'.repeat(350_000), 2_000);
    expect(result.length).toBeLessThanOrEqual(2_000);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('(property) fits in max, is safe, and shows a prefix of the text', () => {
    fc.assert(
      fc.property(arbitraryText, fc.integer({ min: 0, max: 120 }), (raw, max) => {
        // Act
        const result = escapeTeamsMarkdownWithin(raw, max);
        // Assess
        expect(result.length).toBeLessThanOrEqual(max);
        expect(markdownProblems(result)).toEqual([]);
        const shown = decodeTeamsMarkdown(result);
        const whole = expectedShown(raw);
        if (shown !== whole) {
          expect(shown.endsWith(ELLIPSIS) || shown === '').toBe(true);
          expect(whole.startsWith(shown.slice(0, -ELLIPSIS.length))).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('cutText', () => {
  it('keeps short text, cuts long text with an ellipsis, keeps surrogate pairs whole', () => {
    expect(cutText('abc', 3)).toBe('abc');
    expect(cutText('abcdef', 4)).toBe('abc…');
    expect(cutText('😀😀😀', 4)).toBe('😀…');
    expect(cutText('abc', 0)).toBe('');
  });
});
