import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDbClickClaims } from '../../../src/aws/dynamodb-click-claims';
import {
  channelKey,
  conversationKey,
  createTableInput,
  DEFAULT_RECORD_TTL_SECONDS,
  DynamoDbConversationStore,
  PARTITION_KEY,
  TTL_ATTRIBUTE,
} from '../../../src/aws/dynamodb-conversation-store';
import { mergeEvent } from '../../../src/core/executions';
import type { ConversationKey } from '../../../src/core/ports';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';
import {
  EXECUTION_ID,
  PIPELINE,
  pipelineEvent,
  retriedExecutionSpecs,
} from '../../unit/core/executions/execution-events';

const TABLE = 'pipewatch-state';
const CHANNEL = { platform: 'slack' as const, workspace: 'T1', channel: 'C1' };
const KEY: ConversationKey = { channel: CHANNEL, pipeline: PIPELINE, executionId: EXECUTION_ID };
const [first, second] = retriedExecutionSpecs().map(pipelineEvent);

let local: LocalAwsClients;
/** The SDK's DocumentClient, as the adapters used to be configured: it sets the scene and checks the result. */
let documents: DynamoDBDocumentClient;
let now = Date.parse('2026-01-01T00:00:00Z');
let store: DynamoDbConversationStore;
beforeAll(async () => {
  local = await startLocalAwsWithClients();
  documents = DynamoDBDocumentClient.from(local.dynamo, { marshallOptions: { removeUndefinedValues: true } });
  await local.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
});
afterAll(() => local.stop());
beforeEach(() => {
  now += 10 * 24 * 60 * 60 * 1000;
  store = new DynamoDbConversationStore({ client: local.dynamo, tableName: TABLE, now: () => now });
});

function key(): ConversationKey {
  // A fresh execution per test: the table is shared.
  return { ...KEY, channel: { ...CHANNEL, channel: `C${now}` } };
}

