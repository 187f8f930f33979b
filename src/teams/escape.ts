// (teams) untrusted text --> Teams card markdown that shows it literally (backslash escapes, &amp; &lt; &gt;), cut to a length
import { graphemeBoundaryAtOrBefore, oneLine, wellFormed } from '../core/messages';

export { oneLine };

/**
 * Making untrusted text (pipeline, stage and action names, error summaries,
 * commit messages) safe to put in an Adaptive Card TextBlock or Fact, and
 * short enough for the message size limit.
 *
 * What Teams parses. A TextBlock's `text`, a Fact's `title` and `value` are
 * markdown in Teams ("Markdown is supported in Adaptive Card Textblock field,
 * and Fact.Title and Fact.Value. HTML isn't supported", msteams-docs
 * cards-format). Adaptive Cards document a CommonMark subset (bold, italic,
 * `-` and `1.` lists, `[title](url)` links); clients differ beyond that
 * (desktop and web run a CommonMark parser, mobile the shared C++ parser),
 * so everything CommonMark could make of the text is neutralised, not only
 * the documented subset: emphasis, links, images, code, headings (ATX and
 * setext), lists, block quotes, tables, thematic breaks, HTML, autolinks, a
 * Teams mention (`<at>…</at>`), and the Adaptive Cards date functions
 * (`{{DATE(…)}}`, expanded before markdown).
 *
 * The rules (decided per character, so that they compose: escaped texts
 * joined by a space, or set among pipewatch's own words, stay literal):
 * - `\ * ~ \` [ ] |` get a backslash, wherever they are, and so does `_`
 *   unless it sits between two letters or digits (`my_pipeline`: CommonMark
 *   never opens nor closes `_` emphasis inside a word, nor does the mobile
 *   parser). CommonMark shows a backslash-escaped ASCII punctuation character
 *   literally; `\` itself is escaped, so the input cannot escape pipewatch's
 *   own markup. `|` stops GFM tables, `~` strikethrough and `~~~` fences,
 *   `` ` `` code spans and fences, `[ ]` links, images and reference
 *   definitions.
 * - `(` gets a backslash after `]`: the shared C++ parser of mobile clients
 *   (AdaptiveCards MarkDownBlockParser, in the revisions read) starts a link
 *   at any `[`, a backslash before it or not, but needs `](` right after the
 *   link text; an escaped `(` breaks that. Elsewhere `(` and `)` mean nothing and stay as they are
 *   ("CodeBuild (Build)").
 * - `&`, `<`, `>` become `&amp;`, `&lt;`, `&gt;`: no HTML, no autolink
 *   `<https://…>`, no `<at>` mention, no `>` block quote, and an entity in
 *   the input (`&lt;at&gt;`) stays literal text. Only these three named
 *   entities: they are the ones every client decodes (CommonMark; the shared
 *   C++ parser decodes `&amp; &lt; &gt; &quot; &nbsp;` since AdaptiveCards
 *   PR #4000). Numeric entities are not used for that reason.
 * - `{` right after `{` gets a backslash, so `{{DATE(…)}}` cannot be formed.
 *   A single `{` (JSON in an error message) is left alone.
 * - At a line start only: `#` (heading), `-` `+` (list, thematic break,
 *   setext underline), `=` (setext underline) get a backslash, and so does
 *   the `.` or `)` of `1.` / `1)` (ordered list). `*` is escaped everywhere
 *   anyway. Mid-line these are plain characters and stay as they are, so that
 *   names like `my-pipeline` and versions like `1.2.3` read the same.
 * - Leading spaces and tabs become no-break spaces: indentation is kept
 *   visible but cannot make an indented code block (in a code block escapes
 *   are shown, not applied) or a nested list.
 * - Control characters (other than line breaks and tabs) become U+FFFD, and
 *   lone surrogates too (wellFormed): neither is text a card should carry.
 *
 * Line breaks are kept; renderers decide how lines are shown (a TextBlock
 * needs a blank line between paragraphs). Not neutralised: a bare URL may be
 * made clickable by a client (GFM autolinks); its text is its destination,
 * so nothing is disguised, unlike `[text](url)`.
 *
 * The cost: a client without backslash escapes (some older mobile builds,
 * AdaptiveCards #5590) shows the backslashes. A stray `\` is preferred to a
 * link or a mention the pipeline's author chose.
 */

