import fc from 'fast-check';
import { executionToAlertMessage, mergeEvent } from '../../../../src/core/executions';
import type { AlertMessage } from '../../../../src/core/messages';
import { threadReplies } from '../../../../src/core/notify';
import { propertyRuns } from '../../../helpers/property-runs';
import { type EventSpec, pipelineEvent, retriedExecutionSpecs } from '../executions/execution-events';
import { content, fold, harness, KEY, shows } from './notify-harness';

const SPECS = retriedExecutionSpecs();
/** Up to the pipeline FAILED of attempt 1: the final state has a failure, so a thread reply is due. */
const FAILED_RUN = SPECS.slice(0, 10);

/** A permutation of `specs` with some delivered again: at least once, in any order. */
function deliveries(specs: readonly EventSpec[]) {
  return fc
    .tuple(
      fc.shuffledSubarray([...specs], { minLength: specs.length, maxLength: specs.length }),
      fc.array(fc.nat({ max: specs.length - 1 }), { maxLength: specs.length }),
      fc.array(fc.nat(), { maxLength: specs.length }),
    )
    .map(([permutation, duplicates, positions]) => {
      const delivered = [...permutation];
      duplicates.forEach((index, i) => {
        delivered.splice((positions[i] ?? 0) % (delivered.length + 1), 0, specs[index] as EventSpec);
      });
      return delivered;
    });
}

type Run = ReturnType<typeof harness>;

/** One message, showing the merged state of all the events; the replies its final state calls for, once each. */
function expectOneMessageShowingTheFinalState(run: Run, specs: readonly EventSpec[], replyKeys: readonly string[]) {
  const { chat, store } = run;
  expect(chat.calls.filter((call) => call.operation === 'post')).toHaveLength(1);
  expect(chat.messages).toHaveLength(1);
  const record = store.snapshot(KEY);
  if (record === undefined) throw new Error('no record');
  expect(content(record.state)).toEqual(content(fold(specs.map(pipelineEvent))));
  expect(record.renderedVersion).toBe(record.version);
  // What the message shows is the final state's (its "updated at" may be an earlier event's: a
  // version that shows nothing new is recorded without a chat call).
  expect(shows(chat.messages[0]?.revisions.at(-1))).toEqual(shows(executionToAlertMessage(record.state)));
  const keys = record.replies.map((reply) => reply.key);
  for (const key of replyKeys) expect(keys.filter((posted) => posted === key)).toHaveLength(1);
  expect(new Set(keys).size).toBe(keys.length);
  const thread = chat.messages[0]?.replies ?? [];
  expect(thread).toHaveLength(record.replies.length);
  // Each reply shows the final content, whichever event it was first posted from (only the newest event's id and time may lag).
  for (const due of threadReplies(record.state)) {
    const posted = record.replies.find((reply) => reply.key === due.key);
    expect(posted?.fingerprint).toBe(due.fingerprint);
    const shown = thread.find((reply) => reply.id === posted?.messageId)?.revisions.at(-1);
    expect(withoutEventStamp(shown)).toEqual(withoutEventStamp(due.message));
  }
  expect(store.lockOf(KEY)).toBeUndefined();
}

function withoutEventStamp(message: AlertMessage | undefined): unknown {
  if (message === undefined) return undefined;
  const { eventId: _eventId, time: _time, ...shown } = message;
  return shown;
}

describe('notifyEvent: exactly one message with the final state, whatever the deliveries', () => {
  test.each([
    ['the whole retried execution', SPECS, []],
    ['a failed execution', FAILED_RUN, ['failed:Build@1']],
  ] as const)('sequential deliveries in any order, with duplicates: %s', async (_name, specs, replyKeys) => {
    await fc.assert(
      fc.asyncProperty(deliveries(specs), async (delivered) => {
        const run = harness();
        for (const spec of delivered) await run.deliver(spec);
        expectOneMessageShowingTheFinalState(run, specs, replyKeys);
      }),
      { numRuns: propertyRuns(60) },
    );
  });

  test.each([
    ['the whole retried execution', SPECS, []],
    ['a failed execution', FAILED_RUN, ['failed:Build@1']],
  ] as const)(
    'concurrent deliveries, every store and chat call interleaved at random: %s',
    async (_name, specs, replyKeys) => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), deliveries(specs), async (scheduler, delivered) => {
          const run = harness({ yieldPoint: () => scheduler.schedule(Promise.resolve()) });
          await scheduler.waitFor(Promise.all(delivered.map((spec) => run.deliver(spec))));
          expectOneMessageShowingTheFinalState(run, specs, replyKeys);
        }),
        { numRuns: propertyRuns(60) },
      );
    },
  );

  test('20 concurrent deliveries of one execution’s events, released at once', async () => {
    const twenty = SPECS.slice(0, 20);
    let conflicts = 0;
    let deferred = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (scheduler) => {
        const run = harness({ yieldPoint: () => scheduler.schedule(Promise.resolve()) });
        const outcomes = await scheduler.waitFor(Promise.all(twenty.map((spec) => run.deliver(spec))));
        expectOneMessageShowingTheFinalState(run, twenty, []);
        conflicts += run.store.conflicts;
        deferred += outcomes.filter((outcome) => outcome.status === 'deferred').length;
      }),
      { numRuns: propertyRuns(40) },
    );
    // The interleaving did make writers collide and renders wait for the lock holder.
    expect(conflicts).toBeGreaterThan(0);
    expect(deferred).toBeGreaterThan(0);
  });

  test('the merge alone is order-independent (sanity check of what the use case relies on)', () => {
    const events = FAILED_RUN.map(pipelineEvent);
    const reversed = [...events].reverse().reduce(mergeEvent, undefined as ReturnType<typeof fold>);
    expect(content(reversed)).toEqual(content(fold(events)));
  });
});
