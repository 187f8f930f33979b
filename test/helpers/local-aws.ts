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
import { type LocalAws, type LocalAwsOptions, startLocalAws } from '../../src/local/aws';
import { decideApprovalInConsole } from './console-approval';

export interface LocalAwsClients {
  aws: LocalAws;
  eventBridge: EventBridgeClient;
  codePipeline: CodePipelineClient;
  dynamo: DynamoDBClient;
  ssm: SSMClient;
  /** The DLQ (SQS) and Lambda Invoke of the functions registered in `aws.lambdas`, as the redrive uses them. */
  sqs: SQSClient;
  lambda: LambdaClient;
  codeBuild: CodeBuildClient;
  logs: CloudWatchLogsClient;
  scheduler: SchedulerClient;
  /** GetServiceQuota: the bus's rules quota, as `status` and `subscribe` read it. */
  serviceQuotas: ServiceQuotasClient;
  /** AssumeRole into another account's member role (the local STS). */
  sts: STSClient;
  stop(): Promise<void>;
}

/** Starts the local AWS on a free loopback port, and the real SDK v3 clients (the ones pipewatch's adapters take) pointed at it. */
export async function startLocalAwsWithClients(options: LocalAwsOptions = {}): Promise<LocalAwsClients> {
  const aws = await startLocalAws({ port: 0, users: [CONSOLE_USER], ...options });
  const config = {
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { ...aws.credentials },
    maxAttempts: 1,
  };
  const eventBridge = new EventBridgeClient(config);
  const codePipeline = new CodePipelineClient(config);
  const dynamo = new DynamoDBClient(config);
  const ssm = new SSMClient(config);
  const sqs = new SQSClient(config);
  const lambda = new LambdaClient(config);
  const codeBuild = new CodeBuildClient(config);
  const logs = new CloudWatchLogsClient(config);
  const scheduler = new SchedulerClient(config);
  const serviceQuotas = new ServiceQuotasClient(config);
  const sts = new STSClient(config);
  return {
    aws,
    eventBridge,
    codePipeline,
    dynamo,
    ssm,
    sqs,
    lambda,
    codeBuild,
    logs,
    scheduler,
    serviceQuotas,
    sts,
    async stop() {
      serviceQuotas.destroy();
      sts.destroy();
      codeBuild.destroy();
      logs.destroy();
      scheduler.destroy();
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

/** What `sign` takes: the SDK's HttpRequest, as far as a raw request needs it. */
interface SignableRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

/** Any SDK v3 client, for its SigV4 signer (its credentials, region and signing name). */
export interface SigningClient {
  config: {
    signer: (
      authScheme?: never,
    ) => Promise<{ sign(request: SignableRequest): Promise<{ headers: Record<string, string> }> }>;
  };
}

/**
 * The headers of a POST to the local AWS signed by `client`'s own SigV4 signer, as the SDK signs its
 * requests; `host` signs another Host than the endpoint's (what a page under another name would send).
 */
export async function signedHeaders(
  client: SigningClient,
  endpoint: string,
  headers: Record<string, string>,
  body: string,
  host = new URL(endpoint).host,
): Promise<Record<string, string>> {
  const url = new URL(endpoint);
  const signer = await client.config.signer();
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host, ...headers },
    body,
  });
  return signed.headers;
}

/** A raw POST to the local AWS, signed by `client`: for bodies the SDK's types would not let through (a wrong type, an unknown operation). */
export async function signedPost(
  client: SigningClient,
  endpoint: string,
  headers: Record<string, string>,
  body: string,
): Promise<Response> {
  return fetch(endpoint, { method: 'POST', headers: await signedHeaders(client, endpoint, headers, body), body });
}

/** A person of the local AWS with an IAM user and key of their own (every stack above knows her): who decides "in the console". */
export const CONSOLE_USER = {
  userName: 'jane',
  accessKeyId: 'AKIALOCALJANE0000000',
  secretAccessKey: 'jane-local-secret',
} as const;
export const CONSOLE_USER_ARN = 'arn:aws:iam::000000000000:user/jane';

/**
 * Answers myPipeline's waiting approval as the console user (jane) does in the console: the token
 * GetPipelineState shows, then PutApprovalResult signed with her own key.
 */
export async function decideAsConsoleUser(
  local: LocalAwsClients,
  status: 'Approved' | 'Rejected',
  summary: string,
): Promise<void> {
  const client = new CodePipelineClient({
    endpoint: local.aws.endpoint,
    region: local.aws.region,
    credentials: { accessKeyId: CONSOLE_USER.accessKeyId, secretAccessKey: CONSOLE_USER.secretAccessKey },
    maxAttempts: 1,
  });
  try {
    await decideApprovalInConsole(client, status, summary);
  } finally {
    client.destroy();
  }
}
