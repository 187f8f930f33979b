// (adapter) DynamoDB --> RequestReplays (Slack's signatures, Teams' activity ids): `replay#<key>` items, a conditional put with a TTL past the window
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { claimItem } from './dynamodb-conversation-store';

export interface DynamoDbRequestReplaysOptions {
  /** A DynamoDB client (createDynamoDbClient in src/aws/clients.ts). */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /**
   * How long after its timestamp a request is remembered: at least as long as its signature is
   * accepted (Slack's five minutes, plus a margin for clocks a few seconds apart).
   */
  readonly keepSeconds: number;
  readonly now?: () => number;
}

/**
 * `replay#<signature>` items in the pipewatch table: the first request with a signature wins (a
 * conditional put), every later one is a replay. The item expires (`expiresAt`, the table's TTL)
 * `keepSeconds` after the request's timestamp, when the signature check itself refuses the
 * request; an expired item DynamoDB has not deleted yet counts as absent, as click claims do.
 * Structurally the Slack adapter's RequestReplays port and the Teams app's ActivityReplays (the
 * activity's key and its token's `exp`; src/aws imports no platform code).
 */
export class DynamoDbRequestReplays {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly keepSeconds: number;
  private readonly now: () => number;

  constructor(options: DynamoDbRequestReplaysOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.keepSeconds = options.keepSeconds;
    this.now = options.now ?? Date.now;
  }

  async firstUse(signature: string, timestampSeconds: number): Promise<boolean> {
    const nowMs = this.now();
    const ttlSeconds = Math.max(1, timestampSeconds + this.keepSeconds - Math.floor(nowMs / 1000));
    return claimItem(this.client, this.tableName, `replay#${signature}`, ttlSeconds, nowMs);
  }
}
