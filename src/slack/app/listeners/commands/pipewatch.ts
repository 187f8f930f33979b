// (Slack listener) /pipewatch <text> --> runCommand (core) --> ephemeral answer via response_url
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { runCommand } from '../../../../core/commands';
import { unescapeSlack } from '../../../command-text';
import { renderCommandAnswer } from '../../../render-command-answer';
import { DEFAULT_COMMAND, type SlackAppDeps } from '../../deps';
import { channelOfCommand } from '../../slack-context';

/**
 * Acknowledges at once with an empty body (Slack then shows nothing for the command itself),
 * then does the work and answers through response_url: rule operations are quick locally but
 * not always within Slack's 3 seconds on AWS. Every answer is ephemeral; a failure of pipewatch
 * itself is an answer too, never an HTTP error (Slack would show "operation_timeout" or
 * "dispatch_failed" instead of words).
 */
export function pipewatchCommand(deps: SlackAppDeps) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const context = {
      channel: channelOfCommand(command),
      userId: command.user_id,
      invocation: command.command || (deps.command ?? DEFAULT_COMMAND),
    };
    const answer = await runCommand(context, deps, unescapeSlack(command.text));
    await respond({ response_type: 'ephemeral', text: renderCommandAnswer(answer) });
  };
}
