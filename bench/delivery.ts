import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { parseSubscriptionArguments, toEventPattern } from '../src/core/subscriptions';
import { startLocalAws } from '../src/local/aws';

/**
 * Local AWS delivery: PutEvents over HTTP with the real SDK → the local EventBridge matches the
 * bus's 1,000 rules (subscription shapes) → each matched rule's target, an in-process Lambda.
 * Reports delivered events/s and the latency from the PutEvents call to the target, p50/p99.
 */

const RULES = 1_000;
const EVENTS = 5_000;
const BATCH = 10; // PutEvents takes at most 10 entries.
const IN_FLIGHT = 8;
const SOURCE = 'bench.codepipeline'; // PutEvents refuses aws.* sources, as AWS does.
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:bench-target';

export async function runDeliveryBench(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const aws = await startLocalAws({ port: 0, rulesPerBus: RULES + 10 });
  const client = new EventBridgeClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let delivered = 0;
    aws.lambdas.register(FUNCTION_ARN, async (input) => {
      const key = (input as { event?: { detail?: { 'execution-id'?: string } } }).event?.detail?.['execution-id'];
      const start = key === undefined ? undefined : sentAt.get(key);
      if (start !== undefined) latencies.push(performance.now() - start);
      delivered++;
    });

    const pipelines = Array.from({ length: RULES / 2 }, (_, i) => `service-${i}`);
    const setupStart = performance.now();
    for (let i = 0; i < RULES; i++) {
      // Half per-pipeline FAILED pipeline subscriptions, half all events of a pipeline.
      const args =
        i % 2 === 0
          ? [pipelines[i / 2] as string, 'FAILED', '--level', 'pipeline']
          : [pipelines[(i - 1) / 2] as string];
      const pattern = { ...toEventPattern(parseSubscriptionArguments(args)), source: [SOURCE] };
      const name = `pw-bench-${i}`;
      await client.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
      await client.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [
            {
              Id: 'notify',
              Arn: FUNCTION_ARN,
              InputTransformer: {
                InputPathsMap: {},
                InputTemplate: '{"rule": <aws.events.rule-name>, "channel": "C1", "event": <aws.events.event.json>}',
              },
            },
          ],
        }),
      );
    }
    const setupMs = performance.now() - setupStart;

    const entries = Array.from({ length: EVENTS }, (_, i) => ({
      Source: SOURCE,
      DetailType: 'CodePipeline Pipeline Execution State Change',
      Detail: JSON.stringify({
        pipeline: pipelines[i % pipelines.length],
        'execution-id': `exec-${i}`,
        state: i % 3 === 0 ? 'FAILED' : 'SUCCEEDED',
        version: 1,
      }),
      Resources: [`arn:aws:codepipeline:us-east-1:000000000000:${pipelines[i % pipelines.length]}`],
    }));
    const expected = entries.reduce((n, e) => n + (e.Detail.includes('"FAILED"') ? 2 : 1), 0);

    const start = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const batch = entries.slice(next, next + BATCH);
        next += BATCH;
        const now = performance.now();
        for (const entry of batch) sentAt.set(JSON.parse(entry.Detail)['execution-id'], now);
        const result = await client.send(new PutEventsCommand({ Entries: batch }));
        if (result.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(result.Entries)}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await aws.eventBridge.idle();
    const seconds = (performance.now() - start) / 1000;
    if (delivered !== expected || latencies.length !== expected) {
      throw new Error(`delivered ${delivered} (${latencies.length} timed), expected ${expected}`);
    }

    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    console.log(
      `PutEvents (SDK over HTTP, ${BATCH} per call, ${IN_FLIGHT} in flight) → ${RULES} rules → in-process Lambda`,
    );
    console.log(`  set-up: ${RULES} PutRule + PutTargets in ${(setupMs / 1000).toFixed(1)} s`);
    console.log(`  events put:        ${EVENTS.toLocaleString('en-US')}`);
    console.log(`  deliveries:        ${delivered.toLocaleString('en-US')} (FAILED events match 2 rules)`);
    console.log(`  events/s put:      ${Math.round(EVENTS / seconds).toLocaleString('en-US')}`);
    console.log(`  deliveries/s:      ${Math.round(delivered / seconds).toLocaleString('en-US')}`);
    console.log(`  PutEvents → target latency: p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms`);
  } finally {
    client.destroy();
    await aws.stop();
  }
}
