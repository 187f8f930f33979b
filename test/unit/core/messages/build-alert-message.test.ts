import {
  ACTION_STATES,
  type ActionLevelEvent,
  PIPELINE_STATES,
  type PipelineEvent,
  parsePipelineEvent,
  STAGE_STATES,
} from '../../../../src/core/events';
import { type AlertAction, type AlertMessage, buildAlertMessage } from '../../../../src/core/messages';
import { loadFixture } from '../../../helpers/fixtures';

function eventFrom(path: string, detailPatch: Record<string, unknown> = {}): PipelineEvent {
  const input = structuredClone(loadFixture(path)) as { detail: Record<string, unknown> };
  Object.assign(input.detail, detailPatch);
  return parsePipelineEvent(input);
}

function factsOf(message: AlertMessage): Record<string, string> {
  return Object.fromEntries(message.facts.map((fact) => [fact.label, fact.value]));
}

function kinds(actions: readonly AlertAction[]): string[] {
  return actions.map((action) => (action.kind === 'retry' ? `retry:${action.mode}` : action.kind));
}

const PIPELINE = 'codepipeline/pipeline-failed-2023rev.json';
const STAGE = 'codepipeline/stage-failed-build-captured.json';
const ACTION = 'codepipeline/action-failed-codebuild-captured.json';
const APPROVAL = 'codepipeline/handmade/action-started-approval.json';

const expectedSeverity: Record<string, string> = {
  STARTED: 'info',
  SUCCEEDED: 'success',
  RESUMED: 'info',
  FAILED: 'error',
  CANCELED: 'warning',
  SUPERSEDED: 'info',
  STOPPING: 'warning',
  STOPPED: 'warning',
  ABANDONED: 'warning',
};

describe('buildAlertMessage: status and title per level and state', () => {
  it.each(PIPELINE_STATES.map((state) => [state]))('pipeline %s', (state) => {
    // Act
    const message = buildAlertMessage(eventFrom(PIPELINE, { state }));
    // Assess
    expect(message.status).toMatchObject({ state, known: true, severity: expectedSeverity[state] });
    expect(message.title).toMatch(/^Pipeline myPipeline (started|succeeded|resumed|failed|was |is |stopped)/);
    expect(message.level).toBe('pipeline');
    expect(message).not.toHaveProperty('stage');
  });

  it.each(STAGE_STATES.map((state) => [state]))('stage %s', (state) => {
    const message = buildAlertMessage(eventFrom(STAGE, { state }));
    expect(message.status).toMatchObject({ state, known: true, severity: expectedSeverity[state] });
    expect(message.title).toMatch(/^Stage Build .+ in meerkat$/);
    expect(message.stage).toBe('Build');
  });

  it.each(ACTION_STATES.map((state) => [state]))('action %s', (state) => {
    const message = buildAlertMessage(eventFrom(ACTION, { state }));
    expect(message.status).toMatchObject({ state, known: true, severity: expectedSeverity[state] });
    expect(message.title).toMatch(/^Action Build .+ in meerkat \/ Build$/);
    expect(message).toMatchObject({ stage: 'Build', action: 'Build' });
  });

  it('words the main states as a person would', () => {
    expect(buildAlertMessage(eventFrom(STAGE)).title).toBe('Stage Build failed in meerkat');
    expect(buildAlertMessage(eventFrom(PIPELINE, { state: 'CANCELED' })).title).toBe(
      'Pipeline myPipeline was canceled',
    );
    expect(buildAlertMessage(eventFrom(PIPELINE, { state: 'STOPPING' })).status.label).toBe('Stopping');
  });

  it.each([
    [PIPELINE, 'PAUSED'],
    [STAGE, 'SUPERSEDED'],
    [ACTION, 'constructor'],
  ])('flags an unknown state (%s, %s) as a warning that says so', (path, state) => {
    // Act
    const message = buildAlertMessage(eventFrom(path, { state }));
    // Assess
    expect(message.status).toEqual({ state, label: `Unknown state: ${state}`, severity: 'warning', known: false });
    expect(message.title).toContain(`unknown state ${state}`);
    expect(kinds(message.actions)).toEqual(['open-console']);
  });

  it('carries the event id and time', () => {
    const event = eventFrom(PIPELINE);
    expect(buildAlertMessage(event)).toMatchObject({ eventId: '01234567-EXAMPLE', time: '2020-01-31T18:55:43Z' });
  });
});

