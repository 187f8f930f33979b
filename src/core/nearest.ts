// (core) a mistyped word --> the nearest known one (case-insensitive edit distance), for every "did you mean …?"

/**
 * The edit distance between two words, ignoring case: insertions, deletions, substitutions and
 * swaps of two neighbouring letters (`Biuld` → `Build`) each count one (the optimal string
 * alignment distance). `limit` stops early: any answer above it is returned as `limit + 1`.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  // Three rows of the dynamic programme: two back for the swap, one back, and the current one.
  let before = new Array<number>(t.length + 1).fill(0);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  let current = new Array<number>(t.length + 1).fill(0);
  let previousMinimum = 0;
  for (let i = 1; i <= s.length; i++) {
    current[0] = i;
    let rowMinimum = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        value = Math.min(value, (before[j - 2] as number) + 1);
      }
      current[j] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    // Values only grow along a path, and a swap skips one row at most: two rows above the limit end it.
    if (rowMinimum > limit && previousMinimum > limit) return limit + 1;
    previousMinimum = rowMinimum;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[t.length] as number, limit + 1);
}

/**
 * How far a candidate may be from what was typed and still be suggested: one edit for short
 * words, then one per three letters of the longer word (`subscrib` → `subscribe`, `FAILD` →
 * `FAILED`, `myPipline` → `myPipeline`; not `noSuchPipeline` → `myPipeline`).
 */
export function suggestionDistance(word: string, candidate: string): number {
  return Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
}

/**
 * The candidate nearest to `word` by editDistance, if it is reasonably close (suggestionDistance);
 * undefined otherwise. Ties go to the candidate listed first. A candidate that differs only in
 * case is at distance 0, the nearest of all: names in event patterns are case-sensitive.
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const limit = Math.min(suggestionDistance(word, candidate), bestDistance - 1);
    if (limit < 0) break;
    const distance = editDistance(word, candidate, limit);
    if (distance <= limit) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The candidates ordered by editDistance to `word`, nearest first (ties in the order given), at
 * most `count` of them: "a few existing names" when none is close enough to suggest.
 */
export function nearestFirst(word: string, candidates: Iterable<string>, count: number): string[] {
  return [...candidates]
    .map((candidate, index) => ({ candidate, index, distance: editDistance(word, candidate) }))
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, Math.max(0, count))
    .map(({ candidate }) => candidate);
}
