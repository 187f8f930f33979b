import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CodePipelinePipelineClient } from '../../../src/aws/codepipeline-client';
import { DynamoDbQuietStore } from '../../../src/aws/dynamodb-quiet-store';
import { EventBridgeRuleStore } from '../../../src/aws/eventbridge-rule-store';
import { notifyInputTemplate } from '../../../src/aws/notify-input';
import { CachedPipelineCatalog } from '../../../src/aws/pipeline-catalog';
import { parseSubscribeArguments, toEventPattern } from '../../../src/core/subscriptions';
import { signedSlackEvent } from '../../../src/local/channel/slack-requests';
import { slashCommandBody } from '../../../src/local/slack';
import { createSlackLambdaHandler } from '../../../src/slack/app/lambda-handler';
import { InMemoryClickClaims } from '../../helpers/in-memory-click-claims';
import { MemoryLog } from '../../helpers/memory-log';
import {
  addFollowRule,
  CHANNEL,
  channelRef,
  drain,
  FUNCTION_ARN,
  messagesAbout,
  type NotifyStack,
  runFailingBuild,
  runFor,
  startNotifyStack,
  TABLE,
  textOf,
  WORKSPACE,
} from './notify-harness';

/*
 * Quiet subscriptions on the real stack: the local EventBridge (with its delivery faults) and
 * CodePipeline simulator, DynamoDB, the real notify handler, the local Slack; the snooze typed as
 * /pipewatch through the real Slack handler with a signed request.
 */

/** Source 5 s + Build 60 s: Build has failed (or succeeded). */
const UNTIL_BUILD_ENDS = 70_000;
const RULE = 'pw-test-transitions';

let stack: NotifyStack;
beforeEach(async () => {
  stack = await startNotifyStack({ oneClock: true });
  await addFollowRule(stack);
});
afterEach(() => stack.stop());

/** `subscribe myPipeline --transitions --stage Build`, its rule as the rule store makes it. */
async function subscribeTransitions(): Promise<void> {
  const { subscription } = parseSubscribeArguments(['myPipeline', '--transitions', '--stage', 'Build']);
  const { eventBridge } = stack.local;
  await eventBridge.send(
    new PutRuleCommand({ Name: RULE, EventPattern: JSON.stringify(toEventPattern(subscription)) }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: RULE,
      Targets: [
        {
          Id: 'notify',
          Arn: FUNCTION_ARN,
          InputTransformer: {
            InputPathsMap: {},
            InputTemplate: notifyInputTemplate(channelRef(CHANNEL), 'transitions'),
          },
        },
      ],
    }),
  );
}

async function runPassingBuild(): Promise<string> {
  const { pipelineExecutionId } = await stack.local.codePipeline.send(
    new StartPipelineExecutionCommand({ name: 'myPipeline' }),
  );
  if (pipelineExecutionId === undefined) throw new Error('no execution id');
  return pipelineExecutionId;
}

function errors() {
  return stack.invocations.filter((invocation) => invocation.error !== undefined);
}

function topLevel() {
  return stack.slack.workspace.messages(CHANNEL);
}

describe('subscribe --transitions --stage Build', () => {
  test('a run that fails then a run that succeeds, in order: one "broken", then one "fixed"', async () => {
    await subscribeTransitions();
    const failing = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_ENDS);
    const passing = await runPassingBuild();
    await runFor(stack, UNTIL_BUILD_ENDS);
    const [broken] = messagesAbout(stack, CHANNEL, failing);
    const [fixed] = messagesAbout(stack, CHANNEL, passing);
    expect(textOf(broken)).toContain('myPipeline stage Build is broken');
    expect(textOf(fixed)).toContain('myPipeline stage Build is fixed');
    expect(textOf(fixed)).toContain(`was failing since`);
    expect(textOf(fixed)).toContain(failing.slice(0, 8));
    // The broken message follows its execution and offers the retry.
    expect(textOf(broken)).toContain('Retry');
    expect(topLevel()).toHaveLength(2);
    expect(errors()).toEqual([]);
  });

  test('every event delivered three times: still one "broken" and one "fixed"', async () => {
    await subscribeTransitions();
    stack.local.aws.eventBridge.faults.duplicate(3);
    const failing = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_ENDS);
    const passing = await runPassingBuild();
    await runFor(stack, UNTIL_BUILD_ENDS);
    expect(messagesAbout(stack, CHANNEL, failing)).toHaveLength(1);
    expect(messagesAbout(stack, CHANNEL, passing)).toHaveLength(1);
    expect(textOf(messagesAbout(stack, CHANNEL, failing)[0])).toContain('is broken');
    expect(textOf(messagesAbout(stack, CHANNEL, passing)[0])).toContain('is fixed');
    expect(topLevel()).toHaveLength(2);
    expect(errors()).toEqual([]);
  });

  test.each([
    ['reverse', 1],
    ['reverse', 2],
    ['shuffle', 2],
  ] as const)(
    'both runs delivered late in %s order, each event %i time(s): the newest outcome (success) decides, no "fixed" without a "broken" seen, nothing twice',
    async (order, copies) => {
      await subscribeTransitions();
      const eventBridge = stack.local.aws.eventBridge;
      eventBridge.faults.holdDeliveries();
      if (copies > 1) eventBridge.faults.duplicate(copies);
      const failing = await runFailingBuild(stack);
      await runFor(stack, UNTIL_BUILD_ENDS);
      const passing = await runPassingBuild();
      await runFor(stack, UNTIL_BUILD_ENDS);
      eventBridge.faults.releaseDeliveries({ order, seed: 5 });
      await drain(stack);
      const broken = messagesAbout(stack, CHANNEL, failing);
      const fixed = messagesAbout(stack, CHANNEL, passing);
      expect(broken.length).toBeLessThanOrEqual(1);
      expect(fixed.length).toBeLessThanOrEqual(1);
      // A "fixed" only ever follows the "broken" it fixes; reversed, the success comes first and
      // the late failure is older than it: nothing is posted (the channel never saw it broken).
      if (fixed.length === 1) expect(broken).toHaveLength(1);
      if (order === 'reverse') expect(topLevel()).toEqual([]);
      for (const message of broken) expect(textOf(message)).toContain('is broken');
      for (const message of fixed) expect(textOf(message)).toContain('is fixed');
      expect(errors()).toEqual([]);
    },
  );
});

