// (teams) the Teams SDK App in Lambda: inbound checks --> SDK (JWT) --> listeners (commands, install, buttons) --> the core

import { type CloudEnvironment, PUBLIC, withOverrides } from '@microsoft/teams.api';
import { App } from '@microsoft/teams.apps';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ButtonDeps } from '../../core/actions';
import type { CommandDeps } from '../../core/commands';
import type { ChannelAddresses, PipelineClient } from '../../core/ports';
import type { GraphGroups } from '../graph-groups';
import { tenantOf } from '../teams-context';
import { json, jsonBody, LambdaHttpAdapter } from './lambda-http-adapter';
import { onCardAction } from './listeners/card-action';
import { onInstallChange } from './listeners/install';
import { onMessage } from './listeners/message';
import { sdkLogger } from './sdk-logger';

/** What the listeners log (the project logger and a test's recording logger both fit). */
export interface TeamsAppLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The core's command and button ports, and what only Teams needs. */
export interface TeamsAppDeps extends Omit<CommandDeps, 'policy'>, Omit<ButtonDeps, 'pipelinesIn' | 'log'> {
  /** The client for a pipeline in another region (a button names its pipeline's region). */
  readonly pipelinesIn?: (region: string) => PipelineClient;
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
  readonly deps: TeamsAppDeps;
}

export type TeamsLambdaHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The Teams function: the Teams SDK's App (JWT validation: RS256, issuer, audience, keys from the
 * OpenID metadata's JWKS, refreshed on an unknown key id, the `serviceurl` claim equal to the
 * activity's) behind a Lambda HTTP adapter, with pipewatch's own checks first: a JSON body,
 * `channelId` msteams and an allowed tenant. Anything refused is a 401, logged, and does nothing.
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
  app.on('message', (context) => onMessage(context, deps));
  app.on('install.add', (context) => onInstallChange(context, deps, 'installed'));
  app.on('install.remove', (context) => onInstallChange(context, deps, 'uninstalled'));
  app.on('conversationUpdate', (context) => onInstallChange(context, deps));
  app.on('card.action', (context) => onCardAction(context, deps));
  await app.initialize();

  const allowed = new Set([options.tenantId, ...options.allowedTenants]);
  return async (event) => {
    const body = jsonBody(event);
    const activity = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
    if (activity === undefined) return refuse(deps.log, 400, 'not a JSON activity');
    if (activity.channelId !== 'msteams') return refuse(deps.log, 401, 'not a Microsoft Teams activity');
    const tenant = tenantOf(activity);
    if (tenant === undefined || !allowed.has(tenant)) {
      return refuse(deps.log, 401, 'a tenant this install does not serve', { tenant: String(tenant).slice(0, 64) });
    }
    const response = await adapter.handle(event, body);
    if (response.statusCode === 401) deps.log.warn('refused a Teams request: its token did not validate', { tenant });
    return response;
  };
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
