// (adapter) DynamoDB (SDK v3 DynamoDBClient) --> RunRequesters: who started an execution with `run`, for "selfApproval": false
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { PipelineExecutionRef, RunRequester, RunRequesters } from '../core/ports';
import * as z from '../core/zod';
import { PARTITION_KEY, TTL_ATTRIBUTE } from './dynamodb-conversation-store';

export interface DynamoDbRunRequestersOptions {
  /** A DynamoDB client (createDynamoDbClient in src/aws/clients.ts). */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => number;
  /** How long the record is kept (default 30 days: longer than any manual approval may wait, 7 days by default). */
  readonly ttlSeconds?: number;
}

export const DEFAULT_RUN_REQUESTER_TTL_SECONDS = 30 * 24 * 60 * 60;

const storedSchema = z.object({
  platform: z.string().check(z.minLength(1)),
  workspace: z.string(),
  userId: z.string().check(z.minLength(1)),
  displayName: z.optional(z.string()),
});

/**
 * One item per execution started from chat, `runby#<pipeline>#<execution id>`: the platform,
 * workspace and user id of whoever ran it (nothing else: no message text, no token), expiring
 * through the table's TTL. Reads are strongly consistent; an item that does not read back as one
 * (written by hand) counts as absent.
 */
export class DynamoDbRunRequesters implements RunRequesters {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly now: () => number;
  private readonly ttlSeconds: number;

  constructor(options: DynamoDbRunRequestersOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.now = options.now ?? Date.now;
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_RUN_REQUESTER_TTL_SECONDS;
  }

  async record(execution: PipelineExecutionRef, requester: RunRequester): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall(
          {
            [PARTITION_KEY]: runRequesterKey(execution),
            ...requester,
            [TTL_ATTRIBUTE]: Math.floor(this.now() / 1000) + this.ttlSeconds,
          },
          { removeUndefinedValues: true },
        ),
      }),
    );
  }

  async requester(execution: PipelineExecutionRef): Promise<RunRequester | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [PARTITION_KEY]: runRequesterKey(execution) }),
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    const item = unmarshall(Item);
    const expiresAt = item[TTL_ATTRIBUTE];
    // DynamoDB deletes expired items within days, not at once: an expired one is absent.
    if (typeof expiresAt === 'number' && expiresAt * 1000 <= this.now()) return undefined;
    const parsed = storedSchema.safeParse(item);
    if (!parsed.success) return undefined;
    const { platform, workspace, userId, displayName } = parsed.data;
    return { platform, workspace, userId, ...(displayName === undefined ? {} : { displayName }) };
  }
}

export function runRequesterKey(execution: PipelineExecutionRef): string {
  return `runby#${execution.pipeline}#${execution.executionId}`;
}
