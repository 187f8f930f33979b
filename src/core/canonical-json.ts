// (core) one canonical JSON text: object keys sorted at every depth, for hashes and stable comparisons

/**
 * JSON with object keys sorted at every depth (undefined, function and symbol members dropped,
 * as JSON.stringify does); array order is kept. Never throws: the input may be any object a caller
 * built (cycles, bigints, functions), not only parsed JSON.
 */
export function canonicalJson(value: unknown): string {
  const seen = new WeakSet<object>();
  const walk = (current: unknown): string => {
    if (current === null) return 'null';
    switch (typeof current) {
      case 'string':
        return JSON.stringify(current);
      case 'number':
        return Number.isFinite(current) ? JSON.stringify(current) : 'null';
      case 'boolean':
        return String(current);
      case 'bigint':
        return JSON.stringify(current.toString());
      case 'object': {
        if (seen.has(current)) return '"[Circular]"';
        seen.add(current);
        const text = Array.isArray(current)
          ? `[${current.map((item) => walk(item ?? null)).join(',')}]`
          : `{${Object.keys(current)
              .sort()
              .filter((key) => isSerializable((current as Record<string, unknown>)[key]))
              .map((key) => `${JSON.stringify(key)}:${walk((current as Record<string, unknown>)[key])}`)
              .join(',')}}`;
        seen.delete(current);
        return text;
      }
      default:
        return 'null';
    }
  };
  return walk(value);
}

function isSerializable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}
