import {
  ChatDeliveryError,
  DEFAULT_NOTIFY_OPTIONS,
  type NotifyDeps,
  notifyEvent,
  notifyFollowers,
  RenderPendingError,
} from '../../../../src/core/notify';
import type { ChannelRef } from '../../../../src/core/subscriptions';
import { retriedExecutionSpecs } from '../executions/execution-events';
import { CHANNEL, harness, KEY, RULE, rawEvent } from './notify-harness';

const FOLLOW_RULE = 'pipewatch-follow';
const OTHER: ChannelRef = { platform: 'slack', workspace: 'T0001', channel: 'C0002' };

function specById(id: string) {
  const spec = retriedExecutionSpecs().find((candidate) => candidate.id === id);
  if (spec === undefined) throw new Error(`no event ${id}`);
  return spec;
}

describe('notifyFollowers: the follow rule’s events', () => {
  test('an execution no channel follows: one read, nothing written, nothing posted', async () => {
    const { deps, store, chat } = harness();
    const outcome = await notifyFollowers({ rule: FOLLOW_RULE, event: rawEvent(specById('ev-001')) }, deps);
    expect(outcome).toEqual({ status: 'not-followed' });
    expect(store.followerReads).toBe(1);
    expect(store.writes).toBe(0);
    expect(store.claims.size).toBe(0);
    expect(chat.calls).toEqual([]);
  });

  test('a subscription’s delivery makes its channel follow; a later event through the follow rule updates the same message', async () => {
    const { deps, store, chat } = harness();
    // The channel's filter matched the Build failure: the conversation opens.
    await notifyEvent({ rule: RULE, channel: CHANNEL, event: rawEvent(specById('ev-008')), via: 'subscription' }, deps);
    expect(await store.followers(KEY)).toEqual([{ channel: CHANNEL, rule: RULE }]);
    // The retry's events match no filter; the follow rule brings them.
    const outcome = await notifyFollowers({ rule: FOLLOW_RULE, event: rawEvent(specById('ev-013')) }, deps);
    expect(outcome).toMatchObject({ status: 'followed', outcomes: [{ outcome: { status: 'rendered' } }] });
    expect(chat.messages).toHaveLength(1);
    expect(chat.calls.filter((call) => call.operation === 'post')).toHaveLength(1);
    expect(store.snapshot(KEY)?.state.actions['Build/Build']?.state).toBe('STARTED');
  });

  test('an event that reaches a channel both ways is shown once (the claim)', async () => {
    const { deps, chat } = harness();
    const event = rawEvent(specById('ev-008'));
    await notifyEvent({ rule: RULE, channel: CHANNEL, event, via: 'subscription' }, deps);
    const outcome = await notifyFollowers({ rule: FOLLOW_RULE, event }, deps);
    expect(outcome).toMatchObject({ status: 'followed', outcomes: [{ outcome: { status: 'duplicate' } }] });
    expect(chat.calls.map((call) => call.operation)).toEqual(['post', 'reply']);
  });

  test('while the subscription’s delivery waits on the chat, the follow rule’s delivery of the event waits one pause, not five', async () => {
    const { deps, store, chat } = harness();
    let sleeps = 0;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // The subscription's post waits its turn in the chat's line (a burst at the rate limits).
    const waiting: NotifyDeps = {
      ...deps,
      chat: Object.assign(Object.create(chat), {
        post: async (...args: Parameters<typeof chat.post>) => {
          await gate;
          return chat.post(...args);
        },
      }),
    };
    const event = rawEvent(specById('ev-008'));
    const subscription = notifyEvent({ rule: RULE, channel: CHANNEL, event, via: 'subscription' }, waiting);
    while (store.lockOf(KEY) === undefined) await new Promise((resolve) => setImmediate(resolve));
    const counting: NotifyDeps = {
      ...deps,
      sleep: async () => {
        sleeps++;
      },
    };
    // Claimed by the subscription's path and not shown yet: one pause, then left to the platform's retry.
    await expect(notifyFollowers({ rule: FOLLOW_RULE, event }, counting)).rejects.toThrow(RenderPendingError);
    expect(sleeps).toBe(1);
    expect(chat.calls).toEqual([]);
    open();
    await expect(subscription).resolves.toMatchObject({ status: 'rendered' });
    // The follow rule's retry: its own claim again, and nothing left to do.
    await expect(notifyFollowers({ rule: FOLLOW_RULE, event }, counting)).resolves.toMatchObject({
      outcomes: [{ outcome: { status: 'duplicate' } }],
    });
    expect(chat.calls.map((call) => call.operation)).toEqual(['post', 'reply']);
    // The claimant's own duplicate waits the five pauses (3.1 s) as before.
    expect(DEFAULT_NOTIFY_OPTIONS.holderWaitMs).toEqual([100, 200, 400, 800, 1600]);
  });

  test('a claimant that failed leaves nothing behind: the other path’s delivery completes what it left', async () => {
    const { deps, chat, store } = harness();
    const event = rawEvent(specById('ev-008'));
    chat.failNext('post', 'transient', 'ratelimited');
    await expect(notifyEvent({ rule: RULE, channel: CHANNEL, event, via: 'subscription' }, deps)).rejects.toThrow(
      ChatDeliveryError,
    );
    expect(chat.messages).toHaveLength(0);
    // The follow rule's delivery: the event is another path's, merged and not shown, the lock free: it shows it.
    await expect(notifyFollowers({ rule: FOLLOW_RULE, event }, deps)).resolves.toMatchObject({
      outcomes: [{ outcome: { status: 'rendered' } }],
    });
    expect(chat.messages).toHaveLength(1);
    // Lambda's retry of the subscription's delivery: its own claim again, nothing left to do.
    await expect(
      notifyEvent({ rule: RULE, channel: CHANNEL, event, via: 'subscription' }, deps),
    ).resolves.toMatchObject({ status: 'duplicate' });
    expect(chat.messages).toHaveLength(1);
    expect(store.snapshot(KEY)?.renderedVersion).toBe(store.snapshot(KEY)?.version);
  });

  test('a follow delivery never opens a conversation nor adds a follower', async () => {
    const { deps, store } = harness();
    await store.follow(KEY, { channel: CHANNEL, rule: RULE });
    await notifyFollowers({ rule: FOLLOW_RULE, event: rawEvent(specById('ev-013')) }, deps);
    expect(await store.followers(KEY)).toEqual([{ channel: CHANNEL, rule: RULE }]);
  });

  test('one follower failing does not stop the others; the failure is thrown after, for the platform to retry', async () => {
    const { deps, store, chat } = harness();
    await store.follow(KEY, { channel: CHANNEL, rule: RULE });
    await store.follow(KEY, { channel: OTHER, rule: 'pw-other-sub' });
    chat.failNext('post', 'transient', 'ratelimited');
    await expect(notifyFollowers({ rule: FOLLOW_RULE, event: rawEvent(specById('ev-008')) }, deps)).rejects.toThrow(
      ChatDeliveryError,
    );
    expect(chat.messages).toHaveLength(1);
    // The retry: the channel already shown is a duplicate, the other one is posted.
    const retried = await notifyFollowers({ rule: FOLLOW_RULE, event: rawEvent(specById('ev-008')) }, deps);
    expect(retried).toMatchObject({ status: 'followed' });
    expect(chat.messages).toHaveLength(2);
  });

  test('a malformed event is logged and dropped before any read', async () => {
    const { deps, store, log } = harness();
    await expect(notifyFollowers({ rule: FOLLOW_RULE, event: { nope: true } }, deps)).resolves.toEqual({
      status: 'invalid-event',
    });
    expect(store.followerReads).toBe(0);
    expect(log.entries.some((entry) => entry.level === 'error')).toBe(true);
  });
});
