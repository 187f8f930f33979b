// (Lambda entry point) API Gateway HTTP API POST /slack/events --> the Slack app, built once per cold start (src/app/slack-app.ts)
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { slackAppFromEnvironment } from '../src/app/slack-app';

const app = slackAppFromEnvironment();

export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  return app(event, context);
}
