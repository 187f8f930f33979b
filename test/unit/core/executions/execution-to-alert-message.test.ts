import { parsePipelineEvent } from '../../../../src/core/events';
import {
  type ExecutionState,
  executionToAlertMessage,
  mergeEvent,
  summariseExecution,
  withFetchedFailure,
} from '../../../../src/core/executions';
import type { AlertAction, AlertMessage } from '../../../../src/core/messages';
import { loadFixture } from '../../../helpers/fixtures';
import { eventsUntil, pipelineEvent, STAGE_ORDER } from './execution-events';

function stateUntil(lastId: string): ExecutionState {
  return eventsUntil(lastId).reduce<ExecutionState | undefined>(mergeEvent, undefined) as ExecutionState;
}

function factsOf(message: AlertMessage): Record<string, string> {
  return Object.fromEntries(message.facts.map((fact) => [fact.label, fact.value]));
}

function kinds(actions: readonly AlertAction[]): string[] {
  return actions.map((action) => (action.kind === 'retry' ? `retry:${action.mode}:${action.stage}` : action.kind));
}

describe('executionToAlertMessage', () => {
  it('shows a failed execution: title, status, progress, failure, link and retry buttons', () => {
    // Act
    const message = executionToAlertMessage(stateUntil('ev-010'), { stageOrder: STAGE_ORDER });

    // Assess
    expect(message.title).toBe('myPipeline · execution 1a2b3c4d');
    expect(message.status).toEqual({ state: 'FAILED', label: 'Failed', severity: 'error', known: true });
    expect(message.summary).toBe('Build terminated with state: FAILED');
    expect(message).toMatchObject({ level: 'pipeline', stage: 'Build', action: 'Build', eventId: 'ev-010' });
    expect(factsOf(message)).toEqual({
      Progress: 'Source ✓ · Build ✗ · Approval – · Prod –',
      'Failed stage': 'Build',
      'Failed action': 'Build',
      Error: 'JobFailed',
      Commit: 'aaaaaaa Fix the build',
      Author: 'Mary',
      Branch: 'main',
    });
    expect(message.links.map((link) => link.label)).toEqual(['Execution in the AWS console', 'Build log']);
    expect(message.links[0]?.url).toBe(
      'https://us-west-2.console.aws.amazon.com/codesuite/codepipeline/pipelines/myPipeline/executions/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/timeline?region=us-west-2',
    );
    expect(kinds(message.actions)).toEqual([
      'retry:FAILED_ACTIONS:Build',
      'retry:ALL_ACTIONS:Build',
      'snooze',
      'open-console',
    ]);
  });

  it('shows a waiting approval with approve and reject buttons, after a retry, and Stop while it runs', () => {
    const message = executionToAlertMessage(stateUntil('ev-017'), { stageOrder: STAGE_ORDER });

    expect(message.status).toMatchObject({ state: 'RESUMED', label: 'Waiting for approval', severity: 'warning' });
    expect(message.summary).toBe('Waiting for approval: ManualApproval in stage Approval');
    expect(factsOf(message)).toMatchObject({
      Progress: 'Source ✓ · Build ✓ · Approval … · Prod –',
      'Current stage': 'Approval',
      'Waiting for approval': 'Approval / ManualApproval',
      Attempt: '2',
    });
    expect(kinds(message.actions)).toEqual(['approve', 'reject', 'stop', 'open-console']);
    expect(message.actions[0]).toMatchObject({ stage: 'Approval', action: 'ManualApproval', region: 'us-west-2' });
  });

  it('shows a succeeded execution without buttons but the console', () => {
    const message = executionToAlertMessage(stateUntil('ev-024'));

    expect(message.status.label).toBe('Succeeded');
    expect(factsOf(message).Progress).toBe('Source ✓ · Build ✓ · Approval ✓ · Prod ✓');
    expect(message.summary).toBeUndefined();
    expect(kinds(message.actions)).toEqual(['open-console']);
  });

  it('derives the status from stages while no pipeline event has arrived', () => {
    const withoutPipeline = eventsUntil('ev-009').filter((event) => event.level !== 'pipeline');
    const state = withoutPipeline.reduce<ExecutionState | undefined>(mergeEvent, undefined) as ExecutionState;

    const overview = summariseExecution(state);

    expect(overview.headline).toMatchObject({ state: 'FAILED', derived: true, severity: 'error' });
    expect(overview.failure).toMatchObject({ stage: 'Build', action: 'Build', errorCode: 'JobFailed' });
  });

  it('says "in progress" from stages, and only claims success when the stage list is known', () => {
    const running = eventsUntil('ev-006').filter((event) => event.level !== 'pipeline');
    const state = running.reduce<ExecutionState | undefined>(mergeEvent, undefined) as ExecutionState;
    const done = ['Source', 'Build'].reduce<ExecutionState | undefined>(
      (current, stage, i) =>
        mergeEvent(current, pipelineEvent({ level: 'stage', state: 'SUCCEEDED', at: i, id: `s${i}`, stage })),
      undefined,
    ) as ExecutionState;

    expect(summariseExecution(state).headline).toMatchObject({ label: 'In progress', derived: true });
    expect(summariseExecution(state).currentStage).toBe('Build');
    expect(summariseExecution(done).headline.label).toBe('No failures so far');
    expect(summariseExecution(done, { stageOrder: ['Source', 'Build'] }).headline.label).toBe('Succeeded');
  });

  it('reads a stage’s state from its actions when only action events are subscribed', () => {
    const actionsOnly = eventsUntil('ev-008').filter((event) => event.level === 'action');
    const state = actionsOnly.reduce<ExecutionState | undefined>(mergeEvent, undefined) as ExecutionState;

    const overview = summariseExecution(state);

    expect(overview.stages).toEqual([
      { name: 'Source', state: 'SUCCEEDED', known: true, derived: true, mark: '✓' },
      { name: 'Build', state: 'FAILED', known: true, derived: true, mark: '✗' },
    ]);
    expect(overview.headline.state).toBe('FAILED');
  });

  it('shows the failure CodeStar Notifications reported, from captured events', () => {
    const state = [
      'codepipeline/action-failed-codebuild-captured.json',
      'codepipeline/stage-failed-build-captured.json',
      'codepipeline/pipeline-failed-codebuild-captured.json',
    ]
      .map((path) => parsePipelineEvent(loadFixture(path)))
      .reduce<ExecutionState | undefined>(mergeEvent, undefined) as ExecutionState;

    const message = executionToAlertMessage(state);

    expect(message.title).toBe('meerkat · execution 94fb261b');
    expect(message.summary).toBe('Build terminated with state: FAILED');
    expect(factsOf(message)).toMatchObject({ Progress: 'Build ✗', 'Failed stage': 'Build', Error: 'JobFailed' });
    expect(kinds(message.actions)).toContain('retry:FAILED_ACTIONS:Build');
  });

  it('uses fetched failure details for a pipeline-level failure with nothing else known', () => {
    const failed = pipelineEvent({ level: 'pipeline', state: 'FAILED', at: 5, id: 'p-failed', attempt: 1 });
    const state = withFetchedFailure(
      mergeEvent(undefined, failed),
      { stage: 'Deploy', actions: [{ action: 'Deploy', summary: 'Deployment failed', url: 'javascript:alert(1)' }] },
      { time: failed.time, eventId: failed.eventId, attempt: 1 },
    );

    const message = executionToAlertMessage(state);

    expect(message.summary).toBe('Deployment failed');
    expect(factsOf(message)).toMatchObject({ 'Failed stage': 'Deploy', 'Failed action': 'Deploy' });
    expect(message.links).toHaveLength(1);
    expect(kinds(message.actions)).toEqual([
      'retry:FAILED_ACTIONS:Deploy',
      'retry:ALL_ACTIONS:Deploy',
      'snooze',
      'open-console',
    ]);
  });

  it('ignores failure details of an earlier attempt', () => {
    const first = pipelineEvent({ level: 'pipeline', state: 'FAILED', at: 5, id: 'p1', attempt: 1 });
    const second = pipelineEvent({ level: 'pipeline', state: 'FAILED', at: 30, id: 'p2', attempt: 2 });
    const state = mergeEvent(
      withFetchedFailure(
        mergeEvent(undefined, first),
        { stage: 'Build', actions: [{ action: 'Build', summary: 'old' }] },
        { time: first.time, eventId: first.eventId, attempt: 1 },
      ),
      second,
    );

    expect(summariseExecution(state).failure).toBeUndefined();
    expect(kinds(executionToAlertMessage(state).actions)).toEqual(['open-console']);
  });

  it('keeps stages not in the pipeline’s list after those that are, as first seen', () => {
    const state = stateUntil('ev-010');

    const overview = summariseExecution(state, { stageOrder: ['Build', 'Prod'] });

    expect(overview.stages.map((stage) => `${stage.name} ${stage.mark}`)).toEqual(['Build ✗', 'Prod –', 'Source ✓']);
  });
});

