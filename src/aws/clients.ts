// (adapter wiring) the one place that builds AWS clients for the handlers
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  type AwsClientSettings,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  environmentRegion,
} from './client-settings';
import { AwsJsonClient, CODEPIPELINE, DYNAMODB, SSM } from './json-client';

export type { AwsClientSettings } from './client-settings';
export { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT_MS } from './client-settings';

/**
 * The EventBridgeClient's configuration (AWS SDK v3). EventBridge rule management runs in the
 * Slack function only; DynamoDB, CodePipeline and SSM, which the notify function needs on its
 * cold start, are AwsJsonClients (src/aws/json-client.ts says why).
 */
export function awsClientConfig(settings: AwsClientSettings = {}, env: NodeJS.ProcessEnv = process.env) {
  const region = settings.region ?? environmentRegion(env);
  return {
    ...(region === undefined ? {} : { region }),
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: settings.connectionTimeout ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      requestTimeout: settings.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
    },
  };
}

export function createEventBridgeClient(settings?: AwsClientSettings): EventBridgeClient {
  return new EventBridgeClient(awsClientConfig(settings));
}

export function createCodePipelineClient(settings?: AwsClientSettings): AwsJsonClient {
  return new AwsJsonClient({ ...settings, service: CODEPIPELINE });
}

export function createDynamoDbClient(settings?: AwsClientSettings): AwsJsonClient {
  return new AwsJsonClient({ ...settings, service: DYNAMODB });
}

export function createSsmClient(settings?: AwsClientSettings): AwsJsonClient {
  return new AwsJsonClient({ ...settings, service: SSM });
}
