// (core) a Subscription --> the subscribe arguments that give it back, for list and unsubscribe <same arguments>
import { buildFilterSubscription } from './parse-arguments';
import type { FilterSubscription, PipelineSelector, Subscription } from './subscription';

/**
 * The `subscribe` arguments that give this subscription back, so `list` can show a command
 * that a person can copy, and `unsubscribe <same arguments>` finds the same rule.
 */
export function toCommandArguments(subscription: Subscription): string {
  if (subscription.kind === 'pattern') return `--pattern ${JSON.stringify(subscription.pattern)}`;
  if (subscription.transitions === true) {
    const words = [subscription.pipelines.map(selectorText).join(','), '--transitions'];
    if (subscription.stage !== undefined) words.push('--stage', subscription.stage);
    return [...words, ...originWords(subscription)].join(' ');
  }
  const words = [subscription.pipelines.map(selectorText).join(','), ...subscription.states];
  if (subscription.stage !== undefined) words.push('--stage', subscription.stage);
  if (subscription.action !== undefined) words.push('--action', subscription.action);
  if (subscription.categories.length > 0) words.push('--category', subscription.categories.join(','));
  // Name the levels only where the other arguments would not already give them.
  if (!sameLevels(derivedLevels(subscription), subscription.levels)) {
    words.push('--level', subscription.levels.join(','));
  }
  return [...words, ...originWords(subscription)].join(' ');
}

/** `--account` and `--region`, when the subscription has them. */
function originWords(subscription: FilterSubscription): string[] {
  const words: string[] = [];
  if (subscription.accounts !== undefined && subscription.accounts.length > 0)
    words.push('--account', subscription.accounts.join(','));
  if (subscription.regions !== undefined && subscription.regions.length > 0)
    words.push('--region', subscription.regions.join(','));
  return words;
}

function selectorText(selector: PipelineSelector): string {
  if (selector.kind === 'all') return '*';
  return selector.kind === 'name' ? selector.name : `${selector.prefix}*`;
}

function derivedLevels(subscription: FilterSubscription): FilterSubscription['levels'] | undefined {
  try {
    return buildFilterSubscription({ ...subscription, level: undefined }).levels;
  } catch {
    return undefined;
  }
}

function sameLevels(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((level) => b.includes(level));
}
