// (Slack listener) /pipewatch <text> --> parseCommand --> one subcommand --> ephemeral answer via response_url
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { type Command, InvalidCommandError, parseCommand } from '../../../../core/commands';
import { InvalidSubscriptionError } from '../../../../core/subscriptions';
import { escapeMrkdwn } from '../../../escape';
import { DEFAULT_COMMAND, type SlackAppDeps } from '../../deps';
import { channelOfCommand } from '../../slack-context';
import { describeError } from '../../slack-errors';
import type { CommandAnswer, CommandContext } from './command-context';
import { help } from './help';
import { list } from './list';
import { status } from './status';
import { subscribe } from './subscribe';
import { unsubscribe } from './unsubscribe';

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
    const context: CommandContext = {
      deps,
      channel: channelOfCommand(command),
      userId: command.user_id,
      command: command.command || (deps.command ?? DEFAULT_COMMAND),
    };
    const answer = await answerCommand(context, command.text);
    await respond({ response_type: answer.inChannel ? 'in_channel' : 'ephemeral', text: answer.text });
  };
}

export async function answerCommand(context: CommandContext, text: string): Promise<CommandAnswer> {
  let parsed: Command;
  try {
    parsed = parseCommand(text);
  } catch (error) {
    if (!(error instanceof InvalidCommandError)) throw error;
    return {
      text: escapeMrkdwn(
        `${error.reason}\nUsage: \`${context.command} ${error.usage}\`\n\`${context.command} help\` lists every command.`,
      ),
    };
  }
  try {
    return await run(context, parsed);
  } catch (error) {
    // The core's typed refusals (e.g. a pattern over EventBridge's size quota) are words for the person.
    if (error instanceof InvalidCommandError || error instanceof InvalidSubscriptionError) {
      return { text: escapeMrkdwn(error.message) };
    }
    context.deps.log.error('command failed', {
      command: parsed.kind,
      channel: context.channel,
      error: describeError(error),
    });
    return {
      text: escapeMrkdwn(
        `Sorry, \`${parsed.kind}\` failed inside pipewatch; nothing else was changed. Try again in a moment.`,
      ),
    };
  }
}

function run(context: CommandContext, command: Command): Promise<CommandAnswer> | CommandAnswer {
  switch (command.kind) {
    case 'subscribe':
      return subscribe(context, command.subscription);
    case 'unsubscribe':
      return unsubscribe(context, command.target);
    case 'list':
      return list(context);
    case 'status':
      return status(context, command.pipeline);
    case 'help':
      return help(context, command.topic);
  }
}