describe('buildAlertMessage: approval', () => {
  it('offers approve and reject on a waiting approval, with identifiers and no token', () => {
    // Act
    const message = buildAlertMessage(eventFrom(APPROVAL));
    // Assess
    expect(message.title).toBe('Approval needed: ManualApproval in myPipeline / Release');
    expect(message.status).toMatchObject({ label: 'Waiting for approval', severity: 'warning' });
    expect(message.actions.slice(0, 2)).toEqual([
      {
        kind: 'approve',
        label: 'Approve',
        pipeline: 'myPipeline',
        executionId: '98765432-1234-5678-abcd-12345678abcd',
        stage: 'Release',
        action: 'ManualApproval',
        region: 'us-east-1',
        account: '123456789012',
      },
      {
        kind: 'reject',
        label: 'Reject',
        pipeline: 'myPipeline',
        executionId: '98765432-1234-5678-abcd-12345678abcd',
        stage: 'Release',
        action: 'ManualApproval',
        region: 'us-east-1',
        account: '123456789012',
      },
    ]);
    expect(JSON.stringify(message).toLowerCase()).not.toContain('token');
  });

  it.each([
    ['SUCCEEDED', 'Approved', ['open-console']],
    ['FAILED', 'Rejected or expired', ['retry:FAILED_ACTIONS', 'retry:ALL_ACTIONS', 'snooze', 'open-console']],
    ['ABANDONED', 'Abandoned', ['open-console']],
  ])('offers no approval buttons once the approval is %s', (state, label, expected) => {
    const message = buildAlertMessage(eventFrom(APPROVAL, { state }));
    expect(message.status.label).toBe(label);
    expect(kinds(message.actions)).toEqual(expected);
  });

  it('offers no approval buttons on a started action of another category', () => {
    const message = buildAlertMessage(eventFrom('codepipeline/action-started-codebuild-captured.json'));
    expect(kinds(message.actions)).toEqual(['open-console']);
  });
});

describe('buildAlertMessage: retry', () => {
  const target = {
    pipeline: 'meerkat',
    executionId: '94fb261b-65d0-41ba-bea3-b08420e9b5e7',
    stage: 'Build',
    region: 'ap-southeast-2',
    account: '000000000000',
  };

  it.each([STAGE, ACTION, 'codepipeline/pipeline-failed-codebuild-captured.json'])(
    'offers both retry modes on the failed stage (%s)',
    (path) => {
      const message = buildAlertMessage(eventFrom(path));
      expect(message.actions.filter((action) => action.kind === 'retry')).toEqual([
        { kind: 'retry', mode: 'FAILED_ACTIONS', label: 'Retry failed actions', ...target },
        { kind: 'retry', mode: 'ALL_ACTIONS', label: 'Retry all actions in stage', ...target },
      ]);
    },
  );

  it('offers no retry on a pipeline failure whose stage is unknown, until enrichment names it', () => {
    // Prepare
    const event = eventFrom(PIPELINE);
    // Act
    const plain = buildAlertMessage(event);
    const enriched = buildAlertMessage(event, { failure: { stage: 'Deploy' } });
    // Assess
    expect(kinds(plain.actions)).toEqual(['open-console']);
    expect(enriched.actions.filter((action) => action.kind === 'retry').map((action) => action.stage)).toEqual([
      'Deploy',
      'Deploy',
    ]);
  });

  it.each(['SUCCEEDED', 'STOPPED', 'CANCELED'])('offers no retry on a stage that %s', (state) => {
    expect(kinds(buildAlertMessage(eventFrom(STAGE, { state })).actions)).toEqual(['open-console']);
  });

  it('always ends with the console link as a button', () => {
    const message = buildAlertMessage(eventFrom(STAGE));
    expect(message.actions.at(-1)).toMatchObject({
      kind: 'open-console',
      url: 'https://ap-southeast-2.console.aws.amazon.com/codesuite/codepipeline/pipelines/meerkat/executions/94fb261b-65d0-41ba-bea3-b08420e9b5e7/timeline?region=ap-southeast-2',
    });
  });
});

