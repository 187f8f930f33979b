// (Slack listener) Approve / Reject button --> authorize --> views.open (a modal for an optional comment)
import { authorize, decideApproval } from '../../../../core/actions';
import { ACTION_IDS } from '../../../action-ids';
import { type ButtonValue, parseButtonValue } from '../../../button-value';
import { escapeMrkdwn } from '../../../escape';
import { approvalModal } from '../../approval-modal';
import { currentPolicy, logDecision, pipelinesFor, type SlackAppDeps } from '../../deps';
import { SLACK_PLATFORM_NAME } from '../../slack-context';
import type { UserGroupResolver } from '../../user-groups';
import { type ButtonClickArgs, UNREADABLE_BUTTON } from './retry';

/**
 * The modal opens only for someone who may decide: a refusal (including "no approvers are
 * configured", which says how to configure them) comes straight back, and is logged. The
 * decision itself is made on submission (views/approval-submit.ts). views.open needs the
 * click's trigger_id within 3 seconds, so nothing slow happens before it.
 */
export function approvalAction(deps: SlackAppDeps, groups: UserGroupResolver) {
  return async ({ ack, body, action, client, respond }: ButtonClickArgs): Promise<void> => {
    await ack();
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text: escapeMrkdwn(text) });
    const kind = action.action_id === ACTION_IDS.reject ? 'reject' : 'approve';
    const value = readApprovalValue(action.value, kind);
    const messageTs = body.message?.ts ?? String(body.container.message_ts ?? '');
    if (value === undefined || body.channel === undefined || messageTs === '') {
      deps.log.warn('unreadable approval button', { actionId: action.action_id, user: body.user.id });
      await tell(UNREADABLE_BUTTON);
      return;
    }
    const policy = await currentPolicy(deps.policy);
    const user = await groups.chatUser(client, policy, kind, value.pipeline, {
      id: body.user.id,
      name: body.user.name ?? body.user.username,
    });
    if (!authorize({ policy, action: kind, pipeline: value.pipeline, user }).allowed) {
      // decideApproval refuses before any CodePipeline call, and gives the decision record to log.
      const refused = await decideApproval({
        client: pipelinesFor(deps, value.region),
        policy,
        user,
        target: { pipeline: value.pipeline, stage: value.stage, action: value.action, executionId: value.executionId },
        decision: kind === 'approve' ? 'Approved' : 'Rejected',
        platformName: SLACK_PLATFORM_NAME,
      });
      logDecision(deps.log, refused.decision);
      await tell(refused.message);
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: approvalModal(value, {
        v: 1,
        actionId: action.action_id,
        value: action.value ?? '',
        channel: body.channel.id,
        messageTs,
        ...(typeof body.message?.thread_ts === 'string' ? { threadTs: body.message.thread_ts } : {}),
      }),
    });
  };
}

export function readApprovalValue(
  raw: string | undefined,
  kind: 'approve' | 'reject',
): Extract<ButtonValue, { kind: 'approve' | 'reject' }> | undefined {
  try {
    const value = parseButtonValue(raw ?? '');
    return value.kind === kind ? value : undefined;
  } catch {
    return undefined;
  }
}
