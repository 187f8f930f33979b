import {
  CodePipelineClient,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { LOCAL_AWS_CREDENTIALS } from '../../../src/local/aws';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { startDynamoDb } from '../../../src/local/aws/dynamodb';
import { CONSOLE_USER, type LocalAwsClients, signedPost, startLocalAwsWithClients } from '../../helpers/local-aws';
import { rawRequest } from '../../helpers/raw-http';

/*
 * The local AWS answers only requests signed (SigV4) with its credentials, as AWS does: through the
 * real SDK v3 clients over loopback HTTP, each service refuses an unsigned request, a wrong secret,
 * an unknown key, a body changed after signing and a stale or future date, with the error type the
 * SDK raises for AWS's own refusals, and does nothing. The local credentials keep every client working.
 */

const FUNCTION = 'pipewatch-sigv4-notify';
const SECRET_PARAMETER = '/pipewatch/local/slack/bot-token';
let local: LocalAwsClients;
const invoked: unknown[] = [];

beforeAll(async () => {
  local = await startLocalAwsWithClients({ definitionsFile: SAMPLE_PIPELINES_FILE });
  local.aws.ssm.setParameter(SECRET_PARAMETER, 'xoxb-real-bot-token');
  local.aws.lambdas.register(`arn:aws:lambda:us-east-1:000000000000:function:${FUNCTION}`, async (input) => {
    invoked.push(input);
    return { ok: true };
  });
});
afterAll(() => local.stop());
beforeEach(() => {
  invoked.length = 0;
  local.aws.ssm.resetCallCounts();
});

interface ClientOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string };
  systemClockOffset?: number;
  maxAttempts?: number;
}

type Which = 'accepted' | 'refused';

/**
 * Each service's real SDK client and one call it makes, named after whether it should be accepted
 * or refused, and how to tell that no refused call did anything.
 */
