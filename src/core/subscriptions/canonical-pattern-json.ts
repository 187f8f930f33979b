// (core) an event pattern as canonical text: keys sorted, lists of values as sets (a repeated subscribe names the same rule)
/**
 * A canonical JSON text for an event pattern: object keys sorted, and lists of plain values
 * sorted, since in a pattern a list is a set of alternatives and its order means nothing.
 * Two patterns that EventBridge treats alike by construction get the same text, so the rule
 * name derived from it recognises a repeated subscription.
 */
export function canonicalPatternJson(value: unknown): string {
  return JSON.stringify(canonicalise(value));
}

function canonicalise(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonicalise);
    const plain = items.every((item) => item === null || typeof item !== 'object');
    if (!plain) return items;
    const keyed = items.map((item) => [JSON.stringify(item), item] as const);
    keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return keyed.filter(([text], i) => i === 0 || keyed[i - 1]?.[0] !== text).map(([, item]) => item);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonicalise(v)]));
  }
  return value;
}
