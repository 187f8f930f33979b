// (core) public API of commands: parsing the text a person typed, and running it as a use case
/** Public API of commands: parsing the text a person typed, and running it as a use case. */
export type { Command, CommandName, UnsubscribeTarget } from './command';
export { InvalidCommandError } from './errors';
export { parseCommand } from './parse-command';
export { type ChannelSubscription, channelSubscriptions, subscriptionLine } from './run/channel-subscriptions';
export {
  type CommandAnswer,
  type CommandContext,
  type CommandDeps,
  type RunAnnouncementRequest,
  type RunLink,
  textAnswer,
} from './run/command-context';
export { ruleStoreRefusal } from './run/rule-store-refusal';
export { runCommand } from './run/run-command';
export { MAX_RULE_DESCRIPTION_LENGTH, subscriptionTags } from './run/subscribe-channel';
export { unsubscribeChannel } from './run/unsubscribe-channel';
export { tokenize } from './tokenize';
export { COMMAND_NAMES, helpText, USAGE } from './usage';
