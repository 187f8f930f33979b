export type { Command, CommandName, UnsubscribeTarget } from './command';
export { InvalidCommandError } from './errors';
export { parseCommand } from './parse-command';
export { tokenize, unescapeSlack } from './tokenize';
export { COMMAND_NAMES, helpText, USAGE } from './usage';
