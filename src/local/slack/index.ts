// (local Slack) public API of the local Slack: startLocalSlack, the workspace, faults, request signing, its types
export { type Fault, SlackFaults } from './faults';
export { formatTs, TS_PATTERN } from './message-ts';
export { WARNING_LONG_TEXT, WARNING_MISSING_TEXT } from './methods/message-content';
export { LocalSlackStateError, SLACK_STATE_FILE } from './persistence';
export {
  SLACK_RATE_LIMITS,
  SLACK_TIER,
  SlackRateLimiter,
  type SlackRateLimits,
  type TokenBucketRate,
  TokenBuckets,
} from './rate-limits';
export { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS } from './response-url-registry';
export { DEFAULT_CHANNELS, DEFAULT_USERS, type LocalSlack, type LocalSlackOptions, startLocalSlack } from './server';
export {
  blockActionsBody,
  type SlackSignatureHeaders,
  type SlashCommandFields,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from './sign-request';
export { TRIGGER_TTL_MS } from './trigger-ids';
export type {
  ApiCall,
  Block,
  ChannelSpec,
  EphemeralMessage,
  MessageRevision,
  MessageSource,
  OpenedView,
  SlackChannel,
  SlackMessage,
  UsergroupSpec,
  UserSpec,
  WorkspaceChange,
} from './types';
export { LocalWorkspace, type SavedWorkspace } from './workspace';
