// (adapter) DynamoDB (SDK v3 DynamoDBClient) --> OutcomeStore (--transitions) and SnoozeStore (snooze): quiet subscriptions' items
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ChannelRef } from '../core/channels';
import type { StoredOutcome } from '../core/notify/transitions';
import type { OutcomeKey, OutcomeStore, Snooze, SnoozeStore } from '../core/ports';
import * as z from '../core/zod';
import { channelKey, PARTITION_KEY, TTL_ATTRIBUTE } from './dynamodb-conversation-store';

export interface DynamoDbQuietStoreOptions {
  /** A DynamoDB client (createDynamoDbClient in src/aws/clients.ts). */
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** How long a last outcome outlives its last write: a pipeline quiet for half a year starts afresh. */
export const OUTCOME_TTL_SECONDS = 180 * 24 * 60 * 60;
/** How long an ended snooze waits for the event that posts its summary (the lazy trigger), then DynamoDB forgets it. */
export const SNOOZE_SUMMARY_WAIT_SECONDS = 7 * 24 * 60 * 60;

/**
 * The items of quiet subscriptions in the pipewatch table:
 * - `outcome#<channel key>#<pipeline>[#<stage>]`: the newest outcome a `--transitions` subscription
 *   saw (state, time, attempt, execution id, since, flip, previous). Written by notify only, with a
 *   condition on the outcome read (optimistic concurrency); TTL 180 days after the last write.
 * - `snooze#<channel key>#<pipeline>`: a snooze (until, since, by), the executions whose failures it
 *   swallowed (a string set, ADD), the summary's claim. Written by the chat functions (snooze,
 *   unsnooze) and by notify (swallow, the summary's claim, delete); TTL 7 days after its end.
 * - `snoozes#<channel key>`: the channel's snoozed pipelines (a string set), for `list`.
 * CodePipeline names are `[A-Za-z0-9.@\-_]+`, so `#` separates the parts unambiguously.
 */
export class DynamoDbQuietStore implements OutcomeStore, SnoozeStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: DynamoDbQuietStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  // ---- outcomes ----

  async readOutcome(key: OutcomeKey): Promise<StoredOutcome | undefined> {
    const item = await this.get(outcomeKey(key));
    if (item === undefined) return undefined;
    const parsed = storedOutcomeSchema.safeParse(item);
    // An item pipewatch cannot read is replaced by the next outcome rather than trusted.
    return parsed.success ? (dropNulls(parsed.data) as StoredOutcome) : undefined;
  }

