// (integration test) the DynamoDB RequestReplays adapter against the local AWS: first use wins, a replay loses, the item expires with the window
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../../src/aws/dynamodb-conversation-store';
import { DynamoDbRequestReplays } from '../../../src/aws/dynamodb-request-replays';
import { REPLAY_KEEP_SECONDS, SIGNATURE_WINDOW_SECONDS } from '../../../src/slack/app/request-replays';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

const TABLE = 'pipewatch-replays-test';
const SIGNATURE = `v0=${'a1'.repeat(32)}`;
const T = 1_767_225_600; // 2026-01-01T00:00:00Z, in seconds

let local: LocalAwsClients;
let nowMs = T * 1000;

beforeAll(async () => {
  local = await startLocalAwsWithClients();
  await local.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
});
afterAll(async () => {
  await local.stop();
});

const replays = () =>
  new DynamoDbRequestReplays({
    client: local.dynamo,
    tableName: TABLE,
    keepSeconds: REPLAY_KEEP_SECONDS,
    now: () => nowMs,
  });

test('the first use of a signature wins; the same signature again, from any container, is a replay', async () => {
  nowMs = T * 1000;
  expect(await replays().firstUse(SIGNATURE, T)).toBe(true);
  expect(await replays().firstUse(SIGNATURE, T)).toBe(false);
  // 61 s later (a click claim would have expired): still a replay.
  nowMs = (T + 61) * 1000;
  expect(await replays().firstUse(SIGNATURE, T)).toBe(false);
  // Until the very end of the signature window.
  nowMs = (T + SIGNATURE_WINDOW_SECONDS) * 1000;
  expect(await replays().firstUse(SIGNATURE, T)).toBe(false);
  // Another request (another signature) is not affected.
  expect(await replays().firstUse(`v0=${'b2'.repeat(32)}`, T + 290)).toBe(true);
});

test('the item is `replay#<signature>` and expires (TTL attribute) past the window, counted from the timestamp', async () => {
  const signature = `v0=${'c3'.repeat(32)}`;
  nowMs = (T + 100) * 1000;
  expect(await replays().firstUse(signature, T)).toBe(true);
  const { Item } = await local.dynamo.send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `replay#${signature}` } }, ConsistentRead: true }),
  );
  expect(Item?.expiresAt?.N).toBe(String(T + REPLAY_KEEP_SECONDS));
  expect(REPLAY_KEEP_SECONDS).toBeGreaterThan(SIGNATURE_WINDOW_SECONDS);
});

test('an expired item DynamoDB has not deleted yet counts as absent', async () => {
  const signature = `v0=${'d4'.repeat(32)}`;
  nowMs = T * 1000;
  expect(await replays().firstUse(signature, T)).toBe(true);
  nowMs = (T + REPLAY_KEEP_SECONDS + 1) * 1000;
  expect(await replays().firstUse(signature, T)).toBe(true);
});
