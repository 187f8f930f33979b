// (core) list --> RuleStore.listRules: this channel's rules, read back into subscriptions
import type { ChannelRef } from '../../channels';
import type { StoredRule } from '../../ports';
import {
  channelRulePrefix,
  describeSubscription,
  fromEventPattern,
  InvalidSubscriptionError,
  type Subscription,
  subscriptionIdOfRule,
  toCommandArguments,
} from '../../subscriptions';
import { type CommandAnswer, type CommandContext, type CommandDeps, textAnswer } from './command-context';

export interface ChannelSubscription {
  readonly id: string;
  readonly rule: StoredRule;
}

/**
 * The channel's rules: the name prefix finds them without reading other channels' rules, and
 * the id must parse back from the name; a rule tagged for another channel is never included,
 * even if its name happened to share the prefix.
 */
export async function channelSubscriptions(deps: CommandDeps, channel: ChannelRef): Promise<ChannelSubscription[]> {
  const rules = await deps.rules.listRules(channelRulePrefix(channel));
  return rules.flatMap((rule) => {
    const id = subscriptionIdOfRule(channel, rule.name);
    return id !== undefined && taggedFor(rule, channel) ? [{ id, rule }] : [];
  });
}

function taggedFor(rule: StoredRule, channel: ChannelRef): boolean {
  const tagged = rule.tags['pipewatch:channel'];
  return tagged === undefined || tagged === channel.channel;
}

/** One line per subscription: its id, what it posts, and the arguments that give it back. */
export function subscriptionLine(subscription: ChannelSubscription, invocation: string): string {
  const parsed = readBack(subscription.rule);
  const what =
    parsed === undefined ? (subscription.rule.description ?? 'an unreadable rule') : describeSubscription(parsed);
  const args = parsed === undefined ? '' : ` — \`${invocation} subscribe ${toCommandArguments(parsed)}\``;
  const disabled = subscription.rule.state === 'DISABLED' ? ' (disabled)' : '';
  return `• \`${subscription.id}\` ${what}${disabled}${args}`;
}

/** The rule's subscription, or undefined for a rule pipewatch cannot read back (edited elsewhere): listed by description. */
export function readBack(rule: StoredRule): Subscription | undefined {
  if (rule.eventPattern === undefined) return undefined;
  try {
    return fromEventPattern(rule.eventPattern);
  } catch (error) {
    if (error instanceof InvalidSubscriptionError) return undefined;
    throw error;
  }
}

export async function listSubscriptions(context: CommandContext, deps: CommandDeps): Promise<CommandAnswer> {
  const subscriptions = await channelSubscriptions(deps, context.channel);
  if (subscriptions.length === 0) {
    return textAnswer(
      `This channel has no subscriptions. Try \`${context.invocation} subscribe myPipeline FAILED\`, or \`${context.invocation} help\`.`,
    );
  }
  const lines = subscriptions
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((subscription) => subscriptionLine(subscription, context.invocation));
  const count = subscriptions.length === 1 ? '1 subscription' : `${subscriptions.length} subscriptions`;
  return textAnswer([`This channel has ${count}:`, ...lines].join('\n'));
}
