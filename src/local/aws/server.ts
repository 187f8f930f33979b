// (local AWS) one loopback HTTP endpoint: X-Amz-Target --> EventBridge, CodePipeline, SSM (AWS JSON protocol) or DynamoDB (dynalite)
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { header, listen, readBody, sendJson } from '../http';
import { AwsServiceError } from './aws-error';
import { type Clock, RealClock } from './clock';
import { LocalCodePipeline } from './codepipeline/local-codepipeline';
import { startDynamoDb } from './dynamodb';
import { LocalEventBridge } from './eventbridge/local-eventbridge';
import { LambdaRegistry } from './lambda-registry';
import { LocalScheduler } from './scheduler/local-scheduler';
import type { LocalService } from './service';
import { LocalSqs } from './sqs/local-sqs';
import { LocalSsm } from './ssm/local-ssm';

export interface LocalAwsOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Persist buses, rules, targets, tags, pipelines, executions, tables and parameters here; in memory without it. */
  dataDir?: string;
  region?: string;
  accountId?: string;
  /** The pipeline simulator's time; real time by default. */
  clock?: Clock;
  /** Real time runs this many times faster for the pipeline simulator (ignored with `clock`). */
  speed?: number;
  /** EventBridge's rules-per-bus quota (300 in most regions). */
  rulesPerBus?: number;
  /** Pipelines to create at start (the simulator's definitions format or the AWS shape). */
  definitionsFile?: string;
  /** The simulator's random source (failure injection with a probability). */
  random?: () => number;
}

export interface LocalAws {
  /** e.g. `http://127.0.0.1:4566`, for AWS_ENDPOINT_URL. */
  endpoint: string;
  region: string;
  accountId: string;
  eventBridge: LocalEventBridge;
  codePipeline: LocalCodePipeline;
  /** SSM Parameter Store (the handlers' secrets). */
  ssm: LocalSsm;
  /** SQS: the dead-letter queue failed notify invocations land in (`pipewatch redrive` reads it). */
  sqs: LocalSqs;
  /** EventBridge Scheduler (REST-JSON on `/schedules/…`): approval reminders. */
  scheduler: LocalScheduler;
  lambdas: LambdaRegistry;
  stop(): Promise<void>;
}

const DYNAMODB_TARGET = 'DynamoDB_20120810.';
/** Lambda's Invoke (REST): `POST /2015-03-31/functions/<name or ARN>/invocations`. */
const LAMBDA_INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const MAX_BODY = 10 * 1024 * 1024;

/**
 * The local AWS: one HTTP server on loopback speaking the AWS JSON protocol for EventBridge,
 * CodePipeline and SSM Parameter Store, with DynamoDB (dynalite) behind the same endpoint, so one AWS_ENDPOINT_URL
 * points every SDK client at it.
 */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const ownClock = options.clock === undefined ? new RealClock(options.speed ?? 1) : undefined;
  const clock = options.clock ?? (ownClock as RealClock);
  const lambdas = new LambdaRegistry();
  const eventBridge = new LocalEventBridge({
    region,
    accountId,
    lambdas,
    clock,
    dataDir: options.dataDir,
    rulesPerBus: options.rulesPerBus,
  });
  const codePipeline = new LocalCodePipeline({
    region,
    accountId,
    clock,
    dataDir: options.dataDir,
    definitionsFile: options.definitionsFile,
    random: options.random,
    emit: (entries) => eventBridge.putEventsInternal(entries),
  });
  const ssm = new LocalSsm({ region, accountId, clock, dataDir: options.dataDir });
  const dynamo = await startDynamoDb(options.dataDir);
  let endpoint = '';
  const sqs = new LocalSqs({ region, accountId, clock, endpoint: () => endpoint });
  lambdas.destinationSink = (destination, record) => {
    sqs.sendInternal(destination, record);
  };
  const services: LocalService[] = [eventBridge, codePipeline, ssm, sqs];
  const scheduler = new LocalScheduler({ region, accountId, clock, lambdas });

  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://local').pathname;
    const invocation = LAMBDA_INVOKE_PATH.exec(pathname);
    if (invocation !== null && req.method === 'POST') {
      void invokeFunction(lambdas, decodeURIComponent(invocation[1] ?? ''), req, res);
      return;
    }
    if (scheduler.handles(pathname)) {
      void scheduler.handleHttp(req, res);
      return;
    }
    const target = header(req, 'x-amz-target');
    if (target?.startsWith(DYNAMODB_TARGET)) {
      dynamo.handle(req, res);
      return;
    }
    void handleJsonRequest(services, target, req, res);
  });
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  endpoint = `http://${host}:${port}`;

  return {
    endpoint,
    region,
    accountId,
    eventBridge,
    codePipeline,
    ssm,
    sqs,
    scheduler,
    lambdas,
    async stop() {
      codePipeline.close();
      scheduler.close();
      await eventBridge.close();
      ownClock?.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dynamo.close();
    },
  };
}

