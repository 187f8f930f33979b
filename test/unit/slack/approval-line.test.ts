import { executionToAlertMessage } from '../../../src/core/executions';
import type { AlertMessage } from '../../../src/core/messages';
import { threadReplies } from '../../../src/core/notify';
import { renderThreadReply } from '../../../src/slack';
import { approvalWindow } from '../../helpers/approval-window';
import { checkBlockKitLimits } from '../../helpers/check-block-kit-limits';
import { STAGE_ORDER } from '../core/executions/execution-events';
import { stateUntil } from '../teams/card-helpers';

const WINDOW = approvalWindow([
  { id: 'U00000ALICE' },
  { id: 'S0APPROVERS' },
  { id: 'aaaaaaaa-0000-4000-8000-00000000a11c', name: 'Carol <!channel>' },
  { id: 'bbbbbbbb-0000-4000-8000-000000000b0b' },
]);

function replies(now: number, posted: string[] = []): AlertMessage[] {
  return threadReplies(stateUntil('ev-017'), { stageOrder: STAGE_ORDER, approval: WINDOW, now }, posted).map(
    (reply) => reply.message,
  );
}

describe('Slack: a waiting approval’s expiry and approvers', () => {
  const [approval] = replies(Date.parse('2026-01-02T00:00:00Z'));
  it('the reply shows the expiry as a date token and mentions the Slack approvers; other ids by name, escaped', () => {
    const rendered = renderThreadReply(approval as AlertMessage);
    const text = JSON.stringify(rendered?.blocks);
    expect(text).toContain(
      `<!date^${Date.parse(WINDOW.expiresAt) / 1000}^{date_short_pretty} {time}|2026-01-08 10:00 UTC>`,
    );
    expect(text).toContain('<@U00000ALICE>, <!subteam^S0APPROVERS>, Carol &lt;!channel&gt;');
    // An id Slack cannot show (another platform's person without a name) is left out.
    expect(text).not.toContain('bbbbbbbb');
    expect(checkBlockKitLimits(rendered ?? { text: '', blocks: [] })).toEqual([]);
  });

  it('says so when the policy lists nobody', () => {
    const rendered = renderThreadReply({
      ...(approval as AlertMessage),
      approval: { expiresAt: WINDOW.expiresAt, approvers: [] },
    });
    expect(JSON.stringify(rendered?.blocks)).toContain('nobody: the policy lists no approvers');
  });

  it('the reminder is a reply of its own: the alarm clock, the lead, the mentions, and no approval buttons', () => {
    const key = threadReplies(stateUntil('ev-017'), { stageOrder: STAGE_ORDER })[0]?.key ?? '';
    const reminder = replies(Date.parse('2026-01-08T09:00:00Z'), [key])[1];
    const rendered = renderThreadReply(reminder as AlertMessage);
    const text = JSON.stringify(rendered?.blocks);
    expect(text).toContain(':alarm_clock: *Reminder: approval ManualApproval in');
    expect(text).toContain('expires in 1 hour');
    expect(text).toContain('<@U00000ALICE>');
    expect(text).not.toContain('pipewatch.approve');
  });

  it('an approval message without a window renders as before', () => {
    const message = executionToAlertMessage(stateUntil('ev-017'), { stageOrder: STAGE_ORDER });
    expect(JSON.stringify(renderThreadReply(message)?.blocks)).not.toContain('Expires');
  });
});
