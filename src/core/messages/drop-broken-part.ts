// (core) one part of a message --> built, or left out when building it throws: a render never fails as a whole

/**
 * The part `build` makes, or `fallback` when building it throws. The message builders build each
 * part (summary, facts, links, buttons) through this: a part that a strange event or a stored state
 * breaks is dropped, and the rest of the message is still posted.
 */
export function orElse<T, F>(build: () => T, fallback: F): T | F {
  try {
    return build();
  } catch {
    return fallback;
  }
}
