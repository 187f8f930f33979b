import fc from 'fast-check';
import {
  compareOutcomes,
  type Flip,
  judgeOutcome,
  type ObservedOutcome,
  type StoredOutcome,
} from '../../../../src/core/notify';

/** What the store and notify do with a sequence of deliveries: the stored outcome and the flips announced. */
function deliver(deliveries: readonly ObservedOutcome[]): {
  stored?: StoredOutcome;
  flips: { flip: Flip; executionId: string }[];
} {
  let stored: StoredOutcome | undefined;
  const announced = new Map<string, { flip: Flip; executionId: string }>();
  for (const observed of deliveries) {
    const decision = judgeOutcome(stored, observed);
    if (decision.kind === 'stale') continue;
    if (decision.kind === 'record') stored = decision.stored;
    // A repeat of a flip delivers again: the conversation is opened once (its claim and record), so count it once.
    const outcome = decision.stored;
    if (outcome.flip !== undefined) {
      announced.set(`${outcome.executionId}@${outcome.time}`, { flip: outcome.flip, executionId: outcome.executionId });
    }
  }
  return { ...(stored === undefined ? {} : { stored }), flips: [...announced.values()] };
}

/** Runs one after another, a second apart, each FAILED or SUCCEEDED. */
const runs = fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }).map((states) =>
  states.map(
    (failed, index): ObservedOutcome => ({
      state: failed ? 'FAILED' : 'SUCCEEDED',
      time: new Date(Date.UTC(2024, 4, 1, 10, 0, index)).toISOString(),
      executionId: `exec-${index}`,
    }),
  ),
);

/** The flips of a history read in order: a FAILED first is broken, then every change of state. */
function expectedFlips(history: readonly ObservedOutcome[]): { flip: Flip; executionId: string }[] {
  const flips: { flip: Flip; executionId: string }[] = [];
  let previous: string | undefined;
  for (const outcome of history) {
    if (previous === undefined ? outcome.state === 'FAILED' : previous !== outcome.state) {
      flips.push({ flip: outcome.state === 'FAILED' ? 'broken' : 'fixed', executionId: outcome.executionId });
    }
    previous = outcome.state;
  }
  return flips;
}

describe('judgeOutcome', () => {
  test('in order, with any duplicates: exactly the flips of the history, each once', () => {
    fc.assert(
      fc.property(runs, fc.array(fc.nat(20)), (history, copies) => {
        const deliveries = history.flatMap((outcome, index) => Array(1 + ((copies[index] ?? 0) % 3)).fill(outcome));
        expect(deliver(deliveries).flips).toEqual(expectedFlips(history));
      }),
    );
  });

  test('in any order, duplicated: the stored outcome is the newest, and never a flip the newest outcome contradicts', () => {
    fc.assert(
      fc.property(
        runs.chain((history) =>
          fc.tuple(
            fc.constant(history),
            fc.shuffledSubarray([...history, ...history], { minLength: 2 * history.length }),
          ),
        ),
        ([history, deliveries]) => {
          const { stored, flips } = deliver(deliveries);
          const newest = [...history].sort(compareOutcomes)[history.length - 1] as ObservedOutcome;
          expect(stored?.executionId).toBe(newest.executionId);
          expect(stored?.state).toBe(newest.state);
          // Every flip announced is one of the history's own (judged against an older outcome it followed)...
          const real = new Set(
            history.flatMap((outcome, index) =>
              history.slice(0, index).some((before) => before.state !== outcome.state) || outcome.state === 'FAILED'
                ? [outcome.executionId]
                : [],
            ),
          );
          for (const flip of flips) expect(real.has(flip.executionId)).toBe(true);
          // ...announced in increasing time, so the last one said agrees with the newest outcome when it flipped.
          const last = flips[flips.length - 1];
          if (last !== undefined && last.executionId === newest.executionId) {
            expect(last.flip).toBe(newest.state === 'FAILED' ? 'broken' : 'fixed');
          }
          const order = flips.map((flip) => Number(flip.executionId.slice(5)));
          expect(order).toEqual([...order].sort((a, b) => a - b));
        },
      ),
    );
  });

  test('a duplicate changes nothing; an older outcome is stale', () => {
    const failed: ObservedOutcome = { state: 'FAILED', time: '2024-05-01T10:00:01.000Z', executionId: 'b' };
    const succeeded: ObservedOutcome = { state: 'SUCCEEDED', time: '2024-05-01T10:00:00.000Z', executionId: 'a' };
    const first = judgeOutcome(undefined, succeeded);
    expect(first).toEqual({ kind: 'record', stored: { ...succeeded, since: succeeded.time } });
    if (first.kind !== 'record') throw new Error('recorded');
    const broken = judgeOutcome(first.stored, failed);
    expect(broken).toEqual({
      kind: 'record',
      stored: { ...failed, since: failed.time, flip: 'broken', previous: { executionId: 'a', since: succeeded.time } },
    });
    if (broken.kind !== 'record') throw new Error('recorded');
    expect(judgeOutcome(broken.stored, failed)).toEqual({ kind: 'repeat', stored: broken.stored });
    expect(judgeOutcome(broken.stored, succeeded)).toEqual({ kind: 'stale' });
  });

  test('nothing known: a FAILED is broken, a SUCCEEDED is recorded silently', () => {
    const at = '2024-05-01T10:00:00.000Z';
    expect(judgeOutcome(undefined, { state: 'FAILED', time: at, executionId: 'x' })).toMatchObject({
      kind: 'record',
      stored: { flip: 'broken' },
    });
    const quiet = judgeOutcome(undefined, { state: 'SUCCEEDED', time: at, executionId: 'x' });
    expect(quiet).toEqual({ kind: 'record', stored: { state: 'SUCCEEDED', time: at, executionId: 'x', since: at } });
  });
});