const SERVICES = {
  events: {
    call: (o: ClientOptions, which: Which) =>
      send(
        new EventBridgeClient(config(o)),
        new PutRuleCommand({ Name: `${which}-rule`, EventPattern: '{"source":["aws.codepipeline"]}' }),
      ),
    nothingDone: async () =>
      expect((await local.eventBridge.send(new ListRulesCommand({ NamePrefix: 'refused' }))).Rules).toEqual([]),
  },
  codepipeline: {
    call: (o: ClientOptions, which: Which) =>
      send(
        new CodePipelineClient(config(o)),
        new StartPipelineExecutionCommand({ name: which === 'accepted' ? 'nightly-data' : 'myPipeline' }),
      ),
    nothingDone: async () =>
      expect(
        (await local.codePipeline.send(new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' })))
          .pipelineExecutionSummaries,
      ).toEqual([]),
  },
  dynamodb: {
    call: (o: ClientOptions, which: Which) =>
      send(
        new DynamoDBClient(config(o)),
        new CreateTableCommand({
          TableName: `${which}-table`,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      ),
    nothingDone: async () =>
      expect((await local.dynamo.send(new ListTablesCommand({}))).TableNames).not.toContain('refused-table'),
  },
  ssm: {
    call: (o: ClientOptions, _which: Which) =>
      send(new SSMClient(config(o)), new GetParameterCommand({ Name: SECRET_PARAMETER, WithDecryption: true })),
    nothingDone: async () => expect(local.aws.ssm.callCount()).toBe(0),
  },
  sqs: {
    call: (o: ClientOptions, which: Which) =>
      send(new SQSClient(config(o)), new CreateQueueCommand({ QueueName: `${which}-queue` })),
    nothingDone: async () =>
      expect(send(new SQSClient(config({})), new GetQueueUrlCommand({ QueueName: 'refused-queue' }))).rejects.toThrow(
        /does not exist/,
      ),
  },
  lambda: {
    call: (o: ClientOptions, _which: Which) =>
      send(new LambdaClient(config(o)), new InvokeCommand({ FunctionName: FUNCTION, Payload: '{"event":1}' })),
    nothingDone: async () => expect(invoked).toEqual([]),
  },
} as const;

function config(options: ClientOptions) {
  return {
    endpoint: local.aws.endpoint,
    region: local.aws.region,
    credentials: options.credentials ?? { ...LOCAL_AWS_CREDENTIALS },
    maxAttempts: options.maxAttempts ?? 1,
    ...(options.systemClockOffset === undefined ? {} : { systemClockOffset: options.systemClockOffset }),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: one helper for six clients and their commands.
async function send(client: { send(command: any): Promise<any>; destroy(): void }, command: unknown): Promise<any> {
  try {
    return await client.send(command);
  } finally {
    client.destroy();
  }
}

async function refusal(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('the call was accepted');
}

/** AWS's status for its authentication refusals: 400 for DynamoDB (as it documents them), 403 elsewhere. */
const refusedStatus = (service: string) => (service === 'dynamodb' ? 400 : 403);
const names = Object.keys(SERVICES) as (keyof typeof SERVICES)[];

describe('signed with the local credentials', () => {
  test.each(names)('%s answers the real SDK client', async (service) => {
    await expect(SERVICES[service].call({}, 'accepted')).resolves.toBeDefined();
  });

  test('the clients pipewatch builds read the same credentials (setup-env): EventBridge, SSM', async () => {
    await expect(local.eventBridge.send(new ListEventBusesCommand({}))).resolves.toMatchObject({
      EventBuses: [expect.objectContaining({ Name: 'default' })],
    });
    const parameter = await local.ssm.send(new GetParameterCommand({ Name: SECRET_PARAMETER, WithDecryption: true }));
    expect(parameter.Parameter?.Value).toBe('xoxb-real-bot-token');
  });
});

describe("a named IAM user's own key", () => {
  test('each service answers it; her key with another secret is refused', async () => {
    const jane = { accessKeyId: CONSOLE_USER.accessKeyId, secretAccessKey: CONSOLE_USER.secretAccessKey };
    await expect(SERVICES.codepipeline.call({ credentials: jane }, 'accepted')).resolves.toBeDefined();
    await expect(SERVICES.ssm.call({ credentials: jane }, 'accepted')).resolves.toBeDefined();
    // Her key with another secret is refused like the default key's.
    const wrong = await refusal(
      SERVICES.codepipeline.call({ credentials: { ...jane, secretAccessKey: 'test' } }, 'refused'),
    );
    expect(wrong).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
  });
});

describe('refused, and nothing done', () => {
  test.each(names)('%s: a wrong secret is InvalidSignatureException', async (service) => {
    const answer = await refusal(
      SERVICES[service].call(
        { credentials: { accessKeyId: LOCAL_AWS_CREDENTIALS.accessKeyId, secretAccessKey: 'x' } },
        'refused',
      ),
    );
    expect(answer).toEqual({
      name: 'InvalidSignatureException',
      status: refusedStatus(service),
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });
    await SERVICES[service].nothingDone();
  });

  test.each(names)('%s: an unknown access key is UnrecognizedClientException', async (service) => {
    const answer = await refusal(
      SERVICES[service].call(
        { credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'test' } },
        'refused',
      ),
    );
    expect(answer).toEqual({
      name: 'UnrecognizedClientException',
      status: refusedStatus(service),
      message: 'The security token included in the request is invalid.',
    });
    await SERVICES[service].nothingDone();
  });

  test.each(names)('%s: signed 16 minutes ago (a stale x-amz-date) is InvalidSignatureException', async (service) => {
    const answer = await refusal(SERVICES[service].call({ systemClockOffset: -16 * 60_000 }, 'refused'));
    expect(answer).toMatchObject({ name: 'InvalidSignatureException', status: refusedStatus(service) });
    expect(answer.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/);
    await SERVICES[service].nothingDone();
  });

  test('signed 16 minutes ahead is InvalidSignatureException: not yet current', async () => {
    const answer = await refusal(SERVICES.ssm.call({ systemClockOffset: 16 * 60_000 }, 'refused'));
    expect(answer.message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than/);
  });

  test("with its retries the SDK corrects a skewed clock from the answer's Date, as against AWS", async () => {
    const parameter = await SERVICES.ssm.call({ systemClockOffset: -16 * 60_000, maxAttempts: 2 }, 'accepted');
    expect(parameter.Parameter?.Value).toBe('xoxb-real-bot-token');
    expect(local.aws.ssm.callCount('GetParameter')).toBe(1);
  });

  test('unsigned requests: MissingAuthenticationTokenException, in each protocol; the secret is not in the answer', async () => {
    const json = async (target: string, body: object) => {
      const res = await fetch(local.aws.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
        body: JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    };
    const getSecret = await json('AmazonSSM.GetParameter', { Name: SECRET_PARAMETER, WithDecryption: true });
    expect(getSecret.status).toBe(403);
    expect(JSON.parse(getSecret.text)).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
    expect(getSecret.text).not.toContain('xoxb');
    for (const [target, body] of [
      [
        'AmazonSSM.PutParameter',
        { Name: SECRET_PARAMETER, Value: 'overwritten', Type: 'SecureString', Overwrite: true },
      ],
      ['AWSEvents.PutRule', { Name: 'refused-rule' }],
      ['CodePipeline_20150709.StartPipelineExecution', { name: 'myPipeline' }],
      ['AmazonSQS.CreateQueue', { QueueName: 'refused-queue' }],
    ] as const) {
      expect({ target, status: (await json(target, body)).status }).toEqual({ target, status: 403 });
    }
    const dynamo = await fetch(local.aws.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
    });
    expect(dynamo.status).toBe(400);
    expect(((await dynamo.json()) as { __type: string }).__type).toMatch(/#MissingAuthenticationTokenException$/);
    const invoke = await fetch(`${local.aws.endpoint}/2015-03-31/functions/${FUNCTION}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"forged":true}',
    });
    expect(invoke.status).toBe(403);
    expect(invoke.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    for (const service of names) await SERVICES[service].nothingDone();
    const parameter = await local.ssm.send(new GetParameterCommand({ Name: SECRET_PARAMETER, WithDecryption: true }));
    expect(parameter.Parameter?.Value).toBe('xoxb-real-bot-token');
  });

  test('a body changed after the SDK signed it is InvalidSignatureException, and the change is not made', async () => {
    const client = new SSMClient(config({}));
    // After the SDK's own signing step, as a proxy on the way would: the same length, another value.
    client.middlewareStack.addRelativeTo(
      <A extends { request: unknown }, R>(next: (args: A) => Promise<R>) =>
        async (args: A): Promise<R> => {
          const request = args.request as { body: Uint8Array | string };
          const bytes = request.body as Uint8Array;
          const signed = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
          expect(signed).toContain('"good"');
          request.body = signed.replace('"good"', '"evil"');
          return next(args);
        },
      { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamperAfterSigning' },
    );
    const answer = await refusal(
      send(client, new PutParameterCommand({ Name: '/pipewatch/tampered', Value: 'good', Type: 'String' })),
    );
    expect(answer).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(local.aws.ssm.callCount()).toBe(0);
  });

  test('a signature for another service is refused: its scope names the service it was signed for', async () => {
    const res = await signedPost(
      local.eventBridge,
      local.aws.endpoint,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
      JSON.stringify({ Name: SECRET_PARAMETER, WithDecryption: true }),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      __type: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'ssm'.",
    });
    expect(local.aws.ssm.callCount()).toBe(0);
  });

  test('a cross-site preflight is not granted: no Access-Control-Allow-* header, so no page can send a signed request', async () => {
    const preflight = await rawRequest(local.aws.endpoint, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,x-amz-target,x-amz-date',
      },
    });
    expect(Object.keys(preflight.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});

describe("dynalite's own port", () => {
  test('refuses every request, even a signed one with an Origin (dynalite would answer any Origin with *)', async () => {
    const dynamo = await startDynamoDb(undefined);
    try {
      const preflight = await rawRequest(dynamo.internalUrl, {
        method: 'OPTIONS',
        headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const res = await signedPost(
        local.dynamo,
        dynamo.internalUrl,
        { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
        '{}',
      );
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/send DynamoDB requests, signed, to the local AWS endpoint/);
    } finally {
      await dynamo.close();
    }
  });
});
