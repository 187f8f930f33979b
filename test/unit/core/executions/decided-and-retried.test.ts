import fc from 'fast-check';
import {
  type ExecutionState,
  executionStateOfActions,
  executionToAlertMessage,
  mergeEvent,
  mergeExecutionStates,
  type RetryNote,
  withRetryNote,
} from '../../../../src/core/executions';
import { threadReplies } from '../../../../src/core/notify';
import { type EventSpec, EXECUTION_ID, PIPELINE, pipelineEvent, retriedExecutionSpecs } from './execution-events';

function stateOf(specs: readonly EventSpec[]): ExecutionState {
  const state = specs.map(pipelineEvent).reduce<ExecutionState | undefined>(mergeEvent, undefined);
  if (state === undefined) throw new Error('no events');
  return state;
}

/** The retried execution up to its approval, then the approval decided with `summary`. */
function decided(state: 'SUCCEEDED' | 'FAILED', summary: string): ExecutionState {
  const specs = retriedExecutionSpecs();
  const waiting = specs.slice(0, specs.findIndex((s) => s.id === 'ev-017') + 1);
  const approval = { stage: 'Approval', action: 'ManualApproval', category: 'Approval', attempt: 2 };
  return stateOf([
    ...waiting,
    {
      level: 'action',
      state,
      at: 20,
      id: 'ev-d1',
      ...approval,
      summary,
      ...(state === 'FAILED' ? { errorCode: 'JobFailed' } : {}),
    },
    { level: 'stage', state, at: 20, id: 'ev-d2', stage: 'Approval', attempt: 2 },
    ...(state === 'FAILED' ? [{ level: 'pipeline', state, at: 20, id: 'ev-d3', attempt: 2 } as EventSpec] : []),
  ]);
}

const fact = (state: ExecutionState, label: string) =>
  executionToAlertMessage(state).facts.find((entry) => entry.label === label)?.value;

describe('what the message says once things are decided', () => {
  test('a rejected approval reads as a rejection: who and why, no error code', () => {
    const state = decided('FAILED', 'Rejected by alice in Slack: not on a Friday');
    const message = executionToAlertMessage(state);
    expect(message.status.label).toBe('Rejected');
    expect(message.summary).toBe('Rejected by alice in Slack: not on a Friday');
    expect(message.facts.map((entry) => entry.label)).not.toContain('Error');
    expect(fact(state, 'Rejected in stage')).toBe('Approval');
  });

  test('an approval that expired says so', () => {
    const state = decided('FAILED', 'The approval request expired before it received a response');
    expect(executionToAlertMessage(state).status.label).toBe('Approval expired');
  });

  test('who approved shows in the main message', () => {
    const state = decided('SUCCEEDED', 'Approved by alice in Slack: ship it');
    expect(fact(state, 'Approved')).toBe('Approved by alice in Slack: ship it');
  });

  test('the approval reply loses its buttons once decided, and says the decision', () => {
    const specs = retriedExecutionSpecs();
    const waiting = stateOf(specs.slice(0, specs.findIndex((s) => s.id === 'ev-017') + 1));
    const [asking] = threadReplies(waiting).filter((reply) => reply.key.startsWith('approval:'));
    expect(asking?.message.actions.map((entry) => entry.kind)).toEqual(['approve', 'reject', 'open-console']);

    const rejected = decided('FAILED', 'Rejected by alice in Slack: not on a Friday');
    const closed = threadReplies(rejected, {}, [asking?.key ?? '']).find((reply) => reply.key === asking?.key);
    expect(closed?.message.status.label).toBe('Rejected');
    expect(closed?.message.summary).toBe('Rejected by alice in Slack: not on a Friday');
    expect(closed?.message.actions.map((entry) => entry.kind)).toEqual(['open-console']);
    expect(closed?.fingerprint).not.toBe(asking?.fingerprint);
  });

  test('the failure reply loses its Retry buttons once retried, and says who retried', () => {
    const specs = retriedExecutionSpecs();
    const failed = stateOf(specs.slice(0, specs.findIndex((s) => s.id === 'ev-010') + 1));
    const [failure] = threadReplies(failed);
    expect(failure?.key).toBe('failed:Build@1');
    const retried = withRetryNote(stateOf(specs), note('bob'));
    const closed = threadReplies(retried, {}, ['failed:Build@1']);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.message.status.label).toBe('Retried by bob in Slack');
    expect(closed[0]?.message.actions.map((entry) => entry.kind)).toEqual(['open-console']);
    expect(fact(retried, 'Retried')).toBe('Build by bob in Slack');
  });

  test('a retry made outside chat is still named as a retry', () => {
    expect(fact(stateOf(retriedExecutionSpecs()), 'Retried')).toBe('Build (outside chat)');
  });

  test('a run waiting at a stage another execution holds says which', () => {
    const specs = retriedExecutionSpecs();
    const built = stateOf(specs.slice(0, specs.findIndex((s) => s.id === 'ev-015') + 1));
    const message = executionToAlertMessage(built, {
      stageOrder: ['Source', 'Build', 'Approval', 'Prod'],
      heldBy: { stage: 'Approval', executionId: '79064ea3-0000-4000-8000-000000000000' },
    });
    expect(message.summary).toBe('Waiting for stage Approval, held by execution 79064ea3');
  });
});

