import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { addressKey, DynamoDbChannelAddresses } from '../../../src/aws/dynamodb-channel-addresses';
import { createTableInput, PARTITION_KEY, TTL_ATTRIBUTE } from '../../../src/aws/dynamodb-conversation-store';
import type { ChannelRef } from '../../../src/core/channels';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

const TABLE = 'pipewatch-addresses';
const CHANNEL: ChannelRef = {
  platform: 'teams',
  workspace: '0f0f0f0f-0000-4000-8000-00000000face',
  channel: '19:0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a@thread.tacv2',
};
const ADDRESS = {
  serviceUrl: 'https://smba.trafficmanager.net/amer/',
  conversationId: CHANNEL.channel,
  tenantId: CHANNEL.workspace,
  teamId: CHANNEL.channel,
};

let local: LocalAwsClients;
let addresses: DynamoDbChannelAddresses;
beforeAll(async () => {
  local = await startLocalAwsWithClients();
  await local.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
  addresses = new DynamoDbChannelAddresses({ client: local.dynamo, tableName: TABLE });
});
afterAll(() => local.stop());

let counter = 0;
/** A channel of its own per test: the table is shared. */
function channel(): ChannelRef {
  counter += 1;
  return { ...CHANNEL, channel: `${CHANNEL.channel}-${counter}` };
}

async function rawItem(key: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await local.dynamo.send(
    new GetItemCommand({ TableName: TABLE, Key: marshall({ [PARTITION_KEY]: key }), ConsistentRead: true }),
  );
  return Item === undefined ? undefined : unmarshall(Item);
}

describe('DynamoDbChannelAddresses against dynalite', () => {
  test('an unknown channel has no address', async () => {
    expect(await addresses.get(channel())).toBeUndefined();
  });

  test('put then get round-trips the map exactly, in one item keyed by the channel, without a TTL', async () => {
    const where = channel();
    await addresses.put(where, ADDRESS);
    expect(await addresses.get(where)).toEqual(ADDRESS);
    const item = await rawItem(
      `address#teams:${encodeURIComponent(where.workspace)}:${encodeURIComponent(where.channel)}`,
    );
    expect(item).toEqual({ [PARTITION_KEY]: addressKey(where), address: ADDRESS });
    expect(item).not.toHaveProperty(TTL_ATTRIBUTE);
  });

  test('put replaces the whole address (a key left out is gone)', async () => {
    const where = channel();
    await addresses.put(where, ADDRESS);
    const moved = { serviceUrl: 'https://smba.trafficmanager.net/emea/', conversationId: where.channel };
    await addresses.put(where, moved);
    expect(await addresses.get(where)).toEqual(moved);
  });

  test('channels are told apart by platform, workspace and channel, separators included', async () => {
    const where = channel();
    await addresses.put(where, ADDRESS);
    expect(await addresses.get({ ...where, platform: 'slack' })).toBeUndefined();
    expect(await addresses.get({ ...where, workspace: 'another-tenant' })).toBeUndefined();
    // Ids with the key's own separators cannot collide: each part is URI-encoded.
    const tricky = { ...where, workspace: 'a:b', channel: 'c' };
    const other = { ...where, workspace: 'a', channel: 'b:c' };
    await addresses.put(tricky, { serviceUrl: 'https://one.example/' });
    await addresses.put(other, { serviceUrl: 'https://two.example/' });
    expect(await addresses.get(tricky)).toEqual({ serviceUrl: 'https://one.example/' });
    expect(await addresses.get(other)).toEqual({ serviceUrl: 'https://two.example/' });
  });

  test('delete forgets the address; deleting an unknown channel is not an error', async () => {
    const where = channel();
    await addresses.put(where, ADDRESS);
    await addresses.delete(where);
    expect(await addresses.get(where)).toBeUndefined();
    await expect(addresses.delete(channel())).resolves.toBeUndefined();
  });

  test('an item written by hand with non-string values yields only its strings', async () => {
    const where = channel();
    await local.dynamo.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: marshall({
          [PARTITION_KEY]: addressKey(where),
          address: { serviceUrl: 'https://x.example/', port: 443 },
        }),
      }),
    );
    expect(await addresses.get(where)).toEqual({ serviceUrl: 'https://x.example/' });
  });

  test('reads are strongly consistent (as the SDK sends them: dynalite cannot tell)', async () => {
    const inputs: Record<string, unknown>[] = [];
    const name = 'record-input';
    local.dynamo.middlewareStack.add(
      (next) => async (args) => {
        inputs.push(args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      await addresses.get(channel());
    } finally {
      local.dynamo.middlewareStack.remove(name);
    }
    expect(inputs).toEqual([expect.objectContaining({ TableName: TABLE, ConsistentRead: true })]);
  });

  test('a missing table is an error, not "no address"', async () => {
    const elsewhere = new DynamoDbChannelAddresses({ client: local.dynamo, tableName: 'no-such-table' });
    await expect(elsewhere.get(channel())).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
