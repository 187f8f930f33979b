// (core) a power user's --pattern --> validated, every $or branch held to source aws.codepipeline --> a PatternSubscription
import { type CompiledEventPattern, compileEventPattern, InvalidEventPatternError } from '../patterns';
import type { SubRule } from '../patterns/compile';
import { InvalidSubscriptionError } from './errors';
import type { PatternSubscription } from './subscription';

export const CODEPIPELINE_SOURCE = 'aws.codepipeline';

export interface RestrictOptions {
  /**
   * When a branch of the pattern says nothing of `source`, add `"source": ["aws.codepipeline"]`
   * at the top level (default). False for a stored rule read back: it is described as it is,
   * and refused if it is not already restricted.
   */
  readonly addSource?: boolean;
}

const RESTRICTED = `A pattern must be restricted to CodePipeline events: \`"source": ["${CODEPIPELINE_SOURCE}"]\` exactly, at the top level or in every \`$or\` branch (no prefix, anything-but, wildcard, exists or equals-ignore-case on \`source\`).`;

/**
 * Validates a power user's raw pattern (JSON text or a parsed value) and insists that it can
 * only ever match CodePipeline events: a chat channel must not be able to subscribe to the
 * account's other event sources through pipewatch's rules and Lambda.
 *
 * The check is the matcher's own view of the pattern: it is flattened into its sub-rules (one
 * per combination of `$or` branches, with a later `source` overriding an earlier one, as
 * EventBridge does), and every sub-rule must test the path `source` with nothing but the exact
 * value `aws.codepipeline`. A pattern that never names `source` gets it added at the top level;
 * anything else about `source` (another source, a second source in an `$or` branch, prefix,
 * anything-but, wildcard, exists, equals-ignore-case, a nested `source` object) is refused, even
 * where a later `source` would override it.
 */
export function restrictToCodePipeline(raw: unknown, options: RestrictOptions = {}): PatternSubscription {
  let pattern: unknown = raw;
  if (typeof raw === 'string') {
    try {
      pattern = JSON.parse(raw);
    } catch (cause) {
      throw new InvalidSubscriptionError(`\`--pattern\` is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  }
  const matcher = compiled(pattern);
  const object = matcher.pattern as Record<string, unknown>;
  const sources = sourcesOf(matcher);
  if (sources.other || !everySourceExact(object)) throw new InvalidSubscriptionError(RESTRICTED);
  if (!sources.absent) return { kind: 'pattern', pattern: object };
  // Some branch says nothing of source: add it at the top, where every branch inherits it.
  if (options.addSource === false || Object.hasOwn(object, 'source')) throw new InvalidSubscriptionError(RESTRICTED);
  const restricted = { source: [CODEPIPELINE_SOURCE], ...object };
  const again = sourcesOf(compiled(restricted));
  if (again.other || again.absent) throw new InvalidSubscriptionError(RESTRICTED);
  return { kind: 'pattern', pattern: restricted };
}

/**
 * Every `source` the pattern spells, at the top or in an `$or` branch at any depth, is the exact
 * list: even one that a later `source` overrides (and so never matches) is refused, so that
 * safety never rests on which of two definitions EventBridge keeps.
 */
function everySourceExact(node: Record<string, unknown>): boolean {
  if (Object.hasOwn(node, 'source')) {
    const source = node.source;
    if (!Array.isArray(source) || !source.every((value) => value === CODEPIPELINE_SOURCE)) return false;
  }
  const or = Object.hasOwn(node, '$or') ? node.$or : undefined;
  if (!Array.isArray(or)) return true;
  return or.every((branch) => isRecord(branch) && everySourceExact(branch));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compiled(pattern: unknown): CompiledEventPattern {
  try {
    return compileEventPattern(pattern);
  } catch (cause) {
    if (cause instanceof InvalidEventPatternError) throw new InvalidSubscriptionError(cause.message, { cause });
    throw cause;
  }
}

/** Whether some sub-rule tests `source` otherwise than `== aws.codepipeline`, and whether some does not test it. */
function sourcesOf(pattern: CompiledEventPattern): { other: boolean; absent: boolean } {
  let other = false;
  let absent = false;
  for (const rule of pattern.subRules) {
    const verdict = sourceOf(rule);
    if (verdict === 'other') other = true;
    if (verdict === 'absent') absent = true;
  }
  return { other, absent };
}

function sourceOf(rule: SubRule): 'codepipeline' | 'absent' | 'other' {
  const fields = rule.fields.filter((field) => field.path === 'source');
  if (fields.length === 0) return 'absent';
  const exact = fields.every(
    (field) =>
      field.conditions.length > 0 &&
      field.conditions.every((condition) => condition.kind === 'exact' && condition.value === CODEPIPELINE_SOURCE),
  );
  return exact ? 'codepipeline' : 'other';
}