function note(by: string, overrides: Partial<RetryNote> = {}): RetryNote {
  return {
    stage: 'Build',
    mode: 'FAILED_ACTIONS',
    by,
    platform: 'Slack',
    time: '2024-05-01T10:00:07.000Z',
    ...overrides,
  };
}

describe('retry notes join like the rest of the state', () => {
  const notes = fc.array(
    fc.record({
      stage: fc.constantFrom('Build', 'Prod'),
      mode: fc.constantFrom('FAILED_ACTIONS' as const, 'ALL_ACTIONS' as const),
      by: fc.constantFrom('alice', 'bob'),
      platform: fc.constantFrom('Slack', 'Teams'),
      time: fc.integer({ min: 0, max: 60 }).map((s) => new Date(Date.UTC(2024, 4, 1, 10, 0, s)).toISOString()),
    }),
    { maxLength: 8 },
  );

  test('the order and repetition of notes do not matter', () => {
    const base = stateOf(retriedExecutionSpecs().slice(0, 3));
    fc.assert(
      fc.property(notes, fc.integer(), (list, seed) => {
        const shuffled = [...list, ...list.slice(0, 2)].sort((a, b) => (a.time + seed < b.time + a.by ? -1 : 1));
        const one = list.reduce(withRetryNote, base);
        const two = shuffled.reduce(withRetryNote, base);
        expect(two.retries).toEqual(one.retries);
        // And through the state join.
        expect(mergeExecutionStates(one, two).retries).toEqual(one.retries);
      }),
    );
  });
});

describe('a conversation opened late: what CodePipeline says of the execution', () => {
  test('stages that ran before the first matching event show as they ended; events of the same second win', () => {
    const identity = { pipeline: PIPELINE, executionId: EXECUTION_ID, region: 'us-west-2', account: '123456789012' };
    const api = executionStateOfActions(identity, {
      actions: [
        {
          stageName: 'Source',
          actionName: 'Source',
          status: 'Succeeded',
          category: 'Source',
          startTime: '2024-05-01T10:00:00.200Z',
          lastUpdateTime: '2024-05-01T10:00:01.700Z',
        },
        {
          stageName: 'Build',
          actionName: 'Build',
          status: 'Failed',
          startTime: '2024-05-01T10:00:01.900Z',
          lastUpdateTime: '2024-05-01T10:00:05.400Z',
          errorDetails: { code: 'JobFailed', message: 'x' },
          summary: 'Build terminated with state: FAILED',
        },
      ],
      status: 'Failed',
      stages: [
        {
          stageName: 'Source',
          latestExecution: { pipelineExecutionId: EXECUTION_ID, status: 'Succeeded' },
          actions: [],
        },
        {
          stageName: 'Build',
          latestExecution: { pipelineExecutionId: 'another-execution', status: 'InProgress' },
          actions: [],
        },
      ],
    });
    expect(api.actions['Source/Source']).toMatchObject({ state: 'SUCCEEDED', time: '2024-05-01T10:00:01Z' });
    expect(api.stages.Source).toMatchObject({ state: 'SUCCEEDED' });
    // Build's latest execution is another one: nothing is said of this one's Build stage.
    expect(api.stages.Build).toBeUndefined();
    expect(api.pipelineStatus?.state).toBe('FAILED');
    // The retry's first event, in the second the API's run failed (5.4 s, cut to 5 s): the event wins (it has an attempt).
    const restarted = stateOf([
      { level: 'action', state: 'STARTED', at: 5, id: 'ev-x', stage: 'Build', action: 'Build', attempt: 2 },
    ]);
    expect(mergeExecutionStates(api, restarted).actions['Build/Build']?.state).toBe('STARTED');
    expect(mergeExecutionStates(restarted, api).actions['Build/Build']?.state).toBe('STARTED');
  });
});
