import { parsePipelineEvent } from '../../../../src/core/events';
import {
  ExecutionMismatchError,
  type ExecutionState,
  MAX_SEEN_EVENTS,
  mergeEvent,
  mergeExecutionStates,
  withFetchedFailure,
} from '../../../../src/core/executions';
import { loadFixture } from '../../../helpers/fixtures';
import { EXECUTION_ID, eventsUntil, PIPELINE, pipelineEvent, retriedExecutionSpecs } from './execution-events';

function fold(events: readonly ReturnType<typeof pipelineEvent>[]): ExecutionState {
  return events.reduce<ExecutionState | undefined>(mergeEvent, undefined) as ExecutionState;
}

describe('mergeEvent', () => {
  it('starts a state from the first event, keyed by pipeline and execution', () => {
    // Prepare
    const [first] = eventsUntil('ev-001');

    // Act
    const state = mergeEvent(undefined, first as ReturnType<typeof pipelineEvent>);

    // Assess
    expect(state).toEqual({
      schema: 1,
      pipeline: PIPELINE,
      executionId: EXECUTION_ID,
      region: 'us-west-2',
      account: '123456789012',
      pipelineArn: 'arn:aws:codepipeline:us-west-2:123456789012:myPipeline',
      pipelineVersion: 3,
      startTime: '2024-05-01T09:59:59.123Z',
      trigger: {
        commit: { id: 'a'.repeat(40), message: 'Fix the build\n\nbody', branch: 'main', authorName: 'Mary' },
      },
      pipelineStatus: { state: 'STARTED', known: true, time: '2024-05-01T10:00:00Z', eventId: 'ev-001', attempt: 1 },
      stages: {},
      actions: {},
      seenEvents: [{ eventId: 'ev-001', time: '2024-05-01T10:00:00Z' }],
      version: 0,
    });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('keeps per stage and action the newest state, with what the winning event said', () => {
    const state = fold(eventsUntil('ev-010'));

    expect(state.pipelineStatus).toMatchObject({ state: 'FAILED', eventId: 'ev-010' });
    expect(state.stages.Source).toMatchObject({ state: 'SUCCEEDED', firstTime: '2024-05-01T10:00:00Z' });
    expect(state.stages.Build).toMatchObject({ state: 'FAILED', firstTime: '2024-05-01T10:00:01Z' });
    expect(state.actions['Build/Build']).toEqual({
      state: 'FAILED',
      known: true,
      time: '2024-05-01T10:00:05Z',
      eventId: 'ev-008',
      attempt: 1,
      stage: 'Build',
      action: 'Build',
      category: 'Build',
      provider: 'CodeBuild',
      owner: 'AWS',
      region: 'us-west-2',
      result: {
        summary: 'Build terminated with state: FAILED',
        errorCode: 'JobFailed',
        url: 'https://us-west-2.console.aws.amazon.com/codesuite/codebuild/projects/app/build/app:1/log',
      },
      firstTime: '2024-05-01T10:00:01Z',
    });
  });

  it('lets an ending beat a start in the same second, in either order', () => {
    const started = pipelineEvent({
      level: 'action',
      state: 'STARTED',
      at: 3,
      id: 'z-started',
      stage: 'Test',
      action: 'Unit',
    });
    const succeeded = pipelineEvent({
      level: 'action',
      state: 'SUCCEEDED',
      at: 3,
      id: 'a-done',
      stage: 'Test',
      action: 'Unit',
    });

    expect(fold([started, succeeded]).actions['Test/Unit']?.state).toBe('SUCCEEDED');
    expect(fold([succeeded, started]).actions['Test/Unit']?.state).toBe('SUCCEEDED');
  });

  it('lets a retry resume a stage in the second it failed, in either order: the later attempt wins the tie', () => {
    const events = eventsUntil('ev-012');
    const failed = events[8] as ReturnType<typeof pipelineEvent>;
    const resumed = events[11] as ReturnType<typeof pipelineEvent>;
    const others = events.filter((e) => e !== failed && e !== resumed);

    for (const state of [fold([...others, failed, resumed]), fold([...others, resumed, failed])]) {
      expect(state.stages.Build).toMatchObject({
        state: 'RESUMED',
        attempt: 2,
        lastRetryTime: '2024-05-01T10:00:05Z',
        firstTime: '2024-05-01T10:00:01Z',
      });
      expect(state.pipelineStatus?.state).toBe('RESUMED');
    }
  });

  it('drops a retried action’s previous error once it runs again', () => {
    const state = fold(eventsUntil('ev-013'));

    expect(state.actions['Build/Build']).toMatchObject({ state: 'STARTED', attempt: 2 });
    expect(state.actions['Build/Build']?.result).toBeUndefined();
  });

  it('returns the same object when an event changes nothing (duplicate or older)', () => {
    const events = eventsUntil('ev-010');
    const state = fold(events);

    expect(mergeEvent(state, events[9] as ReturnType<typeof pipelineEvent>)).toBe(state);
    expect(mergeEvent(state, events[6] as ReturnType<typeof pipelineEvent>)).toBe(state);
  });

  it('keeps the storage version: the store, not the merge, counts writes', () => {
    const [first, second] = eventsUntil('ev-002');
    const stored = { ...mergeEvent(undefined, first as ReturnType<typeof pipelineEvent>), version: 7 };

    expect(mergeEvent(stored, second as ReturnType<typeof pipelineEvent>).version).toBe(7);
  });

  it('refuses an event of another execution', () => {
    const state = fold(eventsUntil('ev-002'));
    const other = parsePipelineEvent(loadFixture('codepipeline/pipeline-failed-2023rev.json'));

    expect(() => mergeEvent(state, other)).toThrow(ExecutionMismatchError);
    expect(() => mergeEvent(state, other)).toThrow(/myPipeline\/12345678-1234-5678-abcd-12345678abcd/);
  });

  it('keeps stage and action names such as __proto__ and constructor as plain data', () => {
    const events = ['__proto__', 'constructor', 'hasOwnProperty'].flatMap((stage, index) => [
      pipelineEvent({ level: 'stage', state: 'FAILED', at: index, id: `s-${index}`, stage }),
      pipelineEvent({ level: 'action', state: 'FAILED', at: index, id: `a-${index}`, stage, action: '__proto__' }),
    ]);

    const state = fold(events);
    const roundTripped = JSON.parse(JSON.stringify(state)) as ExecutionState;

    expect(Object.keys(state.stages)).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);
    expect(Object.getPrototypeOf(state.stages)).toBe(Object.prototype);
    expect(Object.hasOwn(state.actions, '__proto__/__proto__')).toBe(true);
    expect(mergeExecutionStates(roundTripped, state)).toEqual(state);
  });

  it('bounds the seen event ids to the newest MAX_SEEN_EVENTS, whatever the order', () => {
    const events = Array.from({ length: MAX_SEEN_EVENTS + 50 }, (_, i) =>
      pipelineEvent({ level: 'stage', state: 'STARTED', at: i, id: `e-${String(i).padStart(3, '0')}`, stage: `S${i}` }),
    );

    const forward = fold(events);
    const backward = fold([...events].reverse());

    expect(forward.seenEvents).toHaveLength(MAX_SEEN_EVENTS);
    expect(forward.seenEvents[0]?.eventId).toBe('e-149');
    expect(forward.seenEvents.at(-1)?.eventId).toBe('e-050');
    expect(backward).toEqual(forward);
  });

  it('keeps CodeStar Notifications failure details of pipeline and stage events', () => {
    const events = [
      'codepipeline/pipeline-failed-codebuild-captured.json',
      'codepipeline/stage-failed-build-captured.json',
    ].map((path) => parsePipelineEvent(loadFixture(path)));

    const state = fold(events);

    expect(state.reportedFailure).toMatchObject({
      stage: 'Build',
      actions: [{ action: 'Build', summary: 'Build terminated with state: FAILED' }],
      actionCount: 1,
    });
  });
});

describe('withFetchedFailure', () => {
  it('keeps the details fetched for the newest event, in any order', () => {
    const state = fold(eventsUntil('ev-010'));
    const older = { stage: 'Build', actions: [{ action: 'Build', summary: 'old' }] };
    const newer = { stage: 'Build', actions: [{ action: 'Build', summary: 'new' }] };
    const olderAbout = { time: '2024-05-01T10:00:05Z', eventId: 'ev-009' };
    const newerAbout = { time: '2024-05-01T10:00:05Z', eventId: 'ev-010' };

    const a = withFetchedFailure(withFetchedFailure(state, older, olderAbout), newer, newerAbout);
    const b = withFetchedFailure(withFetchedFailure(state, newer, newerAbout), older, olderAbout);

    expect(a).toEqual(b);
    expect(a.fetchedFailure?.actions[0]?.summary).toBe('new');
  });
});

describe('the retried execution', () => {
  it('ends succeeded, every stage succeeded', () => {
    const state = fold(retriedExecutionSpecs().map(pipelineEvent));

    expect(state.pipelineStatus).toMatchObject({ state: 'SUCCEEDED', attempt: 2 });
    expect(Object.values(state.stages).map((stage) => stage.state)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
  });
});
