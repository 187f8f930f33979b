// (Slack adapter) every listener of the app, registered in one place; each callback lives in its own file
import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { ACTION_IDS } from '../../action-ids';
import { APPROVAL_CALLBACK_ID } from '../approval-modal';
import type { SlackAppDeps } from '../deps';
import type { SlackInstallationConfig } from '../installation';
import { STOP_CALLBACK_ID } from '../stop-modal';
import type { UserGroupResolver } from '../user-groups';
import { approvalAction } from './actions/approval';
import { linkButtonAction } from './actions/link-buttons';
import { retryAction } from './actions/retry';
import { snoozeAction } from './actions/snooze';
import { stopAction } from './actions/stop';
import { pipewatchCommand } from './commands/pipewatch';
import { approvalSubmitView } from './views/approval-submit';
import { stopSubmitView } from './views/stop-submit';

type ButtonClick = BlockAction<ButtonAction>;

/**
 * The slash command is matched by any name (`/pipewatch`, or `/pipewatch-staging` for a second
 * app): the app receives only the commands it declares in its manifest.
 */
export function registerListeners(
  app: App,
  deps: SlackAppDeps,
  groups: UserGroupResolver,
  installation: Pick<SlackInstallationConfig, 'appId'> = {},
): void {
  app.command(/.*/, pipewatchCommand(deps, groups));

  const retry = retryAction(deps, groups, installation);
  app.action<ButtonClick>({ type: 'block_actions', action_id: ACTION_IDS.retryFailed }, retry);
  app.action<ButtonClick>({ type: 'block_actions', action_id: ACTION_IDS.retryAll }, retry);

  const approval = approvalAction(deps, groups, installation);
  app.action<ButtonClick>({ type: 'block_actions', action_id: ACTION_IDS.approve }, approval);
  app.action<ButtonClick>({ type: 'block_actions', action_id: ACTION_IDS.reject }, approval);

  app.action<ButtonClick>(
    { type: 'block_actions', action_id: ACTION_IDS.stop },
    stopAction(deps, groups, installation),
  );

  app.action<BlockAction<StaticSelectAction>>(
    { type: 'block_actions', action_id: ACTION_IDS.snooze },
    snoozeAction(deps, installation),
  );

  app.action({ type: 'block_actions', action_id: ACTION_IDS.openConsole }, linkButtonAction);
  app.action({ type: 'block_actions', action_id: ACTION_IDS.viewLogs }, linkButtonAction);

  app.view({ type: 'view_submission', callback_id: APPROVAL_CALLBACK_ID }, approvalSubmitView(deps, groups));
  app.view({ type: 'view_submission', callback_id: STOP_CALLBACK_ID }, stopSubmitView(deps, groups));
}
