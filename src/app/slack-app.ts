// (composition root) the Slack function from its environment: AWS clients, secrets from SSM, the Bolt app's ports
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DynamoDbRequestReplays } from '../aws/dynamodb-request-replays';
import { authorizationPolicyLocation, loadAuthorizationPolicy, SecretParameters } from '../aws/ssm-secrets';
import { requireEnvironment } from '../config/environment';
import type { PolicySource } from '../core/actions';
import { createLogger } from '../log/logger';
import type { SlackAppLogger } from '../slack/app/deps';
import { createSlackLambdaHandler, type SlackLambdaHandler } from '../slack/app/lambda-handler';
import { REPLAY_KEEP_SECONDS } from '../slack/app/request-replays';
import { SlackChatPoster } from '../slack/slack-chat-poster';
import { type ChatFunctionClients, chatAppDepsFor, chatFunctionClients, snoozeSchedulesFor } from './chat-app-deps';
import { memberRolesFor } from './member-roles';
import { fullLog } from './run-announcer';

export interface SlackAppOverrides {
  /** The AWS clients (built from the environment by default: endpoints, region, credentials). */
  readonly clients?: ChatFunctionClients;
  readonly log?: SlackAppLogger;
  /** The authorization policy (the local mode reads local/authorization.json); by default from the environment and SSM. */
  readonly policy?: PolicySource;
  /** Where that policy lives, as a refused button names it (the local mode: its file). */
  readonly policyLocation?: string;
}

/**
 * The Slack function as deployed (handlers/slack.ts) and as the local mode runs it. The environment is checked at once (a
 * missing variable throws at the cold start, naming it); the secrets are read from SSM on the
 * first request, not at import: a failed read is not cached, so the next request tries again
 * instead of the instance staying broken.
 */
export function slackAppFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  overrides: SlackAppOverrides = {},
): SlackLambdaHandler {
  const environment = requireEnvironment(
    ['PIPEWATCH_SLACK_SIGNING_SECRET_PARAM', 'PIPEWATCH_SLACK_BOT_TOKEN_PARAM', 'PIPEWATCH_NOTIFY_FUNCTION_ARN'],
    env,
  );
  const log = overrides.log ?? createLogger({ level: environment.PIPEWATCH_LOG_LEVEL, fields: { function: 'slack' } });
  const clients = overrides.clients ?? chatFunctionClients();
  const secrets = new SecretParameters({ client: clients.ssm });
  // Read per click through the secrets cache, so an edited policy applies within its TTL.
  const policy = overrides.policy ?? (() => loadAuthorizationPolicy(environment, secrets));
  const policyLocation =
    overrides.policy === undefined ? authorizationPolicyLocation(environment) : overrides.policyLocation;
  const region = env.AWS_REGION;

  const build = async (): Promise<SlackLambdaHandler> => {
    const [signingSecret, botToken] = await Promise.all([
      secrets.get(environment.PIPEWATCH_SLACK_SIGNING_SECRET_PARAM),
      secrets.get(environment.PIPEWATCH_SLACK_BOT_TOKEN_PARAM),
    ]);
    return createSlackLambdaHandler({
      signingSecret,
      bot: {
        botToken,
        botId: environment.PIPEWATCH_SLACK_BOT_ID,
        botUserId: environment.PIPEWATCH_SLACK_BOT_USER_ID,
      },
      ...(environment.PIPEWATCH_SLACK_API_URL === undefined
        ? {}
        : { slackApiUrl: environment.PIPEWATCH_SLACK_API_URL }),
      // Requests from another workspace or app are refused; the team, when not configured, from auth.test.
      installation: { teamId: environment.PIPEWATCH_SLACK_TEAM_ID, appId: environment.PIPEWATCH_SLACK_APP_ID },
      // Every accepted request is remembered in the table for its signature's window: a replay is refused.
      replays: new DynamoDbRequestReplays({
        client: clients.dynamo,
        tableName: environment.PIPEWATCH_TABLE,
        keepSeconds: REPLAY_KEEP_SECONDS,
      }),
      deps: chatAppDepsFor({
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
        ...memberRolesFor(environment, { secrets, log, sessionName: 'pipewatch-slack', region, sts: clients.sts }),
        policy,
        ...(policyLocation === undefined ? {} : { policyLocation }),
        log,
        // `run` posts the execution's message at once, as notify would, and links to it.
        chat: new SlackChatPoster({
          token: botToken,
          ...(environment.PIPEWATCH_SLACK_API_URL === undefined
            ? {}
            : { slackApiUrl: environment.PIPEWATCH_SLACK_API_URL }),
          log: fullLog(log),
        }),
      }),
    });
  };

  let built: Promise<SlackLambdaHandler> | undefined;
  return async (event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return (await built)(event, context);
  };
}
