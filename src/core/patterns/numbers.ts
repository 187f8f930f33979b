// (core) numbers as EventBridge compares them: fixed-point keys exact to six decimals within ±5e9, and numeric ranges
/**
 * Numbers as EventBridge compares them. event-ruler (the matcher EventBridge is
 * built on) turns every number into a fixed-point key, `floor(1e6 * (5e9 + n))`,
 * so comparisons are exact to six decimals and only defined within ±5e9. We
 * compute the same key with the same IEEE doubles, so `300` equals `300.0` and
 * `37.8078` does not equal `37.807807`, as in the service.
 */

export const NUMBER_LIMIT = 5e9;

/** The comparable key of `n`, or undefined when `n` is outside ±5e9 (or not finite). */
export function comparableNumber(n: number): number | undefined {
  if (!Number.isFinite(n) || n < -NUMBER_LIMIT || n > NUMBER_LIMIT) return undefined;
  return Math.floor(1e6 * (NUMBER_LIMIT + n));
}

/** A numeric range with optional bounds, on comparable keys. */
export interface NumericRange {
  readonly lower?: { readonly key: number; readonly inclusive: boolean };
  readonly upper?: { readonly key: number; readonly inclusive: boolean };
}

export function inNumericRange(range: NumericRange, value: number): boolean {
  const key = comparableNumber(value);
  if (key === undefined) return false;
  const { lower, upper } = range;
  if (lower && (lower.inclusive ? key < lower.key : key <= lower.key)) return false;
  if (upper && (upper.inclusive ? key > upper.key : key >= upper.key)) return false;
  return true;
}

/**
 * Equality of two JSON numbers as EventBridge sees it: by comparable key inside
 * ±5e9, and (as event-ruler falls back to the number's text outside it) by plain
 * value outside.
 */
export function numbersEqual(a: number, b: number): boolean {
  const ka = comparableNumber(a);
  const kb = comparableNumber(b);
  if (ka === undefined || kb === undefined) return a === b;
  return ka === kb;
}
