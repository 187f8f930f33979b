// (core) status (no pipeline) and subscribe's check --> RuleStore.ruleNames + RulesQuota: the bus's rules against its quota, in words
import { type CommandAnswer, type CommandDeps, textAnswer } from './command-context';
import { ruleStoreRefusal } from './rule-store-refusal';

/** The pipewatch bus's rules (every rule on it, pipewatch's or not) and its quota, when known. */
export interface BusRules {
  readonly names: readonly string[];
  readonly quota?: { readonly value: number; readonly source: 'service-quotas' | 'default' };
}

/** Reads both at once: ListRules over every page, and the quota (cached by its adapter). */
export async function readBusRules(deps: Pick<CommandDeps, 'rules' | 'rulesQuota'>): Promise<BusRules> {
  const [names, quota] = await Promise.all([deps.rules.ruleNames(), deps.rulesQuota?.rulesPerBus()]);
  return quota === undefined ? { names } : { names, quota };
}

/** Whether a new rule would exceed the quota (a rule the bus holds already is replaced, not added). */
export function busIsFullFor(bus: BusRules, ruleName: string): boolean {
  return bus.quota !== undefined && bus.names.length >= bus.quota.value && !bus.names.includes(ruleName);
}

function quotaSource(quota: NonNullable<BusRules['quota']>): string {
  return quota.source === 'service-quotas'
    ? 'its applied quota in Service Quotas'
    : "EventBridge's documented default: Service Quotas could not be read";
}

/** "The pipewatch bus holds 12 of 300 rules (…)." */
export function busRulesText(bus: BusRules): string {
  const count = bus.names.length;
  if (bus.quota === undefined) return `The pipewatch bus holds ${count} ${count === 1 ? 'rule' : 'rules'}.`;
  return `The pipewatch bus holds ${count} of ${bus.quota.value} rules (${quotaSource(bus.quota)}). Each subscription is one rule.`;
}

/** subscribe's refusal on a full bus, before PutRule or after EventBridge's LimitExceededException. */
export function busFullText(bus: BusRules & { readonly quota: NonNullable<BusRules['quota']> }): string {
  return `The bus holds ${bus.names.length} of ${bus.quota.value} rules (${quotaSource(bus.quota)}): unsubscribe something or raise the quota in Service Quotas (Amazon EventBridge, "Number of rules"). Nothing was subscribed.`;
}

/** `status` without a pipeline. */
export async function busStatus(deps: CommandDeps): Promise<CommandAnswer> {
  try {
    return textAnswer(busRulesText(await readBusRules(deps)));
  } catch (error) {
    const refusal = ruleStoreRefusal(error);
    if (refusal === undefined) throw error;
    return textAnswer(refusal);
  }
}

/**
 * EventBridge refused a new rule with LimitExceededException although the check before PutRule
 * passed (another rule was created in between): the same answer as the check's, with the figures
 * read again; if they cannot be read, EventBridge's refusal in words.
 */
export async function busFullAfterRace(deps: CommandDeps, refusal: string): Promise<CommandAnswer> {
  try {
    const bus = await readBusRules(deps);
    if (bus.quota !== undefined) {
      // EventBridge's refusal is the authority: the bus is full even if a rule went away since.
      return textAnswer(busFullText({ ...bus, quota: bus.quota }));
    }
  } catch (error) {
    deps.log.warn('could not read the bus rules after EventBridge refused a rule', { error: String(error) });
  }
  return textAnswer(refusal);
}
