// (adapter wiring) the one place that builds AWS SDK clients for the handlers
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';

/**
 * Settings shared by every client. What is deliberately *not* here:
 * - `endpoint`: the SDK reads AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) itself, which is how
 *   `pipewatch local` points the unchanged handlers at the local AWS; passing an endpoint here would
 *   override that.
 * - credentials: the Lambda role's, from the environment, via the default provider chain.
 * - keep-alive: the SDK's Node handler already reuses connections (keepAlive agents), which matters
 *   in a warm Lambda where each TLS handshake costs tens of milliseconds.
 */
export interface AwsClientSettings {
  /** Default: AWS_REGION (set by Lambda), then AWS_DEFAULT_REGION, then the SDK's own lookup. */
  readonly region?: string;
  /**
   * Total tries per call, including the first. 3 (the SDK's standard) rides out throttling of the
   * 50-TPS EventBridge control plane and transient 5xx without stretching a Slack-facing handler
   * far past its 3-second answer window.
   */
  readonly maxAttempts?: number;
  /** Milliseconds to establish a connection; fail fast instead of hanging a Lambda. */
  readonly connectionTimeout?: number;
  /** Milliseconds of socket inactivity before a call is abandoned (and retried). */
  readonly requestTimeout?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The configuration object passed to every SDK client constructor. */
export function awsClientConfig(settings: AwsClientSettings = {}, env: NodeJS.ProcessEnv = process.env) {
  const region = settings.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
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

export function createCodePipelineClient(settings?: AwsClientSettings): CodePipelineClient {
  return new CodePipelineClient(awsClientConfig(settings));
}

export function createDynamoDbClient(settings?: AwsClientSettings): DynamoDBClient {
  return new DynamoDBClient(awsClientConfig(settings));
}

export function createSsmClient(settings?: AwsClientSettings): SSMClient {
  return new SSMClient(awsClientConfig(settings));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
