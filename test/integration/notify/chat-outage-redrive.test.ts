import { randomUUID } from 'node:crypto';
import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { REDRIVE_INTERVAL_MS } from '../../../src/app/redrive-app';
import { channelKey } from '../../../src/aws/dynamodb-conversation-store';
import type { ChannelRef } from '../../../src/core/channels';
import { ManualClock } from '../../../src/local/aws/clock';
import {
  BUS_NAME,
  LOCAL_CHANNELS,
  LOCAL_USERS,
  type LocalPipewatch,
  startLocalPipewatch,
  TABLE_NAME,
  TEAM_ID,
} from '../../../src/local/dev-server/start-local-pipewatch';
import { createLogger } from '../../../src/log/logger';

/*
 * An hour-long chat outage loses nothing, with nobody at the keyboard: `pipewatch local` on a
 * manual clock, the real notify function behind the subscription and follow rules with Lambda's
 * asynchronous semantics (two retries, a minute and two minutes apart, then the DLQ), and the
 * redrive function every five minutes of the same clock, as RedriveSchedule runs it in AWS. The
 * local Slack answers `service_unavailable` for 70 minutes.
 */

const MINUTE = 60_000;
const DLQ = `${BUS_NAME}-dlq`;
const [DEPLOYS] = LOCAL_CHANNELS;
const [ALICE] = LOCAL_USERS;
const CHANNEL: ChannelRef = { platform: 'slack', workspace: TEAM_ID, channel: DEPLOYS.id };

let pipewatch: LocalPipewatch;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  pipewatch = await startLocalPipewatch({ port: 0, clock, log: createLogger({ level: 'silent' }) });
});
afterEach(async () => {
  await settle();
  await pipewatch.stop();
});

function local() {
  const { aws, slack, redrive } = pipewatch;
  if (aws === undefined || slack === undefined || redrive === undefined) throw new Error('not the local mode');
  return { aws, slack, redrive };
}

/** Deliveries, Lambda's retries and a redrive run that the clock started, all finished. */
async function settle(): Promise<void> {
  const { aws, redrive } = local();
  for (let i = 0; i < 5; i++) {
    await aws.eventBridge.settled();
    await redrive.settled();
  }
}

/** The clock moved on `step` at a time, everything it sets off run to the end at each step. */
async function runFor(ms: number, step = 1000): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await settle();
  }
}

/** The DLQ's messages, parsed (Lambda's on-failure destination records, or what a test put there). */
function deadLetters(): unknown[] {
  return local()
    .aws.sqs.messages(DLQ)
    .map((body) => {
      try {
        return JSON.parse(body);
      } catch {
        return body;
      }
    });
}

/** The channel's top-level messages (thread replies apart). */
function channelMessages() {
  return local().slack.workspace.messages(DEPLOYS.id);
}

