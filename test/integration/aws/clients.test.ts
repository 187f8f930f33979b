import { ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import {
  awsClientConfig,
  createCodePipelineClient,
  createDynamoDbClient,
  createEventBridgeClient,
  createSsmClient,
  DEFAULT_MAX_ATTEMPTS,
} from '../../../src/aws/clients';
import { type LocalAws, startLocalAws } from '../../../src/local/aws';

/*
 * The handlers never pass an endpoint: `pipewatch local` sets AWS_ENDPOINT_URL and the clients (the
 * SDK v3 clients) read it. These tests set it before
 * constructing the clients, as the local mode does before a cold start.
 */

let aws: LocalAws;
const saved = process.env.AWS_ENDPOINT_URL;

beforeAll(async () => {
  aws = await startLocalAws({ port: 0 });
});
afterAll(async () => {
  if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = saved;
  await aws.stop();
});

describe('clients', () => {
  it('every client follows AWS_ENDPOINT_URL to the local AWS', async () => {
    process.env.AWS_ENDPOINT_URL = aws.endpoint;
    aws.ssm.setParameter('/pipewatch/clients/check', 'reached');

    const eventBridge = createEventBridgeClient();
    const codePipeline = createCodePipelineClient();
    const dynamo = createDynamoDbClient();
    const ssm = createSsmClient();
    try {
      const buses = await eventBridge.send(new ListEventBusesCommand({}));
      expect(buses.EventBuses?.map((bus) => bus.Name)).toContain('default');
      await expect(codePipeline.send(new ListPipelinesCommand({}))).resolves.toMatchObject({ pipelines: [] });
      await expect(dynamo.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: [] });
      const parameter = await ssm.send(
        new GetParameterCommand({ Name: '/pipewatch/clients/check', WithDecryption: true }),
      );
      expect(parameter.Parameter?.Value).toBe('reached');
    } finally {
      for (const client of [eventBridge, codePipeline, dynamo, ssm]) client.destroy();
    }
  });

  it('region from the settings, else AWS_REGION, else AWS_DEFAULT_REGION; sane retries and timeouts', async () => {
    expect(awsClientConfig({ region: 'eu-west-1' }, { AWS_REGION: 'us-east-1' }).region).toBe('eu-west-1');
    expect(awsClientConfig({}, { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-1' }).region).toBe('us-east-2');
    expect(awsClientConfig({}, { AWS_REGION: '', AWS_DEFAULT_REGION: 'us-west-1' }).region).toBe('us-west-1');
    expect(awsClientConfig({}, {})).not.toHaveProperty('region');
    const config = awsClientConfig({}, {});
    expect(config.maxAttempts).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(config.requestHandler.connectionTimeout).toBeGreaterThan(0);
    expect(config.cacheMiddleware).toBe(true);

    const client = createEventBridgeClient({ region: 'ap-southeast-2', maxAttempts: 5 });
    try {
      expect(await client.config.region()).toBe('ap-southeast-2');
      expect(await client.config.maxAttempts()).toBe(5);
    } finally {
      client.destroy();
    }
  });
});
