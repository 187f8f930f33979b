// (Slack listener) approval modal submitted --> pressButton (core) --> GetPipelineState (token) --> PutApprovalResult;
// the same submission flow for any modal a button opened (stop)
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ALREADY_HANDLED, type ButtonPress, type ButtonValue, pressButton } from '../../../../core/actions';
import { ACTION_IDS } from '../../../action-ids';
import { slackUserMention } from '../../../action-outcome';
import { escapeMrkdwn } from '../../../escape';
import {
  type ApprovalMetadata,
  COMMENT_ACTION_ID,
  COMMENT_BLOCK_ID,
  parseApprovalMetadata,
} from '../../approval-modal';
import { clickKey, pressTellingUnreadable, showOutcomeAt, slackPresser } from '../../click';
import { buttonDepsOf, type SlackAppDeps } from '../../deps';
import { channelOfSubmission, SLACK_PLATFORM_NAME } from '../../slack-context';
import { describeError } from '../../slack-errors';
import type { UserGroupResolver } from '../../user-groups';
import { type ApprovalValue, readApprovalValue } from '../actions/approval';

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
  return modalSubmitView<ApprovalValue>(deps, groups, {
    what: 'approval',
    read: (metadata) => readApprovalValue(metadata.value, kindOf(metadata)),
    answers: (view) => {
      const comment = view.state.values[COMMENT_BLOCK_ID]?.[COMMENT_ACTION_ID]?.value?.trim() || undefined;
      return comment === undefined ? {} : { comment };
    },
    shown: (value, userId, { comment }) => {
      const decision = value.kind === 'approve' ? 'Approved' : 'Rejected';
      const emoji = value.kind === 'approve' ? ':white_check_mark:' : ':no_entry:';
      return {
        verb: decision,
        ...(comment ? { detail: comment } : {}),
        reply: `${emoji} ${decision} ${escapeMrkdwn(value.action)} in ${escapeMrkdwn(value.pipeline)} / ${escapeMrkdwn(value.stage)} by ${slackUserMention(userId)}${comment ? `: ${escapeMrkdwn(comment)}` : ''}`,
      };
    },
  });
}

const kindOf = (metadata: ApprovalMetadata) => (metadata.actionId === ACTION_IDS.reject ? 'reject' : 'approve');

/** What a modal adds to the press: a comment, a stop's choice. */
type ModalAnswers = Pick<ButtonPress, 'comment' | 'stopMode'>;

/**
 * A submitted modal that a button opened: its metadata read back (the button's value, the
 * message), the answers added to the press, pressButton, then the outcome under the message and
 * in its thread (the acting buttons removed), or told to the submitter alone.
 */
export function modalSubmitView<T extends ButtonValue>(
  deps: SlackAppDeps,
  groups: UserGroupResolver,
  modal: {
    readonly what: string;
    readonly read: (metadata: ApprovalMetadata) => T | undefined;
    readonly answers: (view: ViewSubmitArgs['view']) => ModalAnswers;
    /** The line under the message (verb, detail) and the thread reply (mrkdwn, escaped). */
    readonly shown: (
      value: T,
      userId: string,
      answers: ModalAnswers,
    ) => { readonly verb: string; readonly detail?: string; readonly reply: string };
  },
) {
  return async ({ ack, body, view, client }: ViewSubmitArgs): Promise<void> => {
    await ack();
    const metadata = parseApprovalMetadata(view.private_metadata);
    const value = metadata === undefined ? undefined : modal.read(metadata);
    if (metadata === undefined || value === undefined) {
      deps.log.warn(`unreadable ${modal.what} modal`, { user: body.user.id });
      return;
    }
    const tell = async (text: string) => {
      try {
        await client.chat.postEphemeral({ channel: metadata.channel, user: body.user.id, text: escapeMrkdwn(text) });
      } catch (error) {
        deps.log.warn('could not tell the clicker', { user: body.user.id, error: describeError(error) });
      }
    };
    const answers = modal.answers(view);
    const outcome = await pressTellingUnreadable(
      (policy) =>
        pressButton(
          {
            value,
            user: slackPresser(client, groups, value.pipeline, { id: body.user.id, name: body.user.name }),
            clickKey: clickKey(metadata.messageTs, metadata.actionId, metadata.value),
            platformName: SLACK_PLATFORM_NAME,
            ...answers,
            ...channelOfSubmission(body, metadata.channel),
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
    const { reply, ...line } = modal.shown(value, outcome.user.id, answers);
    await showOutcomeAt(
      client,
      deps.log,
      metadata,
      { ...line, userId: outcome.user.id, at: new Date() },
      { removeActions: true, reply },
    );
  };
}
