// (Slack command) /pipewatch help [command]
import { type CommandName, helpText } from '../../../../core/commands';
import { escapeMrkdwn } from '../../../escape';
import type { CommandAnswer, CommandContext } from './command-context';

export function help(context: CommandContext, topic?: CommandName): CommandAnswer {
  return { text: escapeMrkdwn(helpText(context.command, topic)) };
}
