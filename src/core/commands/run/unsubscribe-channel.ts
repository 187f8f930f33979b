// (core) unsubscribe <id | same arguments | all> --> RuleStore.deleteRule (RemoveTargets + DeleteRule)
import { nearest } from '../../nearest';
import { channelRulePrefix, describeSubscription, type Subscription, subscriptionRuleName } from '../../subscriptions';
import type { UnsubscribeTarget } from '../command';
import { type ChannelSubscription, channelSubscriptions, subscriptionLine } from './channel-subscriptions';
import { type CommandAnswer, type CommandContext, type CommandDeps, textAnswer } from './command-context';
import { ruleStoreRefusal } from './rule-store-refusal';

/**
 * Only ever deletes rules found among this channel's (name prefix and tag): an id or arguments
 * typed in one channel cannot reach another channel's rules, since the rule name is derived
 * from the channel too.
 */
export async function unsubscribeChannel(
  context: CommandContext,
  deps: CommandDeps,
  target: UnsubscribeTarget,
): Promise<CommandAnswer> {
  const mine = await channelSubscriptions(deps, context.channel);
  let chosen: ChannelSubscription[];
  let notFound: string;
  switch (target.kind) {
    case 'all':
      chosen = mine;
      notFound = 'This channel has no subscriptions.';
      break;
    case 'id': {
      // Ids are lower-case: one typed in capitals is still the same id.
      const byId = mine.filter((s) => s.id === target.id.toLowerCase());
      const bySubscription = target.orSubscription === undefined ? [] : matching(context, mine, target.orSubscription);
      chosen = byId.length > 0 ? byId : bySubscription;
      notFound = noSuchId(context, mine, target.id);
      break;
    }
    case 'subscription':
      chosen = matching(context, mine, target.subscription);
      notFound = `This channel is not subscribed to ${describeSubscription(target.subscription)}: \`${context.invocation} list\` shows what it is subscribed to.`;
      break;
  }
  if (chosen.length === 0) return textAnswer(notFound);

  const removed: ChannelSubscription[] = [];
  try {
    for (const subscription of chosen) {
      await deps.rules.deleteRule(subscription.rule.name);
      removed.push(subscription);
    }
  } catch (error) {
    const refusal = ruleStoreRefusal(error);
    if (refusal === undefined) throw error;
    const done = removed.length > 0 ? ` ${removed.length} of ${chosen.length} were removed first.` : '';
    return textAnswer(`${refusal}${done}`);
  }
  deps.log.info('unsubscribed', {
    rules: removed.map((s) => s.rule.name),
    channel: context.channel,
    by: context.userId,
  });
  const head = removed.length === 1 ? 'Unsubscribed:' : `Unsubscribed from ${removed.length} subscriptions:`;
  return textAnswer([head, ...removed.map((s) => subscriptionLine(s, context.invocation))].join('\n'));
}

/** How many of the channel's subscriptions an unknown id's answer shows; `list` shows them all. */
const SHOWN_SUBSCRIPTIONS = 10;

/**
 * An id that is not one of the channel's: the nearest of its ids when one is close (a typo),
 * else its subscriptions with their ids, so the person can pick one without another command.
 */
function noSuchId(context: CommandContext, mine: readonly ChannelSubscription[], id: string): string {
  const head = `This channel has no subscription \`${id}\``;
  if (mine.length === 0) return `${head}: it has no subscriptions.`;
  const sorted = [...mine].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const near = nearest(
    id,
    sorted.map((s) => s.id),
  );
  const suggested = sorted.find((s) => s.id === near);
  if (suggested !== undefined) {
    return [`${head}: did you mean \`${suggested.id}\`?`, subscriptionLine(suggested, context.invocation)].join('\n');
  }
  const shown = sorted.slice(0, SHOWN_SUBSCRIPTIONS).map((s) => subscriptionLine(s, context.invocation));
  const more =
    sorted.length > shown.length
      ? [`… and ${sorted.length - shown.length} more: \`${context.invocation} list\` shows them all.`]
      : [];
  return [`${head}. Its subscriptions:`, ...shown, ...more].join('\n');
}

function matching(
  context: CommandContext,
  mine: readonly ChannelSubscription[],
  subscription: Subscription,
): ChannelSubscription[] {
  const name = subscriptionRuleName(context.channel, subscription);
  // The prefix check is redundant with channelSubscriptions, and kept as the rule this file promises.
  return name.startsWith(channelRulePrefix(context.channel)) ? mine.filter((s) => s.rule.name === name) : [];
}
