// (core) one canonical JSON text: object keys sorted at every depth, for hashes and stable comparisons

/**
 * JSON with object keys sorted at every depth (undefined, function and symbol members dropped,
 * as JSON.stringify does); array order is kept. Never throws: the input may be any object a caller
 * built (cycles, bigints, functions), not only parsed JSON, and nested to any depth (the walk is
 * iterative: a 7 KB event of 3,000 nested arrays once overflowed a recursive one).
 */
export function canonicalJson(value: unknown): string {
  /** The objects on the path from the root to the current one: meeting one again is a cycle. */
  const onPath = new WeakSet<object>();
  const stack: Frame[] = [];
  /** The text of a scalar, or undefined once a container's frame is pushed (its text comes when it is done). */
  const open = (current: unknown): string | undefined => {
    if (current === null || typeof current !== 'object') return scalarJson(current);
    if (onPath.has(current)) return '"[Circular]"';
    onPath.add(current);
    const array = Array.isArray(current);
    const record = current as Record<string, unknown>;
    const entries: Entry[] = array
      ? Array.from(current as readonly unknown[], (item): Entry => [undefined, item ?? null])
      : Object.keys(current)
          .sort()
          .filter((key) => isSerializable(record[key]))
          .map((key): Entry => [key, record[key]]);
    stack.push({ object: current, array, entries, index: 0, parts: [] });
    return undefined;
  };
  const rootText = open(value);
  if (rootText !== undefined) return rootText;
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    const entry = frame.entries[frame.index];
    if (entry !== undefined) {
      frame.index++;
      const text = open(entry[1]);
      if (text !== undefined) frame.parts.push(member(entry[0], text));
      continue;
    }
    stack.pop();
    onPath.delete(frame.object);
    const text = frame.array ? `[${frame.parts.join(',')}]` : `{${frame.parts.join(',')}}`;
    const parent = stack.at(-1);
    if (parent === undefined) return text;
    parent.parts.push(member(parent.entries[parent.index - 1]?.[0], text));
  }
  return 'null'; // not reached: the root's frame returns its text
}

/** An array item (no key) or an object member. */
type Entry = readonly [string | undefined, unknown];

interface Frame {
  readonly object: object;
  readonly array: boolean;
  readonly entries: readonly Entry[];
  index: number;
  readonly parts: string[];
}

function member(key: string | undefined, text: string): string {
  return key === undefined ? text : `${JSON.stringify(key)}:${text}`;
}

function scalarJson(current: unknown): string {
  switch (typeof current) {
    case 'string':
      return JSON.stringify(current);
    case 'number':
      return Number.isFinite(current) ? JSON.stringify(current) : 'null';
    case 'boolean':
      return String(current);
    case 'bigint':
      return JSON.stringify(current.toString());
    default:
      return 'null';
  }
}

function isSerializable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}
