import { parsePipelineEvent } from '../../../../src/core/events';
import { eventWithDetail, fixtureCopy } from './event-builders';

const PIPELINE_STARTED = 'codepipeline/pipeline-started-2023rev.json';
const ACTION_FAILED = 'codepipeline/action-failed-codedeploy-2023rev.json';
const STAGE_FAILED_CAPTURED = 'codepipeline/stage-failed-build-captured.json';

describe('parsePipelineEvent: numbers', () => {
  it('reads integer and float versions, and an attempt of 0.0, from JSON text', () => {
    // Prepare: JSON text keeps the float spelling the captured events use.
    const text = JSON.stringify(fixtureCopy(PIPELINE_STARTED))
      .replace('"version":1}', '"version":16.0,"pipeline-execution-attempt":0.0}')
      .replace('"version":"0"', '"version":"0"');
    // Act
    const event = parsePipelineEvent(text);
    // Assess
    expect(text).toContain('16.0');
    expect(event.pipelineVersion).toBe(16);
    expect(event.executionAttempt).toBe(0);
  });

  it('keeps a non-integer version rather than rejecting it', () => {
    expect(parsePipelineEvent(eventWithDetail(PIPELINE_STARTED, { version: 1.5 })).pipelineVersion).toBe(1.5);
  });

  it('normalises type.version given as a number to a string', () => {
    // Prepare
    const input = eventWithDetail(ACTION_FAILED, {
      type: { owner: 'AWS', provider: 'CodeDeploy', category: 'Deploy', version: 2 },
    });
    // Act
    const event = parsePipelineEvent(input);
    // Assess
    expect(event.level === 'action' && event.actionType?.version).toBe('2');
  });

  it('rejects a version given as a string, with its path', () => {
    expect(() => parsePipelineEvent(eventWithDetail(PIPELINE_STARTED, { version: '1' }))).toThrow(
      'detail.version: expected a number, got string',
    );
  });
});

describe('parsePipelineEvent: execution-trigger', () => {
  it.each(['StartPipelineExecution', 'Webhook', 'CloudWatchEvent', 'PutActionRevision', 'WebhookV2', 'Something new'])(
    'keeps trigger-type %s verbatim',
    (type) => {
      const event = parsePipelineEvent(
        eventWithDetail(PIPELINE_STARTED, { 'execution-trigger': { 'trigger-type': type, 'trigger-detail': 'x' } }),
      );
      expect(event.trigger).toEqual({ type, detail: 'x' });
    },
  );

  it('reads the git form with a tag and no trigger-type', () => {
    // Prepare
    const input = eventWithDetail(PIPELINE_STARTED, {
      'execution-trigger': {
        'author-display-name': 'Jane Doe',
        'author-id': 'jdoe',
        'commit-id': 'abc123def456',
        'commit-message': 'Release 1.2.0',
        'tag-name': 'v1.2.0',
        'provider-type': 'GitLab',
        'full-repository-name': 'group/app',
        'connection-arn': 'arn:aws:codestar-connections:us-east-1:123456789012:connection/x',
      },
    });
    // Act
    const event = parsePipelineEvent(input);
    // Assess
    expect(event.trigger).toEqual({
      commit: {
        id: 'abc123def456',
        message: 'Release 1.2.0',
        authorName: 'Jane Doe',
        authorId: 'jdoe',
        tag: 'v1.2.0',
        providerType: 'GitLab',
        repository: 'group/app',
        connectionArn: 'arn:aws:codestar-connections:us-east-1:123456789012:connection/x',
      },
    });
    expect(event.trigger?.type).toBeUndefined();
  });

  it('treats null trigger fields as absent', () => {
    const event = parsePipelineEvent(
      eventWithDetail(PIPELINE_STARTED, { 'execution-trigger': { 'trigger-type': 'Webhook', 'trigger-detail': null } }),
    );
    expect(event.trigger).toEqual({ type: 'Webhook' });
  });
});

describe('parsePipelineEvent: execution-result', () => {
  it('decodes a JSON-encoded summary and keeps the raw text', () => {
    // Prepare
    const raw = JSON.stringify({ ProviderType: 'GitHub', CommitMessage: 'Fix the build\n\nDetails', Extra: 1 });
    const input = eventWithDetail(ACTION_FAILED, { 'execution-result': { 'external-execution-summary': raw } });
    // Act
    const event = parsePipelineEvent(input);
    // Assess
    expect(event.level === 'action' && event.executionResult?.summary).toEqual({
      raw,
      text: 'Fix the build\n\nDetails',
      fields: { ProviderType: 'GitHub', CommitMessage: 'Fix the build\n\nDetails', Extra: 1 },
      providerType: 'GitHub',
      commitMessage: 'Fix the build\n\nDetails',
    });
  });

  it.each(['{not json', '{"a":1', '["array"]', 'Deployment {id} failed'])('keeps free text %j as text', (raw) => {
    const event = parsePipelineEvent(
      eventWithDetail(ACTION_FAILED, { 'execution-result': { 'external-execution-summary': raw } }),
    );
    expect(event.level === 'action' && event.executionResult?.summary).toEqual({ raw, text: raw });
  });

  it('reads start-time, action-execution-id and stop-execution-comments', () => {
    const event = parsePipelineEvent(
      eventWithDetail(ACTION_FAILED, {
        'start-time': '2023-10-26T13:51:09.981Z',
        'action-execution-id': 'aaaa-bbbb',
        'stop-execution-comments': 'hotfix',
      }),
    );
    expect(event).toMatchObject({
      startTime: '2023-10-26T13:51:09.981Z',
      actionExecutionId: 'aaaa-bbbb',
      stopExecutionComments: 'hotfix',
    });
  });
});

