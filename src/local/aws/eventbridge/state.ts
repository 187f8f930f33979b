// (local AWS) the local EventBridge's buses, rules, targets and tags: the one place that changes them, reindexes, and saves
import { EventPatternIndex } from '../../../core/patterns';
import { notFound } from '../aws-error';
import { JsonSnapshot } from '../persistence';

/**
 * The EventBridge state: buses, their rules, each rule's targets and the tags of both. It is the
 * one place that mutates them, and after each change it (1) keeps every bus's EventPatternIndex
 * in step with its ENABLED rules, so matching an event costs about the same with 3 rules or 3,000,
 * and (2) saves the snapshot when a data directory is set.
 */

export type Tags = Record<string, string>;

export interface InputTransformerSpec {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

/** A target as PutTargets stored it; ListTargetsByRule echoes it. */
export interface TargetSpec {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformerSpec;
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
}

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export interface RuleRecord {
  name: string;
  busName: string;
  eventPattern?: string;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  /** Epoch ms. */
  createdAt: number;
  tags: Tags;
  targets: TargetSpec[];
}

export interface BusRecord {
  name: string;
  description?: string;
  createdAt: number;
  modifiedAt: number;
  tags: Tags;
  /** The bus's resource policy (a JSON document), as PutPermission left it. */
  policy?: string;
}

interface Snapshot {
  version: 1;
  buses: BusRecord[];
  rules: RuleRecord[];
}

export const DEFAULT_BUS = 'default';

interface Bus {
  record: BusRecord;
  rules: Map<string, RuleRecord>;
  /** ENABLED rules with a pattern, by rule name. */
  index: EventPatternIndex<RuleRecord>;
}

export class EventBridgeState {
  private readonly buses = new Map<string, Bus>();
  private readonly snapshot: JsonSnapshot<Snapshot>;

  constructor(
    readonly region: string,
    readonly accountId: string,
    now: () => number,
    dataDir: string | undefined,
  ) {
    this.snapshot = new JsonSnapshot<Snapshot>(dataDir, 'eventbridge');
    const saved = this.snapshot.load();
    for (const bus of saved?.buses ?? []) this.addBus(bus);
    if (!this.buses.has(DEFAULT_BUS)) this.addBus({ name: DEFAULT_BUS, createdAt: now(), modifiedAt: now(), tags: {} });
    for (const rule of saved?.rules ?? []) {
      const bus = this.buses.get(rule.busName);
      if (bus === undefined) continue;
      bus.rules.set(rule.name, rule);
      this.reindex(bus, rule);
    }
  }

  // ARNs -------------------------------------------------------------------------------------

  busArn(name: string): string {
    return `arn:aws:events:${this.region}:${this.accountId}:event-bus/${name}`;
  }

  ruleArn(rule: Pick<RuleRecord, 'name' | 'busName'>): string {
    const path = rule.busName === DEFAULT_BUS ? rule.name : `${rule.busName}/${rule.name}`;
    return `arn:aws:events:${this.region}:${this.accountId}:rule/${path}`;
  }

  /** The bus name an `EventBusName` (name or ARN) designates, or undefined for another account/region. */
  busNameOf(nameOrArn: string | undefined): string | undefined {
    if (nameOrArn === undefined) return DEFAULT_BUS;
    if (!nameOrArn.startsWith('arn:')) return nameOrArn;
    const prefix = `arn:aws:events:${this.region}:${this.accountId}:event-bus/`;
    return nameOrArn.startsWith(prefix) ? nameOrArn.slice(prefix.length) : undefined;
  }

  // Buses ------------------------------------------------------------------------------------

  hasBus(name: string): boolean {
    return this.buses.has(name);
  }

  /** The bus or ResourceNotFoundException, worded as the service words it. */
  bus(nameOrArn: string | undefined): BusRecord {
    return this.busEntry(nameOrArn).record;
  }

  listBuses(): BusRecord[] {
    return [...this.buses.values()].map((bus) => bus.record);
  }

  createBus(record: BusRecord): void {
    this.addBus(record);
    this.save();
  }

