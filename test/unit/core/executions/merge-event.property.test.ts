import fc from 'fast-check';
import type { PipelineEvent } from '../../../../src/core/events';
import {
  type ExecutionState,
  executionToAlertMessage,
  MAX_SEEN_EVENTS,
  mergeEvent,
  mergeExecutionStates,
  summariseExecution,
} from '../../../../src/core/executions';
import { type EventSpec, pipelineEvent, retriedExecutionSpecs, STAGE_ORDER } from './execution-events';

function fold(events: readonly PipelineEvent[], from?: ExecutionState): ExecutionState | undefined {
  return events.reduce<ExecutionState | undefined>(mergeEvent, from);
}

/** A permutation of `events` with some of them delivered again (at least once, in any order). */
function deliveries(events: readonly PipelineEvent[]) {
  return fc
    .tuple(
      fc.shuffledSubarray([...events], { minLength: events.length, maxLength: events.length }),
      fc.array(fc.nat({ max: events.length - 1 }), { maxLength: events.length }),
      fc.array(fc.nat(), { maxLength: events.length }),
    )
    .map(([permutation, duplicateIndexes, positions]) => {
      const delivered = [...permutation];
      duplicateIndexes.forEach((index, i) => {
        const at = (positions[i] ?? 0) % (delivered.length + 1);
        delivered.splice(at, 0, events[index] as PipelineEvent);
      });
      return delivered;
    });
}

/** Random events from small domains, so that times, attempts, states and even ids collide. */
const randomSpec: fc.Arbitrary<EventSpec> = fc
  .record({
    level: fc.constantFrom('pipeline', 'stage', 'action' as const),
    state: fc.constantFrom('STARTED', 'SUCCEEDED', 'FAILED', 'RESUMED', 'STOPPING', 'STOPPED', 'ABANDONED', 'PAUSED'),
    at: fc.integer({ min: 0, max: 3 }),
    id: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8'),
    stage: fc.constantFrom('Source', 'Build', '__proto__'),
    action: fc.constantFrom('Build', 'ManualApproval'),
    category: fc.constantFrom('Build', 'Approval'),
    attempt: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    summary: fc.option(fc.constantFrom('boom', 'ok', '{"CommitMessage":"fix"}'), { nil: undefined }),
    retryAt: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    trigger: fc.option(
      fc.constantFrom({ 'trigger-type': 'StartPipelineExecution' }, { 'commit-id': 'abc', 'branch-name': 'main' }),
      { nil: undefined },
    ),
    codestar: fc.option(
      fc.record({
        failedStage: fc.constantFrom('Build', 'Source'),
        failedActions: fc.array(
          fc.record({ action: fc.constantFrom('Build', 'Test'), additionalInformation: fc.string() }),
          {
            maxLength: 2,
          },
        ),
      }),
      { nil: undefined },
    ),
  })
  // Absent rather than undefined, as a parsed event would be.
  .map(
    (spec) =>
      Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined)) as unknown as EventSpec,
  );

const randomEvents = fc.array(randomSpec.map(pipelineEvent), { minLength: 1, maxLength: 25 });
const realEvents = retriedExecutionSpecs().map(pipelineEvent);

describe('mergeEvent (property)', () => {
  it('gives the same state for any order and duplication of a real execution’s events, at any point of it', () => {
    // Every prefix: the final state alone would hide a wrong tie that later events overwrite.
    const prefixes = fc
      .integer({ min: 1, max: realEvents.length })
      .map((length) => realEvents.slice(0, length))
      .chain((events) => fc.tuple(fc.constant(events), deliveries(events)));
    fc.assert(
      fc.property(prefixes, ([events, delivered]) => {
        expect(fold(delivered)).toEqual(fold(events));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same state for any order and duplication of random events with colliding times, attempts and ids', () => {
    fc.assert(
      fc.property(
        randomEvents.chain((events) => fc.tuple(fc.constant(events), deliveries(events))),
        ([events, delivered]) => {
          expect(fold(delivered)).toEqual(fold(events));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is idempotent: merging any event again changes nothing and returns the same object', () => {
    fc.assert(
      fc.property(randomEvents, fc.nat(), (events, pick) => {
        const state = fold(events) as ExecutionState;
        expect(mergeEvent(state, events[pick % events.length] as PipelineEvent)).toBe(state);
      }),
    );
  });

  it('joins states folded apart (two concurrent writers) into the state of all events', () => {
    fc.assert(
      fc.property(randomEvents, fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }), (events, sides) => {
        const left = events.filter((_, i) => sides[i]);
        const right = events.filter((_, i) => !sides[i]);
        const all = fold(events) as ExecutionState;
        const a = fold(left);
        const b = fold(right);
        const joined = a && b ? mergeExecutionStates(a, b) : (a ?? b);
        expect(joined).toEqual(all);
        if (a && b) expect(mergeExecutionStates(b, a)).toEqual(all);
      }),
    );
  });

  it('keeps the newest MAX_SEEN_EVENTS event ids whatever the order, when there are more', () => {
    const many = fc.array(
      fc
        .record({ at: fc.integer({ min: 0, max: 40 }), n: fc.integer({ min: 0, max: 999 }) })
        .map(({ at, n }) =>
          pipelineEvent({ level: 'action', state: 'STARTED', at, id: `id-${n}`, stage: 'Build', action: `A${n % 7}` }),
        ),
      { minLength: MAX_SEEN_EVENTS + 1, maxLength: MAX_SEEN_EVENTS + 40 },
    );
    fc.assert(
      fc.property(
        many.chain((events) => fc.tuple(fc.constant(events), deliveries(events))),
        ([events, delivered]) => {
          const state = fold(delivered) as ExecutionState;
          expect(state).toEqual(fold(events));
          expect(state.seenEvents.length).toBeLessThanOrEqual(MAX_SEEN_EVENTS);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('summarises any merged state without throwing, and as plain JSON', () => {
    fc.assert(
      fc.property(randomEvents, fc.boolean(), (events, withOrder) => {
        const state = fold(events) as ExecutionState;
        const options = withOrder ? { stageOrder: STAGE_ORDER } : {};
        const message = executionToAlertMessage(state, options);
        expect(summariseExecution(state, options).headline.label).not.toBe('');
        expect(message.title).toContain('myPipeline · execution ');
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
    );
  });
});
