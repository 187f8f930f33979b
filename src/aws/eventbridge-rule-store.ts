// (adapter) EventBridge rules on the pipewatch bus --> core RuleStore port
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  type EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type PutTargetsResultEntry,
  RemoveTargetsCommand,
  type Rule,
  type Tag,
  TagResourceCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { truncateText } from '../core/messages';
import {
  type PutRuleResult,
  type RuleDefinition,
  type RuleStore,
  RuleStoreError,
  type StoredRule,
} from '../core/ports';
import { awsErrorName } from './aws-error-name';
import { mapConcurrent } from './map-concurrent';
import { notifyInputTemplate } from './notify-input';
import { toRuleStoreError } from './rule-store-error';

/** The id of a subscription rule's one target. */
export const NOTIFY_TARGET_ID = 'notify';

/** EventBridge's bound on a rule's description. */
const MAX_DESCRIPTION_LENGTH = 512;
/** ListRules / ListTargetsByRule page size (the API's maximum). */
const PAGE_SIZE = 100;
/** RemoveTargets takes at most 10 ids per request. */
const REMOVE_TARGETS_BATCH = 10;
/** ListTagsForResource calls in flight while listing: the control plane allows 50 TPS in total. */
const TAG_CONCURRENCY = 5;
/** PutTargets attempts when EventBridge reports the entry as a concurrent modification. */
const PUT_TARGETS_ATTEMPTS = 3;

export interface RetryPolicy {
  /** 0–185. */
  readonly maximumRetryAttempts: number;
  /** 60–86,400. */
  readonly maximumEventAgeInSeconds: number;
}

/**
 * How long EventBridge keeps trying to hand an event to the notify function. EventBridge's own
 * default (185 attempts over 24 hours) would post a "deploy failed" alert a day late, which is
 * noise rather than news. Delivery to Lambda fails mostly through throttling in a burst (many
 * pipelines at once) or a short outage; an hour of exponential back-off covers that, and 20
 * attempts is about what fits into an hour of EventBridge's back-off. Older events go to the
 * dead-letter queue, where they can be inspected. Retries are safe: the notify path
 * de-duplicates by event id and merges out-of-order events.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 3600 };

export interface EventBridgeRuleStoreOptions {
  readonly client: EventBridgeClient;
  /** The pipewatch bus (name or ARN). */
  readonly busName: string;
  /** The notify function's ARN: the one target of every subscription rule. */
  readonly targetArn: string;
  /** SQS queue for events EventBridge gave up on. */
  readonly deadLetterArn?: string;
  readonly retryPolicy?: RetryPolicy;
}

/**
 * Subscriptions as EventBridge rules: one rule per subscription on the pipewatch bus, one target
 * (the notify function) whose InputTransformer carries the rule name, the channel and the event.
 * Listing reads EventBridge itself, the source of truth; there is no second copy to drift.
 */
export class EventBridgeRuleStore implements RuleStore {
  private readonly client: EventBridgeClient;
  private readonly busName: string;
  private readonly targetArn: string;
  private readonly deadLetterArn: string | undefined;
  private readonly retryPolicy: RetryPolicy;

  constructor(options: EventBridgeRuleStoreOptions) {
    this.client = options.client;
    this.busName = options.busName;
    this.targetArn = options.targetArn;
    this.deadLetterArn = options.deadLetterArn;
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  }

  async putRule(rule: RuleDefinition): Promise<PutRuleResult> {
    // PutRule creates and replaces alike and ignores Tags on a replace, so ask first: the answer
    // decides whether tags need TagResource and whether a failed target may delete the rule.
    // (Two concurrent subscribes may both see "missing"; both then report created, harmlessly.)
    const existed = await this.ruleExists(rule.name);
    const tags = toTagList(rule.tags);
    let ruleArn: string | undefined;
    try {
      const output = await this.client.send(
        new PutRuleCommand({
          Name: rule.name,
          EventBusName: this.busName,
          EventPattern: rule.eventPattern,
          Description: truncateText(rule.description, MAX_DESCRIPTION_LENGTH),
          State: 'ENABLED',
          ...(existed ? {} : { Tags: tags }),
        }),
      );
      ruleArn = output.RuleArn;
    } catch (error) {
      throw toRuleStoreError(error, 'put-rule', this.busName);
    }

    try {
      await this.putNotifyTarget(rule);
    } catch (error) {
      // A new rule without its target would be a subscription that silently never posts: take it
      // away again. A rule that existed keeps its previous target (PutTargets applies nothing for
      // a refused entry), so it is left alone.
      if (!existed) await this.deleteRuleQuietly(rule.name, error);
      throw toRuleStoreError(error, 'put-targets', this.busName);
    }

    if (existed && ruleArn !== undefined && tags.length > 0) await this.addMissingTags(ruleArn, rule.tags);
    return { created: !existed };
  }

