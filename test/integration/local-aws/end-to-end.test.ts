import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GetPipelineStateCommand,
  ListPipelinesCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  DescribeRuleCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { parsePipelineEvent } from '../../../src/core/events';
import { ManualClock } from '../../../src/local/aws';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

const BUS = 'pipewatch';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-notify';

/** The deployed shape: default bus → forwarding rule → pipewatch bus → subscription rule → notify Lambda. */
async function wireDeployedShape(local: LocalAwsClients): Promise<void> {
  const { eventBridge } = local;
  const bus = await eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
  await eventBridge.send(
    new PutRuleCommand({ Name: 'pipewatch-forward', EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }) }),
  );
  await eventBridge.send(
    new PutTargetsCommand({ Rule: 'pipewatch-forward', Targets: [{ Id: 'bus', Arn: bus.EventBusArn }] }),
  );
  await eventBridge.send(
    new PutRuleCommand({
      Name: 'pw-sub-failed',
      EventBusName: BUS,
      EventPattern: JSON.stringify({
        source: ['aws.codepipeline'],
        'detail-type': ['CodePipeline Pipeline Execution State Change', 'CodePipeline Stage Execution State Change'],
        detail: { pipeline: ['myPipeline'] },
      }),
      Tags: [{ Key: 'pipewatch:channel', Value: 'C0001' }],
    }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: 'pw-sub-failed',
      EventBusName: BUS,
      Targets: [
        {
          Id: 'notify',
          Arn: FUNCTION_ARN,
          InputTransformer: {
            InputPathsMap: {},
            InputTemplate: '{"rule": <aws.events.rule-name>, "channel": "C0001", "event": <aws.events.event.json>}',
          },
        },
      ],
    }),
  );
}

async function drain(local: LocalAwsClients, clock: ManualClock, ms: number): Promise<void> {
  // Step the simulator's clock a second at a time, letting deliveries run in between.
  for (let t = 0; t < ms; t += 1000) {
    clock.advance(1000);
    await local.aws.eventBridge.settled();
  }
  await local.aws.eventBridge.idle();
}

describe('local AWS end to end with the real SDK', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pipewatch-aws-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a pipeline run reaches the notify Lambda through the forwarding rule, transformed, in order', async () => {
    const clock = new ManualClock();
    const local = await startLocalAwsWithClients({ clock, definitionsFile: SAMPLE_PIPELINES_FILE });
    try {
      const received: { rule: string; channel: string; event: unknown }[] = [];
      local.aws.lambdas.register(FUNCTION_ARN, async (input) => {
        received.push(input as (typeof received)[number]);
      });
      await wireDeployedShape(local);
      const { pipelineExecutionId } = await local.codePipeline.send(
        new StartPipelineExecutionCommand({ name: 'myPipeline' }),
      );
      await drain(local, clock, 600_000);

      const events = received.map((r) => parsePipelineEvent(r.event));
      expect(received.every((r) => r.rule === 'pw-sub-failed' && r.channel === 'C0001')).toBe(true);
      expect(events.every((e) => e.executionId === pipelineExecutionId && e.level !== 'action')).toBe(true);
      // The run stops at the manual approval: Source and Build done, Approval started.
      expect(events.map((e) => `${e.level}:${e.level === 'stage' ? e.stage : ''}:${e.state}`)).toEqual([
        'pipeline::STARTED',
        'stage:Source:STARTED',
        'stage:Source:SUCCEEDED',
        'stage:Build:STARTED',
        'stage:Build:SUCCEEDED',
        'stage:Approval:STARTED',
      ]);
      const state = await local.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
      const approval = state.stageStates?.find((s) => s.stageName === 'Approval')?.actionStates?.[0]?.latestExecution;
      expect(approval?.status).toBe('InProgress');
      expect(approval?.token).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await local.stop();
    }
  });

  test('--data keeps buses, rules, targets, tags, pipelines, executions and tables across a restart', async () => {
    const clock = new ManualClock();
    const first = await startLocalAwsWithClients({ clock, dataDir, definitionsFile: SAMPLE_PIPELINES_FILE });
    let executionId: string | undefined;
    try {
      await wireDeployedShape(first);
      executionId = (await first.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' })))
        .pipelineExecutionId;
      await first.dynamo.send(
        new CreateTableCommand({
          TableName: 'pipewatch-state',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      // CreateTable answers while the table is CREATING; the flip to ACTIVE must be persisted before the stop.
      await waitUntilTableExists(
        { client: first.dynamo, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
        { TableName: 'pipewatch-state' },
      );
      await first.dynamo.send(
        new PutItemCommand({ TableName: 'pipewatch-state', Item: { pk: { S: 'k' }, v: { N: '1' } } }),
      );
    } finally {
      await first.stop();
    }

    const second = await startLocalAwsWithClients({ clock, dataDir });
    try {
      const rule = await second.eventBridge.send(new DescribeRuleCommand({ Name: 'pw-sub-failed', EventBusName: BUS }));
      expect(rule.State).toBe('ENABLED');
      const targets = await second.eventBridge.send(
        new ListTargetsByRuleCommand({ Rule: 'pw-sub-failed', EventBusName: BUS }),
      );
      expect(targets.Targets?.map((t) => t.Arn)).toEqual([FUNCTION_ARN]);
      const tags = await second.eventBridge.send(new ListTagsForResourceCommand({ ResourceARN: rule.Arn }));
      expect(tags.Tags).toEqual([{ Key: 'pipewatch:channel', Value: 'C0001' }]);
      const pipelines = await second.codePipeline.send(new ListPipelinesCommand({}));
      expect(pipelines.pipelines?.map((p) => p.name)).toContain('myPipeline');
      const state = await second.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
      expect(state.stageStates?.[0]?.latestExecution?.pipelineExecutionId).toBe(executionId);
      const table = await second.dynamo.send(new DescribeTableCommand({ TableName: 'pipewatch-state' }));
      expect(table.Table?.TableStatus).toBe('ACTIVE');
      const item = await second.dynamo.send(
        new GetItemCommand({ TableName: 'pipewatch-state', Key: { pk: { S: 'k' } } }),
      );
      expect(item.Item?.v).toEqual({ N: '1' });
    } finally {
      await second.stop();
    }
  });
});

describe('pipewatch aws-local (the command)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
  });

  test('serves the SDK on the printed endpoint and stops cleanly on SIGINT', async () => {
    const bin = path.join(__dirname, '../../../bin/pipewatch.cjs');
    child = spawn(process.execPath, [bin, 'aws-local', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const endpoint = await new Promise<string>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child?.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    const { CodePipelineClient } = await import('@aws-sdk/client-codepipeline');
    const client = new CodePipelineClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const pipelines = await client.send(new ListPipelinesCommand({}));
    client.destroy();
    expect(pipelines.pipelines?.map((p) => p.name)).toContain('myPipeline');

    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopping the local AWS');
  });
});
