// (Slack listener) /pipewatch <text> --> runCommand (core) --> ephemeral answer via response_url
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { type AuthorizationPolicy, type AuthorizedAction, readablePolicy } from '../../../../core/actions';
import { runCommand } from '../../../../core/commands';
import { unescapeSlack } from '../../../command-text';
import { renderCommandAnswer } from '../../../render-command-answer';
import { slackPresser } from '../../click';
import { DEFAULT_COMMAND, type SlackAppDeps } from '../../deps';
import { channelOfCommand, SLACK_PLATFORM_NAME } from '../../slack-context';
import type { UserGroupResolver } from '../../user-groups';

/**
 * Acknowledges at once with an empty body (Slack then shows nothing for the command itself),
 * then does the work and answers through response_url: rule operations are quick locally but
 * not always within Slack's 3 seconds on AWS. Every answer is ephemeral; a failure of pipewatch
 * itself is an answer too, never an HTTP error (Slack would show "operation_timeout" or
 * "dispatch_failed" instead of words).
 */
export function pipewatchCommand(deps: SlackAppDeps, groups: UserGroupResolver) {
  return async ({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const person = { id: command.user_id, name: command.user_name };
    const context = {
      channel: channelOfCommand(command),
      userId: command.user_id,
      invocation: command.command || (deps.command ?? DEFAULT_COMMAND),
      // `run` is authorized as a button is: the user and the Slack user groups the policy names.
      user: (policy: AuthorizationPolicy, action: AuthorizedAction, pipeline: string) =>
        slackPresser(client, groups, pipeline, person)(policy, action),
      platformName: SLACK_PLATFORM_NAME,
    };
    const answer = await runCommand(
      context,
      { ...deps, policy: readablePolicy(deps.policy) },
      unescapeSlack(command.text),
    );
    await respond({ response_type: 'ephemeral', text: renderCommandAnswer(answer) });
  };
}
