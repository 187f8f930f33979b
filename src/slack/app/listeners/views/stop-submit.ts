// (Slack listener) stop modal submitted --> pressButton (core) --> StopPipelineExecution ("Stopped by <name> in Slack: <reason>")

import { slackUserMention } from '../../../action-outcome';
import { escapeMrkdwn } from '../../../escape';
import type { SlackAppDeps } from '../../deps';
import {
  STOP_MODE_ACTION_ID,
  STOP_MODE_BLOCK_ID,
  STOP_REASON_ACTION_ID,
  STOP_REASON_BLOCK_ID,
  stopModeOf,
} from '../../stop-modal';
import type { UserGroupResolver } from '../../user-groups';
import { readStopValue, type StopValue } from '../actions/stop';
import { modalSubmitView } from './approval-submit';

/**
 * Authorized again (the `stop` list), claimed once, then StopPipelineExecution with `abandon` from
 * the choice and the reason "Stopped by <name> in Slack: <reason>". Done: the message loses its
 * acting buttons and says who stopped it; the thread is told. The message then follows
 * CodePipeline's STOPPING and STOPPED events (notify), which carry the reason.
 */
export function stopSubmitView(deps: SlackAppDeps, groups: UserGroupResolver) {
  return modalSubmitView<StopValue>(deps, groups, {
    what: 'stop',
    read: (metadata) => readStopValue(metadata.value),
    answers: (view) => {
      const values = view.state.values;
      const selected = values[STOP_MODE_BLOCK_ID]?.[STOP_MODE_ACTION_ID]?.selected_option?.value;
      const reason = values[STOP_REASON_BLOCK_ID]?.[STOP_REASON_ACTION_ID]?.value?.trim() || undefined;
      return { stopMode: stopModeOf(selected), ...(reason === undefined ? {} : { comment: reason }) };
    },
    shown: (value, userId, { stopMode, comment }) => {
      const how = stopMode === 'abandon' ? 'Stopping (abandoning the actions in progress)' : 'Stopping';
      return {
        verb: stopMode === 'abandon' ? 'Stopped (abandon)' : 'Stopped (wait)',
        ...(comment ? { detail: comment } : {}),
        reply: `:octagonal_sign: ${how} ${escapeMrkdwn(value.pipeline)}, requested by ${slackUserMention(userId)}${comment ? `: ${escapeMrkdwn(comment)}` : ''}`,
      };
    },
  });
}
