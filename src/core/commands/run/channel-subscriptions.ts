// (core) list --> RuleStore.listRules: this channel's rules, read back into subscriptions
import type { ChannelRef } from '../../channels';
import type { StoredRule } from '../../ports';
import {
  buildFilterSubscription,
  channelRulePrefix,
  describeSubscription,
  fromEventPattern,
  InvalidSubscriptionError,
  type Subscription,
  subscriptionIdOfRule,
  toCommandArguments,
} from '../../subscriptions';
import { type CommandAnswer, type CommandContext, type CommandDeps, textAnswer } from './command-context';
import { snoozeLines } from './snooze-pipeline';
import { MODE_TAG } from './subscribe-channel';

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
  const read = readBack(subscription.rule);
  // A `--transitions` rule's pattern reads as SUCCEEDED and FAILED events: its tag says what it is.
  const parsed =
    read?.kind === 'filter' && subscription.rule.tags[MODE_TAG] === 'transitions'
      ? buildFilterSubscription({ ...read, states: [], level: undefined, transitions: true })
      : read;
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
  const [subscriptions, snoozed] = await Promise.all([
    channelSubscriptions(deps, context.channel),
    snoozeLines(context, deps),
  ]);
  if (subscriptions.length === 0) {
    return textAnswer(
      [
        `This channel has no subscriptions. Try \`${context.invocation} subscribe myPipeline FAILED\`, or \`${context.invocation} help\`.`,
        ...snoozed,
      ].join('\n'),
    );
  }
  const lines = subscriptions
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((subscription) => subscriptionLine(subscription, context.invocation));
  const count = subscriptions.length === 1 ? '1 subscription' : `${subscriptions.length} subscriptions`;
  return textAnswer([`This channel has ${count}:`, ...lines, ...snoozed].join('\n'));
}