  async deleteRule(name: string): Promise<void> {
    try {
      const ids = await this.targetIds(name);
      for (let i = 0; i < ids.length; i += REMOVE_TARGETS_BATCH) {
        const output = await this.client.send(
          new RemoveTargetsCommand({
            Rule: name,
            EventBusName: this.busName,
            Ids: ids.slice(i, i + REMOVE_TARGETS_BATCH),
          }),
        );
        if ((output.FailedEntryCount ?? 0) > 0) {
          throw new RuleStoreError(
            'unexpected',
            `EventBridge did not remove the targets of rule ${name}: ${describeFailures(output.FailedEntries ?? [])}`,
          );
        }
      }
      // Idempotent for a missing rule; ResourceNotFoundException here means the bus is missing.
      await this.client.send(new DeleteRuleCommand({ Name: name, EventBusName: this.busName }));
    } catch (error) {
      throw toRuleStoreError(error, 'delete-rule', this.busName);
    }
  }

  async listRules(namePrefix: string): Promise<readonly StoredRule[]> {
    const rules: Rule[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const output = await this.client.send(
          new ListRulesCommand({
            EventBusName: this.busName,
            // NamePrefix has a minimum length of 1: an empty prefix means "every rule".
            ...(namePrefix === '' ? {} : { NamePrefix: namePrefix }),
            Limit: PAGE_SIZE,
            NextToken: nextToken,
          }),
        );
        rules.push(...(output.Rules ?? []));
        nextToken = output.NextToken;
      } while (nextToken !== undefined);
    } catch (error) {
      throw toRuleStoreError(error, 'list-rules', this.busName);
    }

