// (teams) the Teams SDK App in Lambda: inbound checks --> SDK (JWT) --> listeners (commands, install, buttons) --> the core

import { type CloudEnvironment, PUBLIC, withOverrides } from '@microsoft/teams.api';
import { App } from '@microsoft/teams.apps';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ButtonDeps } from '../../core/actions';
import type { CommandDeps } from '../../core/commands';
import type { ChannelAddresses, ConversationStore, PipelineClient } from '../../core/ports';
import type { GraphGroups } from '../graph-groups';
import { type InboundActivity, tenantOf } from '../teams-context';
import { type ActivityReplays, refuseReplays } from './activity-replays';
import { json, jsonBody, LambdaHttpAdapter } from './lambda-http-adapter';
import { onCardAction } from './listeners/card-action';
import { onInstallChange } from './listeners/install';
import { onMessage } from './listeners/message';
import { type RequestScope, requestScope, tokenExpiry } from './request-scope';
import { sdkLogger } from './sdk-logger';

/** What the listeners log (the project logger and a test's recording logger both fit). */
export interface TeamsAppLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The core's command and button ports, and what only Teams needs. */
export interface TeamsAppDeps
  extends Omit<CommandDeps, 'policy'>,
    Omit<ButtonDeps, 'pipelinesIn' | 'log' | 'conversations'> {
  /** The client for a pipeline in another region (a button names its pipeline's region). */
  readonly pipelinesIn?: (region: string, account?: string) => PipelineClient;
  /**
   * The notify path's conversations: a click must be on a card pipewatch posted (its message id is
   * recorded there), and a retry is noted in it.
   */
  readonly conversations: Pick<ConversationStore, 'read' | 'writeState'>;
  /** Where the notify function will find each channel's service URL and conversation. */
  readonly addresses: ChannelAddresses;
  /** Entra group membership through Microsoft Graph, when enabled: the policy may then name groups. */
  readonly groups?: GraphGroups;
  readonly log: TeamsAppLogger;
}

export interface TeamsAppOptions {
  /** The bot's Microsoft app id (the Entra app registration's client id): the tokens' audience. */
  readonly appId: string;
  /** The bot's own tenant (single-tenant bots): where its outbound token comes from. */
  readonly tenantId: string;
  /** The outbound token for the Bot Connector (client credentials; see src/teams/bot-token.ts). */
  readonly token: () => Promise<string>;
  /** The tenants whose activities are served; the bot's own tenant is always one. */
  readonly allowedTenants: readonly string[];
  /**
   * Where inbound tokens are checked: Microsoft's public cloud by default; the local mode and the
   * tests point `openIdMetadataUrl` and `tokenIssuer` at a local identity with real keys.
   */
  readonly cloud?: Partial<CloudEnvironment>;
  /** Every accepted activity, remembered while its token is valid: a replayed one is refused. */
  readonly replays: ActivityReplays;
  readonly deps: TeamsAppDeps;
}