describe('buildAlertMessage: facts', () => {
  it('lists pipeline, short execution id, stage, action and provider in order', () => {
    const message = buildAlertMessage(eventFrom(ACTION));
    expect(message.facts).toEqual([
      { label: 'Pipeline', value: 'meerkat' },
      { label: 'Execution', value: '94fb261b' },
      { label: 'Stage', value: 'Build' },
      { label: 'Action', value: 'Build' },
      { label: 'Provider', value: 'CodeBuild (Build)' },
      { label: 'Error', value: 'JobFailed' },
    ]);
  });

  it('shows the commit of a git trigger: short id, subject line, author, branch', () => {
    const facts = factsOf(buildAlertMessage(eventFrom('codepipeline/handmade/pipeline-started-git-trigger.json')));
    expect(facts).toMatchObject({
      Commit: '7f8e2a9 Update buildspec.yml',
      Author: 'Mary Major',
      Branch: 'main',
      Repository: 'mmajor/sample-repo',
    });
    expect(facts).not.toHaveProperty('Trigger');
  });

  it('shows a tag instead of a branch', () => {
    const facts = factsOf(
      buildAlertMessage(
        eventFrom(PIPELINE, { 'execution-trigger': { 'commit-id': 'abc', 'tag-name': 'v1.2.0', 'author-id': 'jdoe' } }),
      ),
    );
    expect(facts).toMatchObject({ Commit: 'abc', Tag: 'v1.2.0', Author: 'jdoe' });
    expect(facts).not.toHaveProperty('Branch');
  });

  it('shows a trigger-type trigger with the readable end of its ARN', () => {
    const facts = factsOf(buildAlertMessage(eventFrom('codepipeline/pipeline-started-2023rev.json')));
    expect(facts.Trigger).toBe('StartPipelineExecution (assumed-role/Admin/my-user)');
  });

  it('shows the commit a source action produced, from a JSON summary', () => {
    const message = buildAlertMessage(eventFrom('codepipeline/action-succeeded-source-github-captured.json'));
    expect(factsOf(message).Commit).toBe(
      'f7ec852 The example pipeline now also creates the notification rules expected by',
    );
    expect(message.summary).toBeUndefined();
  });

  it('shows region and account only when they differ from the pipeline', () => {
    // Act
    const crossed = factsOf(
      buildAlertMessage(eventFrom('codepipeline/handmade/action-failed-cross-region-account.json')),
    );
    const local = factsOf(buildAlertMessage(eventFrom(ACTION)));
    // Assess
    expect(crossed).toMatchObject({
      'Action region': 'us-east-1',
      'Pipeline region': 'eu-west-1',
      'Pipeline account': '222222222222',
    });
    for (const label of ['Action region', 'Pipeline region', 'Pipeline account'])
      expect(local).not.toHaveProperty(label);
  });

  it('counts failed actions the list leaves out', () => {
    const facts = factsOf(
      buildAlertMessage(eventFrom('codepipeline/stage-failed-deploy-external-account-captured.json')),
    );
    expect(facts['Failed actions']).toBe('Deploy-GROUP_RED, Deploy-GROUP_GREEN, Deploy-GROUP_BLUE (+1 more)');
  });

  it('shows the attempt after a retry and the stop comment', () => {
    expect(factsOf(buildAlertMessage(eventFrom('codepipeline/handmade/stage-resumed-after-retry.json'))).Attempt).toBe(
      '2',
    );
    expect(factsOf(buildAlertMessage(eventFrom('codepipeline/pipeline-stopping-2023rev.json'))).Comment).toBe(
      'Stopping the pipeline for an update',
    );
  });
});

describe('buildAlertMessage: summary, links and enrichment', () => {
  it('summarises each failed action of a stage', () => {
    const message = buildAlertMessage(eventFrom('codepipeline/stage-failed-deploy-external-account-captured.json'));
    expect(message.summary).toBe(
      'Deploy-GROUP_RED: Deployment d-C3XYEM1QF failed\nDeploy-GROUP_GREEN: Deployment d-8YX2HV1QF failed\nDeploy-GROUP_BLUE: Deployment d-2BBLC01QF failed',
    );
  });

  it('links the console page and the build log', () => {
    const message = buildAlertMessage(eventFrom(ACTION));
    expect(message.links).toEqual([
      {
        kind: 'console',
        label: 'Execution in the AWS console',
        url: 'https://ap-southeast-2.console.aws.amazon.com/codesuite/codepipeline/pipelines/meerkat/executions/94fb261b-65d0-41ba-bea3-b08420e9b5e7/timeline?region=ap-southeast-2',
      },
      {
        kind: 'external',
        label: 'Build log',
        url: 'https://console.aws.amazon.com/codebuild/home?region=ap-southeast-2#/builds/meerkat-testing:56be3e40-853a-4797-9455-f88ce291fdad/view/new',
      },
    ]);
  });

  it('drops an external URL that is not a web link', () => {
    const message = buildAlertMessage(
      eventFrom(ACTION, { 'execution-result': { 'external-execution-url': 'javascript:alert(1)' } }),
    );
    expect(message.links.map((link) => link.kind)).toEqual(['console']);
  });

  it('lets a later-fetched failure summary fill in what the event lacks', () => {
    // Prepare
    const event = eventFrom(PIPELINE);
    // Act
    const message = buildAlertMessage(event, {
      failure: {
        stage: 'Deploy',
        action: 'DeployApp',
        summary: 'Deployment d-123 failed: 2 of 4 instances failed',
        errorCode: 'JobFailed',
        externalUrl: 'https://us-west-2.console.aws.amazon.com/codedeploy/home#/deployments/d-123',
      },
    });
    // Assess
    expect(message.summary).toBe('Deployment d-123 failed: 2 of 4 instances failed');
    expect(factsOf(message)).toMatchObject({
      'Failed stage': 'Deploy',
      'Failed action': 'DeployApp',
      Error: 'JobFailed',
    });
    expect(message.links[1]).toEqual({
      kind: 'external',
      label: 'Details',
      url: 'https://us-west-2.console.aws.amazon.com/codedeploy/home#/deployments/d-123',
    });
  });

  it('keeps text raw: escaping belongs to the renderers', () => {
    const event = eventFrom(ACTION, {
      'execution-result': { 'external-execution-summary': '<b>*bold*</b> & `code`' },
    }) as ActionLevelEvent;
    expect(buildAlertMessage(event).summary).toBe('<b>*bold*</b> & `code`');
  });
});
