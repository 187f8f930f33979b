// (Slack listener) approval modal submitted --> pressButton (core) --> GetPipelineState (token) --> PutApprovalResult
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ALREADY_HANDLED, pressButton } from '../../../../core/actions';
import { ACTION_IDS } from '../../../action-ids';
import { slackUserMention } from '../../../action-outcome';
import { escapeMrkdwn } from '../../../escape';
import { COMMENT_ACTION_ID, COMMENT_BLOCK_ID, parseApprovalMetadata } from '../../approval-modal';
import { clickKey, pressTellingUnreadable, showOutcomeAt, slackPresser } from '../../click';
import { buttonDepsOf, type SlackAppDeps } from '../../deps';
import { SLACK_PLATFORM_NAME } from '../../slack-context';
import { describeError } from '../../slack-errors';
import type { UserGroupResolver } from '../../user-groups';
import { readApprovalValue } from '../actions/approval';

export type ViewSubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * 1. Ack (closes the modal); answers go to the clicker with chat.postEphemeral, since a
 *    submission has no response_url.
 * 2. pressButton: authorize again (the policy may have changed while the modal was open), claim
 *    the decision (two submissions act once), then the token from GetPipelineState and
 *    PutApprovalResult with "Approved by <name> in Slack: <comment>"; logged whatever the outcome.
 * 3. Success: the message loses its approve/reject buttons and shows who decided; a thread
 *    reply says so. Otherwise (already decided, expired, a newer execution) the clicker alone is told.
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
    const comment = view.state.values[COMMENT_BLOCK_ID]?.[COMMENT_ACTION_ID]?.value?.trim() || undefined;
    const outcome = await pressTellingUnreadable(
      (policy) =>
        pressButton(
          {
            value,
            user: slackPresser(client, groups, value.pipeline, { id: body.user.id, name: body.user.name }),
            clickKey: clickKey(metadata.messageTs, metadata.actionId, metadata.value),
            platformName: SLACK_PLATFORM_NAME,
            ...(comment === undefined ? {} : { comment }),
          },
          { ...buttonDepsOf(deps), policy },
        ),
      deps,
      { user: body.user.id, button: metadata.actionId, tell },
    );
    if (outcome === undefined) return;
    if (outcome.status !== 'done') {
      await tell(outcome.status === 'duplicate' ? ALREADY_HANDLED : outcome.message);
      return;
    }
    const decision = kind === 'approve' ? 'Approved' : 'Rejected';
    const reply = `${kind === 'approve' ? ':white_check_mark:' : ':no_entry:'} ${decision} ${escapeMrkdwn(value.action)} in ${escapeMrkdwn(value.pipeline)} / ${escapeMrkdwn(value.stage)} by ${slackUserMention(outcome.user.id)}${comment ? `: ${escapeMrkdwn(comment)}` : ''}`;
    await showOutcomeAt(
      client,
      deps.log,
      metadata,
      { verb: decision, userId: outcome.user.id, at: new Date(), ...(comment ? { detail: comment } : {}) },
      { removeActions: true, reply },
    );
  };
}
