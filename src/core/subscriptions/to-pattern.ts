// (core) a Subscription --> the EventBridge event pattern PutRule receives, refused above the pattern size quota

import type { ChannelRef } from '../channels';
import { DETAIL_TYPES } from '../events/states';
import { MAX_EVENT_PATTERN_LENGTH } from '../patterns';
import { InvalidSubscriptionError } from './errors';
import { CODEPIPELINE_SOURCE } from './pattern-subscription';
import { ruleKeyOf, ruleNameFor } from './rule-name';
import type { FilterSubscription, Subscription } from './subscription';

/** The EventBridge event pattern of a subscription, as PutRule receives it. */
export function toEventPattern(subscription: Subscription): Record<string, unknown> {
  if (subscription.kind === 'pattern') return subscription.pattern;
  return filterPattern(subscription);
}

function filterPattern(subscription: FilterSubscription): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  if (subscription.pipelines.some((p) => p.kind !== 'all')) {
    detail.pipeline = subscription.pipelines.map((p) =>
      p.kind === 'name' ? p.name : { prefix: p.kind === 'prefix' ? p.prefix : '' },
    );
  }
  if (subscription.states.length > 0) detail.state = [...subscription.states];
  if (subscription.stage !== undefined) detail.stage = [subscription.stage];
  if (subscription.action !== undefined) detail.action = [subscription.action];
  if (subscription.categories.length > 0) detail.type = { category: [...subscription.categories] };
  const pattern: Record<string, unknown> = {
    source: [CODEPIPELINE_SOURCE],
    'detail-type': subscription.levels.map((level) => DETAIL_TYPES[level]),
  };
  // Where the event comes from: the envelope's account and region (another account's forwarded events keep theirs).
  if (subscription.accounts !== undefined && subscription.accounts.length > 0)
    pattern.account = [...subscription.accounts];
  if (subscription.regions !== undefined && subscription.regions.length > 0) pattern.region = [...subscription.regions];
  if (Object.keys(detail).length > 0) pattern.detail = detail;
  return pattern;
}

/**
 * The pattern as PutRule's `EventPattern` text, refused when it would exceed EventBridge's
 * event-pattern size quota (PutRule would answer InvalidEventPatternException).
 */
export function eventPatternText(subscription: Subscription, maxLength = MAX_EVENT_PATTERN_LENGTH): string {
  const text = JSON.stringify(toEventPattern(subscription));
  if (text.length > maxLength) {
    throw new InvalidSubscriptionError(
      `This subscription's event pattern is ${text.length} characters; EventBridge allows ${maxLength}. Subscribe to fewer pipelines at once, or use a prefix such as \`api-*\`.`,
    );
  }
  return text;
}

/** The rule of a subscription in a channel: from its pattern, and its mode (see ruleKeyOf). */
export function subscriptionRuleName(channel: ChannelRef, subscription: Subscription): string {
  const transitions = subscription.kind === 'filter' && subscription.transitions === true;
  return ruleNameFor(channel, ruleKeyOf(toEventPattern(subscription), transitions));
}
