import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  InvalidEventPatternException,
  LimitExceededException,
  ListEventBusesCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  type Target,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { type LocalAwsClients, signedPost, startLocalAwsWithClients } from '../../helpers/local-aws';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const LAMBDA = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notify`;
const PATTERN = JSON.stringify({
  source: ['aws.codepipeline'],
  'detail-type': ['CodePipeline Pipeline Execution State Change'],
});

/**
 * The EventBridge model declares no ValidationException shape, so the SDK raises its base
 * EventBridgeServiceException carrying the wire `__type` as `name` (as it does against AWS).
 */
const VALIDATION = { name: 'ValidationException', $metadata: { httpStatusCode: 400 } };

let local: LocalAwsClients;

beforeAll(async () => {
  local = await startLocalAwsWithClients({ rulesPerBus: 12 });
  await local.eventBridge.send(new CreateEventBusCommand({ Name: 'pipewatch' }));
});
afterAll(() => local.stop());

function target(id: string, extra: Partial<Target> = {}): Target {
  return { Id: id, Arn: LAMBDA, ...extra };
}

describe('event buses', () => {
  test('the default bus always exists; custom buses are created once, described, listed and deleted', async () => {
    const described = await local.eventBridge.send(new DescribeEventBusCommand({}));
    expect(described).toMatchObject({ Name: 'default', Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` });
    expect(described.CreationTime).toBeInstanceOf(Date);

    const created = await local.eventBridge.send(
      new CreateEventBusCommand({ Name: 'temp-bus', Description: 'temporary' }),
    );
    expect(created.EventBusArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/temp-bus`);
    await expect(local.eventBridge.send(new CreateEventBusCommand({ Name: 'temp-bus' }))).rejects.toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
    const byArn = await local.eventBridge.send(new DescribeEventBusCommand({ Name: created.EventBusArn }));
    expect(byArn).toMatchObject({ Name: 'temp-bus', Description: 'temporary' });

    const listed = await local.eventBridge.send(new ListEventBusesCommand({}));
    expect(listed.EventBuses?.map((bus) => bus.Name)).toEqual(['default', 'pipewatch', 'temp-bus']);

    await local.eventBridge.send(new DeleteEventBusCommand({ Name: 'temp-bus' }));
    await local.eventBridge.send(new DeleteEventBusCommand({ Name: 'temp-bus' }));
    await expect(local.eventBridge.send(new DescribeEventBusCommand({ Name: 'temp-bus' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(local.eventBridge.send(new DeleteEventBusCommand({ Name: 'default' }))).rejects.toMatchObject(
      VALIDATION,
    );
  });
});

describe('rule lifecycle', () => {
  test('put, describe, replace (targets kept, omitted fields cleared), enable/disable, delete', async () => {
    const put = await local.eventBridge.send(
      new PutRuleCommand({
        Name: 'life-1',
        EventBusName: 'pipewatch',
        EventPattern: PATTERN,
        Description: 'first',
        Tags: [{ Key: 'channel', Value: 'C1' }],
      }),
    );
    expect(put.RuleArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/pipewatch/life-1`);
    const onDefault = await local.eventBridge.send(new PutRuleCommand({ Name: 'life-default', EventPattern: PATTERN }));
    expect(onDefault.RuleArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/life-default`);

    expect(
      await local.eventBridge.send(new DescribeRuleCommand({ Name: 'life-1', EventBusName: 'pipewatch' })),
    ).toMatchObject({
      Name: 'life-1',
      Arn: put.RuleArn,
      EventPattern: PATTERN,
      State: 'ENABLED',
      Description: 'first',
      EventBusName: 'pipewatch',
      CreatedBy: ACCOUNT,
    });

    await local.eventBridge.send(
      new PutTargetsCommand({ Rule: 'life-1', EventBusName: 'pipewatch', Targets: [target('t1')] }),
    );
    // Replace: no Description now, and the tags of an update are ignored.
    await local.eventBridge.send(
      new PutRuleCommand({
        Name: 'life-1',
        EventBusName: 'pipewatch',
        EventPattern: PATTERN,
        State: 'DISABLED',
        Tags: [{ Key: 'channel', Value: 'C2' }],
      }),
    );
    const replaced = await local.eventBridge.send(
      new DescribeRuleCommand({ Name: 'life-1', EventBusName: 'pipewatch' }),
    );
    expect(replaced.State).toBe('DISABLED');
    expect(replaced.Description).toBeUndefined();
    const targets = await local.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: 'life-1', EventBusName: 'pipewatch' }),
    );
    expect(targets.Targets).toEqual([{ Id: 't1', Arn: LAMBDA }]);
    const tags = await local.eventBridge.send(new ListTagsForResourceCommand({ ResourceARN: put.RuleArn }));
    expect(tags.Tags).toEqual([{ Key: 'channel', Value: 'C1' }]);

    await local.eventBridge.send(new EnableRuleCommand({ Name: 'life-1', EventBusName: 'pipewatch' }));
    expect(
      (await local.eventBridge.send(new DescribeRuleCommand({ Name: 'life-1', EventBusName: 'pipewatch' }))).State,
    ).toBe('ENABLED');
    await local.eventBridge.send(new DisableRuleCommand({ Name: 'life-1', EventBusName: 'pipewatch' }));
    expect(
      (await local.eventBridge.send(new DescribeRuleCommand({ Name: 'life-1', EventBusName: 'pipewatch' }))).State,
    ).toBe('DISABLED');

    // Delete is refused while targets remain, then succeeds, then succeeds again (idempotent).
    const deleteRule = () =>
      local.eventBridge.send(new DeleteRuleCommand({ Name: 'life-1', EventBusName: 'pipewatch' }));
    await expect(deleteRule()).rejects.toMatchObject({
      name: 'ValidationException',
      message: "Rule can't be deleted since it has targets.",
    });
    const names = await local.eventBridge.send(
      new ListRuleNamesByTargetCommand({ TargetArn: LAMBDA, EventBusName: 'pipewatch' }),
    );
    expect(names.RuleNames).toEqual(['life-1']);
    const removed = await local.eventBridge.send(
      new RemoveTargetsCommand({ Rule: 'life-1', EventBusName: 'pipewatch', Ids: ['t1'] }),
    );
    expect(removed.FailedEntryCount).toBe(0);
    await deleteRule();
    await deleteRule();
    await expect(
      local.eventBridge.send(new DescribeRuleCommand({ Name: 'life-1', EventBusName: 'pipewatch' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      local.eventBridge.send(new DeleteRuleCommand({ Name: 'life-1', EventBusName: 'no-such-bus' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      local.eventBridge.send(new EnableRuleCommand({ Name: 'life-1', EventBusName: 'pipewatch' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await local.eventBridge.send(new DeleteRuleCommand({ Name: 'life-default' }));
  });

  test('ListRules filters by prefix and pages with Limit/NextToken', async () => {
    await local.eventBridge.send(new CreateEventBusCommand({ Name: 'paging' }));
    for (const name of ['sub-a', 'sub-b', 'sub-c', 'sub-d', 'sub-e', 'other']) {
      await local.eventBridge.send(new PutRuleCommand({ Name: name, EventBusName: 'paging', EventPattern: PATTERN }));
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await local.eventBridge.send(
        new ListRulesCommand({ EventBusName: 'paging', NamePrefix: 'sub-', Limit: 2, NextToken: token }),
      );
      seen.push(...(page.Rules ?? []).map((rule) => rule.Name ?? ''));
      token = page.NextToken;
      pages++;
    } while (token !== undefined);
    expect(seen).toEqual(['sub-a', 'sub-b', 'sub-c', 'sub-d', 'sub-e']);
    expect(pages).toBe(3);
    const all = await local.eventBridge.send(new ListRulesCommand({ EventBusName: 'paging' }));
    expect(all.Rules?.[0]).toMatchObject({
      Name: 'other',
      EventBusName: 'paging',
      State: 'ENABLED',
      EventPattern: PATTERN,
    });
    expect(all.NextToken).toBeUndefined();
    await expect(
      local.eventBridge.send(new ListRulesCommand({ EventBusName: 'paging', Limit: 101 })),
    ).rejects.toMatchObject(VALIDATION);
    await expect(
      local.eventBridge.send(new ListRulesCommand({ EventBusName: 'paging', Limit: 0 })),
    ).rejects.toMatchObject(VALIDATION);
    await expect(
      local.eventBridge.send(new ListRulesCommand({ EventBusName: 'paging', NextToken: 'not a token' })),
    ).rejects.toMatchObject(VALIDATION);
    await expect(local.eventBridge.send(new ListRulesCommand({ EventBusName: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('quotas and validation', () => {
  test('5 targets per rule: a 6th fails the whole call with LimitExceededException and changes nothing', async () => {
    await local.eventBridge.send(
      new PutRuleCommand({ Name: 'five', EventBusName: 'pipewatch', EventPattern: PATTERN }),
    );
    await local.eventBridge.send(
      new PutTargetsCommand({
        Rule: 'five',
        EventBusName: 'pipewatch',
        Targets: ['1', '2', '3', '4'].map((id) => target(id)),
      }),
    );
    // Replacing an existing id does not count as a new target.
    await local.eventBridge.send(
      new PutTargetsCommand({ Rule: 'five', EventBusName: 'pipewatch', Targets: [target('4'), target('5')] }),
    );
    const sixth = local.eventBridge.send(
      new PutTargetsCommand({ Rule: 'five', EventBusName: 'pipewatch', Targets: [target('5'), target('6')] }),
    );
    await expect(sixth).rejects.toBeInstanceOf(LimitExceededException);
    await expect(sixth).rejects.toThrow('The requested resource exceeds the maximum number allowed.');
    const listed = await local.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: 'five', EventBusName: 'pipewatch' }),
    );
    expect(listed.Targets?.map((t) => t.Id)).toEqual(['1', '2', '3', '4', '5']);
    // Paging over targets.
    const first = await local.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: 'five', EventBusName: 'pipewatch', Limit: 3 }),
    );
    const second = await local.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: 'five', EventBusName: 'pipewatch', Limit: 3, NextToken: first.NextToken }),
    );
    expect([...(first.Targets ?? []), ...(second.Targets ?? [])].map((t) => t.Id)).toEqual(['1', '2', '3', '4', '5']);
    expect(second.NextToken).toBeUndefined();
    // More than 10 entries in one request is refused before the quota is looked at.
    const eleven = Array.from({ length: 11 }, (_, i) => target(`x${i}`));
    await expect(
      local.eventBridge.send(new PutTargetsCommand({ Rule: 'five', EventBusName: 'pipewatch', Targets: eleven })),
    ).rejects.toMatchObject(VALIDATION);
    await expect(
      local.eventBridge.send(
        new PutTargetsCommand({ Rule: 'missing', EventBusName: 'pipewatch', Targets: [target('1')] }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test('PutTargets partial failure: a malformed Arn is reported in FailedEntries, the others are applied', async () => {
    await local.eventBridge.send(
      new PutRuleCommand({ Name: 'partial', EventBusName: 'pipewatch', EventPattern: PATTERN }),
    );
    const result = await local.eventBridge.send(
      new PutTargetsCommand({
        Rule: 'partial',
        EventBusName: 'pipewatch',
        Targets: [target('good'), { Id: 'bad', Arn: 'not-an-arn' }],
      }),
    );
    expect(result.FailedEntryCount).toBe(1);
    expect(result.FailedEntries).toEqual([
      {
        TargetId: 'bad',
        ErrorCode: 'ValidationException',
        ErrorMessage: 'Parameter not-an-arn is not valid. Reason: Provided Arn is not in correct format.',
      },
    ]);
    const listed = await local.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: 'partial', EventBusName: 'pipewatch' }),
    );
    expect(listed.Targets?.map((t) => t.Id)).toEqual(['good']);
  });

  test('rules per bus: the quota (here 12) refuses a new rule but not an update', async () => {
    await local.eventBridge.send(new CreateEventBusCommand({ Name: 'quota' }));
    for (let i = 0; i < 12; i++) {
      await local.eventBridge.send(
        new PutRuleCommand({ Name: `q-${i}`, EventBusName: 'quota', EventPattern: PATTERN }),
      );
    }
    await expect(
      local.eventBridge.send(new PutRuleCommand({ Name: 'q-12', EventBusName: 'quota', EventPattern: PATTERN })),
    ).rejects.toBeInstanceOf(LimitExceededException);
    await local.eventBridge.send(
      new PutRuleCommand({ Name: 'q-0', EventBusName: 'quota', EventPattern: PATTERN, Description: 'updated' }),
    );
  });

  test('invalid and oversized patterns are InvalidEventPatternException; the model bound is a ValidationException', async () => {
    const invalid = local.eventBridge.send(
      new PutRuleCommand({ Name: 'bad-pattern', EventPattern: JSON.stringify({ source: 'aws.codepipeline' }) }),
    );
    await expect(invalid).rejects.toBeInstanceOf(InvalidEventPatternException);
    await expect(invalid).rejects.toThrow(/^Event pattern is not valid\. Reason: /);
    await expect(
      local.eventBridge.send(new PutRuleCommand({ Name: 'bad-json', EventPattern: '{nope' })),
    ).rejects.toBeInstanceOf(InvalidEventPatternException);
    // 2,048 characters is the rule-size quota (core MAX_EVENT_PATTERN_LENGTH); 4,096 is the API model's bound.
    const long = (length: number) => {
      const base = JSON.stringify({ source: [''] });
      return JSON.stringify({ source: ['x'.repeat(length - base.length)] });
    };
    await local.eventBridge.send(new PutRuleCommand({ Name: 'just-fits', EventPattern: long(2048) }));
    await expect(
      local.eventBridge.send(new PutRuleCommand({ Name: 'too-long', EventPattern: long(2049) })),
    ).rejects.toBeInstanceOf(InvalidEventPatternException);
    await expect(
      local.eventBridge.send(new PutRuleCommand({ Name: 'way-too-long', EventPattern: long(4097) })),
    ).rejects.toMatchObject(VALIDATION);
    await local.eventBridge.send(new DeleteRuleCommand({ Name: 'just-fits' }));
  });

  test('names, lengths and shapes are checked as the API model says', async () => {
    const cases: ConstructorParameters<typeof PutRuleCommand>[0][] = [
      { Name: 'has space', EventPattern: PATTERN },
      { Name: 'x'.repeat(65), EventPattern: PATTERN },
      { Name: 'desc', EventPattern: PATTERN, Description: 'd'.repeat(513) },
      { Name: 'neither' },
      { Name: 'sched', ScheduleExpression: 'rate(5 minutes)', EventBusName: 'pipewatch' },
      { Name: 'state', EventPattern: PATTERN, State: 'SOMETIMES' as 'ENABLED' },
    ];
    for (const input of cases) {
      await expect(local.eventBridge.send(new PutRuleCommand(input))).rejects.toMatchObject(VALIDATION);
    }
    await expect(
      local.eventBridge.send(new PutRuleCommand({ Name: 'x', EventPattern: PATTERN, EventBusName: 'nope' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test('input transformer limits: template size, 100 paths, key pattern, bad paths, exclusive inputs', async () => {
    await local.eventBridge.send(new PutRuleCommand({ Name: 'transformers', EventPattern: PATTERN }));
    const put = (t: Partial<Target>) =>
      local.eventBridge.send(new PutTargetsCommand({ Rule: 'transformers', Targets: [target('t', t)] }));
    const paths = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `$.detail.k${i}`]));
    await put({ InputTransformer: { InputPathsMap: paths(100), InputTemplate: '{"a": <k0>}' } });
    const bad: Partial<Target>[] = [
      { InputTransformer: { InputPathsMap: paths(101), InputTemplate: '{}' } },
      { InputTransformer: { InputTemplate: 'x'.repeat(8193) } },
      { InputTransformer: { InputTemplate: '' } },
      { InputTransformer: { InputPathsMap: { 'aws.events.rule-name': '$.detail' }, InputTemplate: '{}' } },
      { InputTransformer: { InputPathsMap: { 'has space': '$.detail' }, InputTemplate: '{}' } },
      { InputTransformer: { InputPathsMap: { ok: 'detail.state' }, InputTemplate: '{}' } },
      { InputPath: 'detail' },
      { Input: '{not json' },
      { Input: '{}', InputPath: '$.detail' },
      { RetryPolicy: { MaximumRetryAttempts: 186 } },
      { RetryPolicy: { MaximumEventAgeInSeconds: 59 } },
    ];
    for (const t of bad) await expect(put(t)).rejects.toMatchObject(VALIDATION);
    await local.eventBridge.send(new RemoveTargetsCommand({ Rule: 'transformers', Ids: ['t'] }));
  });

  test('wrong JSON types are ValidationException, and the server keeps answering', async () => {
    const wrong: [string, Record<string, unknown>][] = [
      ['PutRule', { Name: 42, EventPattern: PATTERN }],
      ['PutRule', { Name: 'ok', EventPattern: { source: ['x'] } }],
      ['PutTargets', { Rule: 'five', Targets: 'all' }],
      ['PutTargets', { Rule: 'five', Targets: [{ Id: 1, Arn: LAMBDA }] }],
      ['ListRules', { Limit: '10' }],
      ['PutEvents', { Entries: [{ Source: 'a', DetailType: 'b', Detail: '{}', Resources: 'r' }] }],
      ['TagResource', { ResourceARN: 'x', Tags: { a: 'b' } }],
      ['TestEventPattern', { EventPattern: PATTERN, Event: { id: 1 } }],
    ];
    for (const [operation, body] of wrong) {
      const res = await signedPost(
        local.eventBridge,
        local.aws.endpoint,
        { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${operation}` },
        JSON.stringify(body),
      );
      expect({ operation, status: res.status, type: ((await res.json()) as { __type: string }).__type }).toEqual({
        operation,
        status: 400,
        type: 'ValidationException',
      });
    }
    // Through the SDK, a value of the wrong type reaches the server as is and comes back typed.
    await expect(
      local.eventBridge.send(new PutRuleCommand({ Name: 7 as unknown as string, EventPattern: PATTERN })),
    ).rejects.toMatchObject(VALIDATION);
    await expect(local.eventBridge.send(new ListRulesCommand({}))).resolves.toBeDefined();
  });
});