describe('an execution in another account or region says where it runs', () => {
  const state = stateUntil('ev-010');

  it('at home (pipewatch’s account and region), or with home unknown: no such fact', () => {
    expect(
      factsOf(executionToAlertMessage(state, { home: { account: state.account, region: state.region } })),
    ).not.toHaveProperty('Account and region');
    expect(factsOf(executionToAlertMessage(state))).not.toHaveProperty('Account and region');
  });

  it('another account, or another region of the same account: "account · region", last', () => {
    const otherAccount = executionToAlertMessage(state, { home: { account: '999999999999', region: state.region } });
    expect(otherAccount.facts.at(-1)).toEqual({
      label: 'Account and region',
      value: `${state.account} · ${state.region}`,
    });
    const otherRegion = executionToAlertMessage(state, { home: { account: state.account, region: 'ap-south-1' } });
    expect(factsOf(otherRegion)['Account and region']).toBe(`${state.account} · ${state.region}`);
  });
});

describe('console links on the partition’s host', () => {
  it('a GovCloud execution links to console.amazonaws-us-gov.com', () => {
    const state = { ...stateUntil('ev-010'), region: 'us-gov-west-1' };
    const console = executionToAlertMessage(state).links.find((link) => link.kind === 'console');
    expect(new URL(console?.url ?? '').host).toBe('console.amazonaws-us-gov.com');
  });
});
