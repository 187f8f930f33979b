// (Lambda entry point) API Gateway HTTP API POST /api/messages --> the Teams app, built once per cold start (src/app/teams-app.ts)
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { teamsAppFromEnvironment } from '../src/app/teams-app';

const app = teamsAppFromEnvironment();

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return app(event);
}
