// (slack) a waiting approval's expiry and approvers --> one mrkdwn line: the date token, user and group mentions
import type { AlertApproval } from '../core/messages';
import { escapeMrkdwn, oneLine } from './escape';
import { slackDate } from './slack-date';

/** Slack user ids (U…, W…) and user group ids (S…): the policy's ids a Slack message can mention. */
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const SLACK_GROUP = /^S[A-Z0-9]{2,}$/;

/** `"selfApproval": false` for the pipeline. */
export const NOT_BY_REQUESTER = '_not whoever started this change_';

/**
 * `*Expires* <!date…>  ·  *Who may approve* <@U1>, <!subteam^S1>, Carol`: each Slack id as a
 * mention (the reply notifies them), other ids (another platform's people) by the name the policy
 * gives them, else left out. No approvers at all says so: the policy lists nobody.
 */
export function approvalLine(approval: AlertApproval): string {
  const who = approval.approvers.flatMap((approver) => {
    if (SLACK_USER.test(approver.id)) return [`<@${approver.id}>`];
    if (SLACK_GROUP.test(approver.id)) return [`<!subteam^${approver.id}>`];
    return approver.name === undefined ? [] : [escapeMrkdwn(oneLine(approver.name))];
  });
  const approvers =
    who.length > 0 ? who.join(', ') : approval.approvers.length === 0 ? '_nobody: the policy lists no approvers_' : '';
  return [
    `*Expires* ${slackDate(approval.expiresAt)}`,
    ...(approvers === '' ? [] : [`*Who may approve* ${approvers}`]),
    ...(approval.notByRequester === true ? [NOT_BY_REQUESTER] : []),
  ].join('  ·  ');
}
