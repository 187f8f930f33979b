import { type PipelineEvent, parsePipelineEvent } from '../../../../src/core/events';
import { listFixtures, loadFixture, loadFixtureText } from '../../../helpers/fixtures';

/*
 * Every fixture parses, with assertions on the fields that matter. The
 * top-level files are copies of /work/shared/fixtures/codepipeline ("captured":
 * CodeStar Notifications envelope; "2023rev": EventBridge envelope from the user
 * guide); handmade/ holds EventBridge events in the current (2023+) shape.
 */

const meerkatArn = 'arn:aws:codepipeline:ap-southeast-2:000000000000:meerkat';

const expectations: Record<string, Partial<Record<keyof PipelineEvent | string, unknown>>> = {
  'codepipeline/action-abandoned-codedeploy-2023rev.json': {
    envelope: 'eventbridge',
    eventId: '01234567-EXAMPLE',
    eventIdSynthesized: false,
    level: 'action',
    state: 'ABANDONED',
    stateKnown: true,
    stage: 'Deploy',
    action: 'Deploy',
    actionType: { owner: 'AWS', provider: 'CodeDeploy', category: 'Deploy', version: '1' },
    pipelineVersion: 3,
    actionRegion: 'us-west-2',
    inputArtifacts: [],
    outputArtifacts: [],
  },
  'codepipeline/action-failed-codebuild-captured.json': {
    envelope: 'codestar-notifications',
    eventIdSynthesized: true,
    level: 'action',
    pipeline: 'meerkat',
    executionId: '94fb261b-65d0-41ba-bea3-b08420e9b5e7',
    state: 'FAILED',
    pipelineVersion: 16,
    executionResult: {
      externalExecutionId: 'meerkat-testing:56be3e40-853a-4797-9455-f88ce291fdad',
      externalExecutionUrl:
        'https://console.aws.amazon.com/codebuild/home?region=ap-southeast-2#/builds/meerkat-testing:56be3e40-853a-4797-9455-f88ce291fdad/view/new',
      summary: { raw: 'Build terminated with state: FAILED', text: 'Build terminated with state: FAILED' },
      errorCode: 'JobFailed',
    },
    additionalAttributes: { additionalInformation: 'Build terminated with state: FAILED' },
    notificationRuleArn:
      'arn:aws:codestar-notifications:ap-southeast-2:000000000000:notificationrule/dc399f2b2838ba3d9c9b5d0646396f70333f0355',
  },
  'codepipeline/action-failed-codedeploy-2023rev.json': {
    level: 'action',
    state: 'FAILED',
    executionResult: {
      externalExecutionId: '<ID>',
      errorCode: 'JobFailed',
      summary: { text: 'Deployment <ID> failed' },
    },
    pipelineVersion: 4,
  },
  'codepipeline/action-failed-codedeploy-external-account-captured.json': {
    level: 'action',
    stage: 'DeployToExternalAccount',
    action: 'Deploy-GROUP_RED',
    // The file name says "external account", but every account in it is the pipeline's own.
    pipelineAccount: '000000000000',
    account: '000000000000',
    executionResult: { externalExecutionId: 'd-C3XYEM1QF', errorCode: 'JobFailed' },
  },
  'codepipeline/action-started-codebuild-captured.json': {
    level: 'action',
    state: 'STARTED',
    inputArtifacts: [
      { name: 'SourceArtifact', s3Location: { bucket: 'project-bucket', key: 'meerkat/SourceArti/QS4E7gR' } },
    ],
    outputArtifacts: [],
    additionalAttributes: {},
  },
  'codepipeline/action-succeeded-codebuild-captured.json': {
    level: 'action',
    state: 'SUCCEEDED',
    outputArtifacts: [
      { name: 'BuildArtifact', s3Location: { bucket: 'project-bucket', key: 'meerkat/BuildArtif/SeHtQm2' } },
    ],
  },
  'codepipeline/action-succeeded-codecommit-source-2023rev.json': {
    level: 'action',
    actionType: { provider: 'CodeCommit', category: 'Source' },
    executionResult: {
      externalExecutionId: '8cf40fEXAMPLE',
      summary: { raw: 'Added LICENSE.txt', text: 'Added LICENSE.txt' },
    },
  },
  'codepipeline/action-succeeded-codedeploy-captured.json': {
    level: 'action',
    action: 'Deploy-GREEN',
    executionResult: { summary: { text: 'Deployment Succeeded' } },
  },
  'codepipeline/action-succeeded-source-bitbucket-captured.json': {
    level: 'action',
    actionType: { provider: 'CodeStarSourceConnection', category: 'Source' },
    executionResult: {
      externalExecutionId: 'f7ec85262da48e2b15d03037b138963c5a89d39f',
      summary: {
        providerType: 'BitBucket',
        commitMessage:
          'The example pipeline now also creates the notification rules expected by\nthe pipeline monitor.',
        text: 'The example pipeline now also creates the notification rules expected by\nthe pipeline monitor.',
      },
    },
    pipelineAccount: '111111111111',
  },
  'codepipeline/action-succeeded-source-github-captured.json': {
    level: 'action',
    executionResult: { summary: { providerType: 'GitHub', fields: { ProviderType: 'GitHub' } } },
  },
  'codepipeline/pipeline-failed-2023rev.json': {
    envelope: 'eventbridge',
    level: 'pipeline',
    state: 'FAILED',
    pipelineVersion: 4,
    pipelineArn: 'arn:aws:codepipeline:us-west-2:123456789012:myPipeline',
    pipelineRegion: 'us-west-2',
    pipelineAccount: '123456789012',
  },
  'codepipeline/pipeline-failed-codebuild-captured.json': {
    level: 'pipeline',
    state: 'FAILED',
    pipelineArn: meerkatArn,
    additionalAttributes: {
      failedActionCount: 1,
      failedActions: [{ action: 'Build', additionalInformation: 'Build terminated with state: FAILED' }],
      failedStage: 'Build',
    },
  },
  'codepipeline/pipeline-started-2023rev.json': {
    level: 'pipeline',
    state: 'STARTED',
    region: 'us-east-1',
    pipelineRegion: 'us-east-1',
    pipelineVersion: 1,
    trigger: { type: 'StartPipelineExecution', detail: 'arn:aws:sts::123456789012:assumed-role/Admin/my-user' },
  },
  'codepipeline/pipeline-started-webhook-captured.json': {
    level: 'pipeline',
    trigger: {
      type: 'Webhook',
      detail:
        'arn:aws:codestar-connections:ap-southeast-2:000000000000:connection/0defde9e-8b96-474b-b276-459c07f5fafd',
    },
  },
  'codepipeline/pipeline-stopping-2023rev.json': {
    level: 'pipeline',
    state: 'STOPPING',
    stateKnown: true,
    stopExecutionComments: 'Stopping the pipeline for an update',
  },
  'codepipeline/pipeline-succeeded-captured.json': {
    level: 'pipeline',
    state: 'SUCCEEDED',
    time: '2022-03-29T23:04:19Z',
  },
  'codepipeline/stage-failed-build-captured.json': {
    level: 'stage',
    stage: 'Build',
    state: 'FAILED',
    additionalAttributes: { failedActionCount: 1, failedActions: [{ action: 'Build' }] },
  },
  'codepipeline/stage-failed-deploy-external-account-captured.json': {
    level: 'stage',
    stage: 'DeployToExternalAccount',
    // Kept as sent: the count (4) disagrees with the list (3 entries).
    additionalAttributes: { failedActionCount: 4 },
  },
  'codepipeline/stage-succeeded-deploy-captured.json': {
    level: 'stage',
    state: 'SUCCEEDED',
    additionalAttributes: { sourceActions: [] },
  },
  'codepipeline/stage-succeeded-source-captured.json': {
    level: 'stage',
    stage: 'Source',
    state: 'SUCCEEDED',
  },
  'codepipeline/handmade/pipeline-started-git-trigger.json': {
    level: 'pipeline',
    pipelineVersion: 1,
    executionAttempt: 1,
    startTime: '2023-10-26T13:50:53.342Z',
    trigger: {
      commit: {
        id: '7f8e2a9c1b3d4e5f60718293a4b5c6d7e8f90123',
        message: 'Update buildspec.yml\n\nBump the Node runtime to 20.',
        authorName: 'Mary Major',
        authorId: 'mmajor',
        authorEmail: 'mary@example.com',
        branch: 'main',
        providerType: 'GitHub',
        repository: 'mmajor/sample-repo',
      },
    },
  },
  'codepipeline/handmade/stage-resumed-after-retry.json': {
    level: 'stage',
    state: 'RESUMED',
    stateKnown: true,
    executionAttempt: 2,
    stageLastRetryAttemptTime: '2023-10-26T14:02:10.817Z',
  },
  'codepipeline/handmade/action-started-approval.json': {
    level: 'action',
    state: 'STARTED',
    actionExecutionId: '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d',
    actionType: { category: 'Approval', provider: 'Manual', version: '1' },
    executionAttempt: 0,
  },
  'codepipeline/handmade/action-failed-cross-region-account.json': {
    level: 'action',
    account: '111111111111',
    region: 'eu-central-1',
    pipelineAccount: '222222222222',
    pipelineRegion: 'eu-west-1',
    actionRegion: 'us-east-1',
  },
};

