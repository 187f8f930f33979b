// (adapter) DynamoDB --> StateStore.claimClick: double-click protection of the Slack buttons
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StateStore } from '../core/ports';
import { claimItem, documentClient } from './dynamodb-conversation-store';

export interface DynamoDbClickClaimsOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName: string;
  readonly now?: () => number;
}

/**
 * `click#<key>` items in the pipewatch table: the first click with a key within `ttlSeconds`
 * wins (a conditional put), every other one is told it was a repeat. An expired claim that
 * DynamoDB has not deleted yet counts as absent.
 */
export class DynamoDbClickClaims implements Pick<StateStore, 'claimClick'> {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => number;

  constructor(options: DynamoDbClickClaimsOptions) {
    this.documents = options.client instanceof DynamoDBDocumentClient ? options.client : documentClient(options.client);
    this.tableName = options.tableName;
    this.now = options.now ?? Date.now;
  }

  async claimClick(key: string, ttlSeconds: number): Promise<boolean> {
    return claimItem(this.documents, this.tableName, `click#${key}`, ttlSeconds, this.now());
  }
}
