import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { redrive } from '../../../src/aws/redrive';
import { runCli } from '../../../src/cli/main';
import { ManualClock } from '../../../src/local/aws';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

/*
 * Nothing is lost quietly: a function that keeps failing (a chat outage) gets Lambda's two
 * retries, then its invocation lands in the on-failure destination (the DLQ, on the local SQS);
 * `pipewatch redrive` replays it through the function once the outage is over, through the real
 * SQS and Lambda clients against the local AWS.
 */

const FUNCTION = 'pipewatch-test-notify';
let clock: ManualClock;
let local: LocalAwsClients;
let sqs: SQSClient;
let lambda: LambdaClient;
let outage: boolean;
const delivered: unknown[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  local = await startLocalAwsWithClients({ clock });
  ({ sqs, lambda } = local);
  outage = true;
  delivered.length = 0;
  const dlq = local.aws.sqs.createQueue('pipewatch-test-dlq');
  const arn = `arn:aws:lambda:${local.aws.region}:${local.aws.accountId}:function:${FUNCTION}`;
  local.aws.lambdas.register(
    arn,
    async (input) => {
      if (outage) throw new Error('Slack is down');
      delivered.push(input);
      return { status: 'rendered' };
    },
    { onFailure: dlq.arn },
  );
  await local.eventBridge.send(
    new PutRuleCommand({ Name: 'r', EventPattern: JSON.stringify({ source: ['test.app'] }) }),
  );
  await local.eventBridge.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'notify', Arn: arn }] }));
});

afterEach(() => local.stop());

async function failEveryAttempt(): Promise<void> {
  await local.eventBridge.send(
    new PutEventsCommand({ Entries: [{ Source: 'test.app', DetailType: 'x', Detail: JSON.stringify({ n: 1 }) }] }),
  );
  const eventBridge = local.aws.eventBridge;
  await eventBridge.settled();
  while (eventBridge.pendingRetries > 0) {
    clock.runAll();
    await eventBridge.settled();
  }
}

test('three failed attempts land in the DLQ as a destination record; redrive replays it once the outage is over', async () => {
  await failEveryAttempt();
  expect(local.aws.sqs.messages('pipewatch-test-dlq')).toHaveLength(1);
  const record = JSON.parse(local.aws.sqs.messages('pipewatch-test-dlq')[0] ?? '{}');
  expect(record).toMatchObject({
    requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
    requestPayload: { source: 'test.app', detail: { n: 1 } },
    responsePayload: { errorMessage: 'Slack is down' },
  });

  // Still down: the message fails again and stays.
  const stillDown = await redrive({
    sqs,
    lambda,
    queueUrl: queueUrl(),
    functionName: FUNCTION,
  });
  expect(stillDown).toMatchObject({
    redriven: 0,
    failed: [expect.objectContaining({ error: expect.stringContaining('Slack is down') })],
  });
  expect(local.aws.sqs.messages('pipewatch-test-dlq')).toHaveLength(1);

  // Hidden for the visibility timeout, then back for the next redrive.
  await expect(redrive({ sqs, lambda, queueUrl: queueUrl(), functionName: FUNCTION })).resolves.toMatchObject({
    redriven: 0,
    failed: [],
  });
  clock.advance(300_000);
  outage = false;
  await expect(redrive({ sqs, lambda, queueUrl: queueUrl(), functionName: FUNCTION })).resolves.toEqual({
    redriven: 1,
    failed: [],
    unreadable: [],
    expired: [],
    stoppedAtDeadline: false,
  });
  expect(delivered).toEqual([expect.objectContaining({ source: 'test.app', detail: { n: 1 } })]);
  expect(local.aws.sqs.messages('pipewatch-test-dlq')).toEqual([]);
});

