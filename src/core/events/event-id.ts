import { createHash } from 'node:crypto';

/**
 * A stable id for an event that has none (CodeStar Notifications events carry
 * no `id`). De-duplication needs the same id for the same event delivered
 * twice, so the id is a SHA-256 of the content in canonical form (object keys
 * sorted), shaped like a UUID (version nibble 8: "custom", RFC 9562) so that it
 * fits wherever an EventBridge id fits. `notificationRuleArn` is left out: the
 * same event delivered through two notification rules is still one event.
 */
export function synthesizeEventId(content: Readonly<Record<string, unknown>>): string {
  const { notificationRuleArn: _ignored, ...rest } = content;
  const hex = createHash('sha256').update(canonicalJson(rest)).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * JSON with sorted keys. Never throws: the input may be any object a caller
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
