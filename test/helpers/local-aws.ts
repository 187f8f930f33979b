import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type LocalAws, type LocalAwsOptions, startLocalAws } from '../../src/local/aws';

export interface LocalAwsClients {
  aws: LocalAws;
  eventBridge: EventBridgeClient;
  codePipeline: CodePipelineClient;
  dynamo: DynamoDBClient;
  ssm: SSMClient;
  /** The DLQ (SQS) and Lambda Invoke of the functions registered in `aws.lambdas`, as the redrive uses them. */
  sqs: SQSClient;
  lambda: LambdaClient;
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
  const sqs = new SQSClient(config);
  const lambda = new LambdaClient(config);
  return {
    aws,
    eventBridge,
    codePipeline,
    dynamo,
    ssm,
    sqs,
    lambda,
    async stop() {
      eventBridge.destroy();
      ssm.destroy();
      sqs.destroy();
      lambda.destroy();
      codePipeline.destroy();
      dynamo.destroy();
      await aws.stop();
    },
  };
}
