import fc from 'fast-check';
import { executionToAlertMessage } from '../../../../src/core/executions';
import {
  ChatDeliveryError,
  ConversationContentionError,
  type NotifyDeps,
  notifyEvent,
  RenderPendingError,
  threadReplies,
} from '../../../../src/core/notify';
import { InMemoryChat } from '../../../helpers/in-memory-chat';
import { InMemoryConversationStore } from '../../../helpers/in-memory-conversation-store';
import { InMemoryPipelineClient } from '../../../helpers/in-memory-pipeline-client';
import { MemoryLog } from '../../../helpers/memory-log';
import { Crash, mortal } from '../../../helpers/mortal-invocation';
import { propertyRuns } from '../../../helpers/property-runs';
import { type EventSpec, pipelineEvent, retriedExecutionSpecs } from '../executions/execution-events';
import { CHANNEL, content, fold, KEY, RULE, rawEvent, shows } from './notify-harness';

/**
 * The lease protocol with invocations that die: at any store or chat call of a delivery (before the
 * call takes effect, or after it took effect and before its answer is seen), the invocation stops
 * for good, as a Lambda timeout or crash does: nothing after it runs, not even a release. The
 * platform delivers the event again a minute later (Lambda's asynchronous retry), and other events
 * keep coming meanwhile. Whatever the crashes, the channel ends with one message showing the final
 * state, each reply once, and the lock free.
 */

const SPECS = retriedExecutionSpecs();
/** Up to the pipeline FAILED of attempt 1: the final state has a failure, so a thread reply is due. */
const FAILED_RUN = SPECS.slice(0, 10);
/** Lambda retries a failed asynchronous invocation after about a minute: longer than the lease. */
const RETRY_DELAY_MS = 61_000;

interface CrashPoint {
  /** The invocation's n-th store or chat call (0-based); none reached: it does not crash. */
  readonly call: number;
  /** Die after the call took effect (its answer lost), else before it. */
  readonly after: boolean;
}

interface Delivery {
  readonly spec: EventSpec;
  readonly crash: CrashPoint | undefined;
}

/** The events in any order, some delivered twice, each first attempt maybe crashing at some call. */
function deliveries(specs: readonly EventSpec[]): fc.Arbitrary<Delivery[]> {
  const crash = fc.option(fc.record({ call: fc.nat({ max: 14 }), after: fc.boolean() }), { freq: 2, nil: undefined });
  return fc
    .tuple(
      fc.shuffledSubarray([...specs], { minLength: specs.length, maxLength: specs.length }),
      fc.array(fc.nat({ max: specs.length - 1 }), { maxLength: 4 }),
    )
    .chain(([permutation, duplicates]) => {
      const delivered = [...permutation, ...duplicates.map((index) => specs[index] as EventSpec)];
      return fc.tuple(...delivered.map((spec) => crash.map((point) => ({ spec, crash: point }))));
    });
}

interface Outcome {
  readonly store: InMemoryConversationStore;
  readonly chat: InMemoryChat;
  /** Crashes between a post or reply and its record: where Teams (which cannot look) may show one twice. */
  readonly diedAfterAPost: number;
  readonly crashes: number;
}

/**
 * Runs the deliveries as Lambda's asynchronous invocations do: one at a time here, a failed one (a
 * crash, a RenderPendingError, a transient chat error) delivered again a minute later, after the
 * ones already waiting. Its retry does not crash again.
 */
