// (local Teams) public API of the local Teams: the local Microsoft identity, the local Bot Connector, its tenant, faults, types
export { ADAPTIVE_CARD_CONTENT_TYPE, activityProblems, MAX_CARD_VERSION } from './activity-validation';
export {
  DEFAULT_CHATS,
  DEFAULT_MAX_ACTIVITY_BYTES,
  DEFAULT_TEAM,
  type LocalBotConnector,
  type LocalBotConnectorOptions,
  startLocalBotConnector,
} from './bot-connector';
export { BotConnectorError } from './connector-error';
export { type Fault, type FaultOperation, type FaultStatus, TeamsFaults } from './faults';
export {
  type AccessTokenOptions,
  type ActivityTokenOptions,
  BOT_FRAMEWORK_AUDIENCE,
  BOT_FRAMEWORK_ISSUER,
  BOT_FRAMEWORK_SCOPE,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_TENANT_ID,
  type IdentityCall,
  JWKS_PATH,
  type LocalIdentity,
  type LocalIdentityOptions,
  OPENID_METADATA_PATH,
  startLocalIdentity,
  type TokenForgery,
  type TokenTimes,
} from './identity';
export {
  type RateWindow,
  TEAMS_APP_LIMITS,
  TEAMS_RATE_LIMITS,
  TEAMS_THREAD_LIMITS,
  TeamsRateLimiter,
  type TeamsRateLimits,
} from './rate-limits';
export { LocalTeamsTenant } from './tenant';
export type {
  Activity,
  ChannelSpec,
  ChatSpec,
  ConnectorCall,
  ConnectorOperation,
  ConversationType,
  MessageRevision,
  MessageSource,
  TeamSpec,
  TeamsConversation,
  TeamsMessage,
  TenantChange,
} from './types';
