// (Slack command) /pipewatch subscribe … --> RuleStore.putRule: one rule on the pipewatch bus per subscription
import { truncateText } from '../../../../core/actions';
import type { RuleDefinition } from '../../../../core/ports';
import {
  describeSubscription,
  eventPatternText,
  ruleNameFor,
  type Subscription,
  subscriptionIdOfRule,
  toEventPattern,
} from '../../../../core/subscriptions';
import { escapeMrkdwn } from '../../../escape';
import type { CommandAnswer, CommandContext } from './command-context';
import { ruleStoreFailure } from './rule-store-failure';

/** EventBridge's limit on a rule's description. */
const MAX_RULE_DESCRIPTION = 512;

/** The tags every subscription rule carries: who asked for it, for which channel. */
export function subscriptionTags(context: CommandContext): Record<string, string> {
  return {
    'pipewatch:channel': context.channel.channel,
    'pipewatch:platform': context.channel.platform,
    'pipewatch:workspace': context.channel.workspace,
    'pipewatch:creator': context.userId,
  };
}

/**
 * 1. The pattern (refused in plain words when over EventBridge's size quota).
 * 2. The rule name, deterministic from (channel, pattern), so a repeated subscribe names the
 *    same rule.
 * 3. PutRule + PutTargets through the store (one target: the notify function, whose
 *    InputTransformer carries this channel). The store reports whether the rule is new: if not,
 *    the answer is "already subscribed" (the put still repairs a rule whose target was lost).
 */
export async function subscribe(context: CommandContext, subscription: Subscription): Promise<CommandAnswer> {
  const eventPattern = eventPatternText(subscription);
  const name = ruleNameFor(context.channel, toEventPattern(subscription));
  const id = subscriptionIdOfRule(context.channel, name) ?? name;
  const description = describeSubscription(subscription);
  const rule: RuleDefinition = {
    name,
    description: truncateText(description, MAX_RULE_DESCRIPTION),
    eventPattern,
    channel: context.channel,
    tags: subscriptionTags(context),
  };
  let created: boolean;
  try {
    ({ created } = await context.deps.rules.putRule(rule));
  } catch (error) {
    const failure = ruleStoreFailure(error);
    if (failure === undefined) throw error;
    return { text: escapeMrkdwn(failure) };
  }
  if (!created) {
    return { text: escapeMrkdwn(`This channel is already subscribed to ${description} (id \`${id}\`).`) };
  }
  context.deps.log.info('subscribed', { rule: name, channel: context.channel, creator: context.userId });
  return {
    text: escapeMrkdwn(
      `Subscribed this channel to ${description}. Id \`${id}\`: \`${context.command} unsubscribe ${id}\` stops it.`,
    ),
  };
}
