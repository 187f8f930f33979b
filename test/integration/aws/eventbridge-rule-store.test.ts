import {
  CreateEventBusCommand,
  DescribeRuleCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { EventBridgeRuleStore, NOTIFY_TARGET_ID } from '../../../src/aws/eventbridge-rule-store';
import { notifyInputSchema } from '../../../src/aws/notify-input';
import type { RuleDefinition } from '../../../src/core/ports';
import { RuleStoreError } from '../../../src/core/ports';
import { type ChannelRef, channelRulePrefix, ruleNameFor } from '../../../src/core/subscriptions';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

const BUS = 'pipewatch';
const NOTIFY_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-notify';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:000000000000:pipewatch-dlq';

let local: LocalAwsClients;

beforeAll(async () => {
  local = await startLocalAwsWithClients();
  await local.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
});
afterAll(() => local.stop());

const store = (overrides: Partial<ConstructorParameters<typeof EventBridgeRuleStore>[0]> = {}) =>
  new EventBridgeRuleStore({
    client: local.eventBridge,
    busName: BUS,
    targetArn: NOTIFY_ARN,
    deadLetterArn: DLQ_ARN,
    ...overrides,
  });

function definition(channel: ChannelRef, pipeline: string, tags: Record<string, string> = {}): RuleDefinition {
  const pattern = { source: ['aws.codepipeline'], detail: { pipeline: [pipeline] } };
  return {
    name: ruleNameFor(channel, pattern),
    description: `${pipeline}: every event`,
    eventPattern: JSON.stringify(pattern),
    channel,
    tags: { platform: channel.platform, workspace: channel.workspace, channel: channel.channel, ...tags },
  };
}

const channelA: ChannelRef = { platform: 'slack', workspace: 'T0001', channel: 'C0001' };

async function targetsOf(name: string) {
  const output = await local.eventBridge.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: BUS }));
  return output.Targets ?? [];
}

describe('EventBridgeRuleStore.putRule', () => {
  it('creates the rule with its tags and one notify target (retry policy, dead letters, input transformer)', async () => {
    const rule = definition(channelA, 'api', { creator: 'U1' });
    await expect(store().putRule(rule)).resolves.toEqual({ created: true });

    const described = await local.eventBridge.send(new DescribeRuleCommand({ Name: rule.name, EventBusName: BUS }));
    expect(described).toMatchObject({
      State: 'ENABLED',
      EventPattern: rule.eventPattern,
      Description: rule.description,
    });
    const tags = await local.eventBridge.send(new ListTagsForResourceCommand({ ResourceARN: described.Arn }));
    expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual(rule.tags);

    const targets = await targetsOf(rule.name);
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      Id: NOTIFY_TARGET_ID,
      Arn: NOTIFY_ARN,
      RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: DLQ_ARN },
    });
    expect(targets[0]?.InputTransformer?.InputTemplate).toContain('<aws.events.event.json>');
  });

  it('is idempotent: a second put reports created: false, keeps one target and the first creator, adds missing tags', async () => {
    const channel: ChannelRef = { platform: 'slack', workspace: 'T0001', channel: 'C0002' };
    const first = definition(channel, 'web', { creator: 'U1' });
    await expect(store().putRule(first)).resolves.toEqual({ created: true });
    const second = { ...first, description: 'web: reworded', tags: { ...first.tags, creator: 'U2', team: 'web' } };
    await expect(store().putRule(second)).resolves.toEqual({ created: false });

    const described = await local.eventBridge.send(new DescribeRuleCommand({ Name: first.name, EventBusName: BUS }));
    expect(described.Description).toBe('web: reworded');
    const tags = await local.eventBridge.send(new ListTagsForResourceCommand({ ResourceARN: described.Arn }));
    expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      ...first.tags,
      creator: 'U1',
      team: 'web',
    });
    expect(await targetsOf(first.name)).toHaveLength(1);
  });

  it('truncates a description longer than EventBridge allows', async () => {
    const rule = { ...definition(channelA, 'long-description'), description: 'x'.repeat(600) };
    await store().putRule(rule);
    const described = await local.eventBridge.send(new DescribeRuleCommand({ Name: rule.name, EventBusName: BUS }));
    expect(described.Description).toHaveLength(512);
    expect(described.Description?.endsWith('…')).toBe(true);
  });

  it('refused target: throws target-refused and leaves no rule without a target behind', async () => {
    const rule = definition(channelA, 'refused');
    const error = await store({ targetArn: 'not-an-arn' })
      .putRule(rule)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuleStoreError);
    expect(error).toMatchObject({ reason: 'target-refused' });
    expect((error as Error).message).toContain('Provided Arn is not in correct format');
    await expect(
      local.eventBridge.send(new DescribeRuleCommand({ Name: rule.name, EventBusName: BUS })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refused target on an existing rule: keeps the rule and its working target', async () => {
    const rule = definition(channelA, 'kept');
    await store().putRule(rule);
    await expect(store({ targetArn: 'not-an-arn' }).putRule(rule)).rejects.toMatchObject({ reason: 'target-refused' });
    expect((await targetsOf(rule.name))[0]?.Arn).toBe(NOTIFY_ARN);
  });

  it('re-subscribing replaces the notify target in place, so a rule with five targets stays within the quota', async () => {
    // Someone added four targets by hand next to pipewatch's own (5 is EventBridge's per-rule limit).
    const rule = definition(channelA, 'crowded');
    await store().putRule(rule);
    await local.eventBridge.send(
      new PutTargetsCommand({
        Rule: rule.name,
        EventBusName: BUS,
        Targets: [1, 2, 3, 4].map((n) => ({ Id: `extra-${n}`, Arn: `${NOTIFY_ARN}-${n}` })),
      }),
    );
    const other = store({ targetArn: `${NOTIFY_ARN}-other` });
    // Replacing the `notify` target keeps five targets: allowed.
    await expect(other.putRule(rule)).resolves.toEqual({ created: false });
    expect(await targetsOf(rule.name)).toHaveLength(5);
  });

  it('an invalid pattern: invalid-pattern', async () => {
    const rule = { ...definition(channelA, 'bad'), eventPattern: '{"source": "aws.codepipeline"}' };
    await expect(store().putRule(rule)).rejects.toMatchObject({
      name: 'RuleStoreError',
      reason: 'invalid-pattern',
      message: expect.stringContaining('EventBridge refused the event pattern'),
    });
  });

  it('a missing bus: bus-not-found with a deploy hint', async () => {
    await expect(store({ busName: 'nope' }).putRule(definition(channelA, 'api'))).rejects.toMatchObject({
      reason: 'bus-not-found',
      message: 'the pipewatch event bus nope does not exist — is pipewatch deployed in this account and region?',
    });
    await expect(store({ busName: 'nope' }).listRules('pw-')).rejects.toMatchObject({ reason: 'bus-not-found' });
    await expect(store({ busName: 'nope' }).deleteRule('pw-x')).rejects.toMatchObject({ reason: 'bus-not-found' });
  });
});

