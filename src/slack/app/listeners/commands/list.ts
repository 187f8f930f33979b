// (Slack command) /pipewatch list --> RuleStore.listRules: this channel's rules, read back into subscriptions
import type { StoredRule } from '../../../../core/ports';
import {
  type ChannelRef,
  channelRulePrefix,
  describeSubscription,
  fromEventPattern,
  subscriptionIdOfRule,
  toCommandArguments,
} from '../../../../core/subscriptions';
import { escapeMrkdwn } from '../../../escape';
import type { CommandAnswer, CommandContext } from './command-context';

export interface ChannelSubscription {
  readonly id: string;
  readonly rule: StoredRule;
}

/**
 * The channel's rules: the name prefix finds them without reading other channels' rules, and
 * the id must parse back from the name; a rule tagged for another channel is never included,
 * even if its name happened to share the prefix.
 */
export async function channelSubscriptions(context: CommandContext): Promise<ChannelSubscription[]> {
  const rules = await context.deps.rules.listRules(channelRulePrefix(context.channel));
  return rules.flatMap((rule) => {
    const id = subscriptionIdOfRule(context.channel, rule.name);
    return id !== undefined && taggedFor(rule, context.channel) ? [{ id, rule }] : [];
  });
}

function taggedFor(rule: StoredRule, channel: ChannelRef): boolean {
  const tagged = rule.tags['pipewatch:channel'];
  return tagged === undefined || tagged === channel.channel;
}

/** One line per subscription: its id, what it posts, and the arguments that give it back. */
export function subscriptionLine(subscription: ChannelSubscription, command: string): string {
  const parsed =
    subscription.rule.eventPattern === undefined ? undefined : fromEventPattern(subscription.rule.eventPattern);
  const what =
    parsed === undefined ? (subscription.rule.description ?? 'an unreadable rule') : describeSubscription(parsed);
  const args = parsed === undefined ? '' : ` — \`${command} subscribe ${toCommandArguments(parsed)}\``;
  const disabled = subscription.rule.state === 'DISABLED' ? ' (disabled)' : '';
  return `• \`${subscription.id}\` ${what}${disabled}${args}`;
}

export async function list(context: CommandContext): Promise<CommandAnswer> {
  const subscriptions = await channelSubscriptions(context);
  if (subscriptions.length === 0) {
    return {
      text: escapeMrkdwn(
        `This channel has no subscriptions. Try \`${context.command} subscribe myPipeline FAILED\`, or \`${context.command} help\`.`,
      ),
    };
  }
  const lines = subscriptions
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((subscription) => subscriptionLine(subscription, context.command));
  const count = subscriptions.length === 1 ? '1 subscription' : `${subscriptions.length} subscriptions`;
  return { text: escapeMrkdwn([`This channel has ${count}:`, ...lines].join('\n')) };
}
