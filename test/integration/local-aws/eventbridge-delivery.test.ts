import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateEventBusCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { ManualClock } from '../../../src/local/aws';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const START = Date.parse('2026-01-01T00:00:00Z');

let local: LocalAwsClients;
let clock: ManualClock;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  clock = new ManualClock(START);
  local = await startLocalAwsWithClients({ clock });
  await local.eventBridge.send(new CreateEventBusCommand({ Name: 'pipewatch' }));
});
afterAll(async () => {
  await local.stop();
  process.off('unhandledRejection', onUnhandled);
});
afterEach(() => local.aws.eventBridge.faults.reset());

const eb = () => local.aws.eventBridge;
const lambdaArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** A Lambda that records what it receives; `fail(n)` makes its next n invocations throw. */
function recorder(name: string) {
  const arn = lambdaArn(name);
  const calls: unknown[] = [];
  let failures = 0;
  local.aws.lambdas.register(arn, async (event) => {
    if (failures > 0) {
      failures--;
      throw new Error(`${name} is down`);
    }
    calls.push(event);
  });
  return {
    arn,
    calls,
    fail(n: number) {
      failures = n;
    },
  };
}

/** Runs deliveries to completion, stepping the manual clock through the retry backoff. */
async function drain(): Promise<void> {
  for (let step = 0; step < 1000; step++) {
    await eb().settled();
    if (eb().pendingRetries === 0) return;
    clock.runAll();
  }
  throw new Error('deliveries did not drain');
}

async function rule(name: string, pattern: object, targets: Target[], bus?: string): Promise<string> {
  const { RuleArn } = await local.eventBridge.send(
    new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), EventBusName: bus }),
  );
  if (targets.length > 0) {
    const result = await local.eventBridge.send(
      new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: targets }),
    );
    expect(result.FailedEntryCount).toBe(0);
  }
  return RuleArn ?? '';
}

async function put(...entries: PutEventsRequestEntry[]) {
  const result = await local.eventBridge.send(new PutEventsCommand({ Entries: entries }));
  await drain();
  return result;
}

const entry = (source: string, detail: object, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: source,
  DetailType: 'Test Event',
  Detail: JSON.stringify(detail),
  ...extra,
});

