// Stopping the local AWS while DynamoDB requests are under way: dynalite throws an uncaught
// exception from any request that meets its closed database (it failed a whole e2e file once), so
// the requests it serves are answered first and those that come later are refused, not thrown.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { startLocalAwsWithClients } from '../../helpers/local-aws';

const TABLE = 'pipewatch-shutdown';
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'pipewatch-dynamodb-shutdown-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

test('stopping with writes under way answers each one, and keeps exactly those it answered', async () => {
  const local = await startLocalAwsWithClients({ dataDir });
  await local.dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const writes = Array.from({ length: 400 }, (_, i) =>
    local.dynamo.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: { S: `item-${i % 20}` } },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    ),
  );
  // Stop as soon as the first write is answered: the others are being read, checked or served.
  // The local AWS stops first (the helper's stop destroys the clients, cutting their requests).
  await Promise.race(writes);
  await local.aws.stop();
  const outcomes = await Promise.allSettled(writes);
  local.dynamo.destroy();
  const answered = outcomes.filter((o) => o.status === 'fulfilled').length;
  expect(answered).toBeGreaterThan(0);
  expect(answered).toBeLessThan(outcomes.length);

  // The same data directory again: every answered write is there, and no refused one.
  const again = await startLocalAwsWithClients({ dataDir });
  try {
    const scan = await again.dynamo.send(new ScanCommand({ TableName: TABLE }));
    const kept = (scan.Items ?? []).reduce((sum, item) => sum + Number(item.n?.N ?? 0), 0);
    expect(kept).toBe(answered);
  } finally {
    await again.stop();
  }
});