describe('snooze, typed in Slack', () => {
  const slackLog = new MemoryLog();
  function slackHandler() {
    const pipelines = new CodePipelinePipelineClient({
      client: stack.local.codePipeline,
      region: stack.local.aws.region,
    });
    return createSlackLambdaHandler({
      signingSecret: stack.slack.signingSecret,
      bot: {
        botToken: stack.slack.botToken,
        botId: stack.slack.workspace.botId,
        botUserId: stack.slack.workspace.botUserId,
      },
      slackApiUrl: stack.slack.apiUrl,
      deps: {
        rules: new EventBridgeRuleStore({
          client: stack.local.eventBridge,
          busName: 'default',
          targetArn: FUNCTION_ARN,
        }),
        pipelines,
        catalog: new CachedPipelineCatalog({ source: pipelines }),
        clicks: new InMemoryClickClaims(() => stack.clock.now()),
        policy: { rules: [] },
        snoozes: new DynamoDbQuietStore({ client: stack.local.dynamo, tableName: TABLE }),
        now: () => stack.clock.now(),
        log: slackLog,
      },
    });
  }

  async function pipewatch(handler: ReturnType<typeof slackHandler>, text: string): Promise<string> {
    const before = stack.slack.workspace.ephemerals(CHANNEL, 'U00000ALICE').length;
    const body = slashCommandBody({
      text,
      teamId: WORKSPACE,
      channelId: CHANNEL,
      userId: 'U00000ALICE',
      responseUrl: stack.slack.workspace.createResponseUrl(CHANNEL, 'U00000ALICE'),
      triggerId: stack.slack.workspace.createTriggerId('U00000ALICE'),
    });
    // Signed now, in real time: Bolt's receiver checks the signature's age against its own clock.
    const response = await handler(signedSlackEvent(stack.slack.signingSecret, body));
    expect(response.statusCode).toBe(200);
    return stack.slack.workspace
      .ephemerals(CHANNEL, 'U00000ALICE')
      .slice(before)
      .map((answer) => answer.text)
      .join('\n');
  }

  test('2h: two failing runs swallowed and counted, list shows it, one summary after it ends, then alerts again', async () => {
    const handler = slackHandler();
    // A plain FAILED subscription, through the rule store as subscribe makes it.
    expect(await pipewatch(handler, 'subscribe myPipeline FAILED --level pipeline')).toContain('Subscribed');
    expect(await pipewatch(handler, 'subscribe myPipeline --transitions')).toContain(
      'Subscribed this channel to transitions only: broken and fixed in myPipeline',
    );
    expect(await pipewatch(handler, 'snooze myPipeline 2hours')).toContain('did you mean `2h`?');
    expect(await pipewatch(handler, 'snooze myPipelin 2h')).toContain('did you mean `myPipeline`?');
    expect(await pipewatch(handler, 'snooze myPipeline 2h')).toContain('Snoozed `myPipeline` in this channel for 2h');

    const first = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_ENDS);
    stack.local.aws.eventBridge.faults.duplicate(2);
    const second = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_ENDS);
    stack.local.aws.eventBridge.faults.duplicate(1);
    expect(topLevel()).toEqual([]);
    const listed = await pipewatch(handler, 'list');
    expect(listed).toContain(
      'transitions only: broken and fixed in myPipeline — `/pipewatch subscribe myPipeline --transitions`',
    );
    expect(listed).toMatch(/Snoozed in this channel:\n• `myPipeline` until .* left\), 2 failures held back/);

    // The snooze ends; the next alert about myPipeline posts the summary first, once.
    stack.clock.advance(2 * 60 * 60 * 1000);
    const third = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_ENDS);
    const messages = topLevel();
    const summaries = messages.filter((message) => textOf(message).includes('While snoozed'));
    expect(summaries).toHaveLength(1);
    expect(textOf(summaries[0])).toContain('While snoozed (2h): 2 failures of myPipeline');
    expect(textOf(summaries[0])).toContain(first.slice(0, 8));
    expect(textOf(summaries[0])).toContain(second.slice(0, 8));
    expect(messagesAbout(stack, CHANNEL, third)).toHaveLength(1);
    expect(await pipewatch(handler, 'list')).not.toContain('Snoozed in this channel');
    expect(errors()).toEqual([]);
  });
});
