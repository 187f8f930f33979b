// (core) the text of a command --> words: quotes, typographic quotes and `--pattern`'s JSON

/**
 * Splits the text of a command into words. Phones and macOS type typographic quotes; they are
 * read as plain quotes so that `--pattern {"source": ...}` and quoted words work however they
 * were typed. A platform's own escaping (Slack's `&amp;`) is undone by its adapter first.
 *
 * `--pattern` takes the rest of the text as one word, because JSON holds spaces and quotes.
 */
export function tokenize(text: string): string[] {
  const normalised = text
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'");
  const words: string[] = [];
  let i = 0;
  const n = normalised.length;
  while (i < n) {
    while (i < n && isSpace(normalised[i] as string)) i++;
    if (i >= n) break;
    const rest = normalised.slice(i);
    const pattern = /^--pattern(?:=|\s+|$)/i.exec(rest);
    if (pattern !== null) {
      words.push('--pattern');
      const value = rest.slice(pattern[0].length).trim();
      if (value !== '') words.push(value);
      break;
    }
    let word = '';
    while (i < n && !isSpace(normalised[i] as string)) {
      const c = normalised[i] as string;
      if (c === '"' || c === "'") {
        const close = normalised.indexOf(c, i + 1);
        if (close === -1) {
          word += normalised.slice(i + 1);
          i = n;
          break;
        }
        word += normalised.slice(i + 1, close);
        i = close + 1;
      } else {
        word += c;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}

function isSpace(c: string): boolean {
  return /\s/.test(c);
}