    const stored = await mapConcurrent(rules, TAG_CONCURRENCY, async (rule) => {
      if (rule.Name === undefined) return undefined;
      const tags = rule.Arn === undefined ? {} : await this.tagsOf(rule.Arn);
      // Deleted between ListRules and ListTagsForResource: it is no longer a subscription.
      if (tags === undefined) return undefined;
      const entry: StoredRule = {
        name: rule.Name,
        ...(rule.Description === undefined ? {} : { description: rule.Description }),
        ...(rule.EventPattern === undefined ? {} : { eventPattern: rule.EventPattern }),
        ...(rule.State === undefined ? {} : { state: rule.State }),
        tags,
      };
      return entry;
    });
    return stored.filter((rule): rule is StoredRule => rule !== undefined);
  }

  async ruleNames(): Promise<readonly string[]> {
    const names: string[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const output = await this.client.send(
          new ListRulesCommand({ EventBusName: this.busName, Limit: PAGE_SIZE, NextToken: nextToken }),
        );
        for (const rule of output.Rules ?? []) if (rule.Name !== undefined) names.push(rule.Name);
        nextToken = output.NextToken;
      } while (nextToken !== undefined);
    } catch (error) {
      throw toRuleStoreError(error, 'list-rules', this.busName);
    }
    return names;
  }

  /** The one target of a subscription rule (public so tests can compare what EventBridge stored). */
  notifyTarget(rule: Pick<RuleDefinition, 'channel' | 'mode'>): Target {
    return {
      Id: NOTIFY_TARGET_ID,
      Arn: this.targetArn,
      RetryPolicy: {
        MaximumRetryAttempts: this.retryPolicy.maximumRetryAttempts,
        MaximumEventAgeInSeconds: this.retryPolicy.maximumEventAgeInSeconds,
      },
      ...(this.deadLetterArn === undefined ? {} : { DeadLetterConfig: { Arn: this.deadLetterArn } }),
      InputTransformer: { InputPathsMap: {}, InputTemplate: notifyInputTemplate(rule.channel, rule.mode) },
    };
  }

  private async putNotifyTarget(rule: RuleDefinition): Promise<void> {
    const target = this.notifyTarget(rule);
    for (let attempt = 1; ; attempt++) {
      const output = await this.client.send(
        new PutTargetsCommand({ Rule: rule.name, EventBusName: this.busName, Targets: [target] }),
      );
      const failures = output.FailedEntries ?? [];
      if ((output.FailedEntryCount ?? failures.length) === 0) return;
      // Per-entry ConcurrentModificationException is EventBridge saying "too many changes at once";
      // the SDK's retries do not see it (the call itself succeeded), so retry here, briefly.
      const transient = failures.every((entry) => entry.ErrorCode === 'ConcurrentModificationException');
      if (!transient || attempt >= PUT_TARGETS_ATTEMPTS) {
        throw new RuleStoreError(
          transient ? 'throttled' : 'target-refused',
          `EventBridge refused the notify target of rule ${rule.name}: ${describeFailures(failures)}`,
        );
      }
      await sleep(100 * 2 ** attempt);
    }
  }

  private async ruleExists(name: string): Promise<boolean> {
    try {
      await this.client.send(new DescribeRuleCommand({ Name: name, EventBusName: this.busName }));
      return true;
    } catch (error) {
      // A missing rule and a missing bus both answer ResourceNotFoundException; PutRule, which
      // creates the rule, then fails only for a missing bus and says so unambiguously.
      if (awsErrorName(error) === 'ResourceNotFoundException') return false;
      throw toRuleStoreError(error, 'put-rule', this.busName);
    }
  }

  /**
   * Tags of a re-subscribed rule. PutRule ignores Tags on a replace; keys the rule lacks (a rule
   * from an older version) are added, but existing values stay: `creator` remains whoever
   * subscribed first, and the channel tags cannot differ (the rule name derives from the channel).
   */
  private async addMissingTags(ruleArn: string, wanted: Readonly<Record<string, string>>): Promise<void> {
    try {
      const current = (await this.tagsOf(ruleArn)) ?? {};
      const missing = Object.entries(wanted).filter(([key]) => !Object.hasOwn(current, key));
      if (missing.length === 0) return;
      await this.client.send(
        new TagResourceCommand({ ResourceARN: ruleArn, Tags: missing.map(([Key, Value]) => ({ Key, Value })) }),
      );
    } catch (error) {
      throw toRuleStoreError(error, 'put-rule', this.busName);
    }
  }

  /** The rule's tags, or undefined if the rule no longer exists. */
  private async tagsOf(ruleArn: string): Promise<Record<string, string> | undefined> {
    try {
      const output = await this.client.send(new ListTagsForResourceCommand({ ResourceARN: ruleArn }));
      return fromTagList(output.Tags ?? []);
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      throw toRuleStoreError(error, 'list-rules', this.busName);
    }
  }

  /** Every target id of a rule (all pages); none for a missing rule. */
  private async targetIds(name: string): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const output = await this.client.send(
          new ListTargetsByRuleCommand({
            Rule: name,
            EventBusName: this.busName,
            Limit: PAGE_SIZE,
            NextToken: nextToken,
          }),
        );
        for (const target of output.Targets ?? []) if (target.Id !== undefined) ids.push(target.Id);
        nextToken = output.NextToken;
      } while (nextToken !== undefined);
    } catch (error) {
      // Missing rule (nothing to remove) or missing bus (DeleteRule will say so): either way, go on.
      if (awsErrorName(error) === 'ResourceNotFoundException') return [];
      throw error;
    }
    return ids;
  }

  private async deleteRuleQuietly(name: string, original: unknown): Promise<void> {
    try {
      await this.deleteRule(name);
    } catch (cleanup) {
      // The caller learns about the original failure; the orphan is worth a log line for operators.
      console.warn(
        JSON.stringify({
          level: 'warn',
          msg: 'could not delete a subscription rule left without its target',
          rule: name,
          bus: this.busName,
          error: awsErrorName(cleanup) ?? String(cleanup),
          original: awsErrorName(original) ?? String(original),
        }),
      );
    }
  }
}

function toTagList(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function fromTagList(tags: readonly Tag[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags) if (tag.Key !== undefined) result[tag.Key] = tag.Value ?? '';
  return result;
}

function describeFailures(
  entries: readonly Pick<PutTargetsResultEntry, 'TargetId' | 'ErrorCode' | 'ErrorMessage'>[],
): string {
  if (entries.length === 0) return 'no details given';
  return entries
    .map((entry) => `${entry.TargetId ?? '?'}: ${entry.ErrorCode ?? 'Error'} ${entry.ErrorMessage ?? ''}`.trim())
    .join('; ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
