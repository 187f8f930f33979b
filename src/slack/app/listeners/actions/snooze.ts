// (Slack listener) a Snooze duration chosen on an alert (static_select) --> pressButton (core) --> the snooze stored and its end scheduled; the chooser alone is told
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, StaticSelectAction } from '@slack/bolt';
import { ALREADY_HANDLED, type ButtonValue, pressButton, UNREADABLE_BUTTON } from '../../../../core/actions';
import { escapeMrkdwn } from '../../../escape';
import { clickKey, readButtonValue, refusedForeignClick } from '../../click';
import { buttonDepsOf, type SlackAppDeps } from '../../deps';
import type { SlackInstallationConfig } from '../../installation';
import { channelOfAction, SLACK_PLATFORM_NAME } from '../../slack-context';

export type SelectArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

type SnoozeValue = Extract<ButtonValue, { kind: 'snooze' }>;

/**
 * 1. Ack at once; the answer is an ephemeral message to the person who chose (nothing is posted
 *    to the channel, and the alert is left as it is: one message per execution).
 * 2. The select must be on the bot's own message with the chosen option among its options, as a
 *    button's value must be (refusedForeignClick).
 * 3. pressButton: anyone in the channel may snooze, as anyone may type `/pipewatch snooze`; the
 *    click is claimed (a double choice snoozes once), the snooze stored and its end scheduled.
 */
export function snoozeAction(deps: SlackAppDeps, installation: Pick<SlackInstallationConfig, 'appId'> = {}) {
  return async ({ ack, body, action, respond, context }: SelectArgs): Promise<void> => {
    await ack();
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text: escapeMrkdwn(text) });
    const chosen = action.selected_option?.value;
    const own = { botId: context.botId, appId: installation.appId };
    if (
      refusedForeignClick(body.message, { action_id: action.action_id, value: chosen }, own, deps.log, body.user.id)
    ) {
      return;
    }
    const value = readButtonValue(chosen, (v): v is SnoozeValue => v.kind === 'snooze');
    const channel = channelOfAction(body);
    if (value === undefined || channel === undefined) {
      deps.log.warn('unreadable snooze choice', { actionId: action.action_id, user: body.user.id });
      await tell(UNREADABLE_BUTTON);
      return;
    }
    const messageTs = body.message?.ts ?? String(body.container.message_ts ?? '');
    const outcome = await pressButton(
      {
        value,
        user: async () => ({
          id: body.user.id,
          groups: [],
          ...(body.user.name ? { displayName: body.user.name } : {}),
        }),
        clickKey: clickKey(messageTs, action.action_id, chosen ?? ''),
        platformName: SLACK_PLATFORM_NAME,
        channel,
      },
      buttonDepsOf(deps),
    );
    await tell(outcome.status === 'duplicate' ? ALREADY_HANDLED : outcome.message);
  };
}
