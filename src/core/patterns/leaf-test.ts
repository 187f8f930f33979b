// (core) a field's list of pattern conditions (exact, prefix, numeric, cidr, anything-but, ...) --> one leaf predicate
import { foldCase } from './case-fold';
import { cidrContains } from './cidr';
import { canonicalIpOf, parseIpAddress } from './ip-address';
import { inNumericRange, numbersEqual } from './numbers';
import type { AnythingBut, LeafCondition } from './pattern-ast';
import { matchesWildcard } from './wildcard';

/**
 * Compiles a field's list of alternatives into one predicate over a leaf value
 * of the event (a string, number, boolean or null found at the field's path).
 * `exists: false` never matches a present value; it is the field's `allowsAbsent`.
 */

export type LeafTest = (value: unknown) => boolean;

export interface CompiledLeaf {
  readonly test: LeafTest;
  /** The field is satisfied when the event has no leaf value at its path (`exists: false` is listed). */
  readonly allowsAbsent: boolean;
}

/** String equality where a pattern string that is an IP address compares as an address. */
function stringEquals(expected: string): LeafTest {
  const canonical = canonicalIpOf(expected);
  if (canonical === undefined) return (value) => value === expected;
  return (value) => value === expected || (typeof value === 'string' && canonicalIpOf(value) === canonical);
}

function conditionTest(condition: LeafCondition): LeafTest | undefined {
  switch (condition.kind) {
    case 'exact': {
      const expected = condition.value;
      if (typeof expected === 'string') return stringEquals(expected);
      if (typeof expected === 'number') return (value) => typeof value === 'number' && numbersEqual(value, expected);
      return (value) => value === expected;
    }
    case 'prefix': {
      if (!condition.ignoreCase) {
        const prefix = condition.value;
        return (value) => typeof value === 'string' && value.startsWith(prefix);
      }
      const prefix = foldCase(condition.value);
      return (value) => typeof value === 'string' && foldCase(value).startsWith(prefix);
    }
    case 'suffix': {
      if (!condition.ignoreCase) {
        const suffix = condition.value;
        return (value) => typeof value === 'string' && value.endsWith(suffix);
      }
      const suffix = foldCase(condition.value);
      return (value) => typeof value === 'string' && foldCase(value).endsWith(suffix);
    }
    case 'equals-ignore-case': {
      const expected = foldCase(condition.value);
      return (value) => typeof value === 'string' && foldCase(value) === expected;
    }
    case 'wildcard': {
      const { pattern } = condition;
      return (value) => typeof value === 'string' && matchesWildcard(pattern, value);
    }
    case 'numeric': {
      const { range } = condition;
      return (value) => typeof value === 'number' && inNumericRange(range, value);
    }
    case 'exists':
      // Any present leaf value exists, null included; `exists: false` is handled as absence.
      return condition.exists ? () => true : undefined;
    case 'cidr': {
      const { block } = condition;
      return (value) => {
        if (typeof value !== 'string') return false;
        const address = parseIpAddress(value);
        return address !== undefined && cidrContains(block, address);
      };
    }
    case 'anything-but':
      return anythingButTest(condition.but);
  }
}

/**
 * `anything-but` matches every present value the excluded ones do not cover:
 * a string exclusion matches numbers, null and booleans, and a numeric one
 * matches strings. It never matches a missing field (that is not a value).
 */
function anythingButTest(but: AnythingBut): LeafTest {
  switch (but.kind) {
    case 'strings': {
      const excluded = new Set<string>();
      for (const value of but.values) excluded.add(canonicalIpOf(value) ?? value);
      return (value) => {
        if (typeof value !== 'string') return true;
        if (excluded.has(value)) return false;
        const canonical = canonicalIpOf(value);
        return canonical === undefined || !excluded.has(canonical);
      };
    }
    case 'numbers': {
      const excluded = but.values;
      return (value) => typeof value !== 'number' || !excluded.some((n) => numbersEqual(n, value));
    }
    case 'prefix': {
      const prefixes = but.values;
      return (value) => typeof value !== 'string' || !prefixes.some((p) => value.startsWith(p));
    }
    case 'suffix': {
      const suffixes = but.values;
      return (value) => typeof value !== 'string' || !suffixes.some((s) => value.endsWith(s));
    }
    case 'equals-ignore-case': {
      const excluded = new Set(but.values.map(foldCase));
      return (value) => typeof value !== 'string' || !excluded.has(foldCase(value));
    }
    case 'wildcard': {
      const patterns = but.patterns;
      return (value) => typeof value !== 'string' || !patterns.some((p) => matchesWildcard(p, value));
    }
  }
}

export function compileLeaf(conditions: readonly LeafCondition[]): CompiledLeaf {
  let allowsAbsent = false;
  const tests: LeafTest[] = [];
  // Plain strings are the common case (pipeline names, states): one Set lookup for all of them.
  const plainStrings = new Set<string>();
  for (const condition of conditions) {
    if (condition.kind === 'exists' && !condition.exists) allowsAbsent = true;
    if (condition.kind === 'exact' && typeof condition.value === 'string' && !canonicalIpOf(condition.value)) {
      plainStrings.add(condition.value);
      continue;
    }
    const test = conditionTest(condition);
    if (test) tests.push(test);
  }
  if (plainStrings.size > 0) {
    const single = plainStrings.size === 1 ? [...plainStrings][0] : undefined;
    tests.unshift(
      single !== undefined
        ? (value) => value === single
        : (value) => typeof value === 'string' && plainStrings.has(value),
    );
  }
  const [first] = tests;
  if (tests.length === 0) return { test: () => false, allowsAbsent };
  if (tests.length === 1 && first) return { test: first, allowsAbsent };
  return { test: (value) => tests.some((test) => test(value)), allowsAbsent };
}
