// (adapter wiring) the one place that builds the AWS SDK v3 clients of the composition roots
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import {
  type AwsClientSettings,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  environmentRegion,
} from './client-settings';

export type { AwsClientSettings } from './client-settings';
export { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT_MS } from './client-settings';

/**
 * The configuration every SDK client gets: the region, the attempts of the SDK's standard retry
 * mode, connection and socket timeouts, the middleware stack resolved once per command. Endpoints and credentials are left to the SDK, which reads
 * AWS_ENDPOINT_URL[_<SERVICE>] (how `pipewatch local` points the unchanged handlers at the local
 * AWS) and the Lambda role's credentials from the environment.
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
    // The middleware stack resolved once per command class, not per call (pipewatch adds none after
    // building a client). `npm run bench -- sdk-calls`: 1-11 % less CPU per call, near the noise.
    // (@aws-sdk/lib-dynamodb's document client refuses a client with it; pipewatch uses none.)
    cacheMiddleware: true,
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

export function createSqsClient(settings?: AwsClientSettings): SQSClient {
  return new SQSClient(awsClientConfig(settings));
}

export function createLambdaClient(settings?: AwsClientSettings): LambdaClient {
  return new LambdaClient(awsClientConfig(settings));
}

/** CodeBuild (BatchGetBuilds): a failed build's phases for the failure reply's triage. */
export function createCodeBuildClient(settings?: AwsClientSettings): CodeBuildClient {
  return new CodeBuildClient(awsClientConfig(settings));
}

/** CloudWatch Logs (GetLogEvents): the end of a failed build's log. */
export function createCloudWatchLogsClient(settings?: AwsClientSettings): CloudWatchLogsClient {
  return new CloudWatchLogsClient(awsClientConfig(settings));
}

export function createSchedulerClient(settings?: AwsClientSettings): SchedulerClient {
  return new SchedulerClient(awsClientConfig(settings));
}

/** Service Quotas (GetServiceQuota): the pipewatch bus's "Number of rules" quota, for `status` and `subscribe`. */
export function createServiceQuotasClient(settings?: AwsClientSettings): ServiceQuotasClient {
  return new ServiceQuotasClient(awsClientConfig(settings));
}

/** STS (AssumeRole) in the function's region: another account's member role, for its pipelines. */
export function createStsClient(settings?: AwsClientSettings): STSClient {
  return new STSClient(awsClientConfig(settings));
}