test('pipewatch redrive: the command, with the endpoint from AWS_ENDPOINT_URL', async () => {
  await failEveryAttempt();
  outage = false;
  const out: string[] = [];
  const saved = { endpoint: process.env.AWS_ENDPOINT_URL, region: process.env.AWS_REGION };
  process.env.AWS_ENDPOINT_URL = local.aws.endpoint;
  process.env.AWS_REGION = local.aws.region;
  try {
    const code = await runCli(['redrive', '--queue-url', queueUrl(), '--function', FUNCTION], {
      out: (line: string) => out.push(line),
      err: () => undefined,
      readFile: async () => '',
      readStdin: async () => '',
    });
    expect(code).toBe(0);
  } finally {
    if (saved.endpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved.endpoint;
    if (saved.region === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = saved.region;
  }
  expect(out.join('\n')).toContain('redriven: 1, failed again: 0, unreadable: 0');
  expect(delivered).toHaveLength(1);
});

function queueUrl(): string {
  return `${local.aws.endpoint}/${local.aws.accountId}/pipewatch-test-dlq`;
}

describe('the scheduled redrive’s options: the budget, the deadline, releasing what is left', () => {
  const HOUR = 3_600_000;

  /** A body in the DLQ, as the local AWS puts a Lambda destination's record (SentTimestamp: the clock). */
  function send(body: string): void {
    expect(local.aws.sqs.sendInternal(dlqArn(), body)).toBe(true);
  }
  const input = (time: number) => ({
    rule: 'pw-x',
    channel: { platform: 'slack', workspace: 'T1', channel: 'C1' },
    event: { id: `event-at-${time}`, time: new Date(time).toISOString() },
  });
  const record = (payload: unknown, timestamp?: number) =>
    JSON.stringify({
      version: '1.0',
      ...(timestamp === undefined ? {} : { timestamp: new Date(timestamp).toISOString() }),
      requestPayload: payload,
    });
  const base = () => ({ sqs, lambda, queueUrl: queueUrl(), functionName: FUNCTION, now: () => clock.now() });
  const iso = (time: number) => new Date(time).toISOString();

  test("a message's age: its event's time, else when Lambda gave it up, else when the queue got it; older than the budget is left alone", async () => {
    outage = false;
    const sentEarly = clock.now();
    send('{"no": "time of its own"}');
    clock.advance(8 * HOUR);
    const now = clock.now();
    send(record(input(now - 7 * HOUR)));
    send(record(input(now - 5 * HOUR)));
    send(record({ no: 'event' }, now - 7 * HOUR));
    send(record({ no: 'event', but: 'recent' }, now - HOUR));

    const outcome = await redrive({ ...base(), maxEventAgeSeconds: 6 * 3600, releaseLeft: true });
    expect(outcome).toMatchObject({ redriven: 2, failed: [], unreadable: [], stoppedAtDeadline: false });
    expect(outcome.expired.map((e) => e.eventTime).sort()).toEqual([
      iso(sentEarly),
      iso(now - 7 * HOUR),
      iso(now - 7 * HOUR),
    ]);
    expect(delivered).toEqual([input(now - 5 * HOUR), { no: 'event', but: 'recent' }]);
    // Left in the queue and, released, visible again at once: the next run sees them (and leaves them again).
    expect(local.aws.sqs.messages('pipewatch-test-dlq')).toHaveLength(3);
    await expect(redrive({ ...base(), maxEventAgeSeconds: 6 * 3600 })).resolves.toMatchObject({
      redriven: 0,
      expired: [expect.anything(), expect.anything(), expect.anything()],
    });
    // Not released this time: hidden for the visibility timeout.
    await expect(redrive({ ...base(), maxEventAgeSeconds: 6 * 3600 })).resolves.toMatchObject({ expired: [] });
    // Without a budget (`pipewatch redrive`, a person's decision) every message is replayed, whatever its age.
    clock.advance(300_000);
    await expect(redrive(base())).resolves.toMatchObject({ redriven: 3, expired: [] });
    expect(local.aws.sqs.messages('pipewatch-test-dlq')).toEqual([]);
  });

  test('the deadline: no replay starts after it; what the run did not reach is released for the next one', async () => {
    const slow = `arn:aws:lambda:${local.aws.region}:${local.aws.accountId}:function:pipewatch-test-slow`;
    const ran: unknown[] = [];
    local.aws.lambdas.register(slow, async (payload) => {
      ran.push(payload);
      clock.advance(60_000);
      return {};
    });
    for (let n = 0; n < 4; n++) send(record(input(clock.now() - n * 1000)));
    const outcome = await redrive({
      ...base(),
      functionName: slow,
      deadline: clock.now() + 90_000,
      releaseLeft: true,
    });
    // Started at 0 s and at 60 s; at 120 s the deadline (90 s) had passed.
    expect(outcome).toMatchObject({ redriven: 2, failed: [], expired: [], stoppedAtDeadline: true });
    expect(ran).toHaveLength(2);
    expect(local.aws.sqs.messages('pipewatch-test-dlq')).toHaveLength(2);
    await expect(redrive({ ...base(), functionName: slow })).resolves.toMatchObject({
      redriven: 2,
      stoppedAtDeadline: false,
    });
    expect(local.aws.sqs.messages('pipewatch-test-dlq')).toEqual([]);
  });

  test('an Invoke that fails (no such function, throttled, denied) leaves that message and goes on with the others', async () => {
    send(record(input(clock.now())));
    send(record(input(clock.now() - 1000)));
    const outcome = await redrive({ ...base(), functionName: 'pipewatch-test-missing', releaseLeft: true });
    expect(outcome.redriven).toBe(0);
    expect(outcome.failed).toEqual([
      { messageId: expect.any(String), error: expect.stringContaining('Invoke failed: ResourceNotFoundException') },
      { messageId: expect.any(String), error: expect.stringContaining('Invoke failed: ResourceNotFoundException') },
    ]);
    expect(local.aws.sqs.messages('pipewatch-test-dlq')).toHaveLength(2);
  });
});

function dlqArn(): string {
  return `arn:aws:sqs:${local.aws.region}:${local.aws.accountId}:pipewatch-test-dlq`;
}