async function run(delivered: readonly Delivery[], options: { canFindPosts: boolean }): Promise<Outcome> {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const store = new InMemoryConversationStore({ now: () => clock });
  const chat = new InMemoryChat(undefined, { canFindPosts: options.canFindPosts });
  const log = new MemoryLog();
  let owners = 0;
  let diedAfterAPost = 0;
  let crashes = 0;
  const queue = delivered.map((delivery) => ({ ...delivery, attempts: 0 }));
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === undefined) break;
    const point = next.attempts === 0 ? next.crash : undefined;
    const invocation = mortal(store, chat, ({ index }) =>
      point !== undefined && index === point.call ? (point.after ? 'after' : 'before') : undefined,
    );
    const deps: NotifyDeps = {
      conversations: invocation.store,
      chat: invocation.chat,
      pipelines: new InMemoryPipelineClient(),
      log,
      now: () => clock,
      random: () => 0.5,
      // A deferred writer's wait passes on the clock (it cannot outlast a lease: it then throws).
      sleep: async (ms) => {
        clock += ms;
      },
      newOwner: () => `owner-${++owners}`,
    };
    try {
      await notifyEvent({ rule: RULE, channel: CHANNEL, event: rawEvent(next.spec) }, deps);
    } catch (error) {
      const retried =
        error instanceof Crash ||
        error instanceof RenderPendingError ||
        error instanceof ConversationContentionError ||
        (error instanceof ChatDeliveryError && error.kind === 'transient');
      if (!retried) throw error;
      const died = invocation.died();
      if (died !== undefined) {
        crashes++;
        if (invocation.diedWithAPostUnrecorded()) diedAfterAPost++;
      }
      if (next.attempts >= 20) throw new Error(`delivery of ${next.spec.id} kept failing: ${String(error)}`);
      queue.push({ ...next, attempts: next.attempts + 1 });
      clock += RETRY_DELAY_MS;
    }
  }
  return { store, chat, diedAfterAPost, crashes };
}

/** The one message (of the ones posted: the newest when a crash left others), the final state, replies once each. */
function expectFinalStateShown({ store, chat }: Outcome, specs: readonly EventSpec[]): void {
  const record = store.snapshot(KEY);
  if (record === undefined) throw new Error('no record');
  expect(content(record.state)).toEqual(content(fold(specs.map(pipelineEvent))));
  expect(record.renderedVersion).toBe(record.version);
  expect(record.pendingPosts ?? []).toEqual([]);
  const message = chat.messages.find((entry) => entry.id === record.messageId);
  expect(shows(message?.revisions.at(-1))).toEqual(shows(executionToAlertMessage(record.state)));
  const keys = record.replies.map((reply) => reply.key);
  expect(new Set(keys).size).toBe(keys.length);
  for (const due of threadReplies(record.state)) expect(keys).toContain(due.key);
  expect(store.lockOf(KEY)).toBeUndefined();
}

describe('notifyEvent: invocations that die at any step lose nothing', () => {
  test.each([
    ['the whole retried execution', SPECS],
    ['a failed execution', FAILED_RUN],
  ] as const)(
    'a platform that can look for a post (Slack): exactly one message, each reply once: %s',
    async (_name, specs) => {
      let crashes = 0;
      let afterPosts = 0;
      await fc.assert(
        fc.asyncProperty(deliveries(specs), async (delivered) => {
          const outcome = await run(delivered, { canFindPosts: true });
          expectFinalStateShown(outcome, specs);
          expect(outcome.chat.messages).toHaveLength(1);
          const thread = outcome.chat.messages[0]?.replies ?? [];
          expect(thread).toHaveLength(outcome.store.snapshot(KEY)?.replies.length ?? -1);
          crashes += outcome.crashes;
          afterPosts += outcome.diedAfterAPost;
        }),
        { numRuns: propertyRuns(100) },
      );
      // The runs did crash, and right after posts too (the case the lookup is for).
      expect(crashes).toBeGreaterThan(50);
      expect(afterPosts).toBeGreaterThan(0);
    },
  );

  test('a platform that cannot look (Teams): the final state shown; a second message only where one died right after a post', async () => {
    await fc.assert(
      fc.asyncProperty(deliveries(FAILED_RUN), async (delivered) => {
        const outcome = await run(delivered, { canFindPosts: false });
        expectFinalStateShown(outcome, FAILED_RUN);
        const posts = outcome.chat.messages.length + outcome.chat.messages.flatMap((entry) => entry.replies).length;
        const due = 1 + (outcome.store.snapshot(KEY)?.replies.length ?? 0);
        expect(posts - due).toBeLessThanOrEqual(outcome.diedAfterAPost);
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});
