import { DEFAULT_REDRIVE_BUDGET_SECONDS, redriveAppFromEnvironment } from '../../../src/app/redrive-app';
import type { LogFields } from '../../../src/core/ports';
import { ManualClock } from '../../../src/local/aws';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

/*
 * The redrive function's composition root (src/app/redrive-app.ts) against the local AWS: its
 * deadline from the Lambda context, the default budget, what it logs for the person who looks.
 */

const QUEUE = 'pipewatch-test-dlq';
let clock: ManualClock;
let local: LocalAwsClients;
let notifyArn: string;
let lines: { level: string; message: string; fields: LogFields }[];
/** What the registered notify does with each payload. */
let behaviour: (payload: unknown) => Promise<unknown>;

beforeEach(async () => {
  clock = new ManualClock();
  local = await startLocalAwsWithClients({ clock });
  local.aws.sqs.createQueue(QUEUE);
  notifyArn = `arn:aws:lambda:${local.aws.region}:${local.aws.accountId}:function:pipewatch-test-notify`;
  behaviour = async () => ({ status: 'rendered' });
  local.aws.lambdas.register(notifyArn, (payload) => behaviour(payload));
  lines = [];
});

afterEach(() => local.stop());

function app(env: NodeJS.ProcessEnv = {}) {
  const record =
    (level: string) =>
    (message: string, fields: LogFields = {}) => {
      lines.push({ level, message, fields });
    };
  return redriveAppFromEnvironment(
    {
      PIPEWATCH_DLQ_URL: `${local.aws.endpoint}/${local.aws.accountId}/${QUEUE}`,
      PIPEWATCH_NOTIFY_FUNCTION_ARN: notifyArn,
      ...env,
    },
    {
      clients: { sqs: local.sqs, lambda: local.lambda },
      log: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
      now: () => clock.now(),
    },
  );
}

function send(payload: unknown): void {
  const body = typeof payload === 'string' ? payload : JSON.stringify({ version: '1.0', requestPayload: payload });
  expect(local.aws.sqs.sendInternal(`arn:aws:sqs:${local.aws.region}:${local.aws.accountId}:${QUEUE}`, body)).toBe(
    true,
  );
}

const event = (ageMs: number, n = 0) => ({ rule: 'r', event: { id: `e${n}`, time: iso(clock.now() - ageMs) } });
const iso = (time: number) => new Date(time).toISOString();

test('an empty queue: drained, nothing logged', async () => {
  await expect(app()()).resolves.toMatchObject({ status: 'drained', redriven: 0 });
  expect(lines).toEqual([]);
});

test('delivered messages: one info line with the counts', async () => {
  send(event(60_000, 1));
  send(event(60_000, 2));
  await expect(app()()).resolves.toMatchObject({ status: 'drained', redriven: 2 });
  expect(lines).toEqual([
    {
      level: 'info',
      message: 'redrove the dead-letter queue',
      fields: { redriven: 2, failedAgain: 0, pastBudget: 0, unreadable: 0 },
    },
  ]);
});

test('the budget is six hours unless configured; what is past it, or unreadable, is an error line naming the messages', async () => {
  expect(DEFAULT_REDRIVE_BUDGET_SECONDS).toBe(21_600);
  send(event(6 * 3_600_000 + 1000));
  send(event(6 * 3_600_000 - 60_000));
  send('not JSON');
  const outcome = await app()();
  expect(outcome).toMatchObject({ status: 'left', redriven: 1, failed: [] });
  expect(lines.map((line) => [line.level, line.message])).toEqual([
    ['error', 'left in the dead-letter queue for a person: past the redrive budget, or not a payload'],
    ['info', 'redrove the dead-letter queue'],
  ]);
  expect(lines[0]?.fields).toMatchObject({
    budgetSeconds: 21_600,
    messagesPastBudget: [{ messageId: expect.any(String), eventTime: iso(clock.now() - 6 * 3_600_000 - 1000) }],
    unreadableMessages: [expect.any(String)],
  });

  // An hour's budget (`--param redriveBudgetSeconds=3600`): the one of 5 h 59 min is past it too.
  send(event(6 * 3_600_000 - 60_000));
  lines = [];
  await expect(app({ PIPEWATCH_REDRIVE_BUDGET_SECONDS: '3600' })()).resolves.toMatchObject({
    redriven: 0,
    expired: [expect.anything(), expect.anything()],
  });
});

test('notify failing: a warning with the errors, the messages left for the next run', async () => {
  behaviour = async () => {
    throw new Error('chat.postMessage failed: service_unavailable');
  };
  send(event(60_000));
  const outcome = await app()();
  expect(outcome).toMatchObject({
    status: 'left',
    redriven: 0,
    failed: [{ error: expect.stringContaining('service_unavailable') }],
  });
  expect(lines.map((line) => [line.level, line.message])).toEqual([
    ['warn', 'notify failed again: left in the dead-letter queue for the next run'],
  ]);
  // Released at the end of the run: the next run (or a person) sees it at once.
  behaviour = async () => ({ status: 'rendered' });
  await expect(app()()).resolves.toMatchObject({ status: 'drained', redriven: 1 });
});

test("the deadline: the Lambda context's remaining time, less notify's timeout and a margin", async () => {
  // Each replay takes 100 s of the clock; 240 s remain: replays may start until 205 s.
  behaviour = async () => {
    clock.advance(100_000);
    return {};
  };
  for (let n = 0; n < 4; n++) send(event(60_000, n));
  const outcome = await app()({ getRemainingTimeInMillis: () => 240_000 });
  expect(outcome).toMatchObject({ status: 'left', redriven: 3, stoppedAtDeadline: true });
  expect(lines[0]?.fields).toMatchObject({ redriven: 3, stoppedAtDeadline: true });
  expect(local.aws.sqs.messages(QUEUE)).toHaveLength(1);
});