describe('DynamoDbConversationStore against dynalite', () => {
  test('an event claim is won once per channel, and again after its TTL', async () => {
    expect(await store.claimEvent('e1', key().channel, 60)).toBe(true);
    expect(await store.claimEvent('e1', key().channel, 60)).toBe(false);
    expect(await store.claimEvent('e1', { ...key().channel, channel: 'other' }, 60)).toBe(true);
    now += 61_000;
    expect(await store.claimEvent('e1', key().channel, 60)).toBe(true);
  });

  test('state writes are conditional on the version read; the state round-trips exactly', async () => {
    const k = key();
    expect(await store.read(k)).toBeUndefined();
    const state = mergeEvent(undefined, first ?? fail('no event'));
    expect(await store.writeState(k, state, undefined)).toEqual({ ok: true, version: 1 });
    expect(await store.writeState(k, state, undefined)).toEqual({ ok: false, reason: 'version-conflict' });
    const read = await store.read(k);
    expect(read).toEqual({ state: { ...state, version: 1 }, version: 1, renderedVersion: 0, replies: [] });
    const next = mergeEvent(read?.state, second ?? fail('no event'));
    expect(await store.writeState(k, next, 2)).toEqual({ ok: false, reason: 'version-conflict' });
    expect(await store.writeState(k, next, 1)).toEqual({ ok: true, version: 2 });
    expect((await store.read(k))?.state).toEqual({ ...next, version: 2 });
  });

  test('the render lock: exclusive, re-entrant, lost after its lease; renderings need it; writes keep it', async () => {
    const k = key();
    expect(await store.acquireLock(k, 'a', 30_000)).toBeUndefined();
    const written = mergeEvent(undefined, first ?? fail('no event'));
    await store.writeState(k, written, undefined);
    // The record as locked, as a read would return it.
    const locked = await store.acquireLock(k, 'a', 30_000);
    expect(locked).toEqual({ state: { ...written, version: 1 }, version: 1, renderedVersion: 0, replies: [] });
    expect(await store.acquireLock(k, 'b', 30_000)).toBeUndefined();
    expect(await store.acquireLock(k, 'a', 30_000)).toEqual(locked);
    expect(await store.saveRendering(k, 'b', { messageId: 'x', renderedVersion: 1, replies: [] })).toBe(false);
    expect(
      await store.saveRendering(k, 'a', {
        messageId: '1.2',
        renderedVersion: 1,
        replies: [{ key: 'failed:Build@1', messageId: '1.3', fingerprint: 'abc' }],
      }),
    ).toBe(true);
    const state = (await store.read(k))?.state ?? fail('no state');
    expect(await store.writeState(k, mergeEvent(state, second ?? fail('no event')), 1)).toMatchObject({ ok: true });
    expect(await store.releaseLock(k, 'b', { messageId: 'y', renderedVersion: 2, replies: [] })).toBeUndefined();
    expect(await store.acquireLock(k, 'b', 30_000)).toBeUndefined();
    now += 30_001;
    // Taken over from a holder whose lease ran out: said, so that the new holder trusts nothing on screen.
    expect(await store.acquireLock(k, 'b', 30_000)).toMatchObject({
      version: 2,
      messageId: '1.2',
      renderedVersion: 1,
      tookOver: true,
    });
    expect(await store.acquireLock(k, 'b', 30_000)).not.toHaveProperty('tookOver');
    expect(await store.saveRendering(k, 'a', { renderedVersion: 2, replies: [] })).toBe(false);
    expect(await store.releaseLock(k, 'a', { renderedVersion: 2, replies: [] })).toBeUndefined();
    // Released without a rendering: the record as released, the rendering untouched.
    expect(await store.releaseLock(k, 'b')).toMatchObject({ version: 2, messageId: '1.2', renderedVersion: 1 });
    expect(await store.acquireLock(k, 'a', 30_000)).toMatchObject({
      version: 2,
      messageId: '1.2',
      renderedVersion: 1,
      replies: [{ key: 'failed:Build@1', messageId: '1.3', fingerprint: 'abc' }],
    });
  });

  describe('mergeAndLock: the state write and the render lock in one UpdateItem', () => {
    /** The UpdateItem calls the store sends while `run` runs (with `after`, run after each call's answer). */
    async function updatesDuring<T>(run: () => Promise<T>, after?: (call: number) => Promise<void>) {
      const updates: Record<string, unknown>[] = [];
      const name = 'count-updates';
      local.dynamo.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName !== 'UpdateItemCommand') return next(args);
          updates.push(args.input as Record<string, unknown>);
          try {
            return await next(args);
          } finally {
            await after?.(updates.length);
          }
        },
        { step: 'initialize', name },
      );
      try {
        return { result: await run(), updates };
      } finally {
        local.dynamo.middlewareStack.remove(name);
      }
    }

    test('the lock free: the state written and the lock taken in one call; the record as locked comes back', async () => {
      const k = key();
      const state = mergeEvent(undefined, first ?? fail('no event'));
      const { result, updates } = await updatesDuring(() => store.mergeAndLock(k, state, undefined, 'a', 30_000));
      expect(updates).toHaveLength(1);
      const record = { state: { ...state, version: 1 }, version: 1, renderedVersion: 0, replies: [] };
      expect(result).toEqual({ ok: true, version: 1, lock: { status: 'taken', record } });
      // Taken: nobody else gets it; the record as locked is what a read returns.
      expect(await store.read(k)).toEqual(record);
      expect(await store.acquireLock(k, 'b', 30_000)).toBeUndefined();
      // The next write of the holder keeps the rendering and says nothing was taken over.
      await store.releaseLock(k, 'a', { messageId: '1.2', renderedVersion: 1, replies: [] });
      const next = mergeEvent({ ...state, version: 1 }, second ?? fail('no event'));
      expect(await store.mergeAndLock(k, next, 1, 'c', 30_000)).toEqual({
        ok: true,
        version: 2,
        lock: {
          status: 'taken',
          record: { state: { ...next, version: 2 }, version: 2, messageId: '1.2', renderedVersion: 1, replies: [] },
        },
      });
    });

    test('the lock held: the state is merged all the same, the holder keeps the lock and its release shows the write', async () => {
      const k = key();
      const state = mergeEvent(undefined, first ?? fail('no event'));
      await store.writeState(k, state, undefined);
      expect(await store.acquireLock(k, 'holder', 30_000)).toMatchObject({ version: 1 });
      const next = mergeEvent({ ...state, version: 1 }, second ?? fail('no event'));
      const { result, updates } = await updatesDuring(() => store.mergeAndLock(k, next, 1, 'writer', 30_000));
      // The combined write refused (the lock), then the state alone.
      expect(updates).toHaveLength(2);
      expect(result).toEqual({ ok: true, version: 2, lock: { status: 'held' } });
      expect(await store.acquireLock(k, 'writer', 30_000)).toBeUndefined();
      expect(await store.releaseLock(k, 'holder')).toMatchObject({ version: 2, state: { ...next, version: 2 } });
    });

    test('the lock released between the combined write and the state alone: `free`, not taken', async () => {
      const k = key();
      const state = mergeEvent(undefined, first ?? fail('no event'));
      await store.writeState(k, state, undefined);
      await store.acquireLock(k, 'holder', 30_000);
      const next = mergeEvent({ ...state, version: 1 }, second ?? fail('no event'));
      const other = new DynamoDbConversationStore({ client: local.dynamo, tableName: TABLE, now: () => now });
      const { result } = await updatesDuring(
        () => store.mergeAndLock(k, next, 1, 'writer', 30_000),
        async (call) => {
          if (call === 1) await other.releaseLock(k, 'holder');
        },
      );
      expect(result).toEqual({ ok: true, version: 2, lock: { status: 'free' } });
      expect(await store.acquireLock(k, 'writer', 30_000)).toMatchObject({ version: 2 });
    });

    test('a version conflict writes nothing, whoever holds the lock', async () => {
      const k = key();
      const state = mergeEvent(undefined, first ?? fail('no event'));
      await store.writeState(k, state, undefined);
      const next = mergeEvent({ ...state, version: 1 }, second ?? fail('no event'));
      expect(await store.mergeAndLock(k, next, undefined, 'a', 30_000)).toEqual({
        ok: false,
        reason: 'version-conflict',
      });
      await store.acquireLock(k, 'holder', 30_000);
      expect(await store.mergeAndLock(k, next, 2, 'a', 30_000)).toEqual({ ok: false, reason: 'version-conflict' });
      expect(await store.read(k)).toMatchObject({ version: 1, state: { ...state, version: 1 } });
      expect(await store.releaseLock(k, 'a')).toBeUndefined();
    });

    test('a lease run out: the lock is taken over in the same write, and said', async () => {
      const k = key();
      const state = mergeEvent(undefined, first ?? fail('no event'));
      await store.writeState(k, state, undefined);
      await store.acquireLock(k, 'dead', 30_000);
      await store.saveRendering(k, 'dead', { messageId: '1.2', renderedVersion: 1, replies: [] });
      now += 30_001;
      const next = mergeEvent({ ...state, version: 1 }, second ?? fail('no event'));
      const { result, updates } = await updatesDuring(() => store.mergeAndLock(k, next, 1, 'b', 30_000));
      expect(updates).toHaveLength(1);
      expect(result).toMatchObject({
        ok: true,
        version: 2,
        lock: { status: 'taken', record: { version: 2, messageId: '1.2', renderedVersion: 1, tookOver: true } },
      });
      expect(await store.saveRendering(k, 'dead', { renderedVersion: 2, replies: [] })).toBe(false);
    });
  });

  test('a release can record the rendering in the same write, and returns the record as released', async () => {
    const k = key();
    const written = mergeEvent(undefined, first ?? fail('no event'));
    await store.writeState(k, written, undefined);
    expect(await store.acquireLock(k, 'a', 30_000)).toMatchObject({ version: 1 });
    // A writer while the lock is held: the release's record shows it.
    const next = mergeEvent({ ...written, version: 1 }, second ?? fail('no event'));
    expect(await store.writeState(k, next, 1)).toEqual({ ok: true, version: 2 });
    const rendering = {
      messageId: '1.2',
      renderedVersion: 1,
      replies: [{ key: 'r', messageId: '1.3', fingerprint: 'f' }],
    };
    const released = await store.releaseLock(k, 'a', rendering);
    expect(released).toEqual({ state: { ...next, version: 2 }, version: 2, ...rendering });
    expect(await store.read(k)).toEqual(released);
    // The lock is gone: anyone takes it.
    expect(await store.acquireLock(k, 'b', 30_000)).toEqual(released);
  });

  test('replies of the old layout (a list of keys) read as posted with unknown id and fingerprint', async () => {
    const k = key();
    await store.writeState(k, mergeEvent(undefined, first ?? fail('no event')), undefined);
    await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { [PARTITION_KEY]: conversationKey(k) },
        UpdateExpression: 'SET messageId = :messageId, renderedVersion = :one, replies = :replies',
        ExpressionAttributeValues: { ':messageId': '1.2', ':one': 1, ':replies': ['failed:Build@1'] },
      }),
    );
    expect(await store.read(k)).toMatchObject({ messageId: '1.2', replies: [{ key: 'failed:Build@1' }] });
    expect((await store.read(k))?.replies[0]).toEqual({ key: 'failed:Build@1' });
    // Written back in the new layout, next to a new reply.
    expect(await store.acquireLock(k, 'a', 30_000)).toMatchObject({ messageId: '1.2' });
    const replies = [
      { key: 'failed:Build@1' },
      { key: 'approval:Approval/ManualApproval@1', messageId: '1.4', fingerprint: 'f' },
    ];
    expect(await store.saveRendering(k, 'a', { messageId: '1.2', renderedVersion: 1, replies })).toBe(true);
    expect((await store.read(k))?.replies).toEqual(replies);
  });

  test('click claims: the first click within the TTL wins', async () => {
    const clicks = new DynamoDbClickClaims({ client: local.dynamo, tableName: TABLE, now: () => now });
    expect(await clicks.claimClick('U1:retry:1', 10)).toBe(true);
    expect(await clicks.claimClick('U1:retry:1', 10)).toBe(false);
    now += 11_000;
    expect(await clicks.claimClick('U1:retry:1', 10)).toBe(true);
  });

  test("records and claims written through the adapter read back through the SDK's DocumentClient and GetItem, and the SDK's items through the adapter", async () => {
    const k = key();
    const pk = conversationKey(k);
    const state = mergeEvent(undefined, first ?? fail('no event'));
    expect(await store.writeState(k, state, undefined)).toEqual({ ok: true, version: 1 });
    expect(await store.acquireLock(k, 'a', 30_000)).toMatchObject({ version: 1 });
    const rendering = {
      messageId: '1.2',
      renderedVersion: 1,
      replies: [{ key: 'failed:Build@1', messageId: '1.3', fingerprint: 'abc' }, { key: 'r' }],
    };
    expect(await store.saveRendering(k, 'a', rendering)).toBe(true);
    const expected = {
      [PARTITION_KEY]: pk,
      state: JSON.stringify({ ...state, version: 1 }),
      version: 1,
      [TTL_ATTRIBUTE]: Math.floor(now / 1000) + DEFAULT_RECORD_TTL_SECONDS,
      lockOwner: 'a',
      lockExpiresAt: now + 30_000,
      messageId: '1.2',
      renderedVersion: 1,
      replies: rendering.replies,
    };
    // As the SDK's DocumentClient reads it (unmarshalled)...
    const { Item } = await documents.send(
      new GetCommand({ TableName: TABLE, Key: { [PARTITION_KEY]: pk }, ConsistentRead: true }),
    );
    expect(Item).toEqual(expected);
    // ...and as stored: the attribute types the SDK's marshalling gives (numbers N, the replies a list of maps).
    const raw = await local.dynamo.send(
      new GetItemCommand({ TableName: TABLE, Key: { [PARTITION_KEY]: { S: pk } }, ConsistentRead: true }),
    );
    expect(raw.Item).toEqual(marshall(expected, { removeUndefinedValues: true }));
    expect(raw.Item?.version).toEqual({ N: '1' });
    expect(raw.Item?.replies).toEqual({
      L: [
        { M: { key: { S: 'failed:Build@1' }, messageId: { S: '1.3' }, fingerprint: { S: 'abc' } } },
        { M: { key: { S: 'r' } } },
      ],
    });
    // Released: the lock's attributes are gone, the rest is as it was.
    expect(await store.releaseLock(k, 'a')).toEqual({ state: { ...state, version: 1 }, version: 1, ...rendering });
    const { lockOwner: _owner, lockExpiresAt: _expires, ...released } = expected;
    expect(
      (await documents.send(new GetCommand({ TableName: TABLE, Key: { [PARTITION_KEY]: pk }, ConsistentRead: true })))
        .Item,
    ).toEqual(released);

    // The other way: an item the SDK's DocumentClient wrote reads through the adapter as written.
    const other = { ...k, executionId: `${EXECUTION_ID}-sdk` };
    const sdkState = {
      ...mergeEvent(undefined, first ?? fail('no event')),
      executionId: other.executionId,
      version: 3,
    };
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          [PARTITION_KEY]: conversationKey(other),
          state: JSON.stringify(sdkState),
          version: 3,
          messageId: '2.1',
          renderedVersion: 2,
          replies: [
            { key: 'k', messageId: '2.2', fingerprint: 'f' },
            { key: 'only', messageId: undefined },
          ],
        },
      }),
    );
    expect(await store.read(other)).toEqual({
      state: sdkState,
      version: 3,
      messageId: '2.1',
      renderedVersion: 2,
      replies: [{ key: 'k', messageId: '2.2', fingerprint: 'f' }, { key: 'only' }],
    });

    // Claims: the conditional put's item, as the SDK reads it.
    const clicks = new DynamoDbClickClaims({ client: local.dynamo, tableName: TABLE, now: () => now });
    expect(await clicks.claimClick(`U1:approve:${now}`, 10)).toBe(true);
    expect(await store.claimEvent('e2', k.channel, 60)).toBe(true);
    const claims = await Promise.all(
      [`click#U1:approve:${now}`, `event#e2#${channelKey(k.channel)}`].map(async (claimKey) => {
        const read = await documents.send(
          new GetCommand({ TableName: TABLE, Key: { [PARTITION_KEY]: claimKey }, ConsistentRead: true }),
        );
        return read.Item;
      }),
    );
    expect(claims).toEqual([
      { [PARTITION_KEY]: `click#U1:approve:${now}`, [TTL_ATTRIBUTE]: Math.floor(now / 1000) + 10 },
      { [PARTITION_KEY]: `event#e2#${channelKey(k.channel)}`, [TTL_ATTRIBUTE]: Math.floor(now / 1000) + 60 },
    ]);
  });
});
