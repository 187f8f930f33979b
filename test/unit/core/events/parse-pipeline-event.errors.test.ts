import { isPipewatchError } from '../../../../src/core/errors';
import { InvalidPipelineEventError, parsePipelineEvent, safeParsePipelineEvent } from '../../../../src/core/events';
import { eventWithDetail, fixtureCopy } from './event-builders';

const PIPELINE_STARTED = 'codepipeline/pipeline-started-2023rev.json';
const ACTION_FAILED = 'codepipeline/action-failed-codedeploy-2023rev.json';
const STAGE_FAILED_CAPTURED = 'codepipeline/stage-failed-build-captured.json';

function issuesOf(input: unknown): { path: string; message: string }[] {
  const result = safeParsePipelineEvent(input);
  if (result.success) throw new Error('expected the event to be rejected');
  return [...result.error.issues];
}

describe('parsePipelineEvent: malformed input', () => {
  it('names the path and the problem in the message', () => {
    // Prepare
    const input = eventWithDetail(PIPELINE_STARTED, { 'execution-id': 42 });
    // Act
    const act = () => parsePipelineEvent(input);
    // Assess
    expect(act).toThrow(InvalidPipelineEventError);
    expect(act).toThrow('detail.execution-id: expected a string, got number');
  });

  it('is a PipewatchError with code INVALID_PIPELINE_EVENT, issues and cause', () => {
    // Prepare: null, not absent (eventWithDetail deletes fields set to null)
    const input = fixtureCopy(PIPELINE_STARTED);
    input.detail.pipeline = null;
    // Act
    const result = safeParsePipelineEvent(input);
    // Assess
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(isPipewatchError(result.error)).toBe(true);
    expect(result.error.code).toBe('INVALID_PIPELINE_EVENT');
    expect(result.error.name).toBe('InvalidPipelineEventError');
    expect(result.error.issues).toEqual([{ path: 'detail.pipeline', message: 'expected a string, got null' }]);
    expect(result.error.cause).toBeDefined();
  });

  it.each([
    [PIPELINE_STARTED, 'pipeline', 'detail.pipeline: is missing (expected a string)'],
    [PIPELINE_STARTED, 'execution-id', 'detail.execution-id: is missing (expected a string)'],
    [PIPELINE_STARTED, 'state', 'detail.state: is missing (expected a string)'],
    [STAGE_FAILED_CAPTURED, 'stage', 'detail.stage: is missing (expected a string)'],
    [ACTION_FAILED, 'action', 'detail.action: is missing (expected a string)'],
    [ACTION_FAILED, 'stage', 'detail.stage: is missing (expected a string)'],
  ])('reports a missing required field (%s without %s)', (path, field, message) => {
    expect(() => parsePipelineEvent(eventWithDetail(path, { [field]: null }))).toThrow(message);
  });

  it.each([
    ['id', 'id: is missing (expected a string)'],
    ['time', 'time: is missing (expected a string)'],
    ['account', 'account: is missing (expected a string)'],
    ['region', 'region: is missing (expected a string)'],
    ['source', 'source: is missing (expected a string)'],
    ['detail', 'detail: is missing (expected an object)'],
  ])('reports a missing envelope field %s', (field, message) => {
    const input = fixtureCopy(PIPELINE_STARTED);
    delete input[field];
    expect(issuesOf(input).map((issue) => `${issue.path}: ${issue.message}`)).toEqual([message]);
  });

  it('reports nested paths with array indices', () => {
    const input = eventWithDetail(ACTION_FAILED, {
      'output-artifacts': [{ name: 'ok' }, { name: 'x', s3location: { bucket: 1, key: 'k' } }],
    });
    expect(issuesOf(input)).toEqual([
      { path: 'detail.output-artifacts[1].s3location.bucket', message: 'expected a string, got number' },
    ]);
  });

  it('reports type.version of the wrong type', () => {
    const input = eventWithDetail(ACTION_FAILED, { type: { provider: 'X', version: true } });
    expect(issuesOf(input)).toEqual([
      { path: 'detail.type.version', message: 'expected a string or a number, got boolean' },
    ]);
  });

  it('reports all problems of the envelope and the detail together', () => {
    const input = eventWithDetail(ACTION_FAILED, { 'execution-id': '', state: 3 });
    input.time = 'yesterday';
    expect(issuesOf(input).map((issue) => issue.path)).toEqual(['time', 'detail.execution-id', 'detail.state']);
  });

  it('reports an unreadable time with the value received', () => {
    const input = fixtureCopy(PIPELINE_STARTED);
    input.time = 'yesterday';
    expect(() => parsePipelineEvent(input)).toThrow('time: expected an ISO 8601 date-time, got "yesterday"');
  });

  it('rejects a detail-type of another service', () => {
    const input = fixtureCopy(PIPELINE_STARTED);
    input['detail-type'] = 'EC2 Instance State-change Notification';
    expect(() => parsePipelineEvent(input)).toThrow(
      /detail-type: expected one of "CodePipeline Pipeline Execution State Change", .*got "EC2 Instance State-change Notification"/,
    );
  });

  it('names detailType for the CodeStar Notifications envelope', () => {
    const input = fixtureCopy(STAGE_FAILED_CAPTURED);
    input.detailType = 'CodeBuild Build State Change';
    expect(issuesOf(input)[0]?.path).toBe('detailType');
  });

  it('reports a wrongly typed additionalAttributes field', () => {
    const input = fixtureCopy(STAGE_FAILED_CAPTURED);
    input.additionalAttributes = { failedActions: [{ additionalInformation: 'x' }] };
    expect(issuesOf(input)).toEqual([
      { path: 'additionalAttributes.failedActions[0].action', message: 'is missing (expected a string)' },
    ]);
  });

  it.each([
    [null, 'expected an object, got null'],
    [[], 'expected an object, got array'],
    [42, 'expected an object, got number'],
    [undefined, 'expected an object, got undefined'],
    ['"just a string"', 'expected an object, got string'],
  ])('rejects %j at the root', (input, message) => {
    expect(issuesOf(input)).toEqual([{ path: '(root)', message }]);
  });

  it('rejects text that is not JSON and keeps the SyntaxError as cause', () => {
    const result = safeParsePipelineEvent('{"detail-type":');
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues[0]?.path).toBe('(root)');
    expect(result.error.message).toMatch(/^Invalid CodePipeline event: \(root\): not valid JSON/);
    expect(result.error.cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects an object of neither envelope, such as an SNS approval notification', () => {
    const input = fixtureCopy('approval-sns/approval-sns-notification.json');
    expect(issuesOf(input)[0]?.path).toBe('detail-type');
  });

  it('lists at most five issues in the message and counts the rest', () => {
    const result = safeParsePipelineEvent({ 'detail-type': 1, detail: 1 });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.length).toBeGreaterThan(5);
    expect(result.error.message).toMatch(/; and \d+ more$/);
  });
});
