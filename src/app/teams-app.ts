// (composition root) the Teams function from its environment: AWS clients, the bot's credentials from SSM, the Teams app's ports
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoDbChannelAddresses } from '../aws/dynamodb-channel-addresses';
import { DynamoDbRequestReplays } from '../aws/dynamodb-request-replays';
import { authorizationPolicyLocation, loadAuthorizationPolicy, SecretParameters } from '../aws/ssm-secrets';
import { requireEnvironment } from '../config/environment';
import type { PolicySource } from '../core/actions';
import { createLogger } from '../log/logger';
import { ACTIVITY_REPLAY_KEEP_SECONDS } from '../teams/app/activity-replays';
import { createTeamsLambdaHandler, type TeamsLambdaHandler } from '../teams/app/create-teams-app';
import { BotTokenProvider } from '../teams/bot-token';
import { GraphGroups } from '../teams/graph-groups';
import { activityOf } from '../teams/render-adaptive-card';
import { TeamsChatPoster } from '../teams/teams-chat-poster';
import {
  type ChatAppLogger,
  type ChatFunctionClients,
  chatAppDepsFor,
  chatFunctionClients,
  snoozeSchedulesFor,
} from './chat-app-deps';
import { memberRolesFor } from './member-roles';
import { fullLog } from './run-announcer';
import { allowedTenants, teamsCloud, teamsCredentials } from './teams/teams-settings';

/** Client credentials for Microsoft Graph (the optional group checks). */
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface TeamsAppOverrides {
  /** The AWS clients (built from the environment by default: endpoints, region, credentials). */
  readonly clients?: ChatFunctionClients;
  readonly log?: ChatAppLogger;
  /** The authorization policy (the local mode reads local/authorization.json); by default from the environment and SSM. */
  readonly policy?: PolicySource;
  readonly policyLocation?: string;
  /** Milliseconds since the epoch, for click claims and the replay memory (tests move it on). */
  readonly now?: () => number;
}

/** The Teams variables this function cannot work without. */
const REQUIRED = [
  'PIPEWATCH_TEAMS_APP_ID_PARAM',
  'PIPEWATCH_TEAMS_CLIENT_SECRET_PARAM',
  'PIPEWATCH_TEAMS_TENANT_ID_PARAM',
  'PIPEWATCH_NOTIFY_FUNCTION_ARN',
] as const;

/**
 * The Teams function as deployed (handlers/teams.ts) and as the local mode runs it. The environment
 * is checked at once; the bot's app id, client secret and tenant are read from SSM on the first
 * request (a failed read is not kept: the next request tries again). The outbound token comes from
 * the bot's tenant by client credentials (BotTokenProvider), never from the SDK's MSAL or from
 * CLIENT_ID/CLIENT_SECRET variables.
 */
export function teamsAppFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  overrides: TeamsAppOverrides = {},
): TeamsLambdaHandler {
  const environment = requireEnvironment(REQUIRED, env);
  const log = overrides.log ?? createLogger({ level: environment.PIPEWATCH_LOG_LEVEL, fields: { function: 'teams' } });
  const clients = overrides.clients ?? chatFunctionClients();
  const secrets = new SecretParameters({ client: clients.ssm });
  const policy = overrides.policy ?? (() => loadAuthorizationPolicy(environment, secrets));
  const policyLocation =
    overrides.policy === undefined ? authorizationPolicyLocation(environment) : overrides.policyLocation;
  const region = env.AWS_REGION;

  const build = async (): Promise<TeamsLambdaHandler> => {
    const credentials = teamsCredentials(environment, secrets);
    const { appId, tenantId } = await credentials.identity();
    const tokens = new BotTokenProvider({
      tenantId,
      credentials: credentials.client,
      ...(environment.PIPEWATCH_TEAMS_LOGIN_ENDPOINT === undefined
        ? {}
        : { loginEndpoint: environment.PIPEWATCH_TEAMS_LOGIN_ENDPOINT }),
    });
    const login =
      environment.PIPEWATCH_TEAMS_LOGIN_ENDPOINT === undefined
        ? {}
        : { loginEndpoint: environment.PIPEWATCH_TEAMS_LOGIN_ENDPOINT };
    // Optional: Entra groups in the policy, through Microsoft Graph with a token of its own scope.
    const graph =
      environment.PIPEWATCH_TEAMS_GRAPH_GROUPS === 'true'
        ? new GraphGroups({
            token: new BotTokenProvider({ tenantId, credentials: credentials.client, scope: GRAPH_SCOPE, ...login })
              .token,
            ...(environment.PIPEWATCH_TEAMS_GRAPH_URL === undefined
              ? {}
              : { graphUrl: environment.PIPEWATCH_TEAMS_GRAPH_URL }),
          })
        : undefined;
    const addresses = new DynamoDbChannelAddresses({ client: clients.dynamo, tableName: environment.PIPEWATCH_TABLE });
    return createTeamsLambdaHandler({
      appId,
      tenantId,
      token: () => tokens.token(),
      allowedTenants: allowedTenants(environment),
      cloud: teamsCloud(environment),
      // Every accepted activity is remembered in the table while its token is valid: a replay is refused.
      replays: new DynamoDbRequestReplays({
        client: clients.dynamo,
        tableName: environment.PIPEWATCH_TABLE,
        keepSeconds: ACTIVITY_REPLAY_KEEP_SECONDS,
        ...(overrides.now === undefined ? {} : { now: overrides.now }),
      }),
      deps: {
        ...chatAppDepsFor({
          eventBridge: clients.eventBridge,
          codePipeline: clients.codePipeline,
          dynamo: clients.dynamo,
          ...(clients.serviceQuotas === undefined ? {} : { serviceQuotas: clients.serviceQuotas }),
          ...(region === undefined || region === '' ? {} : { region }),
          busName: environment.PIPEWATCH_EVENT_BUS,
          notifyFunctionArn: environment.PIPEWATCH_NOTIFY_FUNCTION_ARN,
          ...(environment.PIPEWATCH_DLQ_ARN === undefined ? {} : { deadLetterArn: environment.PIPEWATCH_DLQ_ARN }),
          tableName: environment.PIPEWATCH_TABLE,
          ...snoozeSchedulesFor(environment, clients),
          ...memberRolesFor(environment, { secrets, log, sessionName: 'pipewatch-teams', region, sts: clients.sts }),
          policy,
          ...(policyLocation === undefined ? {} : { policyLocation }),
          log,
          ...(overrides.now === undefined ? {} : { now: overrides.now }),
          // `run` posts the execution's card at once, as notify would, and links to it.
          chat: new TeamsChatPoster({
            addresses,
            token: (options) => tokens.token(options),
            render: (message, as) => activityOf(message, { as }),
            log: fullLog(log),
          }),
        }),
        addresses,
        ...(graph === undefined ? {} : { groups: graph }),
      },
    });
  };

  let built: Promise<TeamsLambdaHandler> | undefined;
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return (await built)(event);
  };
}