async function command(text: string): Promise<void> {
  const answer = await fetch(`${pipewatch.url}api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(String(pipewatch.url)).origin },
    body: JSON.stringify({ user: ALICE.id, channel: DEPLOYS.id, text: `/pipewatch ${text}` }),
  });
  expect(answer.status).toBe(200);
}

async function startRun(pipeline: string): Promise<string> {
  const { CodePipelineClient } = await import('@aws-sdk/client-codepipeline');
  const { aws } = local();
  const client = new CodePipelineClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const { pipelineExecutionId } = await client.send(new StartPipelineExecutionCommand({ name: pipeline }));
    return pipelineExecutionId ?? '';
  } finally {
    client.destroy();
  }
}

/** A notify input as a subscription rule sends it, for an event at `time`. */
function notifyInput(time: number, executionId = randomUUID()) {
  return {
    rule: 'pw-outage-test',
    channel: CHANNEL,
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': 'CodePipeline Pipeline Execution State Change',
      source: 'aws.codepipeline',
      account: '000000000000',
      time: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: 'us-east-1',
      resources: ['arn:aws:codepipeline:us-east-1:000000000000:nightly-data'],
      detail: { pipeline: 'nightly-data', 'execution-id': executionId, state: 'STARTED', version: 1 },
    },
  };
}

/** Lambda's on-failure destination record of an invocation with this payload, put in the DLQ. */
function deadLetter(payload: unknown): void {
  const { aws } = local();
  const record = {
    version: '1.0',
    timestamp: new Date(clock.now()).toISOString(),
    requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
    requestPayload: payload,
    responsePayload: { errorType: 'Error', errorMessage: 'chat was down' },
  };
  expect(aws.sqs.sendInternal(dlqArn(), JSON.stringify(record))).toBe(true);
}

const iso = (time: string) => new Date(time).toISOString();

function dlqArn(): string {
  const { aws } = local();
  return `arn:aws:sqs:${aws.region}:${aws.accountId}:${DLQ}`;
}

test('a 70-minute Slack outage: every event fails three times into the DLQ, the first redrive after it posts the final state, once', async () => {
  const { slack, redrive } = local();
  await command('subscribe nightly-data');
  await settle();

  // Slack is down from here on, for every method.
  slack.faults.fail('*', 'service_unavailable', Number.POSITIVE_INFINITY);
  const executionId = await startRun('nightly-data');
  const outageStart = clock.now();

  // The run ends within a minute; notify fails on each event, Lambda retries twice, then the DLQ.
  await runFor(10 * MINUTE);
  const waiting = deadLetters();
  expect(waiting.length).toBeGreaterThanOrEqual(3);
  for (const record of waiting) {
    expect(record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { event: { detail: { 'execution-id': executionId } } },
    });
  }
  // The runs so far (5 and 10 minutes in) replayed each message and left it: nothing posted, nothing lost.
  expect(redrive.runs.length).toBe(2);
  for (const run of redrive.runs) {
    expect(run).toMatchObject({ status: 'left', redriven: 0, expired: [], unreadable: [] });
    expect(run.failed.length).toBeGreaterThan(0);
  }
  expect(channelMessages()).toEqual([]);

  // The rest of the 70 minutes: every run fails again, the DLQ keeps everything.
  await runFor(70 * MINUTE - (clock.now() - outageStart), 10_000);
  expect(redrive.runs.length).toBe(14);
  expect(redrive.runs.every((run) => run.redriven === 0 && run.failed.length > 0)).toBe(true);
  expect(deadLetters()).toHaveLength(waiting.length);
  expect(channelMessages()).toEqual([]);

  // Slack is back; nobody runs anything: the next scheduled run delivers what waited.
  slack.faults.clear();
  await runFor(REDRIVE_INTERVAL_MS);
  expect(redrive.runs.at(-1)).toMatchObject({
    status: 'drained',
    redriven: waiting.length,
    failed: [],
    expired: [],
    unreadable: [],
  });
  expect(deadLetters()).toEqual([]);
  // One message for the execution, showing how it ended: both stages done, the run succeeded.
  const messages = channelMessages();
  expect(messages).toHaveLength(1);
  const shown = JSON.stringify(messages[0]?.blocks);
  expect(shown).toContain(executionId.slice(0, 8));
  expect(shown).toMatch(/Succeeded/);
  expect(shown).toMatch(/Source ✓ · Transform ✓/);

  // Later runs find nothing to do, and post nothing more.
  await runFor(2 * REDRIVE_INTERVAL_MS);
  expect(redrive.runs.slice(-2).map((run) => run.status)).toEqual(['drained', 'drained']);
  expect(channelMessages()).toHaveLength(1);
}, 180_000);

test('the budget: an event older than six hours is left in the DLQ for a person, not replayed', async () => {
  const { redrive } = local();
  const old = notifyInput(clock.now() - 6 * 60 * MINUTE - MINUTE);
  const recent = notifyInput(clock.now() - 10 * MINUTE);
  deadLetter(old);
  deadLetter(recent);

  await runFor(REDRIVE_INTERVAL_MS);
  const [run] = redrive.runs;
  expect(run).toMatchObject({ status: 'left', redriven: 1, failed: [], unreadable: [] });
  expect(run?.expired).toEqual([{ messageId: expect.any(String), eventTime: iso(old.event.time) }]);
  // The old one stays, visible again for the next run and for `pipewatch redrive`; the recent one was delivered.
  expect(deadLetters()).toEqual([expect.objectContaining({ requestPayload: old })]);
  expect(channelMessages()).toHaveLength(1);

  // And it stays: every run leaves it, none replays it.
  await runFor(2 * REDRIVE_INTERVAL_MS);
  expect(redrive.runs.slice(1).map((r) => [r.redriven, r.failed.length, r.expired.length])).toEqual([
    [0, 0, 1],
    [0, 0, 1],
  ]);
  expect(deadLetters()).toHaveLength(1);
  expect(channelMessages()).toHaveLength(1);
});

test('poison: a body that is no payload, and a payload notify fails on every time, stay in the DLQ and are reported, until the budget stops the replays', async () => {
  const { aws, redrive } = local();
  // A conversation record notify cannot read (another layout): notify throws on every delivery to it.
  const executionId = randomUUID();
  const dynamo = new DynamoDBClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    await dynamo.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: {
          pk: { S: `conv#${channelKey(CHANNEL)}#nightly-data#${executionId}` },
          state: { S: '{"schema":"something-else"}' },
          version: { N: '1' },
        },
      }),
    );
  } finally {
    dynamo.destroy();
  }
  const poison = notifyInput(clock.now() - MINUTE, executionId);
  deadLetter(poison);
  local().aws.sqs.sendInternal(dlqArn(), 'this is not JSON');

  await runFor(REDRIVE_INTERVAL_MS);
  const [first] = redrive.runs;
  expect(first).toMatchObject({ status: 'left', redriven: 0, expired: [] });
  expect(first?.failed).toEqual([{ messageId: expect.any(String), error: expect.stringMatching(/Error/) }]);
  expect(first?.unreadable).toHaveLength(1);
  expect(deadLetters()).toHaveLength(2);

  // Replayed every five minutes while within the budget, never deleted; past it, no longer replayed.
  for (let step = 0; step < 6 * 12; step++) {
    clock.advance(REDRIVE_INTERVAL_MS);
    await settle();
  }
  const last = redrive.runs.at(-1);
  expect(last).toMatchObject({ status: 'left', redriven: 0, failed: [] });
  expect(last?.expired).toEqual([{ messageId: first?.failed[0]?.messageId, eventTime: iso(poison.event.time) }]);
  expect(last?.unreadable).toEqual(first?.unreadable);
  // How many runs replayed it: those within six hours of its event.
  const replays = redrive.runs.filter((run) => run.failed.length === 1).length;
  expect(replays).toBeGreaterThanOrEqual(70);
  expect(replays).toBeLessThanOrEqual(72);
  expect(deadLetters()).toEqual([expect.objectContaining({ requestPayload: poison }), 'this is not JSON']);
  expect(channelMessages()).toEqual([]);
}, 120_000);
