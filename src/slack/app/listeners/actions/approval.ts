// (Slack listener) Approve / Reject button --> mayPress (core) --> views.open (a modal for an optional comment); the same for any button that asks first

import type { ModalView } from '@slack/types';
import { type ButtonValue, type ExecutionButtonValue, mayPress, UNREADABLE_BUTTON } from '../../../../core/actions';
import { ACTION_IDS } from '../../../action-ids';
import { escapeMrkdwn } from '../../../escape';
import { type ApprovalMetadata, approvalModal } from '../../approval-modal';
import { pressTellingUnreadable, readButtonValue, refusedForeignClick, slackPresser } from '../../click';
import type { SlackAppDeps } from '../../deps';
import type { SlackInstallationConfig } from '../../installation';
import { channelOfAction, SLACK_PLATFORM_NAME } from '../../slack-context';
import type { UserGroupResolver } from '../../user-groups';
import type { ButtonClickArgs } from './retry';

export type ApprovalValue = Extract<ButtonValue, { kind: 'approve' | 'reject' }>;

/**
 * The modal opens only for someone who may decide: a refusal (including "no approvers are
 * configured", which says how to configure them) comes straight back, and is logged. The
 * decision itself is made on submission (views/approval-submit.ts). views.open needs the
 * click's trigger_id within 3 seconds, so nothing slow happens before it. A button that is not on
 * the bot's own message is refused with nothing visible (logged); a policy or user groups that
 * cannot be read are told to the clicker alone.
 */
export function approvalAction(
  deps: SlackAppDeps,
  groups: UserGroupResolver,
  installation: Pick<SlackInstallationConfig, 'appId'> = {},
) {
  return modalButtonAction(deps, groups, installation, {
    what: 'approval',
    read: (raw, actionId) => readApprovalValue(raw, actionId === ACTION_IDS.reject ? 'reject' : 'approve'),
    modal: approvalModal,
  });
}

/**
 * A button that asks something before it acts (approve/reject: a comment; stop: wait or abandon,
 * and why): the button's own-message check, mayPress, then the modal with the click's metadata.
 */
export function modalButtonAction<T extends ExecutionButtonValue>(
  deps: SlackAppDeps,
  groups: UserGroupResolver,
  installation: Pick<SlackInstallationConfig, 'appId'>,
  button: {
    /** Named in the log line of an unreadable button. */
    readonly what: string;
    readonly read: (raw: string | undefined, actionId: string) => T | undefined;
    readonly modal: (value: T, metadata: ApprovalMetadata) => ModalView;
  },
) {
  return async ({ ack, body, action, client, respond, context }: ButtonClickArgs): Promise<void> => {
    await ack();
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text: escapeMrkdwn(text) });
    const own = { botId: context.botId, appId: installation.appId };
    if (refusedForeignClick(body.message, action, own, deps.log, body.user.id)) return;
    const value = button.read(action.value, action.action_id);
    const messageTs = body.message?.ts ?? String(body.container.message_ts ?? '');
    if (value === undefined || body.channel === undefined || messageTs === '') {
      deps.log.warn(`unreadable ${button.what} button`, { actionId: action.action_id, user: body.user.id });
      await tell(UNREADABLE_BUTTON);
      return;
    }
    const presser = { id: body.user.id, name: body.user.name ?? body.user.username };
    const verdict = await pressTellingUnreadable(
      (policy) =>
        mayPress(
          {
            value,
            user: slackPresser(client, groups, value.pipeline, presser),
            platformName: SLACK_PLATFORM_NAME,
            // The conversation of the message clicked: its trigger names the change's author ("selfApproval").
            ...withChannel(channelOfAction(body)),
          },
          { ...deps, policy },
        ),
      deps,
      { user: body.user.id, button: action.action_id, tell },
    );
    if (verdict === undefined) return;
    if (!verdict.allowed) {
      await tell(verdict.message);
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: button.modal(value, {
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

const withChannel = (channel: ReturnType<typeof channelOfAction>) => (channel === undefined ? {} : { channel });

export function readApprovalValue(raw: string | undefined, kind: 'approve' | 'reject'): ApprovalValue | undefined {
  return readButtonValue(raw, (value): value is ApprovalValue => value.kind === kind);
}
