// (core) public API of subscriptions: arguments <--> Subscription <--> event pattern, rule names, descriptions
export type { ChannelRef } from '../channels';
export { canonicalPatternJson } from './canonical-pattern-json';
export { describeSubscription } from './describe';
export { InvalidSubscriptionError } from './errors';
export { fromEventPattern } from './from-pattern';
export {
  buildFilterSubscription,
  parsePipelineList,
  parseSubscribeArguments,
  parseSubscriptionArguments,
  SUBSCRIBE_USAGE,
  type SubscribeArguments,
} from './parse-arguments';
export { CODEPIPELINE_SOURCE, restrictToCodePipeline } from './pattern-subscription';
export {
  channelRulePrefix,
  RULE_NAME,
  ruleKeyOf,
  ruleNameFor,
  subscriptionIdFor,
  subscriptionIdOfRule,
} from './rule-name';
export type { FilterSubscription, PatternSubscription, PipelineSelector, Subscription } from './subscription';
export { RESOURCE_NAME } from './subscription';
export { toCommandArguments } from './to-arguments';
export { eventPatternText, subscriptionRuleName, toEventPattern } from './to-pattern';
