// (Slack listener) Retry button --> retryStage --> CodePipeline RetryStageExecution
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { authorize, retryStage } from '../../../../core/actions';
import type { StageRetryMode } from '../../../../core/ports';
import { ACTION_IDS } from '../../../action-ids';
import { slackUserMention } from '../../../action-outcome';
import { type ButtonValue, parseButtonValue } from '../../../button-value';
import { escapeMrkdwn } from '../../../escape';
import { ALREADY_HANDLED, CLICK_CLAIM_TTL_SECONDS, clickedMessage, clickKey, showOutcome } from '../../click';
import { currentPolicy, logDecision, pipelinesFor, type SlackAppDeps } from '../../deps';
import type { UserGroupResolver } from '../../user-groups';

export type ButtonClickArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export const UNREADABLE_BUTTON =
  'This button could not be read: the message may be from an older or newer pipewatch. Nothing was changed.';

/**
 * 1. Ack at once (Slack's 3 seconds); everything else answers through the message, its thread
 *    or an ephemeral reply to the clicker.
 * 2. Authorize before claiming the click, so a refused click cannot block an allowed person's.
 * 3. Claim the click (double click: acts once), then retryStage; the decision is logged.
 * 4. Success: the message shows who retried, and a thread reply says so. Failure: the clicker
 *    alone is told; the message is left as it was.
 */
export function retryAction(deps: SlackAppDeps, groups: UserGroupResolver) {
  return async ({ ack, body, action, client, respond }: ButtonClickArgs): Promise<void> => {
    await ack();
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text: escapeMrkdwn(text) });
    // The mode comes from which button was pressed; a value claiming another mode was not written by pipewatch.
    const mode: StageRetryMode = action.action_id === ACTION_IDS.retryAll ? 'ALL_ACTIONS' : 'FAILED_ACTIONS';
    const value = readRetryValue(action.value, mode);
    if (value === undefined) {
      deps.log.warn('unreadable retry button', { actionId: action.action_id, user: body.user.id });
      await tell(UNREADABLE_BUTTON);
      return;
    }
    const policy = await currentPolicy(deps.policy);
    const user = await groups.chatUser(client, policy, 'retry', value.pipeline, {
      id: body.user.id,
      name: body.user.name ?? body.user.username,
    });
    const target = { pipeline: value.pipeline, stage: value.stage, executionId: value.executionId, mode };

    const authorization = authorize({ policy, action: 'retry', pipeline: value.pipeline, user });
    if (authorization.allowed) {
      const messageTs = body.message?.ts ?? String(body.container.message_ts ?? '');
      const first = await deps.clicks.claimClick(
        clickKey(messageTs, action.action_id, action.value ?? ''),
        CLICK_CLAIM_TTL_SECONDS,
      );
      if (!first) {
        deps.log.info('duplicate click', { actionId: action.action_id, user: user.id, pipeline: value.pipeline });
        await tell(ALREADY_HANDLED);
        return;
      }
    }

    // Refused: retryStage answers "forbidden" without calling CodePipeline, and builds the record to log.
    const result = await retryStage({ client: pipelinesFor(deps, value.region), policy, user, target });
    logDecision(deps.log, result.decision);
    if (!result.ok) {
      await tell(result.message);
      return;
    }
    const message = body.channel === undefined ? undefined : clickedMessage(body.channel.id, body.message);
    if (message === undefined) {
      await tell(result.message);
      return;
    }
    const verb = mode === 'ALL_ACTIONS' ? 'Retried all actions' : 'Retried';
    await showOutcome(
      client,
      deps.log,
      message,
      { verb, userId: user.id, at: new Date() },
      {
        removeActions: false,
        reply: `:repeat: ${escapeMrkdwn(result.message)} Requested by ${slackUserMention(user.id)}.`,
      },
    );
  };
}

function readRetryValue(
  raw: string | undefined,
  mode: StageRetryMode,
): Extract<ButtonValue, { kind: 'retry' }> | undefined {
  try {
    const value = parseButtonValue(raw ?? '');
    return value.kind === 'retry' && value.mode === mode ? value : undefined;
  } catch {
    return undefined;
  }
}