describe('tags', () => {
  test('TagResource, UntagResource, ListTagsForResource on rules (both ARN forms) and buses', async () => {
    const custom = await local.eventBridge.send(
      new PutRuleCommand({
        Name: 'tagged',
        EventBusName: 'pipewatch',
        EventPattern: PATTERN,
        Tags: [{ Key: 'platform', Value: 'slack' }],
      }),
    );
    const onDefault = await local.eventBridge.send(new PutRuleCommand({ Name: 'tagged', EventPattern: PATTERN }));
    const arn = custom.RuleArn ?? '';
    await local.eventBridge.send(
      new TagResourceCommand({
        ResourceARN: arn,
        Tags: [
          { Key: 'channel', Value: 'C123' },
          { Key: 'platform', Value: 'teams' },
        ],
      }),
    );
    await local.eventBridge.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['channel'] }));
    expect((await local.eventBridge.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([
      { Key: 'platform', Value: 'teams' },
    ]);
    expect(
      (await local.eventBridge.send(new ListTagsForResourceCommand({ ResourceARN: onDefault.RuleArn }))).Tags,
    ).toEqual([]);
    const busArn = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/pipewatch`;
    await local.eventBridge.send(
      new TagResourceCommand({ ResourceARN: busArn, Tags: [{ Key: 'app', Value: 'pipewatch' }] }),
    );
    expect((await local.eventBridge.send(new ListTagsForResourceCommand({ ResourceARN: busArn }))).Tags).toEqual([
      { Key: 'app', Value: 'pipewatch' },
    ]);
    await expect(
      local.eventBridge.send(new ListTagsForResourceCommand({ ResourceARN: `${arn}-missing` })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      local.eventBridge.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'aws:owner', Value: 'x' }] })),
    ).rejects.toMatchObject(VALIDATION);
  });
});

describe('persistence', () => {
  test('buses, rules, targets and tags survive a restart with the same data directory', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pipewatch-eb-'));
    try {
      const first = await startLocalAwsWithClients({ dataDir });
      await first.eventBridge.send(
        new CreateEventBusCommand({ Name: 'pipewatch', Tags: [{ Key: 'app', Value: 'pw' }] }),
      );
      await first.eventBridge.send(
        new PutRuleCommand({
          Name: 'kept',
          EventBusName: 'pipewatch',
          EventPattern: PATTERN,
          Description: 'kept rule',
          Tags: [{ Key: 'channel', Value: 'C9' }],
        }),
      );
      await first.eventBridge.send(
        new PutTargetsCommand({
          Rule: 'kept',
          EventBusName: 'pipewatch',
          Targets: [target('notify', { InputTransformer: { InputTemplate: '{"rule": <aws.events.rule-name>}' } })],
        }),
      );
      await first.stop();

      const second = await startLocalAwsWithClients({ dataDir });
      try {
        expect(
          await second.eventBridge.send(new DescribeRuleCommand({ Name: 'kept', EventBusName: 'pipewatch' })),
        ).toMatchObject({ Description: 'kept rule', EventPattern: PATTERN });
        const targets = await second.eventBridge.send(
          new ListTargetsByRuleCommand({ Rule: 'kept', EventBusName: 'pipewatch' }),
        );
        expect(targets.Targets?.[0]?.InputTransformer?.InputTemplate).toBe('{"rule": <aws.events.rule-name>}');
        const tags = await second.eventBridge.send(
          new ListTagsForResourceCommand({ ResourceARN: `arn:aws:events:${REGION}:${ACCOUNT}:rule/pipewatch/kept` }),
        );
        expect(tags.Tags).toEqual([{ Key: 'channel', Value: 'C9' }]);
        const busTags = await second.eventBridge.send(
          new ListTagsForResourceCommand({ ResourceARN: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/pipewatch` }),
        );
        expect(busTags.Tags).toEqual([{ Key: 'app', Value: 'pw' }]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
