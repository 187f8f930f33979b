// (core) a rule's event pattern --> the Subscription it came from: a filter when subscribe built it, else a pattern
import { DETAIL_TYPES, LEVELS, type Level } from '../events/states';
import { canonicalPatternJson } from './canonical-pattern-json';
import { buildFilterSubscription } from './parse-arguments';
import { restrictToCodePipeline } from './pattern-subscription';
import type { PipelineSelector, Subscription } from './subscription';
import { toEventPattern } from './to-pattern';

/**
 * Reads a rule's event pattern back into a Subscription. Patterns that `subscribe` builds come
 * back as the same filter subscription; anything else (a `--pattern`, or a rule edited in the
 * console) comes back as a pattern subscription, never lost and never misdescribed.
 *
 * @throws InvalidSubscriptionError for a pattern that could match events of other sources.
 */
export function fromEventPattern(pattern: unknown): Subscription {
  const parsed: unknown = typeof pattern === 'string' ? safeJson(pattern) : pattern;
  const filter = asFilter(parsed);
  if (filter !== undefined && canonicalPatternJson(toEventPattern(filter)) === canonicalPatternJson(parsed))
    return filter;
  // Read back as it is: a stored rule is never widened or narrowed by reading it.
  return restrictToCodePipeline(parsed, { addSource: false });
}

function asFilter(pattern: unknown): Subscription | undefined {
  if (!isObject(pattern)) return undefined;
  const detailTypes = stringList(pattern['detail-type']);
  if (detailTypes === undefined) return undefined;
  const levels: Level[] = [];
  for (const detailType of detailTypes) {
    const level = LEVELS.find((l) => DETAIL_TYPES[l] === detailType);
    if (level === undefined) return undefined;
    levels.push(level);
  }
  const detail = pattern.detail === undefined ? {} : pattern.detail;
  if (!isObject(detail)) return undefined;
  const pipelines = detail.pipeline === undefined ? [{ kind: 'all' } as const] : selectors(detail.pipeline);
  const states = detail.state === undefined ? [] : stringList(detail.state);
  const stage = detail.stage === undefined ? [undefined] : stringList(detail.stage);
  const action = detail.action === undefined ? [undefined] : stringList(detail.action);
  const type = detail.type === undefined ? {} : detail.type;
  if (!isObject(type)) return undefined;
  const categories = type.category === undefined ? [] : stringList(type.category);
  if (pipelines === undefined || states === undefined || categories === undefined) return undefined;
  const accounts = pattern.account === undefined ? undefined : stringList(pattern.account);
  const regions = pattern.region === undefined ? undefined : stringList(pattern.region);
  if (
    (pattern.account !== undefined && accounts === undefined) ||
    (pattern.region !== undefined && regions === undefined)
  )
    return undefined;
  if (stage === undefined || stage.length !== 1 || action === undefined || action.length !== 1) return undefined;
  try {
    return buildFilterSubscription({
      pipelines,
      states,
      stage: stage[0],
      action: action[0],
      categories,
      level: levels.join(','),
      accounts,
      regions,
    });
  } catch {
    return undefined;
  }
}

function selectors(value: unknown): PipelineSelector[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const result: PipelineSelector[] = [];
  for (const item of value) {
    if (typeof item === 'string') result.push({ kind: 'name', name: item });
    else if (isObject(item) && Object.keys(item).length === 1 && typeof item.prefix === 'string') {
      result.push({ kind: 'prefix', prefix: item.prefix });
    } else return undefined;
  }
  return result;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string') ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
