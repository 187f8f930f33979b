// (core) a Subscription --> the one line a person reads in list and in the rule's description
import type { Level } from '../events/states';
import type { FilterSubscription, PipelineSelector, Subscription } from './subscription';

const PROSE_ORDER: readonly Level[] = ['pipeline', 'stage', 'action'];

/**
 * One line a person reads in `list` and in the rule's description, e.g.
 * "FAILED pipeline events in myPipeline" or "FAILED action events (category Build or Deploy) in all pipelines".
 */
export function describeSubscription(subscription: Subscription): string {
  if (subscription.kind === 'pattern')
    return `events matching the custom pattern ${JSON.stringify(subscription.pattern)}`;
  return describeFilter(subscription);
}

function describeFilter(s: FilterSubscription): string {
  if (s.transitions === true) {
    const what = s.stage === undefined ? '' : ` (stage ${s.stage})`;
    return `transitions only: broken and fixed${what} in ${describePipelines(s.pipelines)}${describeOrigin(s)}`;
  }
  const states = s.states.length > 0 ? orList(s.states) : 'all';
  const levels = andList(PROSE_ORDER.filter((l) => s.levels.includes(l)));
  const scope: string[] = [];
  if (s.categories.length > 0) scope.push(`category ${orList(s.categories)}`);
  if (s.action !== undefined) scope.push(`action ${s.action}`);
  if (s.stage !== undefined) scope.push(`stage ${s.stage}`);
  const qualifier = scope.length > 0 ? ` (${scope.join(', ')})` : '';
  return `${states} ${levels} events${qualifier} in ${describePipelines(s.pipelines)}${describeOrigin(s)}`;
}

/** " of account 111111111111 in eu-west-1", from `--account` and `--region`; empty without them. */
function describeOrigin(s: FilterSubscription): string {
  const accounts = s.accounts !== undefined && s.accounts.length > 0 ? ` of account ${orList(s.accounts)}` : '';
  const regions = s.regions !== undefined && s.regions.length > 0 ? ` in ${orList(s.regions)}` : '';
  return `${accounts}${regions}`;
}

function describePipelines(selectors: readonly PipelineSelector[]): string {
  if (selectors.some((s) => s.kind === 'all')) return 'all pipelines';
  const parts = selectors.map((s) =>
    s.kind === 'name' ? s.name : `pipelines starting with ${s.kind === 'prefix' ? s.prefix : ''}`,
  );
  return andList(parts);
}

function andList(items: readonly string[]): string {
  return joinList(items, 'and');
}

function orList(items: readonly string[]): string {
  return joinList(items, 'or');
}

function joinList(items: readonly string[], word: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}
