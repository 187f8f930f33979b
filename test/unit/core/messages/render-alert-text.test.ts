import { parsePipelineEvent } from '../../../../src/core/events';
import { buildAlertMessage, renderAlertText } from '../../../../src/core/messages';
import { loadFixture } from '../../../helpers/fixtures';

describe('renderAlertText', () => {
  it('renders a failed stage as plain text', () => {
    // Prepare
    const event = parsePipelineEvent(loadFixture('codepipeline/stage-failed-build-captured.json'));
    // Act
    const text = renderAlertText(buildAlertMessage(event));
    // Assess
    expect(text).toBe(
      [
        '[error] Stage Build failed in meerkat',
        'Status: Failed',
        '',
        'Build: Build terminated with state: FAILED',
        '',
        'Pipeline:        meerkat',
        'Execution:       94fb261b',
        'Stage:           Build',
        'Failed actions:  Build',
        '',
        'Links:',
        '  Execution in the AWS console: https://ap-southeast-2.console.aws.amazon.com/codesuite/codepipeline/pipelines/meerkat/executions/94fb261b-65d0-41ba-bea3-b08420e9b5e7/timeline?region=ap-southeast-2',
        '',
        'Actions:',
        '  Retry failed actions (FAILED_ACTIONS, stage Build)',
        '  Retry all actions in stage (ALL_ACTIONS, stage Build)',
        '  Snooze (pipeline meerkat)',
        '',
        `Event ${event.eventId} at 2022-03-30T09:07:15Z`,
        '',
      ].join('\n'),
    );
  });

  it('lists approval buttons', () => {
    const text = renderAlertText(
      buildAlertMessage(parsePipelineEvent(loadFixture('codepipeline/handmade/action-started-approval.json'))),
    );
    expect(text).toContain(
      '  Approve (stage Release, action ManualApproval)\n  Reject (stage Release, action ManualApproval)',
    );
  });

  it('shows control characters instead of letting them reach the terminal', () => {
    // Prepare
    const input = structuredClone(loadFixture('codepipeline/action-failed-codebuild-captured.json')) as {
      detail: Record<string, unknown>;
    };
    input.detail['execution-result'] = { 'external-execution-summary': 'line one\n\u001b[31mred\u0007' };
    // Act
    const text = renderAlertText(buildAlertMessage(parsePipelineEvent(input)));
    // Assess
    expect(text).toContain('line one\n\\x1b[31mred\\x07\n');
    expect(text).not.toContain('\u001b');
  });

  it('keeps fact values on one line', () => {
    const message = buildAlertMessage(parsePipelineEvent(loadFixture('codepipeline/pipeline-stopping-2023rev.json')));
    const text = renderAlertText({ ...message, facts: [{ label: 'Comment', value: 'a\nb\r\n c' }] });
    expect(text).toContain('Comment:  a b c\n');
  });
});
