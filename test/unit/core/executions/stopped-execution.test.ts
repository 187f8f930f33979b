import { parsePipelineEvent } from '../../../../src/core/events';
import { type ExecutionState, executionToAlertMessage, mergeEvent } from '../../../../src/core/executions';
import { threadReplies } from '../../../../src/core/notify';
import { type EventSpec, rawPipelineEvent, STAGE_ORDER } from './execution-events';

/** An event as CodePipeline sends it, with `stop-execution-comments` when given. */
function event(spec: EventSpec, stopComments?: string) {
  const raw = rawPipelineEvent(spec) as { detail: Record<string, unknown> };
  if (stopComments !== undefined) raw.detail['stop-execution-comments'] = stopComments;
  return parsePipelineEvent(raw);
}

const REASON = 'Stopped by alice in Slack: a bad commit';

const started = [
  event({ level: 'pipeline', state: 'STARTED', at: 0, id: 's-1' }),
  event({ level: 'stage', state: 'STARTED', at: 1, id: 's-2', stage: 'Source' }),
  event({ level: 'stage', state: 'SUCCEEDED', at: 5, id: 's-3', stage: 'Source' }),
  event({ level: 'stage', state: 'STARTED', at: 6, id: 's-4', stage: 'Build' }),
  event({ level: 'action', state: 'STARTED', at: 6, id: 's-5', stage: 'Build', action: 'Build' }),
];
const stopping = [
  event({ level: 'pipeline', state: 'STOPPING', at: 10, id: 's-6' }, REASON),
  event({ level: 'stage', state: 'STOPPING', at: 10, id: 's-7', stage: 'Build' }),
];
const stopped = [
  event({ level: 'action', state: 'ABANDONED', at: 11, id: 's-8', stage: 'Build', action: 'Build' }),
  event({ level: 'stage', state: 'STOPPED', at: 11, id: 's-9', stage: 'Build' }),
  // The STOPPED event need not repeat the comments: the message keeps them.
  event({ level: 'pipeline', state: 'STOPPED', at: 11, id: 's-10' }),
];

function stateOf(events: readonly ReturnType<typeof event>[]): ExecutionState {
  return events.reduce<ExecutionState | undefined>(mergeEvent, undefined) as ExecutionState;
}

const kinds = (state: ExecutionState) =>
  executionToAlertMessage(state, { stageOrder: STAGE_ORDER }).actions.map((action) => action.kind);

describe('a stopped execution, as the message shows it', () => {
  test('a running execution has a Stop button on its message', () => {
    expect(kinds(stateOf(started))).toEqual(['stop', 'open-console']);
    const stop = executionToAlertMessage(stateOf(started)).actions.find((action) => action.kind === 'stop');
    expect(stop).toMatchObject({ pipeline: 'myPipeline', region: 'us-west-2', account: '123456789012' });
  });

  test('Stopping: the status and who stopped it, why; no Stop button left', () => {
    const message = executionToAlertMessage(stateOf([...started, ...stopping]), { stageOrder: STAGE_ORDER });
    expect(message.status).toMatchObject({ state: 'STOPPING', label: 'Stopping' });
    expect(message.summary).toBe(REASON);
    expect(kinds(stateOf([...started, ...stopping]))).toEqual(['open-console']);
  });

  test('Stopped keeps the reason of the STOPPING event, whatever the order the events arrive in', () => {
    const events = [...started, ...stopping, ...stopped];
    for (const order of [events, [...events].reverse(), [...events.slice(5), ...events.slice(0, 5)]]) {
      const message = executionToAlertMessage(stateOf(order), { stageOrder: STAGE_ORDER });
      expect(message.status).toMatchObject({ state: 'STOPPED', label: 'Stopped' });
      expect(message.summary).toBe(REASON);
      expect(message.actions.map((action) => action.kind)).not.toContain('stop');
    }
  });

  test('a retry after the stop (RESUMED, attempt 2) drops the old reason and brings Stop back', () => {
    const resumed = [
      event({ level: 'pipeline', state: 'RESUMED', at: 20, id: 's-11', attempt: 2 }),
      event({ level: 'stage', state: 'RESUMED', at: 20, id: 's-12', stage: 'Build', attempt: 2 }),
    ];
    const state = stateOf([...started, ...stopping, ...stopped, ...resumed]);
    expect(executionToAlertMessage(state).summary).toBeUndefined();
    expect(kinds(state)).toContain('stop');
  });

  test('an empty comment is no reason', () => {
    const state = stateOf([...started, event({ level: 'pipeline', state: 'STOPPING', at: 10, id: 'e-1' }, '  ')]);
    expect(state.stopNote).toBeUndefined();
  });

  test('a waiting approval asks in the thread without Stop: Stop stays on the message', () => {
    const waiting = stateOf([
      ...started.slice(0, 3),
      event({ level: 'stage', state: 'STARTED', at: 6, id: 'a-1', stage: 'Approval' }),
      event({
        level: 'action',
        state: 'STARTED',
        at: 6,
        id: 'a-2',
        stage: 'Approval',
        action: 'ManualApproval',
        category: 'Approval',
      }),
    ]);
    expect(kinds(waiting)).toEqual(['approve', 'reject', 'stop', 'open-console']);
    const [asking] = threadReplies(waiting).filter((reply) => reply.key.startsWith('approval:'));
    expect(asking?.message.actions.map((action) => action.kind)).toEqual(['approve', 'reject', 'open-console']);
  });
});
