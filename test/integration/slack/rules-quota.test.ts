import { ListRulesCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { BUS, command, POLICY, type Stack, startStack } from './harness';

/*
 * The bus's rules against its quota through the whole Slack handler: `/pipewatch status` counts
 * every rule on the pipewatch bus (ListRules) against Service Quotas' "Number of rules" (the local
 * Service Quotas, signed like every other local service), or EventBridge's documented default
 * when Service Quotas refuses; `subscribe` refuses a new rule on a full bus before PutRule, and
 * answers EventBridge's LimitExceededException (a rule created in between) the same way.
 */

let stack: Stack;
afterEach(async () => {
  await stack.stop();
  expect(stack.log.lines.filter((line) => line.level === 'error')).toEqual([]);
});

const OTHERS_PATTERN = JSON.stringify({ source: ['my.app'] });
const FULL = (count: number, quota: number) =>
  `The bus holds ${count} of ${quota} rules (its applied quota in Service Quotas): unsubscribe something or raise the quota in Service Quotas (Amazon EventBridge, "Number of rules"). Nothing was subscribed.`;

async function ruleNames(): Promise<string[]> {
  const listed = await stack.local.eventBridge.send(new ListRulesCommand({ EventBusName: BUS }));
  return (listed.Rules ?? []).map((rule) => rule.Name ?? '');
}

/** Counts the PutRule requests the local EventBridge receives from now on. */
function countPutRules(): { readonly count: number } {
  const seen = { count: 0 };
  const watch = () => {
    seen.count++;
    stack.local.aws.eventBridge.faults.beforeNext('PutRule', watch);
  };
  stack.local.aws.eventBridge.faults.beforeNext('PutRule', watch);
  return seen;
}

test('status: the rules on the bus, everyone’s, against Service Quotas’ applied value', async () => {
  stack = await startStack(POLICY);
  expect((await command(stack, 'status')).answer).toBe(
    'The pipewatch bus holds 0 of 300 rules (its applied quota in Service Quotas). Each subscription is one rule.',
  );
  await command(stack, 'subscribe myPipeline FAILED');
  // A rule that is not pipewatch's counts against the same quota.
  await stack.local.eventBridge.send(
    new PutRuleCommand({ Name: 'someone-elses-rule', EventBusName: BUS, EventPattern: OTHERS_PATTERN }),
  );
  stack.local.aws.serviceQuotas.appliedRulesPerBus(500);
  // The quota is kept for an hour: a raise shows on the next cold start or after the hour.
  expect((await command(stack, 'status')).answer).toContain('holds 2 of 300 rules');
  expect(stack.local.aws.serviceQuotas.requests).toBe(1);
  expect(stack.log.lines.filter((line) => line.level === 'warn')).toEqual([]);
});

test.each(['AccessDeniedException', 'NoSuchResourceException'] as const)(
  'status when Service Quotas answers %s: the documented default, logged once, asked once',
  async (refusal) => {
    stack = await startStack(POLICY);
    stack.local.aws.serviceQuotas.refuse(refusal);
    await command(stack, 'subscribe myPipeline FAILED');
    const expected =
      "The pipewatch bus holds 1 of 300 rules (EventBridge's documented default: Service Quotas could not be read). Each subscription is one rule.";
    expect((await command(stack, 'status')).answer).toBe(expected);
    expect((await command(stack, 'status')).answer).toBe(expected);
    expect(stack.local.aws.serviceQuotas.requests).toBe(1);
    const warnings = stack.log.lines.filter((line) => line.level === 'warn');
    expect(warnings).toEqual([
      {
        level: 'warn',
        message: 'Service Quotas could not be read; using the documented rules-per-bus default',
        fields: { serviceCode: 'events', quotaCode: 'L-244521F2', reason: refusal, default: 300 },
      },
    ]);
  },
);

test('subscribe on a full bus is refused with the figures before PutRule; a repeated subscribe still answers', async () => {
  stack = await startStack(POLICY, { rulesPerBus: 2 });
  expect((await command(stack, 'subscribe myPipeline FAILED')).answer).toMatch(/^Subscribed this channel/);
  expect((await command(stack, 'subscribe web-service FAILED')).answer).toMatch(/^Subscribed this channel/);
  const before = await ruleNames();
  const putRules = countPutRules();

  expect((await command(stack, 'subscribe myPipeline SUCCEEDED')).answer).toBe(FULL(2, 2));
  expect(putRules.count).toBe(0);
  expect(await ruleNames()).toEqual(before);
  expect(stack.log.lines.filter((line) => line.message === 'subscribe refused: the bus is full')).toHaveLength(1);
  expect((await command(stack, 'status')).answer).toContain('holds 2 of 2 rules');

  // The same subscription again is no new rule: it is not refused (the put repairs its target).
  expect((await command(stack, 'subscribe myPipeline FAILED')).answer).toMatch(/already subscribed/);
  expect(putRules.count).toBe(1);
  expect(await ruleNames()).toEqual(before);

  // Room again after an unsubscribe.
  const removed = await command(stack, 'unsubscribe web-service FAILED');
  expect(removed.answer).toContain('Unsubscribed');
  expect((await command(stack, 'subscribe myPipeline SUCCEEDED')).answer).toMatch(/^Subscribed this channel/);
});

test('the race: a rule created between the check and PutRule; EventBridge’s LimitExceededException gets the same answer', async () => {
  stack = await startStack(POLICY, { rulesPerBus: 2 });
  await command(stack, 'subscribe myPipeline FAILED');
  // Another subscriber's rule lands right before this PutRule: the check saw 1 of 2.
  stack.local.aws.eventBridge.faults.beforeNext('PutRule', () =>
    stack.local.eventBridge.send(
      new PutRuleCommand({ Name: 'someone-elses-rule', EventBusName: BUS, EventPattern: OTHERS_PATTERN }),
    ),
  );
  expect((await command(stack, 'subscribe web-service FAILED')).answer).toBe(FULL(2, 2));
  const names = await ruleNames();
  expect(names).toHaveLength(2);
  expect(names).toContain('someone-elses-rule');
  expect(names.filter((name) => name.startsWith('pw-'))).toHaveLength(1);
  expect(
    stack.log.lines.filter((line) => line.message === 'subscribe refused: EventBridge found the bus full'),
  ).toHaveLength(1);
});
