import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleGroupCommand, GetScheduleCommand, ResourceNotFoundException } from '@aws-sdk/client-scheduler';
import type { BlockAction } from '@slack/bolt';
import { CodePipelinePipelineClient } from '../../../src/aws/codepipeline-client';
import { DynamoDbQuietStore } from '../../../src/aws/dynamodb-quiet-store';
import { EventBridgeRuleStore } from '../../../src/aws/eventbridge-rule-store';
import { notifyInputTemplate } from '../../../src/aws/notify-input';
import { CachedPipelineCatalog } from '../../../src/aws/pipeline-catalog';
import { SchedulerReminderSchedules, SNOOZE_END_DESCRIPTION } from '../../../src/aws/scheduler-reminders';
import { utcMinute } from '../../../src/core/messages';
import { snoozeEndTime, snoozeScheduleName } from '../../../src/core/notify';
import type { ReminderSchedules } from '../../../src/core/ports';
import { parseSubscribeArguments, toEventPattern } from '../../../src/core/subscriptions';
import { signedSlackEvent } from '../../../src/local/channel/slack-requests';
import { blockActionsBody, type SlackMessage, slashCommandBody } from '../../../src/local/slack';
import { ACTION_IDS } from '../../../src/slack/action-ids';
import { createSlackLambdaHandler } from '../../../src/slack/app/lambda-handler';
import { InMemoryClickClaims } from '../../helpers/in-memory-click-claims';
import { MemoryLog } from '../../helpers/memory-log';
import {
  addFollowRule,
  buttonsOf,
  CHANNEL,
  channelRef,
  drain,
  FUNCTION_ARN,
  messagesAbout,
  type NotifyStack,
  REMINDER_ROLE_ARN,
  runFailingBuild,
  runFor,
  startNotifyStack,
  subscribe,
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
/** The local Scheduler's group of the snoozes' end schedules (serverless.yml: the reminders' group). */
const GROUP = 'pipewatch-test';

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

/** Snoozes' end schedules in the local Scheduler's group `group` (created by the test that wants them to work). */
function snoozeSchedules(group: string) {
  return new SchedulerReminderSchedules({
    client: stack.local.scheduler,
    groupName: group,
    targetArn: FUNCTION_ARN,
    roleArn: REMINDER_ROLE_ARN,
    description: SNOOZE_END_DESCRIPTION,
  });
}

describe('snooze, typed in Slack', () => {
  const slackLog = new MemoryLog();
  function slackHandler(schedules?: ReminderSchedules) {
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
        ...(schedules === undefined ? {} : { snoozeSchedules: schedules }),
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

  /**
   * Chooses "Snooze <choice>" on an alert as Slack sends it: a signed block_actions request whose
   * action is the message's static_select with the chosen option. Returns the chooser's new ephemerals.
   */
  async function chooseSnooze(
    handler: ReturnType<typeof slackHandler>,
    message: SlackMessage,
    label: string,
    user = 'U00000ALICE',
    forge: (value: string) => string = (value) => value,
  ): Promise<string> {
    const select = (message.blocks ?? [])
      .flatMap((block) => (Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : []))
      .find((element) => element.action_id === ACTION_IDS.snooze);
    const options = (select?.options ?? []) as { text: { text: string }; value: string }[];
    const option = options.find((candidate) => candidate.text.text === label);
    if (select === undefined || option === undefined) throw new Error(`no "${label}" on the message`);
    const before = stack.slack.workspace.ephemerals(CHANNEL, user).length;
    const payload = {
      type: 'block_actions',
      team: { id: WORKSPACE, domain: 'local' },
      user: { id: user, username: 'alice', team_id: WORKSPACE },
      api_app_id: stack.slack.workspace.appId,
      token: 'deprecated',
      container: { type: 'message', message_ts: message.ts, channel_id: CHANNEL, is_ephemeral: false },
      trigger_id: stack.slack.workspace.createTriggerId(user),
      channel: { id: CHANNEL, name: 'deployments' },
      message: {
        type: 'message',
        bot_id: message.botId,
        app_id: stack.slack.workspace.appId,
        ts: message.ts,
        text: message.text,
        blocks: message.blocks,
      },
      response_url: stack.slack.workspace.createResponseUrl(CHANNEL, user, message.ts),
      actions: [
        {
          type: 'static_select',
          block_id: 'buttons',
          action_id: ACTION_IDS.snooze,
          selected_option: { ...option, value: forge(option.value) },
          placeholder: select.placeholder,
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    } as unknown as BlockAction;
    const response = await handler(signedSlackEvent(stack.slack.signingSecret, blockActionsBody(payload)));
    expect(response.statusCode).toBe(200);
    return stack.slack.workspace
      .ephemerals(CHANNEL, user)
      .slice(before)
      .map((answer) => answer.text)
      .join('\n');
  }

  /** The snooze's end schedule in the group, or undefined when there is none. */
  async function endSchedule(group: string) {
    try {
      return await stack.local.scheduler.send(
        new GetScheduleCommand({ Name: snoozeScheduleName(channelRef(CHANNEL), 'myPipeline'), GroupName: group }),
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  async function advanceTo(at: number): Promise<void> {
    stack.clock.advance(at - stack.clock.now());
    await stack.local.aws.scheduler.settled();
    await stack.local.aws.eventBridge.settled();
  }

  test('the Snooze control on a failure alert, chosen in a signed request: muted here for 1 hour, told to the chooser alone, no new message; the summary is posted at the end by its schedule, once under repeated delivery', async () => {
    await stack.local.scheduler.send(new CreateScheduleGroupCommand({ Name: GROUP }));
    const handler = slackHandler(snoozeSchedules(GROUP));
    await subscribe(stack, 'pw-test-all', CHANNEL);
    const first = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_ENDS);
    const [alert] = messagesAbout(stack, CHANNEL, first);
    expect(buttonsOf(alert)).toEqual(expect.arrayContaining([ACTION_IDS.retryFailed, ACTION_IDS.snooze]));
    const posted = topLevel().length;
    const revisions = JSON.stringify(alert?.blocks);

    const chosenAt = stack.clock.now();
    const answer = await chooseSnooze(handler, alert as SlackMessage, 'Snooze 1 hour');
    const until = chosenAt + 60 * 60_000;
    expect(answer).toContain(`Snoozed myPipeline here until ${utcMinute(until)} (1 hour)`);
    // The same choice again a moment later (a double click): handled once.
    expect(await chooseSnooze(handler, alert as SlackMessage, 'Snooze 1 hour')).toContain('already pressed');
    // One message per execution: nothing posted, the alert left as it was.
    expect(topLevel()).toHaveLength(posted);
    expect(JSON.stringify(stack.slack.workspace.message(CHANNEL, alert?.ts ?? '')?.blocks)).toBe(revisions);
    const snooze = await new DynamoDbQuietStore({ client: stack.local.dynamo, tableName: TABLE }).read(
      channelRef(CHANNEL),
      'myPipeline',
    );
    expect(snooze).toMatchObject({ pipeline: 'myPipeline', until, by: 'U00000ALICE' });
    const schedule = await endSchedule(GROUP);
    expect(schedule?.ScheduleExpression).toBe(`at(${snoozeEndTime(until).slice(0, 19)})`);
    expect(schedule?.ActionAfterCompletion).toBe('DELETE');
    expect(schedule?.Target?.Arn).toBe(FUNCTION_ARN);
    expect(JSON.parse(schedule?.Target?.Input ?? '{}')).toEqual({
      snoozeEnd: { channel: channelRef(CHANNEL), pipeline: 'myPipeline', until },
    });

    // A failure during the snooze is held back.
    const second = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_ENDS);
    expect(messagesAbout(stack, CHANNEL, second)).toEqual([]);
    expect(topLevel()).toHaveLength(posted);
    // Counted, with the failures' region for the summary's console links.
    expect(
      await new DynamoDbQuietStore({ client: stack.local.dynamo, tableName: TABLE }).read(
        channelRef(CHANNEL),
        'myPipeline',
      ),
    ).toMatchObject({ swallowed: [second], region: stack.local.aws.region });

    // Just before the end nothing; at the end the schedule fires and the summary is posted.
    await advanceTo(until - 60_000);
    expect(stack.local.aws.scheduler.invocations).toHaveLength(0);
    await advanceTo(Math.ceil(until / 1000) * 1000 + 1000);
    expect(stack.local.aws.scheduler.invocations).toHaveLength(1);
    const summaries = () => topLevel().filter((message) => textOf(message).includes('While snoozed'));
    expect(summaries()).toHaveLength(1);
    expect(textOf(summaries()[0])).toContain('While snoozed (1h): 1 failure of myPipeline');
    expect(textOf(summaries()[0])).toContain(second.slice(0, 8));
    expect(await endSchedule(GROUP)).toBeUndefined();

    // Scheduler and Lambda deliver at least once: the same call again posts nothing.
    const delivered = stack.local.aws.scheduler.invocations[0]?.input;
    await expect(stack.handler(delivered)).resolves.toEqual({ status: 'quiet' });
    await expect(stack.handler(delivered)).resolves.toEqual({ status: 'quiet' });
    // Nor does the next alert (the lazy path finds the snooze summarised).
    const third = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_ENDS);
    expect(messagesAbout(stack, CHANNEL, third)).toHaveLength(1);
    expect(summaries()).toHaveLength(1);
    expect(errors()).toEqual([]);
  });

  test('a choice that is not among the message’s options (a forged value naming another pipeline) is refused: nothing snoozed, nothing said', async () => {
    const handler = slackHandler();
    await subscribe(stack, 'pw-test-all', CHANNEL);
    const first = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_ENDS);
    const [alert] = messagesAbout(stack, CHANNEL, first);
    const answer = await chooseSnooze(handler, alert as SlackMessage, 'Snooze 4 hours', 'U00000ALICE', (value) =>
      value.replace('myPipeline', 'otherPipeline'),
    );
    expect(answer).toBe('');
    const store = new DynamoDbQuietStore({ client: stack.local.dynamo, tableName: TABLE });
    expect(await store.read(channelRef(CHANNEL), 'otherPipeline')).toBeUndefined();
    expect(await store.read(channelRef(CHANNEL), 'myPipeline')).toBeUndefined();
    expect(slackLog.entries.some((entry) => entry.message.includes("not on pipewatch's own message"))).toBe(true);
  });

  test("a snooze's end input that no schedule sends is dropped with the field named, nothing posted", async () => {
    const outcome = await stack.handler({
      snoozeEnd: { channel: channelRef(CHANNEL), pipeline: 'myPipeline', until: 'soon' },
    });
    expect(outcome).toEqual({ status: 'invalid-event' });
    const dropped = stack.log.entries.find((entry) => entry.message.includes("dropped a snooze's end input"));
    expect(JSON.stringify(dropped?.fields)).toContain('snoozeEnd.until');
    expect(topLevel()).toEqual([]);
  });

  test('a new snooze replaces the schedule; unsnooze deletes it (the held-back summary follows the next alert)', async () => {
    await stack.local.scheduler.send(new CreateScheduleGroupCommand({ Name: GROUP }));
    const handler = slackHandler(snoozeSchedules(GROUP));
    const start = stack.clock.now();
    expect(await pipewatch(handler, 'snooze myPipeline 2h')).toContain('Snoozed `myPipeline`');
    expect((await endSchedule(GROUP))?.ScheduleExpression).toBe(
      `at(${snoozeEndTime(start + 2 * 3_600_000).slice(0, 19)})`,
    );
    expect(await pipewatch(handler, 'snooze myPipeline 30m')).toContain('for 30m');
    const replaced = await endSchedule(GROUP);
    expect(replaced?.ScheduleExpression).toBe(`at(${snoozeEndTime(start + 30 * 60_000).slice(0, 19)})`);
    expect(JSON.parse(replaced?.Target?.Input ?? '{}').snoozeEnd.until).toBe(start + 30 * 60_000);
    expect(await pipewatch(handler, 'unsnooze myPipeline')).toContain('Ended the snooze of `myPipeline`');
    expect(await endSchedule(GROUP)).toBeUndefined();
    // Past the old end, nothing fires.
    await advanceTo(start + 3 * 3_600_000);
    expect(stack.local.aws.scheduler.invocations).toHaveLength(0);
    expect(errors()).toEqual([]);
  });

  test('2h, its end not schedulable (no schedule group): logged; two failing runs swallowed and counted, list shows it, the next alert after the end posts one summary first', async () => {
    const handler = slackHandler(snoozeSchedules('no-such-group'));
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
    expect(slackLog.entries.some((entry) => entry.message.includes("could not schedule the snooze's end"))).toBe(true);
    expect(errors()).toEqual([]);
  });
});
