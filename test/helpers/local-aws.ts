import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type LocalAws, type LocalAwsOptions, startLocalAws } from '../../src/local/aws';

export interface LocalAwsClients {
  aws: LocalAws;
  eventBridge: EventBridgeClient;
  codePipeline: CodePipelineClient;
  dynamo: DynamoDBClient;
  ssm: SSMClient;
  scheduler: SchedulerClient;
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
  const scheduler = new SchedulerClient(config);
  return {
    aws,
    eventBridge,
    codePipeline,
    dynamo,
    ssm,
    scheduler,
    async stop() {
      scheduler.destroy();
      eventBridge.destroy();
      ssm.destroy();
      codePipeline.destroy();
      dynamo.destroy();
      await aws.stop();
    },
  };
}
