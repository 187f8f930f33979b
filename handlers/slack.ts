// (entry) API Gateway HTTP API POST /slack/events --> the Slack app (built once per cold start)
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  createCodePipelineClient,
  createDynamoDbClient,
  createEventBridgeClient,
  createSsmClient,
} from '../src/aws/clients';
import { CodePipelinePipelineClient } from '../src/aws/codepipeline-client';
import { DynamoDbClickClaims } from '../src/aws/dynamodb-click-claims';
import { EventBridgeRuleStore } from '../src/aws/eventbridge-rule-store';
import { loadAuthorizationPolicy, SecretParameters } from '../src/aws/ssm-secrets';
import { requireEnvironment } from '../src/config/environment';
import { createLogger } from '../src/log/logger';
import { createSlackLambdaHandler, type SlackLambdaHandler } from '../src/slack/app/lambda-handler';

const environment = requireEnvironment([
  'PIPEWATCH_SLACK_SIGNING_SECRET_PARAM',
  'PIPEWATCH_SLACK_BOT_TOKEN_PARAM',
  'PIPEWATCH_NOTIFY_FUNCTION_ARN',
]);
const log = createLogger({ level: environment.PIPEWATCH_LOG_LEVEL, fields: { function: 'slack' } });
const secrets = new SecretParameters({ client: createSsmClient() });

/**
 * The secrets are read from SSM on the first request, not at import: a failed read is not
 * cached, so the next request tries again instead of the instance staying broken.
 */
let built: Promise<SlackLambdaHandler> | undefined;

async function build(): Promise<SlackLambdaHandler> {
  const [signingSecret, botToken] = await Promise.all([
    secrets.get(environment.PIPEWATCH_SLACK_SIGNING_SECRET_PARAM),
    secrets.get(environment.PIPEWATCH_SLACK_BOT_TOKEN_PARAM),
  ]);
  const pipelines = new CodePipelinePipelineClient({
    client: createCodePipelineClient(),
    ...(process.env.AWS_REGION === undefined ? {} : { region: process.env.AWS_REGION }),
  });
  return createSlackLambdaHandler({
    signingSecret,
    bot: {
      botToken,
      botId: environment.PIPEWATCH_SLACK_BOT_ID,
      botUserId: environment.PIPEWATCH_SLACK_BOT_USER_ID,
    },
    ...(environment.PIPEWATCH_SLACK_API_URL === undefined ? {} : { slackApiUrl: environment.PIPEWATCH_SLACK_API_URL }),
    deps: {
      rules: new EventBridgeRuleStore({
        client: createEventBridgeClient(),
        busName: environment.PIPEWATCH_EVENT_BUS,
        targetArn: environment.PIPEWATCH_NOTIFY_FUNCTION_ARN,
        ...(environment.PIPEWATCH_DLQ_ARN === undefined ? {} : { deadLetterArn: environment.PIPEWATCH_DLQ_ARN }),
      }),
      pipelines,
      pipelinesIn: (region) => pipelines.inRegion(region),
      clicks: new DynamoDbClickClaims({ client: createDynamoDbClient(), tableName: environment.PIPEWATCH_TABLE }),
      // Read per click through the secrets cache, so an edited policy applies within its TTL.
      policy: () => loadAuthorizationPolicy(environment, secrets),
      log,
    },
  });
}

export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  built ??= build().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return (await built)(event, context);
}
