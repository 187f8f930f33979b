// @ts-check
/**
 * The markdown of an Adaptive Card's TextBlock and Fact, as Teams renders it, for the renderer's
 * `onProcessMarkdown`: the CommonMark subset cards use (paragraphs, `-`/`1.` lists, **bold**,
 * _italic_, `code`, [links](https://…)), backslash escapes and the entities `&amp; &lt; &gt;`
 * shown literally, no HTML (everything is escaped before any tag is made), links to http(s) only.
 * pipewatch escapes what comes from the event (src/teams/escape.ts); this is what makes those
 * escapes disappear on screen, as they do in Teams.
 */

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const ENTITIES = /** @type {Record<string, string>} */ ({
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&nbsp;': '\u00a0',
});
/** Private-use characters stand for literal characters while the markup is made. */
const SLOT = 0xe000;

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One line's inline markup as safe HTML.
 * @param {string} text
 */
function inline(text) {
  /** @type {string[]} */
  const literals = [];
  const keep = (/** @type {string} */ literal) => {
    literals.push(literal);
    return String.fromCharCode(SLOT + literals.length - 1);
  };
  let protectedText = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const next = text.charAt(i + 1);
    if (c === '\\' && PUNCTUATION.test(next)) {
      protectedText += keep(next);
      i++;
      continue;
    }
    if (c === '&') {
      const entity = Object.keys(ENTITIES).find((name) => text.startsWith(name, i));
      if (entity !== undefined) {
        protectedText += keep(/** @type {string} */ (ENTITIES[entity]));
        i += entity.length - 1;
        continue;
      }
    }
    // Stray private-use characters cannot pose as slots.
    protectedText += c.charCodeAt(0) >= SLOT && c.charCodeAt(0) < SLOT + 0x1000 ? '\ufffd' : c;
  }
  let html = escapeHtml(protectedText);
  html = html.replace(/`([^`]+)`/g, (_m, code) => `<code>${code}</code>`);
  html = html.replace(/\[([^\]]+)\]\((https?:\/\/[^\s()]+)\)/g, (_m, label, url) => {
    // The URL's literal characters come back escaped for the attribute.
    const href = url.replace(/[\ue000-\ue0ff]/g, (/** @type {string} */ s) =>
      escapeHtml(literals[s.charCodeAt(0) - SLOT] ?? ''),
    );
    return `<a href="${href}" target="_blank" rel="noopener noreferrer">${label}</a>`;
  });
  html = html.replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>');
  html = html.replace(/__(?=\S)([\s\S]*?\S)__/g, '<strong>$1</strong>');
  html = html.replace(/\*(?=\S)([^*]*?\S)\*/g, '<em>$1</em>');
  html = html.replace(/(^|[^\p{L}\p{N}_])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}_])/gu, '$1<em>$2</em>');
  return html.replace(/[\ue000-\ue0ff]/g, (s) => escapeHtml(literals[s.charCodeAt(0) - SLOT] ?? ''));
}

/**
 * A TextBlock's text as HTML: blank lines separate paragraphs, a single line break is a space, lines
 * that all start with `- ` (or `1. `) make a list.
 * @param {string} text
 * @returns {string}
 */
export function markdownToHtml(text) {
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .filter((block) => block.trim() !== '');
  return blocks
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((line) => /^\s*[-*+] \S/.test(line))) {
        return `<ul>${lines.map((line) => `<li>${inline(line.replace(/^\s*[-*+] /, ''))}</li>`).join('')}</ul>`;
      }
      if (lines.every((line) => /^\s*\d{1,9}[.)] \S/.test(line))) {
        return `<ol>${lines.map((line) => `<li>${inline(line.replace(/^\s*\d{1,9}[.)] /, ''))}</li>`).join('')}</ol>`;
      }
      return `<p>${lines.map((line) => inline(line.trim())).join(' ')}</p>`;
    })
    .join('');
}
