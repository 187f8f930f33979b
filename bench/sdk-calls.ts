import { cpus } from 'node:os';
import { CreateTableCommand, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { awsClientConfig, createDynamoDbClient } from '../src/aws/clients';
import { startLocalAws } from '../src/local/aws';
import { loadAverage, median } from './handlers';

/**
 * One SDK call's cost with and without the middleware stack cached per command class
 * (`cacheMiddleware`, set by awsClientConfig): the same consistent GetItem on the local AWS, client
 * and server in this process, over alternating rounds after two rounds each of warm-up. Reports
 * wall and CPU time per call, the median of the rounds.
 */

const CALLS = 1_000;
const ROUNDS = 10;
const TABLE = 'pipewatch-bench-sdk';

export async function runSdkCallsBench(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadAverage()}`);
  const aws = await startLocalAws({ port: 0 });
  const saved = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = aws.endpoint;
  const clientOf = (cacheMiddleware: boolean): DynamoDBClient => {
    const client = createDynamoDbClient({ region: aws.region });
    // As deployed but for the one setting compared (and the local AWS's test key).
    Object.assign(client.config, { cacheMiddleware, credentials: async () => ({ ...aws.credentials }) });
    return client;
  };
  const cached = clientOf(true);
  const uncached = clientOf(false);
  try {
    if (awsClientConfig().cacheMiddleware !== true) throw new Error('awsClientConfig no longer caches the middleware');
    await cached.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await cached.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'conv#bench' }, n: { N: '1' } } }));
    const round = async (client: DynamoDBClient, calls: number) => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < calls; i++) {
        await client.send(
          new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'conv#bench' } }, ConsistentRead: true }),
        );
      }
      const used = process.cpuUsage(cpu);
      return { wallMs: (performance.now() - started) / calls, cpuMs: (used.user + used.system) / 1000 / calls };
    };
    // Warm both (JIT, connections) before timing.
    for (let i = 0; i < 2; i++) {
      await round(cached, CALLS);
      await round(uncached, CALLS);
    }
    const rounds = {
      cached: [] as { wallMs: number; cpuMs: number }[],
      uncached: [] as { wallMs: number; cpuMs: number }[],
    };
    for (let r = 1; r <= ROUNDS; r++) {
      const on = await round(cached, CALLS);
      const off = await round(uncached, CALLS);
      console.log(
        `  round ${r}: cached ${on.wallMs.toFixed(3)} ms wall, ${on.cpuMs.toFixed(3)} ms CPU per call; not cached ${off.wallMs.toFixed(3)} / ${off.cpuMs.toFixed(3)}`,
      );
      rounds.cached.push(on);
      rounds.uncached.push(off);
    }
    const totals = {
      cached: { wallMs: median(rounds.cached.map((r) => r.wallMs)), cpuMs: median(rounds.cached.map((r) => r.cpuMs)) },
      uncached: {
        wallMs: median(rounds.uncached.map((r) => r.wallMs)),
        cpuMs: median(rounds.uncached.map((r) => r.cpuMs)),
      },
    };
    console.log(
      `GetItem on the local AWS (client and server in this process), median of ${ROUNDS} rounds of ${CALLS} calls: middleware cached ${totals.cached.wallMs.toFixed(3)} ms wall, ${totals.cached.cpuMs.toFixed(3)} ms CPU per call; resolved per call ${totals.uncached.wallMs.toFixed(3)} / ${totals.uncached.cpuMs.toFixed(3)} (${(100 * (1 - totals.cached.cpuMs / totals.uncached.cpuMs)).toFixed(0)} % less CPU)`,
    );
  } finally {
    cached.destroy();
    uncached.destroy();
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
    await aws.stop();
  }
}
