import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { GetScheduleCommand, ResourceNotFoundException } from '@aws-sdk/client-scheduler';
import { DynamoDbQuietStore } from '../../../src/aws/dynamodb-quiet-store';
import { utcMinute } from '../../../src/core/messages';
import { snoozeEndTime, snoozeScheduleName } from '../../../src/core/notify';
import { installationActivity } from '../../../src/local/teams/signed-activity';
import type { TeamsMessage } from '../../../src/local/teams/types';
import { CARD_VERBS } from '../../../src/teams/card-verbs';
import { BOB, CHANNEL_ID, SCHEDULE_GROUP, startTeamsStack, TABLE, type TeamsStack } from './teams-harness';

/*
 * The Snooze button on a Teams failure card, through the real handlers: the Teams function (a
 * signed Action.Execute invoke from the card's Input.ChoiceSet) and notify on the local AWS, whose
 * Scheduler calls notify back at the snooze's end on the manual clock.
 */

let stack: TeamsStack;

beforeEach(async () => {
  stack = await startTeamsStack({ schedules: true });
});

afterEach(() => stack.stop());

async function runFailingBuild(): Promise<void> {
  stack.local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
  await stack.local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
  await stack.runFor(70_000);
}

/** Installed in #deploys, subscribed to myPipeline's failures, Build failed: the failure's card. */
async function failureCard(): Promise<TeamsMessage> {
  await stack.send(installationActivity(stack.parties(), 'add'));
  await stack.send(stack.typed(BOB, 'subscribe myPipeline FAILED'));
  await runFailingBuild();
  const [card] = stack.cards();
  if (card === undefined) throw new Error('no card');
  return card;
}

/** The value of a choice (by its title) of the card's Snooze choice set. */
function choiceValue(card: TeamsMessage, title: string): string {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (record.type === 'Input.ChoiceSet' && record.id === 'value' && Array.isArray(record.choices)) {
        for (const choice of record.choices as { title: string; value: string }[]) {
          if (choice.title === title) found.push(choice.value);
        }
      }
      for (const value of Object.values(record)) walk(value);
    }
  };
  walk(card.activity.attachments ?? []);
  const [value] = found;
  if (value === undefined) throw new Error(`no "${title}" choice on the card`);
  return value;
}

const channel = () => ({ platform: 'teams' as const, workspace: stack.identity.tenantId, channel: CHANNEL_ID });

async function endSchedule() {
  try {
    return await stack.local.scheduler.send(
      new GetScheduleCommand({ Name: snoozeScheduleName(channel(), 'myPipeline'), GroupName: SCHEDULE_GROUP }),
    );
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

describe('the Snooze button on a Teams card', () => {
  test('choosing 4 hours and pressing Snooze mutes myPipeline in the channel, told to the clicker alone; the summary card is posted at the end by the schedule, once', async () => {
    const card = await failureCard();
    const replies = stack.repliesTo(card).length;

    const before = Date.now();
    const response = await stack.send(
      stack.click(card, CARD_VERBS.snooze, BOB, { value: choiceValue(card, '4 hours') }),
    );
    expect(response.statusCode).toBe(200);
    const answer = JSON.parse(String(response.body)) as { type: string; value: string };
    expect(answer.type).toBe('application/vnd.microsoft.activity.message');
    expect(answer.value).toMatch(/^Snoozed myPipeline here until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(4 hours\)/);
    // One card per execution, and no reply: the answer is the clicker's alone.
    expect(stack.cards()).toHaveLength(1);
    expect(stack.repliesTo(card)).toHaveLength(replies);

    const snooze = await new DynamoDbQuietStore({ client: stack.local.dynamo, tableName: TABLE }).read(
      channel(),
      'myPipeline',
    );
    if (snooze === undefined) throw new Error('not snoozed');
    expect(snooze.until - snooze.since).toBe(4 * 3_600_000);
    expect(snooze.since).toBeGreaterThanOrEqual(before);
    expect(snooze.by).toBe(BOB.aadObjectId);
    expect(answer.value).toContain(utcMinute(snooze.until));
    const schedule = await endSchedule();
    expect(schedule?.ScheduleExpression).toBe(`at(${snoozeEndTime(snooze.until).slice(0, 19)})`);
    expect(JSON.parse(schedule?.Target?.Input ?? '{}')).toEqual({
      snoozeEnd: { channel: channel(), pipeline: 'myPipeline', until: snooze.until },
    });

    // Another failure meanwhile: no new card.
    await runFailingBuild();
    expect(stack.cards()).toHaveLength(1);

    // The manual clock reaches the end: Scheduler calls notify, which posts the summary card once.
    stack.clock.advance(Math.max(0, Math.ceil(snooze.until / 1000) * 1000 + 1000 - stack.clock.now()));
    await stack.local.aws.scheduler.settled();
    const summaries = () =>
      stack.cards().filter((message) => JSON.stringify(message.activity).includes('While snoozed (4h): 1 failure'));
    expect(summaries()).toHaveLength(1);
    expect(stack.local.aws.scheduler.invocations).toHaveLength(1);
    expect(await endSchedule()).toBeUndefined();
    // Delivered again (at least once): nothing more.
    const notify = stack.local.aws.lambdas.get(String(schedule?.Target?.Arn));
    const input = stack.local.aws.scheduler.invocations[0]?.input;
    await expect(notify?.(input)).resolves.toEqual({ status: 'quiet' });
    expect(summaries()).toHaveLength(1);
    expect(stack.notifyErrors).toEqual([]);
  });

  test('a Snooze press on a card pipewatch did not post about that execution is refused (403), nothing snoozed', async () => {
    const card = await failureCard();
    const response = await stack.send(
      stack.click(card, CARD_VERBS.snooze, BOB, { value: choiceValue(card, '1 hour'), execution: 'not-this-one' }),
    );
    expect(response.statusCode).toBe(403);
    expect(
      await new DynamoDbQuietStore({ client: stack.local.dynamo, tableName: TABLE }).read(channel(), 'myPipeline'),
    ).toBeUndefined();
  });
});
