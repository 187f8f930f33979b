import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { awsErrorName } from '../../../src/aws/aws-error-name';
import { createCodePipelineClient, createDynamoDbClient, createSsmClient } from '../../../src/aws/clients';
import {
  AwsJsonClient,
  AwsServiceError,
  CODEPIPELINE,
  DYNAMODB,
  errorCode,
  resolveEndpoint,
  SSM,
} from '../../../src/aws/json-client';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

describe('AwsJsonClient against the local AWS', () => {
  let local: LocalAwsClients;
  beforeAll(async () => {
    local = await startLocalAwsWithClients();
  });
  afterAll(() => local.stop());

  it('calls DynamoDB (JSON 1.0), CodePipeline and SSM (JSON 1.1) and returns their JSON answers', async () => {
    await local.ssm.send(new PutParameterCommand({ Name: '/json/token', Value: 'xoxb-json', Type: 'SecureString' }));
    const parameter = await local.json.ssm.call<{ Parameter: { Value: string; LastModifiedDate: number } }>(
      'GetParameter',
      { Name: '/json/token', WithDecryption: true },
    );
    expect(parameter.Parameter.Value).toBe('xoxb-json');
    // Timestamps as on the wire: epoch seconds.
    expect(parameter.Parameter.LastModifiedDate).toBeCloseTo(Date.now() / 1000, -2);
    await expect(local.json.dynamo.call('ListTables', {})).resolves.toEqual({ TableNames: [] });
    const pipelines = await local.json.codePipeline.call<{ pipelines: { name: string }[] }>('ListPipelines', {});
    expect(Array.isArray(pipelines.pipelines)).toBe(true);
  });

  it("rejects with the service's error code as name, not retried when it is a client error", async () => {
    const error = await local.json.ssm.call('GetParameter', { Name: '/json/missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(awsErrorName(error)).toBe('ParameterNotFound');
    expect(error).toMatchObject({
      $fault: 'client',
      $retryable: false,
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    expect((error as AwsServiceError).$metadata.requestId).toEqual(expect.any(String));
  });

  it('follows AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, as the handlers are pointed at the local AWS', async () => {
    const env = { AWS_REGION: local.aws.region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    const viaGeneral = new AwsJsonClient({ service: DYNAMODB, env: { ...env, AWS_ENDPOINT_URL: local.aws.endpoint } });
    await expect(viaGeneral.call('ListTables', {})).resolves.toHaveProperty('TableNames');
    const viaService = new AwsJsonClient({
      service: SSM,
      env: { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_SSM: local.aws.endpoint },
    });
    await expect(viaService.call('GetParameter', { Name: '/json/token' })).resolves.toHaveProperty('Parameter');
  });

  it('the factories in clients.ts build one per service, from the environment', () => {
    for (const [client, service] of [
      [createDynamoDbClient({ region: 'eu-west-1' }), DYNAMODB],
      [createCodePipelineClient({ region: 'eu-west-1' }), CODEPIPELINE],
      [createSsmClient({ region: 'eu-west-1' }), SSM],
    ] as const) {
      expect(client.service).toBe(service);
      expect(client.region).toBe('eu-west-1');
    }
  });
});

/** A loopback server answering each request with the next scripted response; records what it received. */
async function scriptedServer(responses: Array<{ status: number; body?: string; headers?: Record<string, string> }>) {
  const received: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const next = responses.shift() ?? { status: 200, body: '{}' };
      response.writeHead(next.status, { 'content-type': 'application/x-amz-json-1.1', ...next.headers });
      response.end(next.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function clientFor(
  endpoint: string,
  sleeps: number[] = [],
  extra: Partial<ConstructorParameters<typeof AwsJsonClient>[0]> = {},
) {
  return new AwsJsonClient({
    service: CODEPIPELINE,
    endpoint,
    region: 'us-east-1',
    credentials: { ...CREDENTIALS, sessionToken: 'session-token' },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
    ...extra,
  });
}

describe('AwsJsonClient on the wire', () => {
  it('sends a SigV4-signed POST that an independent verifier accepts', async () => {
    const server = await scriptedServer([{ status: 200, body: '{"pipelineName":"p"}' }]);
    try {
      const client = clientFor(server.endpoint);
      await expect(client.call('GetPipelineState', { name: 'p' })).resolves.toEqual({ pipelineName: 'p' });
      const [request] = server.received;
      if (request === undefined) throw new Error('no request');
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/');
      expect(request.headers['x-amz-target']).toBe('CodePipeline_20150709.GetPipelineState');
      expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(request.headers['x-amz-security-token']).toBe('session-token');
      expect(JSON.parse(request.body)).toEqual({ name: 'p' });
      expect(verifySigV4(request, CREDENTIALS.secretAccessKey)).toEqual({
        valid: true,
        scope: 'us-east-1/codepipeline',
      });
    } finally {
      await server.close();
    }
  });

  it('retries 5xx and throttling with full-jitter exponential backoff, then succeeds', async () => {
    const server = await scriptedServer([
      { status: 503, body: '' },
      { status: 400, body: '{"__type":"com.amazonaws#ThrottlingException","message":"Rate exceeded"}' },
      { status: 200, body: '{"ok":true}' },
    ]);
    try {
      const sleeps: number[] = [];
      await expect(clientFor(server.endpoint, sleeps).call('ListPipelines', {})).resolves.toEqual({ ok: true });
      // random() = 1: the cap of each window; 100 ms base after a 5xx, 500 ms after throttling, doubling.
      expect(sleeps).toEqual([100, 1000]);
      expect(server.received).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('gives up after maxAttempts with the last error, and does not retry a client error', async () => {
    const server = await scriptedServer([
      { status: 500, body: '{"__type":"InternalServerError","message":"boom"}' },
      { status: 500, body: '{"__type":"InternalServerError","message":"boom"}' },
      { status: 500, body: '{"__type":"InternalServerError","message":"boom again"}' },
      { status: 400, body: '', headers: { 'x-amzn-errortype': 'ValidationException:http://internal' } },
    ]);
    try {
      const error = await clientFor(server.endpoint)
        .call('ListPipelines', {})
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'InternalServerError',
        message: 'boom again',
        $fault: 'server',
        $retryable: true,
        $metadata: { httpStatusCode: 500, attempts: 3 },
      });
      // X-Amzn-ErrorType when the body has no __type; a message made up when there is none.
      const invalid = await clientFor(server.endpoint)
        .call('ListPipelines', {})
        .catch((e: unknown) => e);
      expect(invalid).toMatchObject({
        name: 'ValidationException',
        message: 'ValidationException (HTTP 400)',
        $metadata: { attempts: 1 },
      });
      expect(server.received).toHaveLength(4);
    } finally {
      await server.close();
    }
  });

  it('a refused connection is retried, then named; a silent server times out', async () => {
    const closed = await scriptedServer([]);
    await closed.close();
    const sleeps: number[] = [];
    const refused = await clientFor(closed.endpoint, sleeps)
      .call('ListPipelines', {})
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'NetworkingError', $retryable: true, $metadata: { attempts: 3 } });
    // No answer, so no verdict on whose fault it is (as on the SDK's network errors).
    expect((refused as AwsServiceError).$fault).toBeUndefined();
    expect((refused as Error).message).toMatch(/^codepipeline ListPipelines: .*ECONNREFUSED/);
    expect(sleeps).toHaveLength(2);

    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const timedOut = await clientFor(endpoint, [], { requestTimeout: 50, maxAttempts: 1 })
        .call('ListPipelines', {})
        .catch((e: unknown) => e);
      expect(timedOut).toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 1 } });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('no credentials in the environment: a clear error, no request', async () => {
    const server = await scriptedServer([]);
    try {
      const client = new AwsJsonClient({ service: SSM, endpoint: server.endpoint, env: { AWS_REGION: 'us-east-1' } });
      await expect(client.call('GetParameter', { Name: 'x' })).rejects.toMatchObject({
        name: 'CredentialsProviderError',
        message: expect.stringContaining('AWS_ACCESS_KEY_ID'),
      });
      expect(server.received).toHaveLength(0);
    } finally {
      await server.close();
    }
    expect(() => new AwsJsonClient({ service: SSM, env: {} })).toThrow(/no AWS region/);
    // A region becomes part of a hostname: anything but a region code is refused before a request.
    for (const region of ['x@evil.example/', 'evil.example#', 'US-EAST-1', '-us-east-1', '']) {
      expect(() => new AwsJsonClient({ service: SSM, region, endpoint: server.endpoint, env: {} })).toThrow(
        region === '' ? /no AWS region/ : /is not an AWS region code/,
      );
    }
  });

  it('withRegion keeps the credentials, settings and an explicit endpoint; otherwise resolves the endpoint again', async () => {
    const provider = async () => CREDENTIALS;
    const regional = new AwsJsonClient({ service: CODEPIPELINE, region: 'us-east-1', credentials: provider, env: {} });
    const eu = regional.withRegion('eu-west-1');
    expect([eu.region, eu.endpoint.href]).toEqual(['eu-west-1', 'https://codepipeline.eu-west-1.amazonaws.com/']);
    expect(regional.withRegion('us-east-1')).toBe(regional);

    const server = await scriptedServer([{ status: 200, body: '{}' }]);
    try {
      const pinned = clientFor(server.endpoint).withRegion('ap-southeast-2');
      expect(pinned.endpoint.href).toBe(`${server.endpoint}/`);
      await pinned.call('ListPipelines', {});
      const [request] = server.received;
      expect(request?.headers['x-amz-security-token']).toBe('session-token');
      expect(request && verifySigV4(request, CREDENTIALS.secretAccessKey)).toEqual({
        valid: true,
        scope: 'ap-southeast-2/codepipeline',
      });
    } finally {
      await server.close();
    }
  });

  it("drops an answer's null members, as the SDK's deserializer does, and keeps null array elements", async () => {
    const server = await scriptedServer([
      {
        status: 200,
        body: '{"nextToken":null,"pipeline":{"name":"p","stages":null},"list":[1,null,{"a":null,"b":2}]}',
      },
    ]);
    try {
      const answer = await clientFor(server.endpoint).call('GetPipeline', { name: 'p' });
      expect(answer).toStrictEqual({ pipeline: { name: 'p' }, list: [1, null, { b: 2 }] });
    } finally {
      await server.close();
    }
  });

  it('a 2xx answer that is not a JSON object is a SerializationError, not retried; any 5xx is retried', async () => {
    const server = await scriptedServer([
      { status: 200, body: '<html>proxy</html>' },
      { status: 501, body: '' },
      { status: 200, body: '{"ok":1}' },
    ]);
    try {
      const sleeps: number[] = [];
      await expect(clientFor(server.endpoint, sleeps).call('ListPipelines', {})).rejects.toMatchObject({
        name: 'SerializationError',
        $fault: 'server',
        $retryable: false,
        $metadata: { httpStatusCode: 200, attempts: 1 },
      });
      await expect(clientFor(server.endpoint, sleeps).call('ListPipelines', {})).resolves.toEqual({ ok: 1 });
      expect(sleeps).toEqual([100]);
    } finally {
      await server.close();
    }
  });
});

describe('resolveEndpoint and errorCode', () => {
  it('resolves as the SDK does', () => {
    expect(resolveEndpoint(DYNAMODB, 'eu-west-1', {})).toBe('https://dynamodb.eu-west-1.amazonaws.com');
    expect(resolveEndpoint(SSM, 'cn-north-1', {})).toBe('https://ssm.cn-north-1.amazonaws.com.cn');
    expect(resolveEndpoint(CODEPIPELINE, 'us-east-1', { AWS_USE_FIPS_ENDPOINT: 'true' })).toBe(
      'https://codepipeline-fips.us-east-1.amazonaws.com',
    );
    const configured = { AWS_ENDPOINT_URL: 'http://general', AWS_ENDPOINT_URL_DYNAMODB: 'http://dynamo' };
    expect(resolveEndpoint(DYNAMODB, 'us-east-1', configured)).toBe('http://dynamo');
    expect(resolveEndpoint(SSM, 'us-east-1', configured)).toBe('http://general');
    expect(resolveEndpoint(SSM, 'us-east-1', { ...configured, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBe(
      'https://ssm.us-east-1.amazonaws.com',
    );
  });

  it('takes the code out of __type and X-Amzn-ErrorType forms', () => {
    expect(errorCode('com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException')).toBe(
      'ConditionalCheckFailedException',
    );
    expect(errorCode('ParameterNotFound')).toBe('ParameterNotFound');
    expect(errorCode('ValidationException:http://internal.amazon.com/coral/')).toBe('ValidationException');
  });
});

/**
 * Recomputes the request's SigV4 signature from what arrived, written from AWS's specification
 * (canonical request, string to sign, derived key) independently of the signer the client uses.
 */
function verifySigV4(
  request: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string },
  secretAccessKey: string,
): { valid: boolean; scope: string } {
  const authorization = String(request.headers.authorization);
  const match =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (match === null) return { valid: false, scope: authorization };
  const [, date, region, service, signedHeaders, signature] = match as unknown as string[];
  const amzDate = String(request.headers['x-amz-date']);
  const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const names = (signedHeaders as string).split(';');
  const canonicalRequest = [
    request.method,
    request.url,
    '',
    ...names.map((name) => `${name}:${String(request.headers[name]).trim()}`),
    '',
    signedHeaders,
    sha256(request.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, date as string);
  for (const part of [region as string, service as string, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  const required = ['host', 'x-amz-date', 'x-amz-target', 'content-type', 'x-amz-security-token'];
  const valid =
    expected === signature && required.every((name) => names.includes(name)) && amzDate.startsWith(date as string);
  return { valid, scope: `${region}/${service}` };
}
