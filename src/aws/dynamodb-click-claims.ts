// (adapter) DynamoDB --> ClickClaims: double-click protection of the buttons
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ClickClaims } from '../core/ports';
import { claimItem } from './dynamodb-conversation-store';

export interface DynamoDbClickClaimsOptions {
  /** A DynamoDB client (createDynamoDbClient in src/aws/clients.ts). */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => number;
}

/**
 * `click#<key>` items in the pipewatch table: the first click with a key within `ttlSeconds`
 * wins (a conditional put), every other one is told it was a repeat. An expired claim that
 * DynamoDB has not deleted yet counts as absent.
 */
export class DynamoDbClickClaims implements ClickClaims {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly now: () => number;

  constructor(options: DynamoDbClickClaimsOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.now = options.now ?? Date.now;
  }

  async claimClick(key: string, ttlSeconds: number): Promise<boolean> {
    return claimItem(this.client, this.tableName, `click#${key}`, ttlSeconds, this.now());
  }
}