describe('parsePipelineEvent: regions and accounts', () => {
  it('takes the pipeline region and account from the ARN and the action region from detail.region', () => {
    // Prepare
    const input = eventWithDetail(ACTION_FAILED, { region: 'eu-west-3' });
    input.resources = ['arn:aws:codepipeline:us-west-2:999999999999:myPipeline'];
    // Act
    const event = parsePipelineEvent(input);
    // Assess
    expect(event).toMatchObject({
      account: '123456789012',
      pipelineAccount: '999999999999',
      pipelineRegion: 'us-west-2',
      actionRegion: 'eu-west-3',
    });
  });

  it('prefers the ARN naming the pipeline among several resources', () => {
    const input = fixtureCopy(PIPELINE_STARTED);
    input.resources = [
      'arn:aws:s3:::bucket',
      'arn:aws:codepipeline:eu-west-1:111111111111:otherPipeline',
      'arn:aws-cn:codepipeline:cn-north-1:222222222222:myPipeline',
    ];
    expect(parsePipelineEvent(input)).toMatchObject({
      pipelineArn: 'arn:aws-cn:codepipeline:cn-north-1:222222222222:myPipeline',
      pipelineRegion: 'cn-north-1',
      pipelineAccount: '222222222222',
    });
  });

  it('falls back to the envelope when resources has no pipeline ARN', () => {
    // Prepare
    const input = eventWithDetail(ACTION_FAILED, { region: null });
    input.resources = [];
    // Act
    const event = parsePipelineEvent(input);
    // Assess
    expect(event.pipelineArn).toBeUndefined();
    expect(event).toMatchObject({
      pipelineRegion: 'us-west-2',
      pipelineAccount: '123456789012',
      actionRegion: 'us-west-2',
    });
  });

  it('accepts an event without resources', () => {
    const input = fixtureCopy(PIPELINE_STARTED);
    delete input.resources;
    expect(parsePipelineEvent(input).resources).toEqual([]);
  });
});

describe('parsePipelineEvent: states', () => {
  it.each([
    ['pipeline', PIPELINE_STARTED, 'PAUSED'],
    ['pipeline', PIPELINE_STARTED, 'ABANDONED'], // an action state, not a pipeline state
    ['stage', STAGE_FAILED_CAPTURED, 'SUPERSEDED'], // a pipeline state, not a stage state
    ['action', ACTION_FAILED, 'RESUMED'],
  ])('keeps an unknown %s state %s verbatim and flags it', (level, path, state) => {
    // Act
    const event = parsePipelineEvent(eventWithDetail(path, { state }));
    // Assess
    expect(event).toMatchObject({ level, state, stateKnown: false });
  });
});

describe('parsePipelineEvent: tolerance', () => {
  it('ignores fields AWS may add, in the envelope, the detail and nested objects', () => {
    // Prepare
    const input = eventWithDetail(ACTION_FAILED, {
      'new-field': { anything: [1, 2] },
      type: { owner: 'AWS', provider: 'CodeDeploy', category: 'Deploy', version: '1', newKey: true },
    });
    input['replay-name'] = 'replay-1';
    // Act
    const event = parsePipelineEvent(input);
    // Assess
    expect(event).not.toHaveProperty('new-field');
    expect(event.level === 'action' && event.actionType).toEqual({
      owner: 'AWS',
      provider: 'CodeDeploy',
      category: 'Deploy',
      version: '1',
    });
  });

  it('keeps unknown additionalAttributes', () => {
    const input = fixtureCopy(STAGE_FAILED_CAPTURED);
    input.additionalAttributes = { failedActionCount: 0, somethingNew: 'yes' };
    expect(parsePipelineEvent(input).additionalAttributes).toMatchObject({ failedActionCount: 0, somethingNew: 'yes' });
  });

  it('accepts a CodeStar Notifications event without additionalAttributes or notificationRuleArn', () => {
    const input = fixtureCopy(STAGE_FAILED_CAPTURED);
    delete input.additionalAttributes;
    delete input.notificationRuleArn;
    const event = parsePipelineEvent(input);
    expect(event.additionalAttributes).toBeUndefined();
    expect(event.notificationRuleArn).toBeUndefined();
  });

  it('gives the same synthesized id whatever the key order or notification rule', () => {
    // Prepare
    const input = fixtureCopy(STAGE_FAILED_CAPTURED);
    const reordered = Object.fromEntries(Object.entries(input).reverse());
    const otherRule = { ...input, notificationRuleArn: 'arn:aws:codestar-notifications:x:1:notificationrule/other' };
    // Act / Assess
    const id = parsePipelineEvent(input).eventId;
    expect(parsePipelineEvent(reordered).eventId).toBe(id);
    expect(parsePipelineEvent(otherRule).eventId).toBe(id);
    expect(parsePipelineEvent({ ...input, time: '2022-03-30T09:07:16Z' }).eventId).not.toBe(id);
  });
});
