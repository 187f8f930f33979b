// (Slack listener) approval modal submitted --> decideApproval --> GetPipelineState (token) --> PutApprovalResult
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { authorize, decideApproval } from '../../../../core/actions';
import { ACTION_IDS } from '../../../action-ids';
import { slackUserMention } from '../../../action-outcome';
import { escapeMrkdwn } from '../../../escape';
import { COMMENT_ACTION_ID, COMMENT_BLOCK_ID, parseApprovalMetadata } from '../../approval-modal';
import { ALREADY_HANDLED, CLICK_CLAIM_TTL_SECONDS, clickKey, fetchMessage, showOutcome } from '../../click';
import { currentPolicy, logDecision, pipelinesFor, type SlackAppDeps } from '../../deps';
import { SLACK_PLATFORM_NAME } from '../../slack-context';
import { describeError } from '../../slack-errors';
import type { UserGroupResolver } from '../../user-groups';
import { readApprovalValue } from '../actions/approval';

export type ViewSubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * 1. Ack (closes the modal); answers go to the clicker with chat.postEphemeral, since a
 *    submission has no response_url.
 * 2. Authorize again (the policy may have changed while the modal was open), then claim the
 *    decision, so two submissions for the same button act once.
 * 3. decideApproval: the token from GetPipelineState, PutApprovalResult with
 *    "Approved by <name> in Slack: <comment>"; logged whatever the outcome.
 * 4. Success: the message loses its approve/reject buttons and shows who decided; a thread
 *    reply says so. Failure (already decided, expired, a newer execution): the clicker alone is told.
 */
export function approvalSubmitView(deps: SlackAppDeps, groups: UserGroupResolver) {
  return async ({ ack, body, view, client }: ViewSubmitArgs): Promise<void> => {
    await ack();
    const metadata = parseApprovalMetadata(view.private_metadata);
    const kind = metadata?.actionId === ACTION_IDS.reject ? 'reject' : 'approve';
    const value = metadata === undefined ? undefined : readApprovalValue(metadata.value, kind);
    if (metadata === undefined || value === undefined) {
      deps.log.warn('unreadable approval modal', { user: body.user.id });
      return;
    }
    const tell = async (text: string) => {
      try {
        await client.chat.postEphemeral({ channel: metadata.channel, user: body.user.id, text: escapeMrkdwn(text) });
      } catch (error) {
        deps.log.warn('could not tell the clicker', { user: body.user.id, error: describeError(error) });
      }
    };
    const comment = view.state.values[COMMENT_BLOCK_ID]?.[COMMENT_ACTION_ID]?.value ?? undefined;
    const policy = await currentPolicy(deps.policy);
    const user = await groups.chatUser(client, policy, kind, value.pipeline, {
      id: body.user.id,
      name: body.user.name,
    });

    if (authorize({ policy, action: kind, pipeline: value.pipeline, user }).allowed) {
      const first = await deps.clicks.claimClick(
        clickKey(metadata.messageTs, metadata.actionId, metadata.value),
        CLICK_CLAIM_TTL_SECONDS,
      );
      if (!first) {
        deps.log.info('duplicate click', { actionId: metadata.actionId, user: user.id, pipeline: value.pipeline });
        await tell(ALREADY_HANDLED);
        return;
      }
    }
    const decision = kind === 'approve' ? 'Approved' : 'Rejected';
    const result = await decideApproval({
      client: pipelinesFor(deps, value.region),
      policy,
      user,
      target: { pipeline: value.pipeline, stage: value.stage, action: value.action, executionId: value.executionId },
      decision,
      ...(comment ? { comment } : {}),
      platformName: SLACK_PLATFORM_NAME,
    });
    logDecision(deps.log, result.decision);
    if (!result.ok) {
      await tell(result.message);
      return;
    }
    const reply = `${kind === 'approve' ? ':white_check_mark:' : ':no_entry:'} ${decision} ${escapeMrkdwn(value.action)} in ${escapeMrkdwn(value.pipeline)} / ${escapeMrkdwn(value.stage)} by ${slackUserMention(user.id)}${comment?.trim() ? `: ${escapeMrkdwn(comment.trim())}` : ''}`;
    // A submission does not carry the message: it is read back (conversations.replies, with the
    // manifest's channels:history / groups:history). If that fails, the thread reply still tells
    // everyone, and the notify path re-renders the alert when the approval's event arrives.
    const message = await fetchMessage(client, metadata.channel, metadata.messageTs).catch((error: unknown) => {
      deps.log.warn('could not read the approval message', { channel: metadata.channel, error: describeError(error) });
      return undefined;
    });
    if (message === undefined) {
      await client.chat
        .postMessage({ channel: metadata.channel, thread_ts: metadata.threadTs ?? metadata.messageTs, text: reply })
        .catch((error: unknown) => {
          deps.log.warn('could not reply in the thread after a click', { error: describeError(error) });
        });
      return;
    }
    await showOutcome(
      client,
      deps.log,
      message,
      { verb: decision, userId: user.id, at: new Date(), ...(comment?.trim() ? { detail: comment.trim() } : {}) },
      { removeActions: true, reply },
    );
  };
}