describe('EventBridgeRuleStore quota', () => {
  it('the 301st rule (here the 3rd): bus-full with a human message; ruleNames counts every rule on the bus', async () => {
    const small = await startLocalAwsWithClients({ rulesPerBus: 2 });
    try {
      await small.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
      const limited = new EventBridgeRuleStore({ client: small.eventBridge, busName: BUS, targetArn: NOTIFY_ARN });
      await limited.putRule(definition(channelA, 'one'));
      await limited.putRule(definition(channelA, 'two'));
      // Re-putting an existing rule is not a new rule: still fine at the limit.
      await expect(limited.putRule(definition(channelA, 'two'))).resolves.toEqual({ created: false });
      await expect(limited.ruleNames()).resolves.toHaveLength(2);
      await expect(limited.putRule(definition(channelA, 'three'))).rejects.toMatchObject({
        reason: 'bus-full',
        message: expect.stringContaining('already has as many subscriptions as EventBridge allows (300 rules per bus'),
      });
    } finally {
      await small.stop();
    }
  });
});

describe('EventBridgeRuleStore.listRules and deleteRule', () => {
  const channelB: ChannelRef = { platform: 'slack', workspace: 'T0002', channel: 'C0100' };

  it('lists every rule of a prefix over several pages, with tags, and nobody else’s', async () => {
    const rules = Array.from({ length: 120 }, (_, i) => definition(channelB, `svc-${i}`, { creator: `U${i}` }));
    for (const rule of rules) await store().putRule(rule);

    const listed = await store().listRules(channelRulePrefix(channelB));
    expect(listed).toHaveLength(120);
    expect(listed.map((r) => r.name).sort()).toEqual(rules.map((r) => r.name).sort());
    const one = listed.find((r) => r.name === rules[7]?.name);
    expect(one).toEqual({
      name: rules[7]?.name,
      description: 'svc-7: every event',
      eventPattern: rules[7]?.eventPattern,
      state: 'ENABLED',
      tags: rules[7]?.tags,
    });
    expect(await store().listRules(channelRulePrefix({ ...channelB, channel: 'C9999' }))).toEqual([]);
  });

  it('deletes a rule with its targets; deleting again (a missing rule) succeeds', async () => {
    const rule = definition(channelB, 'to-delete');
    await store().putRule(rule);
    await local.eventBridge.send(
      new PutTargetsCommand({
        Rule: rule.name,
        EventBusName: BUS,
        Targets: [{ Id: 'by-hand', Arn: `${NOTIFY_ARN}-2` }],
      }),
    );
    await store().deleteRule(rule.name);
    await expect(
      local.eventBridge.send(new DescribeRuleCommand({ Name: rule.name, EventBusName: BUS })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(store().deleteRule(rule.name)).resolves.toBeUndefined();
  });
});

describe('notify input delivered through the rule target', () => {
  it('reaches the notify function in the shape notifyInputSchema parses, channel names with quotes and backslashes intact', async () => {
    const received: unknown[] = [];
    local.aws.lambdas.register(NOTIFY_ARN, async (input) => {
      received.push(input);
    });
    const channel: ChannelRef = {
      platform: 'slack',
      workspace: 'T"0003\\',
      channel: 'C"quoted" \\back\\slash <aws.events.rule-name> {}',
    };
    const rule = definition(channel, 'delivered');
    await store().putRule(rule);

    const detail = { pipeline: 'delivered', 'execution-id': '11111111-2222-3333-4444-555555555555', state: 'STARTED' };
    const [result] = local.aws.eventBridge.putEventsInternal([
      {
        EventBusName: BUS,
        Source: 'aws.codepipeline',
        DetailType: 'CodePipeline Pipeline Execution State Change',
        Detail: JSON.stringify(detail),
      },
    ]);
    expect(result?.ErrorCode).toBeUndefined();
    await local.aws.eventBridge.idle();

    expect(received).toHaveLength(1);
    const input = notifyInputSchema.parse(received[0]);
    expect(input.rule).toBe(rule.name);
    expect(input.channel).toEqual(channel);
    expect(input.event).toMatchObject({ id: result?.EventId, source: 'aws.codepipeline', detail });
  });
});
