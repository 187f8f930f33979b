/**
 * An oracle for escaped Teams card markdown, written apart from src/teams/escape.ts: what a
 * CommonMark reader (or the mobile clients' parser) could still take as markup in a text that is
 * supposed to show literally, and how such a reader decodes the text back.
 */

/** CommonMark lets a backslash escape any ASCII punctuation character. */
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

function isLetterOrDigit(char: string | undefined): boolean {
  return char !== undefined && LETTER_OR_DIGIT.test(char);
}

/**
 * Everything in `text` that could act as markup: a punctuation character that opens emphasis,
 * code, links, tables or HTML without a backslash; an `&` that is not one of the three entities;
 * `{{`; a block marker (heading, list, setext underline) or indentation at a line start; a lone
 * backslash (it could escape pipewatch's own markup next to it). Empty for a safe text.
 */
export function markdownProblems(text: string): string[] {
  const problems: string[] = [];
  if (text.includes('\r')) problems.push('carriage return (a line break CommonMark would see)');
  for (const line of text.split('\n')) {
    const quoted = JSON.stringify(line.slice(0, 60));
    if (/^[ \t]/.test(line)) problems.push(`indented line ${quoted}`);
    const start = line.replace(/^\u00a0+/, '');
    if (/^[#+=-]/.test(start)) problems.push(`block marker at a line start ${quoted}`);
    if (/^\d+[.)]/.test(start)) problems.push(`ordered list marker ${quoted}`);
    for (let i = 0; i < line.length; i += 1) {
      const char = line[i] ?? '';
      if (char === '\\') {
        if (ASCII_PUNCTUATION.test(line[i + 1] ?? '')) i += 1;
        else problems.push(`lone backslash in ${quoted}`);
        continue;
      }
      if ('*~`[]|<>'.includes(char)) problems.push(`unescaped ${char} in ${quoted}`);
      if (char === '_' && !(isLetterOrDigit(line[i - 1]) && isLetterOrDigit(line[i + 1]))) {
        problems.push(`unescaped _ outside a word in ${quoted}`);
      }
      if (char === '(' && line[i - 1] === ']') problems.push(`]( in ${quoted}`);
      if (char === '&' && !/^&(?:amp|lt|gt);/.test(line.slice(i, i + 5))) problems.push(`raw & in ${quoted}`);
      if (char === '{' && line[i + 1] === '{') problems.push(`{{ in ${quoted}`);
    }
  }
  return problems;
}

/**
 * The constructs the brief names, looked for in the text with its backslash-escaped characters
 * removed: a link `[x](y)`, a Teams mention `<at>`, bold `**`.
 */
export function injectedMarkup(text: string): string[] {
  const unescaped = text.replace(/\\[!-/:-@[-`{-~]/g, '');
  const found: string[] = [];
  if (/\[[^\]]*\]\(/.test(unescaped)) found.push('link');
  if (/<at\b/i.test(unescaped)) found.push('mention');
  if (unescaped.includes('**')) found.push('bold');
  return found;
}

const ENTITY: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>' };

/** What a CommonMark reader shows for an escaped text: backslash escapes and the three entities decoded, once. */
export function decodeTeamsMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])|&(amp|lt|gt);/g, (_match, escaped?: string, entity?: string) => {
    return escaped ?? ENTITY[entity ?? ''] ?? '';
  });
}