async function handleJsonRequest(
  services: readonly LocalService[],
  target: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  try {
    if (req.method !== 'POST') throw new AwsServiceError('UnknownOperationException', `${req.method} is not supported`);
    const [prefix, operation] = (target ?? '').split('.', 2);
    const service = services.find((s) => s.targetPrefix === prefix);
    if (service === undefined || operation === undefined || operation === '') {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation ${target ?? '(no X-Amz-Target)'}`);
    }
    const body = await readBody(
      req,
      MAX_BODY,
      () => new AwsServiceError('RequestEntityTooLargeException', 'Request body too large', 413),
    );
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      throw new AwsServiceError('SerializationException', 'Start of structure or map found where not expected');
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new AwsServiceError('SerializationException', 'Request body must be a JSON object');
    }
    const output = await service.handle(operation, input as Record<string, unknown>);
    send(res, 200, requestId, output ?? {});
  } catch (error) {
    if (error instanceof AwsServiceError) {
      send(res, error.status, requestId, { __type: error.type, message: error.message });
      return;
    }
    // A bug in the emulator must not take the server down: answer as AWS answers its own faults.
    console.error('[local-aws] internal error', error);
    send(res, 500, requestId, { __type: 'InternalException', message: String((error as Error)?.message ?? error) });
  }
}

function send(res: ServerResponse, status: number, requestId: string, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}

/**
 * Lambda's Invoke for the functions registered in-process: RequestResponse (the default) runs the
 * function and answers its result, or `X-Amz-Function-Error: Unhandled` with the error, as Lambda
 * does; `Event` answers 202 and runs it after. `pipewatch redrive` invokes notify this way.
 */
async function invokeFunction(
  lambdas: LambdaRegistry,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const found = lambdas.resolve(name);
  let payload: unknown;
  try {
    const raw = await readBody(req, MAX_BODY, () => new Error('Request body too large'));
    payload = raw === '' ? {} : JSON.parse(raw);
  } catch {
    sendJson(res, 400, { Type: 'User', message: 'Could not parse request body into json' });
    return;
  }
  if (found === undefined) {
    res.setHeader('x-amzn-errortype', 'ResourceNotFoundException');
    sendJson(res, 404, { Type: 'User', message: `Function not found: ${name}` });
    return;
  }
  if (header(req, 'x-amz-invocation-type') === 'Event') {
    sendJson(res, 202, {});
    found.fn(payload).catch(() => undefined);
    return;
  }
  try {
    const result = await found.fn(payload);
    sendJson(res, 200, result ?? null, { 'x-amz-executed-version': '$LATEST' });
  } catch (error) {
    sendJson(
      res,
      200,
      {
        errorType: error instanceof Error ? error.name : 'Error',
        errorMessage: error instanceof Error ? error.message : String(error),
      },
      { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
    );
  }
}
