import { ChatDeliveryError, notifyEvent, notifyFollowers } from '../../../../src/core/notify';
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
