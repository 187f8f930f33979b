// (Slack listener) Retry button --> pressButton (core) --> CodePipeline RetryStageExecution
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ALREADY_HANDLED, type ButtonValue, pressButton, UNREADABLE_BUTTON } from '../../../../core/actions';
import { ACTION_IDS } from '../../../action-ids';
import { slackUserMention } from '../../../action-outcome';
import { escapeMrkdwn } from '../../../escape';
import {
  clickedMessage,
  clickKey,
  pressTellingUnreadable,
  readButtonValue,
  refusedForeignClick,
  showOutcome,
  slackPresser,
} from '../../click';
import { buttonDepsOf, type SlackAppDeps } from '../../deps';
import type { SlackInstallationConfig } from '../../installation';
import { channelOfAction, SLACK_PLATFORM_NAME } from '../../slack-context';
import type { UserGroupResolver } from '../../user-groups';

const withChannel = (channel: ReturnType<typeof channelOfAction>) => (channel === undefined ? {} : { channel });

export type ButtonClickArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * 1. Ack at once (Slack's 3 seconds); everything else answers through the message, its thread
 *    or an ephemeral reply to the clicker.
 * 2. A button that is not on the bot's own message (another bot's or app's, or a value the
 *    message does not hold) is refused with nothing visible, and logged.
 * 3. pressButton: authorize, claim the click, RetryStageExecution, the decision logged. A policy
 *    or user groups that cannot be read are told to the clicker alone.
 * 4. Success: the message shows who retried, and a thread reply says so. Otherwise the clicker
 *    alone is told; the message is left as it was.
 */
export function retryAction(
  deps: SlackAppDeps,
  groups: UserGroupResolver,
  installation: Pick<SlackInstallationConfig, 'appId'> = {},
) {
  return async ({ ack, body, action, client, respond, context }: ButtonClickArgs): Promise<void> => {
    await ack();
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text: escapeMrkdwn(text) });
    const own = { botId: context.botId, appId: installation.appId };
    if (refusedForeignClick(body.message, action, own, deps.log, body.user.id)) return;
    // The mode comes from which button was pressed; a value claiming another mode was not written by pipewatch.
    const mode = action.action_id === ACTION_IDS.retryAll ? 'ALL_ACTIONS' : 'FAILED_ACTIONS';
    const value = readButtonValue(
      action.value,
      (v): v is Extract<ButtonValue, { kind: 'retry' }> => v.kind === 'retry' && v.mode === mode,
    );
    if (value === undefined) {
      deps.log.warn('unreadable retry button', { actionId: action.action_id, user: body.user.id });
      await tell(UNREADABLE_BUTTON);
      return;
    }
    const messageTs = body.message?.ts ?? String(body.container.message_ts ?? '');
    const outcome = await pressTellingUnreadable(
      (policy) =>
        pressButton(
          {
            value,
            user: slackPresser(client, groups, value.pipeline, {
              id: body.user.id,
              name: body.user.name ?? body.user.username,
            }),
            clickKey: clickKey(messageTs, action.action_id, action.value ?? ''),
            platformName: SLACK_PLATFORM_NAME,
            ...withChannel(channelOfAction(body)),
          },
          { ...buttonDepsOf(deps), policy },
        ),
      deps,
      { user: body.user.id, button: action.action_id, tell },
    );
    if (outcome === undefined) return;
    if (outcome.status !== 'done') {
      await tell(outcome.status === 'duplicate' ? ALREADY_HANDLED : outcome.message);
      return;
    }
    const message = body.channel === undefined ? undefined : clickedMessage(body.channel.id, body.message);
    if (message === undefined) {
      await tell(outcome.message);
      return;
    }
    await showOutcome(
      client,
      deps.log,
      message,
      { verb: mode === 'ALL_ACTIONS' ? 'Retried all actions' : 'Retried', userId: outcome.user.id, at: new Date() },
      {
        removeActions: false,
        reply: `:repeat: ${escapeMrkdwn(outcome.message)} Requested by ${slackUserMention(outcome.user.id)}.`,
      },
    );
  };
}