  /** Sets (or removes, with undefined) the bus's resource policy. */
  setBusPolicy(name: string, policy: string | undefined, now: number): void {
    const record = this.busEntry(name).record;
    if (policy === undefined) delete record.policy;
    else record.policy = policy;
    record.modifiedAt = now;
    this.save();
  }

  /** Deletes a custom bus with its rules (the default bus is refused by the caller). */
  deleteBus(name: string): void {
    this.buses.delete(name);
    this.save();
  }

  // Rules ------------------------------------------------------------------------------------

  rules(busNameOrArn: string | undefined): RuleRecord[] {
    return [...this.busEntry(busNameOrArn).rules.values()];
  }

  findRule(busNameOrArn: string | undefined, name: string): RuleRecord | undefined {
    return this.busEntry(busNameOrArn).rules.get(name);
  }

  rule(busNameOrArn: string | undefined, name: string): RuleRecord {
    const bus = this.busEntry(busNameOrArn);
    const rule = bus.rules.get(name);
    if (rule === undefined) throw notFound(`Rule ${name} does not exist on EventBus ${bus.record.name}.`);
    return rule;
  }

  /** Stores a new or replaced rule. The pattern must already be valid (the index re-checks it). */
  putRule(rule: RuleRecord): void {
    const bus = this.busEntry(rule.busName);
    bus.rules.set(rule.name, rule);
    this.reindex(bus, rule);
    this.save();
  }

  deleteRule(rule: RuleRecord): void {
    const bus = this.busEntry(rule.busName);
    bus.rules.delete(rule.name);
    bus.index.remove(rule.name);
    this.save();
  }

  /** Call after changing a rule in place (state, targets, tags). */
  changed(rule: RuleRecord): void {
    const bus = this.busEntry(rule.busName);
    this.reindex(bus, rule);
    this.save();
  }

  /** The rule an ARN names, or undefined. */
  ruleByArn(arn: string): RuleRecord | undefined {
    const prefix = `arn:aws:events:${this.region}:${this.accountId}:rule/`;
    if (!arn.startsWith(prefix)) return undefined;
    const path = arn.slice(prefix.length);
    const slash = path.lastIndexOf('/');
    const busName = slash === -1 ? DEFAULT_BUS : path.slice(0, slash);
    return this.buses.get(busName)?.rules.get(path.slice(slash + 1));
  }

  /** The bus an ARN names, or undefined. */
  busByArn(arn: string): BusRecord | undefined {
    const name = this.busNameOf(arn);
    return arn.startsWith('arn:') && name !== undefined ? this.buses.get(name)?.record : undefined;
  }

  /** The ENABLED rules of a bus whose pattern matches the event. */
  matchingRules(busName: string, event: unknown): RuleRecord[] {
    return this.buses.get(busName)?.index.match(event) ?? [];
  }

  /** Persists the current state (tags and bus changes made by the operations call this). */
  save(): void {
    const buses = [...this.buses.values()];
    this.snapshot.save({
      version: 1,
      buses: buses.map((bus) => bus.record),
      rules: buses.flatMap((bus) => [...bus.rules.values()]),
    });
  }

  private busEntry(nameOrArn: string | undefined): Bus {
    const name = this.busNameOf(nameOrArn);
    const bus = name === undefined ? undefined : this.buses.get(name);
    if (bus === undefined) throw notFound(`Event bus ${name ?? nameOrArn} does not exist.`);
    return bus;
  }

  private addBus(record: BusRecord): void {
    this.buses.set(record.name, {
      record,
      rules: new Map(),
      index: new EventPatternIndex<RuleRecord>({ maxLength: Number.POSITIVE_INFINITY }),
    });
  }

  private reindex(bus: Bus, rule: RuleRecord): void {
    if (rule.state !== 'DISABLED' && rule.eventPattern !== undefined) {
      // Patterns were validated by PutRule (with the rule-size quota); the index must accept any
      // stored pattern, including one saved under a raised quota, so it is built without a limit.
      bus.index.add(rule.name, rule.eventPattern, rule);
    } else {
      bus.index.remove(rule.name);
    }
  }
}
