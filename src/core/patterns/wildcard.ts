// (core) wildcard values of event patterns: text --> literal pieces between stars (or the reason), linear-time matching
/**
 * EventBridge `wildcard` values: `*` matches any run of characters (empty too,
 * `/` too), `\*` is a literal star and `\\` a literal backslash. Matching is
 * greedy leftmost search of the literal pieces between stars, which is correct
 * for `*`-only globs and linear in the input per piece: there is no
 * backtracking, so no pattern can make it exponential.
 */

/** The literal pieces between unescaped stars: `a*b*c` is ['a', 'b', 'c']; no star is one piece. */
export interface WildcardPattern {
  readonly pieces: readonly string[];
}

/**
 * EventBridge's limit on wildcard complexity is an internal measure of the
 * state machine; "more than five stars in one value" is the approximation that
 * agrees with the service on the recorded cases (LocalStack uses the same).
 */
export const MAX_WILDCARD_STARS = 5;

/** Parses a wildcard value, or returns the reason EventBridge gives for rejecting it. */
export function parseWildcard(text: string): WildcardPattern | { readonly error: string } {
  const pieces: string[] = [];
  let current = '';
  let previousWasStar = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') return { error: `Invalid escape character at pos ${i + 1}` };
      current += next;
      i++;
      previousWasStar = false;
    } else if (c === '*') {
      if (previousWasStar) return { error: `Consecutive wildcard characters at pos ${i}` };
      pieces.push(current);
      current = '';
      previousWasStar = true;
    } else {
      current += c;
      previousWasStar = false;
    }
  }
  pieces.push(current);
  return { pieces };
}

export function wildcardStarCount(pattern: WildcardPattern): number {
  return pattern.pieces.length - 1;
}

export function matchesWildcard(pattern: WildcardPattern, value: string): boolean {
  const { pieces } = pattern;
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1] ?? '';
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  // The middle pieces must appear in order inside value[first.length, value.length - last.length).
  let from = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? '';
    if (piece === '') continue;
    const at = value.indexOf(piece, from);
    if (at === -1 || at + piece.length > end) return false;
    from = at + piece.length;
  }
  return true;
}
