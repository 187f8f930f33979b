import { ListRulesCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { BOB, BUS, CHANNEL_ID, startTeamsStack, type TeamsStack, type TeamsStackOptions } from './teams-harness';

/*
 * The bus's rules against its quota through the Teams function as deployed (its composition root,
 * the Service Quotas client among its clients): `@pipewatch status` counts every rule on the bus,
 * the follow rule included, against Service Quotas' "Number of rules", or the documented default
 * when Service Quotas refuses; `subscribe` refuses a new rule on a full bus before PutRule and
 * answers EventBridge's LimitExceededException the same way.
 */

let stack: TeamsStack;
afterEach(() => stack.stop());

async function start(options: TeamsStackOptions = {}): Promise<void> {
  stack = await startTeamsStack(options);
}

/** The bot's answer in the thread of the command. */
async function ask(command: string): Promise<string> {
  const activity = stack.typed(BOB, command);
  expect((await stack.send(activity)).statusCode).toBe(200);
  return stack.connector.tenant
    .threadReplies(CHANNEL_ID, String(activity.id))
    .map((reply) => String(reply.activity.text))
    .join('\n');
}

async function ruleNames(): Promise<string[]> {
  const listed = await stack.local.eventBridge.send(new ListRulesCommand({ EventBusName: BUS }));
  return (listed.Rules ?? []).map((rule) => rule.Name ?? '');
}

const FULL = (count: number, quota: number) =>
  `The bus holds ${count} of ${quota} rules (its applied quota in Service Quotas): unsubscribe something or raise the quota in Service Quotas (Amazon EventBridge, "Number of rules"). Nothing was subscribed.`;

test('status: every rule on the bus (the follow rule too) against Service Quotas’ applied value', async () => {
  await start();
  expect(await ask('status')).toContain(
    'The pipewatch bus holds 1 of 300 rules (its applied quota in Service Quotas). Each subscription is one rule.',
  );
  await ask('subscribe myPipeline FAILED');
  expect(await ask('status')).toContain('holds 2 of 300 rules');
  expect(stack.local.aws.serviceQuotas.requests).toBe(1);
});

test('status when Service Quotas denies: the documented default, logged once', async () => {
  await start();
  stack.local.aws.serviceQuotas.refuse('AccessDeniedException');
  const expected =
    "The pipewatch bus holds 1 of 300 rules (EventBridge's documented default: Service Quotas could not be read).";
  expect(await ask('status')).toContain(expected);
  expect(await ask('status')).toContain(expected);
  expect(stack.local.aws.serviceQuotas.requests).toBe(1);
  const warnings = stack.log.lines.filter((line) => line.message.startsWith('Service Quotas could not be read'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]?.fields).toMatchObject({ reason: 'AccessDeniedException', default: 300 });
});

test('subscribe on a full bus is refused with the figures, no rule created; the race answered the same', async () => {
  // The follow rule, one subscription and someone else's rule fill a bus of 3.
  await start({ rulesPerBus: 3 });
  expect(await ask('subscribe myPipeline FAILED')).toMatch(/Subscribed this channel/);
  // The race: the check sees 2 of 3, and another rule lands right before this PutRule.
  stack.local.aws.eventBridge.faults.beforeNext('PutRule', () =>
    stack.local.eventBridge.send(
      new PutRuleCommand({ Name: 'someone-elses-rule', EventBusName: BUS, EventPattern: '{"source":["my.app"]}' }),
    ),
  );
  const raced = await ask('subscribe web-service FAILED');
  expect(raced).toContain(FULL(3, 3));
  const full = await ruleNames();
  expect(full).toHaveLength(3);
  expect(full.filter((name) => name.includes('web'))).toEqual([]);

  // Now the check itself refuses, before PutRule.
  let putRules = 0;
  stack.local.aws.eventBridge.faults.beforeNext('PutRule', () => {
    putRules++;
  });
  expect(await ask('subscribe myPipeline SUCCEEDED')).toContain(FULL(3, 3));
  expect(putRules).toBe(0);
  expect(await ruleNames()).toEqual(full);
});
