import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
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
  const config = {
    endpoint: local.aws.endpoint,
    region: local.aws.region,
    credentials: { ...local.aws.credentials },
  };
  sqs = new SQSClient(config);
  lambda = new LambdaClient(config);
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

afterEach(async () => {
  sqs.destroy();
  lambda.destroy();
  await local.stop();
});

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