export type TeamsLambdaHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The Teams function: the Teams SDK's App (JWT validation: RS256, issuer, audience, keys from the
 * OpenID metadata's JWKS, refreshed on an unknown key id, the `serviceurl` claim equal to the
 * activity's) behind a Lambda HTTP adapter, with pipewatch's own checks around it.
 *
 * A Bot Framework token signs neither the body nor the activity: what binds a request to this
 * install is checked here, before the SDK: a JSON body, `channelId` msteams, an activity id, a
 * `serviceUrl` (the SDK compares the token's `serviceurl` claim only with one that is present),
 * the bot itself as the recipient (`28:<app id>`), and one tenant, an allowed one (the
 * conversation's and the channel data's agree). After the SDK's JWT check, a replayed activity id
 * is refused (activity-replays.ts). Anything refused is a 401, logged, and does nothing; a click
 * on a card pipewatch did not post is a 403 (listeners/card-action.ts).
 */
export async function createTeamsLambdaHandler(options: TeamsAppOptions): Promise<TeamsLambdaHandler> {
  const { deps } = options;
  const adapter = new LambdaHttpAdapter();
  const app = new App({
    clientId: options.appId,
    tenantId: options.tenantId,
    // Never CLIENT_SECRET from the environment, never MSAL (it refuses http:// login URLs): our token.
    token: () => options.token(),
    httpServerAdapter: adapter,
    dangerouslyAllowUnauthenticatedRequests: false,
    cloud: withOverrides(PUBLIC, options.cloud ?? {}),
    logger: sdkLogger(deps.log),
    activity: { mentions: { stripText: false } },
  });
  // First: runs after the JWT check and before every listener.
  app.use(refuseReplays(options.replays, deps.log));
  app.on('message', (context) => onMessage(context, deps));
  app.on('install.add', (context) => onInstallChange(context, deps, 'installed'));
  app.on('install.remove', (context) => onInstallChange(context, deps, 'uninstalled'));
  app.on('conversationUpdate', (context) => onInstallChange(context, deps));
  app.on('card.action', (context) => onCardAction(context, deps));
  await app.initialize();

  const allowed = new Set([options.tenantId, ...options.allowedTenants]);
  const bot = `28:${options.appId}`.toLowerCase();
  return async (event) => {
    const body = jsonBody(event);
    const activity = typeof body === 'object' && body !== null ? (body as InboundActivity) : undefined;
    if (activity === undefined) return refuse(deps.log, 400, 'not a JSON activity');
    const refusal = inboundRefusal(activity, allowed, bot);
    if (refusal !== undefined) return refuse(deps.log, 401, refusal.why, refusal.fields);
    const scope: RequestScope = { tokenExpiresAt: tokenExpiry(authorizationOf(event)) };
    const response = await requestScope.run(scope, () => adapter.handle(event, body));
    // A refusal after the JWT check (a replay, a foreign card) was logged where it was decided.
    if (scope.refusal !== undefined) return json(scope.refusal.status, { error: ERRORS[scope.refusal.status] });
    if (response.statusCode === 401) {
      deps.log.warn('refused a Teams request: its token did not validate', { tenant: tenantOf(activity) });
    }
    return response;
  };
}

/**
 * Why an activity is not for this install, before its token is checked (undefined when it is):
 * everything here is in the unsigned body, so each is a claim the token cannot vouch for.
 */
function inboundRefusal(
  activity: InboundActivity,
  allowed: ReadonlySet<string>,
  bot: string,
): { readonly why: string; readonly fields?: Readonly<Record<string, unknown>> } | undefined {
  if (activity.channelId !== 'msteams') return { why: 'not a Microsoft Teams activity' };
  const tenant = tenantOf(activity);
  const channelTenant = activity.channelData?.tenant?.id;
  if (tenant === undefined || !allowed.has(tenant)) {
    return { why: 'a tenant this install does not serve', fields: { tenant: String(tenant).slice(0, 64) } };
  }
  if (channelTenant !== undefined && channelTenant !== tenant) {
    return {
      why: 'the conversation and the channel data name different tenants',
      fields: { tenant, channelTenant: String(channelTenant).slice(0, 64) },
    };
  }
  if (typeof activity.serviceUrl !== 'string' || activity.serviceUrl === '') {
    return { why: 'an activity without a serviceUrl', fields: { tenant } };
  }
  if (typeof activity.id !== 'string' || activity.id === '') {
    // Not told from a replay of it (activity-replays.ts): Teams gives every activity an id.
    return { why: 'an activity without an id', fields: { tenant } };
  }
  const recipient = activity.recipient?.id;
  if (typeof recipient !== 'string' || recipient.toLowerCase() !== bot) {
    return {
      why: 'an activity for another bot',
      fields: { tenant, recipient: String(recipient).slice(0, 64) },
    };
  }
  return undefined;
}

const ERRORS = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service unavailable' } as const;

function authorizationOf(event: APIGatewayProxyEventV2): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization');
  return found?.[1];
}

function refuse(
  log: TeamsAppLogger,
  statusCode: number,
  why: string,
  fields: Readonly<Record<string, unknown>> = {},
): APIGatewayProxyStructuredResultV2 {
  log.warn(`refused a Teams request: ${why}`, fields);
  return json(statusCode, { error: statusCode === 400 ? 'Bad request' : 'Unauthorized' });
}