const allFixtures = [...listFixtures('codepipeline'), ...listFixtures('codepipeline/handmade')];

describe('parsePipelineEvent on fixtures', () => {
  it('has assertions for every fixture file', () => {
    // Assess: a new fixture without expectations fails here instead of passing unchecked.
    expect(Object.keys(expectations).sort()).toEqual([...allFixtures].sort());
    expect(listFixtures('codepipeline')).toHaveLength(20);
  });

  it.each(allFixtures)('parses %s', (path) => {
    // Act
    const event = parsePipelineEvent(loadFixture(path));
    // Assess
    expect(event).toMatchObject(expectations[path] ?? {});
    expect(event.eventId).not.toBe('');
    expect(event.detailType).toMatch(/^CodePipeline (Pipeline|Stage|Action) Execution State Change$/);
  });

  it.each(allFixtures)('reads %s given as JSON text the same as the object', (path) => {
    expect(parsePipelineEvent(loadFixtureText(path))).toEqual(parsePipelineEvent(loadFixture(path)));
  });

  it('synthesizes a stable, UUID-shaped id for CodeStar Notifications events', () => {
    // Prepare
    const path = 'codepipeline/pipeline-failed-codebuild-captured.json';
    // Act
    const first = parsePipelineEvent(loadFixture(path));
    const second = parsePipelineEvent(loadFixture(path));
    const other = parsePipelineEvent(loadFixture('codepipeline/stage-failed-build-captured.json'));
    // Assess
    expect(first.eventId).toBe(second.eventId);
    expect(first.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(other.eventId).not.toBe(first.eventId);
  });
});
