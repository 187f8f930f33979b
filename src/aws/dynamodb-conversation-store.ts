// (adapter) DynamoDB (SDK v3 DynamoDBClient) --> ConversationStore of the notify path: event claims, execution records, render lock
import {
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { CHAT_PLATFORMS, type ChannelRef } from '../core/channels';
import { EXECUTION_STATE_SCHEMA, type ExecutionState } from '../core/executions';
import type {
  ConversationKey,
  ConversationRecord,
  ConversationRendering,
  ConversationStore,
  Follower,
  LockedRecord,
  MergeAndLockResult,
  PipelineExecutionRef,
  PutExecutionResult,
} from '../core/ports';
import * as z from '../core/zod';
import { awsErrorName } from './aws-error-name';

/** The table's only key attribute (S). */
export const PARTITION_KEY = 'pk';
/** The table's TTL attribute: epoch seconds (serverless.yml's TimeToLiveSpecification). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * CreateTable parameters of the pipewatch table: one string hash key, on demand. The TTL
 * attribute is set apart (UpdateTimeToLive, or TimeToLiveSpecification in serverless.yml).
 */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/**
 * Plain values as DynamoDB attribute values, as the SDK's DocumentClient marshalled a Key, an Item
 * or ExpressionAttributeValues: a map of attribute values, dropping undefined values (optional
 * fields of the core's types), as its `marshallOptions: { removeUndefinedValues: true }` did.
 */
function toAttributes(values: Record<string, unknown>): Record<string, AttributeValue> {
  return marshall(values, { removeUndefinedValues: true });
}

/** An Item or Attributes map of a DynamoDB answer as plain values, as the DocumentClient unmarshalled them. */
function fromAttributes(attributes: Record<string, AttributeValue> | undefined): Record<string, unknown> | undefined {
  return attributes === undefined ? undefined : unmarshall(attributes);
}

export interface DynamoDbConversationStoreOptions {
  /** A DynamoDB client (createDynamoDbClient in src/aws/clients.ts). */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /**
   * How long a conversation record outlives its last write. An execution can wait for an approval
   * for 7 days; 30 days keeps the message updatable after a late retry, then DynamoDB forgets it.
   */
  readonly recordTtlSeconds?: number;
  readonly now?: () => number;
}

export const DEFAULT_RECORD_TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * One item per (event id, channel) claim, `event#<event id>#<channel key>`, and one per
 * conversation, `conv#<channel key>#<pipeline>#<execution id>`, holding the merged state (as JSON
 * text: stage names such as "__proto__" and empty strings stay exact), its version, the message id,
 * the version on screen, the replies posted (key, id, fingerprint) and the render lock. Every write
 * is conditional; every read is strongly consistent. Items expire through the TTL attribute `expiresAt`; since DynamoDB
 * deletes expired items only eventually (within days), conditions treat an expired claim or lock as absent.
 */
export class DynamoDbConversationStore implements ConversationStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly recordTtlSeconds: number;
  private readonly now: () => number;

  constructor(options: DynamoDbConversationStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.recordTtlSeconds = options.recordTtlSeconds ?? DEFAULT_RECORD_TTL_SECONDS;
    this.now = options.now ?? Date.now;
  }

  async claimEvent(eventId: string, channel: ChannelRef, ttlSeconds: number): Promise<boolean> {
    return claimItem(this.client, this.tableName, `event#${eventId}#${channelKey(channel)}`, ttlSeconds, this.now());
  }

  async read(key: ConversationKey): Promise<ConversationRecord | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: toAttributes({ [PARTITION_KEY]: conversationKey(key) }),
        ConsistentRead: true,
      }),
    );
    return toRecord(fromAttributes(Item), key);
  }

  async writeState(
    key: ConversationKey,
    state: ExecutionState,
    expectedVersion: number | undefined,
  ): Promise<PutExecutionResult> {
    const { input, version } = this.stateUpdate(key, state, expectedVersion);
    const written = await conditional(this.client.send(new UpdateItemCommand(input)));
    return written ? { ok: true, version } : { ok: false, reason: 'version-conflict' };
  }

  async mergeAndLock(
    key: ConversationKey,
    state: ExecutionState,
    expectedVersion: number | undefined,
    owner: string,
    leaseMs: number,
  ): Promise<MergeAndLockResult> {
    const { input, version, text } = this.stateUpdate(key, state, expectedVersion);
    const now = this.now();
    // One write: the state and the lock, when the version is as expected and the lock free (or run out,
    // or already this owner's: acquireLock's condition). DynamoDB cannot set the lock only when free in
    // a write that sets the state regardless, hence the second write below when this one fails.
    const locked = await conditionalOutput(
      this.client.send(
        new UpdateItemCommand({
          ...input,
          UpdateExpression: `${input.UpdateExpression}, #lockOwner = :owner, #lockExpiresAt = :lockExpires`,
          ConditionExpression: `(${input.ConditionExpression}) AND (${LOCK_FREE})`,
          ExpressionAttributeNames: { ...input.ExpressionAttributeNames, ...LOCK_NAMES },
          ExpressionAttributeValues: {
            ...input.ExpressionAttributeValues,
            ...toAttributes({ ':owner': owner, ':lockExpires': now + leaseMs, ':now': now }),
          },
          // The item as it was before: with the state written, the record as locked (no read), and
          // whether the lock was taken over from a holder whose lease ran out.
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (locked !== undefined) {
      const before = fromAttributes(locked.Attributes) ?? {};
      // The state as a read returns it (its JSON text parsed); the rendering as it was before.
      const record = withRendering(storedItemSchema.parse(before), JSON.parse(text) as ExecutionState, version);
      const previous = before.lockOwner;
      const tookOver = typeof previous === 'string' && previous !== owner;
      return { ok: true, version, lock: { status: 'taken', record: tookOver ? { ...record, tookOver } : record } };
    }
    // The version moved on (this write fails too: a conflict) or the lock is held: the state alone,
    // and the lock as of this write (ALL_OLD: the write leaves the lock as it was).
    const written = await conditionalOutput(
      this.client.send(new UpdateItemCommand({ ...input, ReturnValues: 'ALL_OLD' })),
    );
    if (written === undefined) return { ok: false, reason: 'version-conflict' };
    const before = fromAttributes(written.Attributes);
    const held =
      typeof before?.lockOwner === 'string' &&
      before.lockOwner !== owner &&
      typeof before.lockExpiresAt === 'number' &&
      before.lockExpiresAt >= this.now();
    return { ok: true, version, lock: { status: held ? 'held' : 'free' } };
  }

  /** The conditional UpdateItem that stores `state` as `expectedVersion + 1` (or 1): the rendering and the lock stay. */
  private stateUpdate(
    key: ConversationKey,
    state: ExecutionState,
    expectedVersion: number | undefined,
  ): {
    readonly input: UpdateItemCommandInput & {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, AttributeValue>;
    };
    readonly version: number;
    readonly text: string;
  } {
    const version = (expectedVersion ?? 0) + 1;
    const text = JSON.stringify({ ...state, version });
    return {
      version,
      text,
      // An update, not a put: the message id, the replies and the lock on the same item stay as they are.
      input: {
        TableName: this.tableName,
        Key: toAttributes({ [PARTITION_KEY]: conversationKey(key) }),
        UpdateExpression: 'SET #state = :state, #version = :version, #expiresAt = :expiresAt',
        ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(#version)' : '#version = :expected',
        ExpressionAttributeNames: { '#state': 'state', '#version': 'version', '#expiresAt': TTL_ATTRIBUTE },
        ExpressionAttributeValues: toAttributes({
          ':state': text,
          ':version': version,
          ':expiresAt': Math.floor(this.now() / 1000) + this.recordTtlSeconds,
          ...(expectedVersion === undefined ? {} : { ':expected': expectedVersion }),
        }),
      },
    };
  }

  async acquireLock(key: ConversationKey, owner: string, leaseMs: number): Promise<LockedRecord | undefined> {
    const now = this.now();
    const output = await conditionalOutput(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: toAttributes({ [PARTITION_KEY]: conversationKey(key) }),
          UpdateExpression: 'SET #lockOwner = :owner, #lockExpiresAt = :expires',
          // attribute_exists: a lock on no record would create a stray item without a TTL (and there is nothing to render).
          ConditionExpression: `attribute_exists(#version) AND (${LOCK_FREE})`,
          ExpressionAttributeNames: { '#version': 'version', ...LOCK_NAMES },
          ExpressionAttributeValues: toAttributes({ ':owner': owner, ':expires': now + leaseMs, ':now': now }),
          // The item as it was before (only the lock differs): the holder renders it without reading it
          // again, and sees whether it took the lock over from a holder whose lease ran out.
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (output === undefined) return undefined;
    const before = fromAttributes(output.Attributes);
    const record = toRecord(before, key);
    if (record === undefined) return undefined;
    const previous = before?.lockOwner;
    return typeof previous === 'string' && previous !== owner ? { ...record, tookOver: true } : record;
  }

  async saveRendering(key: ConversationKey, owner: string, rendering: ConversationRendering): Promise<boolean> {
    const { sets, removes, names, values } = renderingUpdate(rendering);
    return conditional(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: toAttributes({ [PARTITION_KEY]: conversationKey(key) }),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length === 0 ? '' : ` REMOVE ${removes.join(', ')}`}`,
          ConditionExpression: '#lockOwner = :owner',
          ExpressionAttributeNames: { '#lockOwner': 'lockOwner', ...names },
          ExpressionAttributeValues: toAttributes({ ':owner': owner, ...values }),
        }),
      ),
    );
  }

  async releaseLock(
    key: ConversationKey,
    owner: string,
    rendering?: ConversationRendering,
  ): Promise<ConversationRecord | undefined> {
    const { sets, removes, names, values } =
      rendering === undefined ? { sets: [], removes: [], names: {}, values: {} } : renderingUpdate(rendering);
    // Someone else's lock (ours ran out and was taken) is theirs to release: a failed condition is fine.
    const output = await conditionalOutput(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: toAttributes({ [PARTITION_KEY]: conversationKey(key) }),
          UpdateExpression: `${sets.length === 0 ? '' : `SET ${sets.join(', ')} `}REMOVE ${[...removes, '#lockOwner', '#lockExpiresAt'].join(', ')}`,
          ConditionExpression: '#lockOwner = :owner',
          ExpressionAttributeNames: { '#lockOwner': 'lockOwner', '#lockExpiresAt': 'lockExpiresAt', ...names },
          ExpressionAttributeValues: toAttributes({ ':owner': owner, ...values }),
          // The record as released: whether writers came while the lock was held, without another read.
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return output === undefined ? undefined : toRecord(fromAttributes(output.Attributes), key);
  }

  async follow(execution: PipelineExecutionRef, follower: Follower): Promise<void> {
    const entry = JSON.stringify({
      channel: {
        platform: follower.channel.platform,
        workspace: follower.channel.workspace,
        channel: follower.channel.channel,
      },
      rule: follower.rule,
    });
    // ADD to a string set: atomic and idempotent, whoever follows at the same time.
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: toAttributes({ [PARTITION_KEY]: followKey(execution) }),
        UpdateExpression: 'ADD #followers :follower SET #expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#followers': 'followers', '#expiresAt': TTL_ATTRIBUTE },
        ExpressionAttributeValues: toAttributes({
          ':follower': new Set([entry]),
          ':expiresAt': Math.floor(this.now() / 1000) + this.recordTtlSeconds,
        }),
      }),
    );
  }

  async followers(execution: PipelineExecutionRef): Promise<readonly Follower[]> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: toAttributes({ [PARTITION_KEY]: followKey(execution) }),
        ConsistentRead: true,
      }),
    );
    const item = fromAttributes(Item);
    const entries = item?.followers instanceof Set ? [...item.followers] : [];
    const byChannel = new Map<string, Follower>();
    for (const entry of entries) {
      const parsed = typeof entry === 'string' ? followerSchema.safeParse(safeJson(entry)) : undefined;
      // An entry pipewatch did not write is skipped: it cannot say where to post.
      if (parsed === undefined || !parsed.success) continue;
      const key = channelKey(parsed.data.channel);
      const kept = byChannel.get(key);
      if (kept === undefined || parsed.data.rule < kept.rule) byChannel.set(key, parsed.data);
    }
    return [...byChannel.values()];
  }
}

/** The render lock is free for `:owner` at `:now`: nobody holds it, `:owner` does, or its lease ran out. */
const LOCK_FREE = 'attribute_not_exists(#lockOwner) OR #lockOwner = :owner OR #lockExpiresAt < :now';
const LOCK_NAMES = { '#lockOwner': 'lockOwner', '#lockExpiresAt': 'lockExpiresAt' } as const;

const followerSchema = z.object({
  channel: z.object({
    platform: z.enum(CHAT_PLATFORMS),
    workspace: z.string().check(z.minLength(1)),
    channel: z.string().check(z.minLength(1)),
  }),
  rule: z.string().check(z.minLength(1)),
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The SET and REMOVE clauses, names and values that record a rendering. */
function renderingUpdate(rendering: ConversationRendering): {
  sets: string[];
  removes: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const pendingPosts = rendering.pendingPosts ?? [];
  const sets = ['#renderedVersion = :renderedVersion', '#replies = :replies'];
  // Pending posts are few and short-lived: the attribute is there only while one is.
  if (pendingPosts.length > 0) sets.push('#pendingPosts = :pendingPosts');
  if (rendering.messageId !== undefined) sets.push('#messageId = :messageId');
  if (rendering.messageFingerprint !== undefined) sets.push('#messageFingerprint = :messageFingerprint');
  return {
    sets,
    removes: pendingPosts.length > 0 ? [] : ['#pendingPosts'],
    names: {
      '#renderedVersion': 'renderedVersion',
      '#replies': 'replies',
      '#pendingPosts': 'pendingPosts',
      ...(rendering.messageId === undefined ? {} : { '#messageId': 'messageId' }),
      ...(rendering.messageFingerprint === undefined ? {} : { '#messageFingerprint': 'messageFingerprint' }),
    },
    values: {
      ':renderedVersion': rendering.renderedVersion,
      ':replies': rendering.replies.map(({ key: replyKey, messageId, fingerprint }) => ({
        key: replyKey,
        ...(messageId === undefined ? {} : { messageId }),
        ...(fingerprint === undefined ? {} : { fingerprint }),
      })),
      ...(pendingPosts.length === 0
        ? {}
        : { ':pendingPosts': pendingPosts.map(({ key: postKey, since }) => ({ key: postKey, since })) }),
      ...(rendering.messageId === undefined ? {} : { ':messageId': rendering.messageId }),
      ...(rendering.messageFingerprint === undefined ? {} : { ':messageFingerprint': rendering.messageFingerprint }),
    },
  };
}

/** A conversation item as the core's record; undefined for an item without a state (or no item). */
function toRecord(Item: Record<string, unknown> | undefined, key: ConversationKey): ConversationRecord | undefined {
  if (Item === undefined) return undefined;
  const item = storedItemSchema.parse(Item);
  if (item.state === undefined || item.version === undefined) return undefined;
  return withRendering(item, parseState(item.state, key), item.version);
}

/** A record of `state` at `version`, with the item's rendering (message, replies, pending posts). */
function withRendering(
  item: z.infer<typeof storedItemSchema>,
  state: ExecutionState,
  version: number,
): ConversationRecord {
  return {
    state: { ...state, version },
    version,
    ...(item.messageId === undefined ? {} : { messageId: item.messageId }),
    renderedVersion: item.renderedVersion ?? 0,
    // A record written before replies were updated in place holds their keys only.
    replies: (item.replies ?? []).map((reply) => (typeof reply === 'string' ? { key: reply } : reply)),
    ...(item.messageFingerprint === undefined ? {} : { messageFingerprint: item.messageFingerprint }),
    ...(item.pendingPosts === undefined || item.pendingPosts.length === 0 ? {} : { pendingPosts: item.pendingPosts }),
  };
}

/** Platform, workspace and channel, each URI-encoded so that no id can contain the separators. */
export function channelKey(channel: ChannelRef): string {
  return [channel.platform, channel.workspace, channel.channel].map(encodeURIComponent).join(':');
}

/** The item listing an execution's followers. Pipeline names are `[A-Za-z0-9.@\-_]+`: no `#`. */
export function followKey(execution: PipelineExecutionRef): string {
  return `follow#${execution.pipeline}#${execution.executionId}`;
}

export function conversationKey(key: ConversationKey): string {
  return `conv#${channelKey(key.channel)}#${key.pipeline}#${key.executionId}`;
}

/**
 * Claims the item `pk` for `ttlSeconds`: true for the first caller, false while an unexpired claim
 * stands (a conditional put; an expired claim DynamoDB has not deleted yet counts as absent).
 */
export function claimItem(
  client: DynamoDBClient,
  tableName: string,
  pk: string,
  ttlSeconds: number,
  nowMs: number,
): Promise<boolean> {
  const nowSeconds = Math.floor(nowMs / 1000);
  return conditional(
    client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: toAttributes({ [PARTITION_KEY]: pk, [TTL_ATTRIBUTE]: nowSeconds + ttlSeconds }),
        ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt < :now',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#expiresAt': TTL_ATTRIBUTE },
        ExpressionAttributeValues: toAttributes({ ':now': nowSeconds }),
      }),
    ),
  );
}

/** True when the write happened, false when its condition failed; anything else is thrown (EventBridge retries). */
export async function conditional(write: Promise<unknown>): Promise<boolean> {
  return (await conditionalOutput(write.then(() => true))) === true;
}

/** The write's output when it happened, undefined when its condition failed; anything else is thrown. */
export async function conditionalOutput<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
}

const storedItemSchema = z.object({
  state: z.optional(z.string()),
  version: z.optional(z.number().check(z.int(), z.positive())),
  messageId: z.optional(z.string()),
  messageFingerprint: z.optional(z.string()),
  renderedVersion: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** Each reply's key, id and fingerprint; only its key (a string) on records written before those were kept. */
  replies: z.optional(
    z.array(
      z.union([
        z.string(),
        z.object({ key: z.string(), messageId: z.optional(z.string()), fingerprint: z.optional(z.string()) }),
      ]),
    ),
  ),
  /** Posts begun and not recorded yet (see ConversationRecord.pendingPosts). */
  pendingPosts: z.optional(z.array(z.object({ key: z.string(), since: z.number() }))),
});

/**
 * The stored state is pipewatch's own JSON (written above from a merged ExecutionState); the check
 * is of its layout version and identity, so that a record of another layout or another execution
 * fails loudly instead of being merged into.
 */
const storedStateSchema = z.looseObject({
  schema: z.literal(EXECUTION_STATE_SCHEMA),
  pipeline: z.string(),
  executionId: z.string(),
  region: z.string(),
  account: z.string(),
  stages: z.record(z.string(), z.unknown()),
  actions: z.record(z.string(), z.unknown()),
  seenEvents: z.array(z.object({ eventId: z.string(), time: z.string() })),
  version: z.number(),
});

function parseState(text: string, key: ConversationKey): ExecutionState {
  const state = storedStateSchema.parse(JSON.parse(text));
  if (state.pipeline !== key.pipeline || state.executionId !== key.executionId) {
    throw new Error(`The record ${conversationKey(key)} holds the state of ${state.pipeline} ${state.executionId}`);
  }
  return state as unknown as ExecutionState;
}
