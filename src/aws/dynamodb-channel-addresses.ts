// (adapter) DynamoDB (SDK v3 DynamoDBClient) --> ChannelAddresses: where a platform delivers to a channel (Teams: service URL, conversation)
import { DeleteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ChannelRef } from '../core/channels';
import type { ChannelAddresses } from '../core/ports';
import { channelKey, PARTITION_KEY } from './dynamodb-conversation-store';

export interface DynamoDbChannelAddressesOptions {
  /** A DynamoDB client (createDynamoDbClient in src/aws/clients.ts). */
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** The attribute holding the address: a map of strings. */
const ADDRESS_ATTRIBUTE = 'address';

/**
 * One item per channel in the pipewatch table, `address#<channel key>`, holding the address as a
 * map of strings. No TTL: an installation lasts until the app is removed (`delete`). Reads are
 * strongly consistent, so a notify invocation right after an install sees it.
 */
export class DynamoDbChannelAddresses implements ChannelAddresses {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: DynamoDbChannelAddressesOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async get(channel: ChannelRef): Promise<Readonly<Record<string, string>> | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [PARTITION_KEY]: addressKey(channel) }),
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    return stringsOf(unmarshall(Item)[ADDRESS_ATTRIBUTE]);
  }

  async put(channel: ChannelRef, address: Readonly<Record<string, string>>): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        // An empty map is a valid M; the address is written as given, replacing the previous one whole.
        Item: marshall({ [PARTITION_KEY]: addressKey(channel), [ADDRESS_ATTRIBUTE]: { ...address } }),
      }),
    );
  }

  async delete(channel: ChannelRef): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: marshall({ [PARTITION_KEY]: addressKey(channel) }) }),
    );
  }
}

export function addressKey(channel: ChannelRef): string {
  return `address#${channelKey(channel)}`;
}

/** The stored map's string values; anything else (an item written by hand) is left out rather than trusted. */
function stringsOf(value: unknown): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