export const ELLIPSIS = '…';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Escaped wherever they appear: markdown punctuation, the three entity
 * characters, a `{` after a `{`, a `(` after a `]` (`_` inside a word is let
 * through by escapeInline).
 */
const INLINE = /[\\*_~`[\]|&<>]|(?<=\{)\{|(?<=\])\(/g;

/** A letter or a digit: an `_` between two of them is part of a word. */
const WORD_CHARACTER = /^[\p{L}\p{N}]$/u;

/** CommonMark's line endings. */
const LINE_BREAK = /\r\n|\r|\n/;

/** C0 controls but tab and line breaks, DEL, C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

const NBSP = '\u00a0';

/** Text after a cut that decides whether the cut is inside a grapheme: longer than any emoji ZWJ sequence. */

/**
 * Untrusted text as Teams card markdown that shows it literally, line breaks
 * kept (see the rules above). Pure, total, never throws.
 *
 * @example
 * escapeTeamsMarkdown('[click](https://evil) <at>all</at> **now** my_pipeline')
 * // '\\[click\\]\\(https://evil) &lt;at&gt;all&lt;/at&gt; \\*\\*now\\*\\* my_pipeline'
 */
export function escapeTeamsMarkdown(text: string): string {
  return wellFormed(text).replace(CONTROL, '\ufffd').split(LINE_BREAK).map(escapeLine).join('\n');
}

function escapeLine(line: string): string {
  const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
  const escaped = line.slice(indent.length).replace(INLINE, escapeInline);
  const atStart = escaped.replace(/^[#+=-]/, '\\$&').replace(/^(\d+)([.)])/, '$1\\$2');
  return indent.replace(/\t/g, NBSP.repeat(4)).replace(/ /g, NBSP) + atStart;
}

function escapeInline(char: string, offset: number, line: string): string {
  if (char === '_' && isWordCharacter(line[offset - 1]) && isWordCharacter(line[offset + 1])) return char;
  return ENTITIES[char] ?? `\\${char}`;
}

function isWordCharacter(char: string | undefined): boolean {
  return char !== undefined && WORD_CHARACTER.test(char);
}

/**
 * `escapeTeamsMarkdown(text)` if it fits in `max` characters, else the
 * escaped form of the longest prefix (cut at a grapheme boundary, ending
 * with '…') that fits. The cut is made in the raw text, so it never splits
 * an escape or an entity. Costs O(max · log max) whatever the input's size.
 */
export function escapeTeamsMarkdownWithin(text: string, max: number): string {
  if (max < ELLIPSIS.length) return '';
  const whole = escapeTeamsMarkdown(cutText(text, max));
  if (whole.length <= max) return whole;
  // Escaping never shortens, so at most `max` raw characters can fit: find how many do, with a
  // cheap cut (whole surrogate pairs), then cut once at the grapheme boundary at or before that,
  // which is shorter, so it fits too.
  let low = 0;
  let high = Math.min(text.length, max) - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (escapeTeamsMarkdown(quickCut(text, middle)).length <= max) low = middle;
    else high = middle - 1;
  }
  return escapeTeamsMarkdown(cutText(text, low));
}

/** Like cutText, keeping surrogate pairs whole but not graphemes: for measuring only. */
function quickCut(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  let end = max - ELLIPSIS.length;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

/**
 * Raw text of at most `max` UTF-16 code units, ending in '…' when cut, never
 * splitting a grapheme (a surrogate pair, an emoji with its modifiers).
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  let end = graphemeBoundaryAtOrBefore(text, max - ELLIPSIS.length);
  // A lone high surrogate is a grapheme of its own; dropped at the cut, as quickCut does, so that
  // a cut here is never longer than the one measured there.
  if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
