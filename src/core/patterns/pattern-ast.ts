// (core) the validated shape of an event pattern (fields, leaf conditions, $or): what validate proves and compile consumes
import type { CidrBlock } from './cidr';
import type { NumericRange } from './numbers';
import type { WildcardPattern } from './wildcard';

/**
 * The validated shape of an event pattern: what `validateEventPattern` proves
 * and `compile` consumes. Field keys keep their dots; dot-joining is resolved
 * when the pattern is flattened into paths.
 */

/** A JSON value as a pattern holds it (validated, so it is plain JSON). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** An event pattern: a non-empty JSON object of fields, nested objects and `$or`. */
export type EventPattern = { readonly [key: string]: JsonValue };

/** One alternative in a field's list. */
export type LeafCondition =
  | { readonly kind: 'exact'; readonly value: string | number | boolean | null }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly pattern: WildcardPattern }
  | { readonly kind: 'numeric'; readonly range: NumericRange }
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'cidr'; readonly block: CidrBlock }
  | { readonly kind: 'anything-but'; readonly but: AnythingBut };

export type AnythingBut =
  | { readonly kind: 'strings'; readonly values: readonly string[] }
  | { readonly kind: 'numbers'; readonly values: readonly number[] }
  | { readonly kind: 'prefix'; readonly values: readonly string[] }
  | { readonly kind: 'suffix'; readonly values: readonly string[] }
  | { readonly kind: 'equals-ignore-case'; readonly values: readonly string[] }
  | { readonly kind: 'wildcard'; readonly patterns: readonly WildcardPattern[] };

export interface PatternObjectNode {
  readonly fields: readonly PatternField[];
  /** Alternatives of a `$or` at this level (at least two), each ANDed with `fields`. */
  readonly or?: readonly PatternObjectNode[];
  /**
   * How many of `fields` come before the `$or` in the JSON text. Order matters:
   * a path given twice in one sub-rule keeps the later definition, as in
   * event-ruler, so an `$or` alternative can override an outer field.
   */
  readonly orPosition?: number;
}

export type PatternField =
  | { readonly key: string; readonly kind: 'leaf'; readonly conditions: readonly LeafCondition[] }
  | { readonly key: string; readonly kind: 'object'; readonly node: PatternObjectNode };
