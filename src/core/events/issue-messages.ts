// (core) zod issues --> path + message pairs an operator can read ("detail.execution-id: expected a string, got number")
import type * as z from '../zod';
import type { PipelineEventIssue } from './invalid-pipeline-event-error';

/**
 * Turns zod issues into path + message pairs in our own words
 * (`detail.execution-id: expected a string, got number`). Zod's default
 * messages do not say what was received for a missing field versus a wrong
 * one, and an operator reading a log line needs exactly that.
 */
export function toPipelineEventIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  basePath: readonly PropertyKey[] = [],
): PipelineEventIssue[] {
  return issues.map((issue) => {
    const path = [...basePath, ...issue.path];
    return { path: formatPath(path), message: describeIssue(issue, valueAt(input, issue.path)) };
  });
}

/** `detail.input-artifacts[0].name`; the root is `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(root)' : text;
}

/** The JSON type name of a value, as an operator would say it. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

function describeIssue(issue: z.core.$ZodIssue, received: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return describeTypeMismatch([issue.expected], received);
    case 'invalid_union': {
      const expected = issue.errors.flatMap((branch) =>
        branch.flatMap((inner) => (inner.code === 'invalid_type' && inner.path.length === 0 ? [inner.expected] : [])),
      );
      return expected.length > 0 ? describeTypeMismatch(expected, received) : issue.message;
    }
    case 'invalid_value': {
      const allowed = issue.values.map((value) => JSON.stringify(value)).join(', ');
      return `expected one of ${allowed}, got ${describeValue(received)}`;
    }
    case 'invalid_format':
    case 'custom':
    case 'too_small':
    case 'too_big':
      return `${issue.message}, got ${describeValue(received)}`;
    default:
      return issue.message;
  }
}

function describeTypeMismatch(expected: readonly string[], received: unknown): string {
  const wanted = [...new Set(expected)].map(withArticle).join(' or ');
  if (received === undefined) return `is missing (expected ${wanted})`;
  return `expected ${wanted}, got ${jsonTypeOf(received)}`;
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value === undefined) return 'nothing';
  return jsonTypeOf(value);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
