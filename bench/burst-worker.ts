// (bench) one notify container in a worker thread: the burst bench's Lambda, on its own CPU as Lambda's are
import { parentPort, workerData } from 'node:worker_threads';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import { notifyAppFromEnvironment } from '../src/app/notify-app';
import { awsClientConfig } from '../src/aws/clients';
import type { Log } from '../src/core/ports';

/** What the bench gives a container: the function's environment and where the local AWS listens. */
export interface BurstWorkerData {
  readonly env: Record<string, string>;
  readonly aws: {
    readonly region: string;
    readonly endpoint: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
}

/** An invocation asked of the container, and its answer. */
export type BurstWorkerRequest =
  | { readonly id: number; readonly input: unknown }
  | { readonly id: number; readonly stats: true };
export type BurstWorkerAnswer =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { name: string; code?: string; message: string } }
  | { readonly id: number; readonly stats: BurstWorkerStats };

/** What the container counted: AWS calls by service and by operation, and its log's warnings and errors. */
export interface BurstWorkerStats {
  readonly services: Record<string, number>;
  readonly operations: Record<string, number>;
  readonly warnings: number;
  readonly errors: number;
}

/** A DynamoDB call's item kind (its key's prefix: `conv`, `event`, `follow`, `snooze`, `address`…), after a space; '' for other calls. */
function itemKind(args: unknown): string {
  const input = (args as { input?: { Key?: Record<string, { S?: string }>; Item?: Record<string, { S?: string }> } })
    .input;
  const key = (input?.Key ?? input?.Item)?.pk?.S;
  return key === undefined ? '' : ` ${key.split(/[#/]/)[0]}`;
}

/** Counts each SDK call by service and operation (DynamoDB's by item kind too) (one per operation called, whatever its retries). */
export function countedClient<T extends { middlewareStack: { add(middleware: never, options: object): void } }>(
  client: T,
  count: (service: string, operation: string) => void,
): T {
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
    async (args: unknown) => {
      count((context.clientName ?? '?').replace(/Client$/, ''), `${String(context.commandName)}${itemKind(args)}`);
      return next(args);
    };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'pipewatchBurstCount' });
  return client;
}

if (parentPort !== null) {
  const port = parentPort;
  const { env, aws } = workerData as BurstWorkerData;
  const services: Record<string, number> = {};
  const operations: Record<string, number> = {};
  const count = (service: string, operation: string) => {
    services[service] = (services[service] ?? 0) + 1;
    const op = `${service}.${operation}`;
    operations[op] = (operations[op] ?? 0) + 1;
  };
  const config = {
    ...awsClientConfig({ region: aws.region }),
    endpoint: aws.endpoint,
    credentials: { ...aws.credentials },
  };
  const clients = {
    dynamo: countedClient(new DynamoDBClient(config), count),
    codePipeline: countedClient(new CodePipelineClient(config), count),
    ssm: countedClient(new SSMClient(config), count),
    eventBridge: countedClient(new EventBridgeClient(config), count),
  };
  let warnings = 0;
  let errors = 0;
  const log: Log = {
    debug() {},
    info() {},
    warn() {
      warnings++;
    },
    error() {
      errors++;
    },
  };
  const notify = notifyAppFromEnvironment(env, { clients, log }).handler;
  port.on('message', (request: BurstWorkerRequest) => {
    if ('stats' in request) {
      const stats: BurstWorkerStats = { services, operations, warnings, errors };
      port.postMessage({ id: request.id, stats } satisfies BurstWorkerAnswer);
      return;
    }
    notify(request.input).then(
      (value) => port.postMessage({ id: request.id, ok: true, value } satisfies BurstWorkerAnswer),
      (error: unknown) => {
        const e = error as { name?: unknown; code?: unknown; message?: unknown };
        port.postMessage({
          id: request.id,
          ok: false,
          error: {
            name: String(e.name ?? 'Error'),
            ...(e.code === undefined ? {} : { code: String(e.code) }),
            message: String(e.message ?? error),
          },
        } satisfies BurstWorkerAnswer);
      },
    );
  });
}
