import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type LocalAws, type LocalAwsOptions, startLocalAws } from '../../src/local/aws';

export interface LocalAwsClients {
  aws: LocalAws;
  eventBridge: EventBridgeClient;
  codePipeline: CodePipelineClient;
  dynamo: DynamoDBClient;
  ssm: SSMClient;
  codeBuild: CodeBuildClient;
  logs: CloudWatchLogsClient;
  stop(): Promise<void>;
}

/** Starts the local AWS on a free loopback port, and the real SDK v3 clients (the ones pipewatch's adapters take) pointed at it. */
export async function startLocalAwsWithClients(options: LocalAwsOptions = {}): Promise<LocalAwsClients> {
  const aws = await startLocalAws({ port: 0, ...options });
  const config = {
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  const eventBridge = new EventBridgeClient(config);
  const codePipeline = new CodePipelineClient(config);
  const dynamo = new DynamoDBClient(config);
  const ssm = new SSMClient(config);
  const codeBuild = new CodeBuildClient(config);
  const logs = new CloudWatchLogsClient(config);
  return {
    aws,
    eventBridge,
    codePipeline,
    dynamo,
    ssm,
    codeBuild,
    logs,
    async stop() {
      codeBuild.destroy();
      logs.destroy();
      eventBridge.destroy();
      ssm.destroy();
      codePipeline.destroy();
      dynamo.destroy();
      await aws.stop();
    },
  };
}