describe('input transformation', () => {
  test('reserved variables, InputPathsMap, missing paths, Input, InputPath, plain text and the whole event', async () => {
    const all = recorder('transform-all');
    const constant = recorder('transform-input');
    const byPath = recorder('transform-path');
    const plain = recorder('transform-plain');
    const whole = recorder('transform-whole');
    const template = [
      '{"name": <aws.events.rule-name>, "arn": <aws.events.rule-arn>, "ingested": <aws.events.event.ingestion-time>,',
      '"event": <aws.events.event>, "json": <aws.events.event.json>,',
      '"state": <state>, "sentence": "state is <state>", "count": <count>, "tags": <tags>,',
      '"missing": <nope>, "missingQuoted": "[<nope>]", "literal": "<undeclared>"}',
    ].join(' ');
    const ruleArn = await rule('transform', { source: ['test.transform'] }, [
      {
        Id: 'all',
        Arn: all.arn,
        InputTransformer: {
          InputPathsMap: {
            state: '$.detail.state',
            count: '$.detail.count',
            tags: '$.detail.tags',
            nope: '$.detail.nothing',
          },
          InputTemplate: template,
        },
      },
      { Id: 'input', Arn: constant.arn, Input: '{"fixed": true}' },
      { Id: 'path', Arn: byPath.arn, InputPath: '$.detail.state' },
      {
        Id: 'plain',
        Arn: plain.arn,
        InputTransformer: {
          InputPathsMap: { state: '$.detail.state' },
          InputTemplate: '<state> for <aws.events.rule-name>',
        },
      },
      { Id: 'whole', Arn: whole.arn },
    ]);
    expect(ruleArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/transform`);

    const detail = { state: 'SUCCEEDED', count: 3, tags: ['a', 'b'] };
    const result = await put(entry('test.transform', detail, { Resources: ['arn:aws:codepipeline:us-east-1:0:p'] }));
    const event = {
      version: '0',
      id: result.Entries?.[0]?.EventId,
      'detail-type': 'Test Event',
      source: 'test.transform',
      account: ACCOUNT,
      time: '2026-01-01T00:00:00Z',
      region: REGION,
      resources: ['arn:aws:codepipeline:us-east-1:0:p'],
      detail,
    };
    const { detail: _detail, ...withoutDetail } = event;
    expect(all.calls).toEqual([
      {
        name: 'transform',
        arn: ruleArn,
        ingested: '2026-01-01T00:00:00Z',
        event: withoutDetail,
        json: event,
        state: 'SUCCEEDED',
        sentence: 'state is SUCCEEDED',
        count: 3,
        tags: ['a', 'b'],
        missing: null,
        missingQuoted: '[]',
        literal: '<undeclared>',
      },
    ]);
    expect(constant.calls).toEqual([{ fixed: true }]);
    expect(byPath.calls).toEqual(['SUCCEEDED']);
    expect(plain.calls).toEqual(['SUCCEEDED for transform']);
    expect(whole.calls).toEqual([event]);
    expect(
      eb()
        .deliveryLog.filter((r) => r.ruleArn === ruleArn)
        .every((r) => r.ok),
    ).toBe(true);
  });

  test('string values are inserted unescaped inside JSON strings, as AWS documents', async () => {
    const target = recorder('transform-raw');
    await rule('transform-raw', { source: ['test.raw'] }, [
      {
        Id: 'raw',
        Arn: target.arn,
        InputTransformer: { InputPathsMap: { v: '$.detail.v' }, InputTemplate: '{"quoted": "<v>", "value": <v>}' },
      },
    ]);
    await put(entry('test.raw', { v: 'say "hi"' }));
    // The unescaped quote breaks the JSON text: the Lambda receives the raw string.
    expect(target.calls).toEqual(['{"quoted": "say "hi"", "value": "say \\"hi\\""}']);
  });
});

describe('rules and buses', () => {
  test('a disabled rule delivers nothing; enabling it again restores delivery', async () => {
    const target = recorder('toggle');
    await rule('toggle', { source: ['test.toggle'] }, [{ Id: 't', Arn: target.arn }]);
    await put(entry('test.toggle', { n: 1 }));
    await local.eventBridge.send(new DisableRuleCommand({ Name: 'toggle' }));
    await put(entry('test.toggle', { n: 2 }));
    await local.eventBridge.send(new EnableRuleCommand({ Name: 'toggle' }));
    await put(entry('test.toggle', { n: 3 }));
    expect(target.calls.map((e) => (e as { detail: { n: number } }).detail.n)).toEqual([1, 3]);
  });

  test('forwarding: a default-bus rule targets the pipewatch bus, whose rule invokes the Lambda', async () => {
    const notify = recorder('forward-notify');
    await rule('forward-to-pipewatch', { source: ['aws.codepipeline', 'test.forward'] }, [
      { Id: 'pipewatch-bus', Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/pipewatch` },
    ]);
    await rule(
      'sub-deploys',
      { source: ['aws.codepipeline', 'test.forward'], detail: { pipeline: ['deploy'] } },
      [
        {
          Id: 'notify',
          Arn: notify.arn,
          InputTransformer: {
            InputPathsMap: { pipeline: '$.detail.pipeline' },
            InputTemplate: '{"rule": <aws.events.rule-name>, "pipeline": <pipeline>, "event": <aws.events.event.json>}',
          },
        },
      ],
      'pipewatch',
    );
    // As the CodePipeline simulator emits (aws.* sources are only for AWS services)…
    const [internal] = eb().putEventsInternal([entry('aws.codepipeline', { pipeline: 'deploy', state: 'STARTED' })]);
    // …and through the API, on the default bus.
    const api = await put(
      entry('test.forward', { pipeline: 'deploy', state: 'SUCCEEDED' }),
      entry('test.forward', { pipeline: 'other' }),
    );
    await drain();
    const received = notify.calls as { rule: string; pipeline: string; event: { id: string; source: string } }[];
    expect(received.map((c) => [c.rule, c.pipeline, c.event.source, c.event.id])).toEqual([
      ['sub-deploys', 'deploy', 'aws.codepipeline', internal?.EventId],
      ['sub-deploys', 'deploy', 'test.forward', api.Entries?.[0]?.EventId],
    ]);
  });

  test('PutEvents partial failure: each entry answers on its own, in order, with FailedEntryCount', async () => {
    const result = await local.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          entry('test.partial', { ok: 1 }),
          { Source: 'test.partial', DetailType: 'Test Event' },
          entry('test.partial', [1, 2]),
          { Source: 'test.partial', DetailType: 'Test Event', Detail: '{not json' },
          entry('aws.codepipeline', {}),
          entry('test.partial', {}, { EventBusName: 'nope' }),
          entry('test.partial', {}, { EventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/pipewatch` }),
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(5);
    expect(result.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'NotAuthorizedForSourceException',
      'ResourceNotFoundException',
      'ok',
    ]);
    expect(result.Entries?.[1]?.ErrorMessage).toBe(
      'Parameter Detail is not valid. Reason: Detail is a required argument.',
    );
    expect(result.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    const eleven = Array.from({ length: 11 }, () => entry('test.partial', {}));
    await expect(local.eventBridge.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await drain();
  });
});

describe('faults', () => {
  const seqOf = (calls: unknown[]) => calls.map((e) => (e as { detail: { seq: number } }).detail.seq);

  test('duplicate(n) delivers every event n times with the same id', async () => {
    const target = recorder('dup');
    await rule('dup', { source: ['test.dup'] }, [{ Id: 't', Arn: target.arn }]);
    eb().faults.duplicate(3);
    await put(entry('test.dup', { seq: 1 }));
    const ids = target.calls.map((e) => (e as { id: string }).id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });

  test('duplicate(n) with a forwarding rule: the final target gets n copies, not n per hop', async () => {
    const target = recorder('dup-forward');
    await rule('dup-forward', { source: ['test.dupfwd'] }, [
      { Id: 'bus', Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/pipewatch` },
    ]);
    await rule('dup-forward-sub', { source: ['test.dupfwd'] }, [{ Id: 't', Arn: target.arn }], 'pipewatch');
    eb().faults.duplicate(2);
    await put(entry('test.dupfwd', { seq: 1 }));
    expect(target.calls).toHaveLength(2);
  });

  test('held deliveries are released in reverse, or shuffled reproducibly', async () => {
    const target = recorder('order');
    await rule('order', { source: ['test.order'] }, [{ Id: 't', Arn: target.arn }]);
    eb().faults.holdDeliveries();
    for (const seq of [1, 2, 3, 4])
      await local.eventBridge.send(new PutEventsCommand({ Entries: [entry('test.order', { seq })] }));
    await eb().settled();
    expect(target.calls).toEqual([]);
    expect(eb().faults.heldCount).toBe(4);
    expect(eb().faults.releaseDeliveries({ order: 'reverse' })).toBe(4);
    await drain();
    expect(seqOf(target.calls)).toEqual([4, 3, 2, 1]);

    target.calls.length = 0;
    eb().faults.holdDeliveries();
    for (const seq of [1, 2, 3, 4, 5, 6])
      await local.eventBridge.send(new PutEventsCommand({ Entries: [entry('test.order', { seq })] }));
    eb().faults.releaseDeliveries({ order: 'shuffle', seed: 7 });
    await drain();
    const shuffled = seqOf(target.calls);
    expect([...shuffled].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(shuffled).not.toEqual([1, 2, 3, 4, 5, 6]);
    await eb().idle();
  });

  test('failTarget(arn, n): the target fails n times, is retried with backoff on the clock, then succeeds', async () => {
    const target = recorder('flaky');
    const ruleArn = await rule('flaky', { source: ['test.flaky'] }, [{ Id: 't', Arn: target.arn }]);
    eb().faults.failTarget(target.arn, 2);
    await local.eventBridge.send(new PutEventsCommand({ Entries: [entry('test.flaky', { seq: 1 })] }));
    await eb().settled();
    expect(target.calls).toHaveLength(0);
    expect(eb().pendingRetries).toBe(1);
    clock.advance(99);
    await eb().settled();
    expect(eb().deliveryLog.filter((r) => r.ruleArn === ruleArn)).toHaveLength(1);
    clock.advance(1); // the first retry is due 100 ms after the failure
    await eb().settled();
    clock.advance(200); // the second 200 ms after that
    await eb().settled();
    expect(target.calls).toHaveLength(1);
    expect(
      eb()
        .deliveryLog.filter((r) => r.ruleArn === ruleArn)
        .map((r) => [r.attempt, r.ok]),
    ).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(
      eb()
        .deadLetters()
        .filter((d) => d.ruleArn === ruleArn),
    ).toEqual([]);
    await eb().idle();
  });

  test('a function that keeps failing: Lambda retries it twice (a minute, then two), then sends it to its on-failure destination', async () => {
    const target = recorder('down');
    target.fail(1000);
    const destination = `arn:aws:sqs:${REGION}:${ACCOUNT}:pipewatch-dlq`;
    const fn = local.aws.lambdas.get(target.arn);
    if (fn === undefined) throw new Error('not registered');
    local.aws.lambdas.register(target.arn, fn, { onFailure: destination });
    const ruleArn = await rule('down', { source: ['test.down'] }, [
      { Id: 't', Arn: target.arn, Input: '{"x": 1}', RetryPolicy: { MaximumRetryAttempts: 2 } },
    ]);
    const before = clock.now();
    await put(entry('test.down', { seq: 1 }));
    // EventBridge's delivery succeeded (Lambda accepted the event): nothing for its dead letters.
    expect(
      eb()
        .deadLetters()
        .filter((d) => d.ruleArn === ruleArn),
    ).toEqual([]);
    expect(
      eb()
        .deliveryLog.filter((r) => r.ruleArn === ruleArn)
        .map((r) => r.ok),
    ).toEqual([true]);
    expect(local.aws.lambdas.failures).toEqual([
      expect.objectContaining({
        functionArn: target.arn,
        destination,
        payload: { x: 1 },
        error: 'down is down',
        attempts: 3,
        condition: 'RetriesExhausted',
      }),
    ]);
    expect(clock.now() - before).toBeGreaterThanOrEqual(180_000);
    expect(local.aws.lambdas.drain(destination)).toHaveLength(1);
    expect(local.aws.lambdas.failures).toEqual([]);
  });

  test('MaximumEventAgeInSeconds ends delivery retries before MaximumRetryAttempts does', async () => {
    const target = recorder('old');
    eb().faults.failTarget(target.arn, 1000);
    const ruleArn = await rule('old', { source: ['test.old'] }, [
      { Id: 't', Arn: target.arn, RetryPolicy: { MaximumEventAgeInSeconds: 60 } },
    ]);
    const before = clock.now();
    await put(entry('test.old', {}));
    const [dead] = eb()
      .deadLetters()
      .filter((d) => d.ruleArn === ruleArn);
    expect(dead?.attempts).toBeGreaterThan(3);
    expect(dead?.attempts).toBeLessThan(185);
    expect(clock.now() - before).toBeLessThanOrEqual(60_000);
  });

  test('an unregistered Lambda fails like a missing function and is dead-lettered', async () => {
    const ruleArn = await rule('ghost', { source: ['test.ghost'] }, [
      { Id: 't', Arn: lambdaArn('ghost-function'), RetryPolicy: { MaximumRetryAttempts: 0 } },
    ]);
    await put(entry('test.ghost', {}));
    expect(
      eb()
        .deadLetters()
        .find((d) => d.ruleArn === ruleArn)?.error,
    ).toMatch(/Function not found/);
  });
});

describe('HTTP targets (local extension)', () => {
  test('a loopback URL receives the transformed input as a JSON POST; non-2xx is a failure and is retried', async () => {
    const bodies: unknown[] = [];
    let status = 503;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push({ type: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(status).end();
        status = 200;
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const ruleArn = await rule('http', { source: ['test.http'] }, [
        { Id: 'hook', Arn: url, InputTransformer: { InputPathsMap: { s: '$.detail.s' }, InputTemplate: '{"s": <s>}' } },
      ]);
      await put(entry('test.http', { s: 'hello' }));
      expect(bodies).toEqual([
        { type: 'application/json', body: { s: 'hello' } },
        { type: 'application/json', body: { s: 'hello' } },
      ]);
      expect(
        eb()
          .deliveryLog.filter((r) => r.ruleArn === ruleArn)
          .map((r) => r.ok),
      ).toEqual([false, true]);
    } finally {
      server.close();
    }
  });
});

describe('robustness', () => {
  test('idle() resolves when nothing is in flight, and no delivery left an unhandled rejection', async () => {
    await eb().idle();
    expect(eb().pendingRetries).toBe(0);
    expect(unhandled).toEqual([]);
  });
});
