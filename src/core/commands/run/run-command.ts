// (core) the text after /pipewatch or @pipewatch --> parseCommand --> one use case --> a neutral answer
import { describeError } from '../../errors';
import { InvalidSubscriptionError } from '../../subscriptions';
import type { Command } from '../command';
import { InvalidCommandError } from '../errors';
import { parseCommand } from '../parse-command';
import { helpText } from '../usage';
import { busStatus } from './bus-rules';
import { listSubscriptions } from './channel-subscriptions';
import { type CommandAnswer, type CommandContext, type CommandDeps, textAnswer } from './command-context';
import { pipelineStatus } from './pipeline-status';
import { runPipeline } from './run-pipeline';
import { snoozePipeline, unsnoozePipeline } from './snooze-pipeline';
import { subscribeChannel } from './subscribe-channel';
import { unsubscribeChannel } from './unsubscribe-channel';

/**
 * 1. Parse; a command that does not parse is answered with the reason and the usage line.
 * 2. Run it against the channel it was typed in.
 * 3. The core's typed refusals (a pattern over EventBridge's size quota, a full bus) are words
 *    for the person; anything else is pipewatch's failure: logged, and answered with an apology
 *    that says nothing was changed. No error escapes: every outcome is an answer.
 */
export async function runCommand(context: CommandContext, deps: CommandDeps, text: string): Promise<CommandAnswer> {
  let parsed: Command;
  try {
    parsed = parseCommand(text);
  } catch (error) {
    if (!(error instanceof InvalidCommandError)) throw error;
    return textAnswer(
      `${error.reason}\nUsage: \`${context.invocation} ${error.usage}\`\n\`${context.invocation} help\` lists every command.`,
    );
  }
  try {
    return await run(context, deps, parsed);
  } catch (error) {
    if (error instanceof InvalidCommandError || error instanceof InvalidSubscriptionError) {
      return textAnswer(error.message);
    }
    deps.log.error('command failed', { command: parsed.kind, channel: context.channel, error: describeError(error) });
    return textAnswer(
      `Sorry, \`${parsed.kind}\` failed inside pipewatch; nothing else was changed. Try again in a moment.`,
    );
  }
}

function run(context: CommandContext, deps: CommandDeps, command: Command): Promise<CommandAnswer> | CommandAnswer {
  switch (command.kind) {
    case 'subscribe':
      return subscribeChannel(context, deps, command.subscription, command.allowMissing);
    case 'unsubscribe':
      return unsubscribeChannel(context, deps, command.target);
    case 'list':
      return listSubscriptions(context, deps);
    case 'status':
      return command.pipeline === undefined ? busStatus(deps) : pipelineStatus(deps, command.pipeline);
    case 'snooze':
      return snoozePipeline(context, deps, command.pipeline, command.durationMs);
    case 'unsnooze':
      return unsnoozePipeline(context, deps, command.pipeline);
    case 'run':
      return runPipeline(context, deps, command.pipeline);
    case 'help':
      return textAnswer(helpText(context.invocation, command.topic));
  }
}
