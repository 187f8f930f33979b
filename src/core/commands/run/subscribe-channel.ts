// (core) subscribe … --> names checked (PipelineCatalog) --> RuleStore.putRule: one rule on the pipewatch bus per subscription
import { truncateText } from '../../messages';
import { type PipelineCatalog, type RuleDefinition, RuleStoreError } from '../../ports';
import {
  describeSubscription,
  eventPatternText,
  type FilterSubscription,
  type Subscription,
  subscriptionIdOfRule,
  subscriptionRuleName,
} from '../../subscriptions';
import { busFullAfterRace, busFullText, busIsFullFor, readBusRules } from './bus-rules';
import { judgeNames, lookUpNames } from './check-names';
import { type CommandAnswer, type CommandContext, type CommandDeps, textAnswer } from './command-context';
import { ruleStoreRefusal } from './rule-store-refusal';

/** EventBridge's limit on a rule's description: the rule definition's description never exceeds it. */
export const MAX_RULE_DESCRIPTION_LENGTH = 512;

/** The tag that marks a `--transitions` rule (its pattern alone reads as SUCCEEDED and FAILED events). */
export const MODE_TAG = 'pipewatch:mode';

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
 * `--account` or `--region`: the pipelines may live in another account or region, whose names
 * pipewatch's own catalog (its account and region) cannot list.
 */
function namesElsewhere(subscription: FilterSubscription): boolean {
  return (subscription.accounts?.length ?? 0) > 0 || (subscription.regions?.length ?? 0) > 0;
}

/**
 * The one place whose names can be checked: one `--region`, with at most one `--account` (none:
 * this account's). Several, or an account in every region: undefined (the names are taken as written).
 */
function namedPlace(subscription: FilterSubscription): { account?: string; region: string } | undefined {
  const accounts = subscription.accounts ?? [];
  const [region, ...more] = subscription.regions ?? [];
  if (region === undefined || more.length > 0 || accounts.length > 1) return undefined;
  return accounts[0] === undefined ? { region } : { account: accounts[0], region };
}

/**
 * Where subscribe checks the names: this account's catalog; with `--account`/`--region`, the one
 * named place's (`where`, as a refusal names it); none when several places are named or there is
 * no catalog for them.
 */
function namesCatalog(
  subscription: FilterSubscription,
  deps: CommandDeps,
): { readonly catalog: PipelineCatalog; readonly where?: string } | undefined {
  if (!namesElsewhere(subscription)) return { catalog: deps.catalog };
  const place = namedPlace(subscription);
  const catalog = place === undefined ? undefined : deps.catalogAt?.(place);
  if (place === undefined || catalog === undefined) return undefined;
  return {
    catalog,
    where: place.account === undefined ? place.region : `account ${place.account} (${place.region})`,
  };
}

export const ELSEWHERE_NOTE =
  'The names were not checked: with `--account` or `--region` the pipelines may be in another account or region (name one account and one region to have them checked there).';

/**
 * 1. The pattern (refused in plain words when over EventBridge's size quota).
 * 2. The names, checked against the account (check-names.ts): a pipeline or stage that does not
 *    exist is refused with the nearest one, unless `allowMissing`; a prefix with no match yet,
 *    or a name CodePipeline could not be asked about, is subscribed with a note. A `--pattern`
 *    is taken as written.
 * 3. The rule name, deterministic from (channel, pattern), so a repeated subscribe names the
 *    same rule.
 * 4. With a rules quota: a new rule on a full bus (ListRules, every rule on it, against Service
 *    Quotas' "Number of rules") is refused with the figures, before PutRule; EventBridge's own
 *    LimitExceededException (a rule created in between) gets the same answer.
 * 5. PutRule + PutTargets through the store (one target: the notify function, whose
 *    InputTransformer carries this channel). The store reports whether the rule is new: if not,
 *    the answer is "already subscribed" (the put still repairs a rule whose target was lost).
 */
export async function subscribeChannel(
  context: CommandContext,
  deps: CommandDeps,
  subscription: Subscription,
  allowMissing = false,
): Promise<CommandAnswer> {
  const eventPattern = eventPatternText(subscription);
  let notes: readonly string[] = [];
  if (subscription.kind === 'filter') {
    const names = namesCatalog(subscription, deps);
    if (names === undefined) {
      notes = [ELSEWHERE_NOTE];
    } else {
      const found = await lookUpNames(names.catalog, subscription, deps.log);
      const verdict = judgeNames(subscription, found, allowMissing, names.where);
      if (!verdict.ok) return textAnswer(verdict.reason);
      notes = verdict.notes;
    }
  }
  const name = subscriptionRuleName(context.channel, subscription);
  const transitions = subscription.kind === 'filter' && subscription.transitions === true;
  const id = subscriptionIdOfRule(context.channel, name) ?? name;
  const description = describeSubscription(subscription);
  const rule: RuleDefinition = {
    name,
    description: truncateText(description, MAX_RULE_DESCRIPTION_LENGTH),
    eventPattern,
    channel: context.channel,
    tags: transitions ? { ...subscriptionTags(context), [MODE_TAG]: 'transitions' } : subscriptionTags(context),
    ...(transitions ? { mode: 'transitions' as const } : {}),
  };
  let created: boolean;
  try {
    if (deps.rulesQuota !== undefined) {
      const bus = await readBusRules(deps);
      if (bus.quota !== undefined && busIsFullFor(bus, name)) {
        deps.log.info('subscribe refused: the bus is full', {
          rule: name,
          channel: context.channel,
          rules: bus.names.length,
          quota: bus.quota.value,
        });
        return textAnswer(busFullText({ ...bus, quota: bus.quota }));
      }
    }
    ({ created } = await deps.rules.putRule(rule));
  } catch (error) {
    const refusal = ruleStoreRefusal(error);
    if (refusal === undefined) throw error;
    if (error instanceof RuleStoreError && error.reason === 'bus-full') {
      deps.log.info('subscribe refused: EventBridge found the bus full', { rule: name, channel: context.channel });
      return busFullAfterRace(deps, refusal);
    }
    return textAnswer(refusal);
  }
  const withNotes = (text: string) => textAnswer([text, ...notes.map((note) => `Note: ${note}`)].join('\n'));
  if (!created) return withNotes(`This channel is already subscribed to ${description} (id \`${id}\`).`);
  deps.log.info('subscribed', { rule: name, channel: context.channel, creator: context.userId });
  return withNotes(
    `Subscribed this channel to ${description}. Id \`${id}\`: \`${context.invocation} unsubscribe ${id}\` stops it.`,
  );
}