  async replaceOutcome(key: OutcomeKey, next: StoredOutcome, expected: StoredOutcome | undefined): Promise<boolean> {
    const condition: Pick<
      PutItemCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    > =
      expected === undefined
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PARTITION_KEY } }
        : {
            ConditionExpression: '#time = :time AND #executionId = :executionId AND #state = :state',
            ExpressionAttributeNames: { '#time': 'time', '#executionId': 'executionId', '#state': 'state' },
            ExpressionAttributeValues: marshall({
              ':time': expected.time,
              ':executionId': expected.executionId,
              ':state': expected.state,
            }),
          };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(
            {
              [PARTITION_KEY]: outcomeKey(key),
              ...next,
              [TTL_ATTRIBUTE]: Math.floor(Date.now() / 1000) + OUTCOME_TTL_SECONDS,
            },
            { removeUndefinedValues: true },
          ),
          ...condition,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  // ---- snoozes ----

  async snooze(channel: ChannelRef, snooze: Omit<Snooze, 'swallowed'>): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({
          [PARTITION_KEY]: snoozeKey(channel, snooze.pipeline),
          pipeline: snooze.pipeline,
          until: snooze.until,
          since: snooze.since,
          by: snooze.by,
          [TTL_ATTRIBUTE]: Math.floor(snooze.until / 1000) + SNOOZE_SUMMARY_WAIT_SECONDS,
        }),
      }),
    );
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall({ [PARTITION_KEY]: snoozeIndexKey(channel) }),
        UpdateExpression: 'ADD pipelines :pipeline',
        ExpressionAttributeValues: { ':pipeline': { SS: [snooze.pipeline] } },
      }),
    );
  }

  async endSnooze(channel: ChannelRef, pipeline: string, now: number): Promise<Snooze | undefined> {
    try {
      const output = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [PARTITION_KEY]: snoozeKey(channel, pipeline) }),
          UpdateExpression: 'SET #until = :now',
          ConditionExpression: 'attribute_exists(#pk) AND #until > :now',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#until': 'until' },
          ExpressionAttributeValues: marshall({ ':now': now }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toSnooze(output.Attributes === undefined ? undefined : unmarshall(output.Attributes));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async read(channel: ChannelRef, pipeline: string): Promise<Snooze | undefined> {
    return toSnooze(await this.get(snoozeKey(channel, pipeline)));
  }

  async list(channel: ChannelRef): Promise<readonly Snooze[]> {
    const index = await this.get(snoozeIndexKey(channel));
    const pipelines = index?.pipelines instanceof Set ? [...index.pipelines].filter((p) => typeof p === 'string') : [];
    const snoozes = await Promise.all(pipelines.sort().map((pipeline) => this.read(channel, pipeline)));
    return snoozes.filter((snooze): snooze is Snooze => snooze !== undefined);
  }

  async swallow(
    channel: ChannelRef,
    pipeline: string,
    until: number,
    executionId: string,
    region?: string,
  ): Promise<boolean> {
    const withRegion: Record<string, string> = region === undefined ? {} : { '#region': 'region' };
    return this.conditionalUpdate({
      Key: marshall({ [PARTITION_KEY]: snoozeKey(channel, pipeline) }),
      UpdateExpression:
        region === undefined ? 'ADD swallowed :execution' : 'ADD swallowed :execution SET #region = :region',
      ConditionExpression: '#until = :until',
      ExpressionAttributeNames: { '#until': 'until', ...withRegion },
      ExpressionAttributeValues: {
        ':execution': { SS: [executionId] },
        ':until': { N: String(until) },
        ...(region === undefined ? {} : { ':region': { S: region } }),
      },
    });
  }

  async claimSummary(
    channel: ChannelRef,
    pipeline: string,
    until: number,
    now: number,
    leaseMs: number,
  ): Promise<boolean> {
    return this.conditionalUpdate({
      Key: marshall({ [PARTITION_KEY]: snoozeKey(channel, pipeline) }),
      UpdateExpression: 'SET summaryClaimedAt = :now',
      ConditionExpression: '#until = :until AND (attribute_not_exists(summaryClaimedAt) OR summaryClaimedAt < :stale)',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: marshall({ ':now': now, ':until': until, ':stale': now - leaseMs }),
    });
  }

  async finishSummary(channel: ChannelRef, pipeline: string, until: number): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: marshall({ [PARTITION_KEY]: snoozeKey(channel, pipeline) }),
          ConditionExpression: '#until = :until',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: marshall({ ':until': until }),
        }),
      );
    } catch (error) {
      // Snoozed again meanwhile: the new snooze stays, and stays listed.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall({ [PARTITION_KEY]: snoozeIndexKey(channel) }),
        UpdateExpression: 'DELETE pipelines :pipeline',
        ExpressionAttributeValues: { ':pipeline': { SS: [pipeline] } },
      }),
    );
  }

  async releaseSummary(channel: ChannelRef, pipeline: string, until: number): Promise<void> {
    await this.conditionalUpdate({
      Key: marshall({ [PARTITION_KEY]: snoozeKey(channel, pipeline) }),
      UpdateExpression: 'REMOVE summaryClaimedAt',
      ConditionExpression: '#until = :until',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: marshall({ ':until': until }),
    });
  }

  private async conditionalUpdate(input: {
    Key: Record<string, AttributeValue>;
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, AttributeValue>;
  }): Promise<boolean> {
    try {
      await this.client.send(new UpdateItemCommand({ TableName: this.tableName, ...input }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async get(pk: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall({ [PARTITION_KEY]: pk }), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : unmarshall(Item);
  }
}

export function outcomeKey(key: OutcomeKey): string {
  const base = `outcome#${channelKey(key.channel)}#${key.pipeline}`;
  return key.stage === undefined ? base : `${base}#${key.stage}`;
}

export function snoozeKey(channel: ChannelRef, pipeline: string): string {
  return `snooze#${channelKey(channel)}#${pipeline}`;
}

export function snoozeIndexKey(channel: ChannelRef): string {
  return `snoozes#${channelKey(channel)}`;
}

const storedOutcomeSchema = z.object({
  state: z.enum(['SUCCEEDED', 'FAILED']),
  time: z.string(),
  executionId: z.string(),
  attempt: z.optional(z.number()),
  since: z.string(),
  flip: z.optional(z.enum(['broken', 'fixed'])),
  previous: z.optional(z.object({ executionId: z.string(), since: z.string() })),
});

const snoozeSchema = z.object({
  pipeline: z.string(),
  until: z.number(),
  since: z.number(),
  by: z.string(),
  summaryClaimedAt: z.optional(z.number()),
  region: z.optional(z.string()),
});

function toSnooze(item: Record<string, unknown> | undefined): Snooze | undefined {
  if (item === undefined) return undefined;
  const parsed = snoozeSchema.safeParse(item);
  if (!parsed.success) return undefined;
  const swallowed = item.swallowed instanceof Set ? [...item.swallowed].filter((id) => typeof id === 'string') : [];
  return { ...(dropNulls(parsed.data) as Omit<Snooze, 'swallowed'>), swallowed: swallowed.sort() };
}

function dropNulls<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
