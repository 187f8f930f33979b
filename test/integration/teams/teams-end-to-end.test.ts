import { GetPipelineExecutionCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { cardActionActivity, installationActivity, messageActivity } from '../../../src/local/teams/signed-activity';
import type { TeamsMessage } from '../../../src/local/teams/types';
import {
  ALICE,
  BOB,
  CAROL,
  CHANNEL_ID,
  executeActions,
  startTeamsStack,
  TEAM_ID,
  type TeamsStack,
  type TeamsUser,
} from './teams-harness';

/*
 * Microsoft Teams end to end on loopback, through the real handlers: the Teams function (Teams SDK,
 * JWT checked against a local identity with real keys) and the notify function (the Teams poster)
 * on the local AWS (EventBridge with the follow rule, the CodePipeline simulator, DynamoDB), posting
 * to a local Bot Connector that checks the bearer token, the activity, the card and Teams' limits.
 */

const DEPLOYS = CHANNEL_ID;

let stack: TeamsStack;

beforeEach(async () => {
  stack = await startTeamsStack();
});

afterEach(() => stack.stop());

const parties = (user = BOB) => stack.parties(user);
const typed = (user: TeamsUser, command: string) => stack.typed(user, command);
const send = (activity: Record<string, unknown>) => stack.send(activity);
const runFor = (ms: number) => stack.runFor(ms);
const cards = () => stack.cards();
const repliesTo = (message: TeamsMessage | undefined) => stack.repliesTo(message);

function cardText(message: TeamsMessage | undefined): string {
  return JSON.stringify(message?.activity ?? {});
}

/** myPipeline started with Build failing once ("Tests failed"), run until the failure shows. */
async function runFailingBuild(): Promise<void> {
  stack.local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
  await stack.local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
  await runFor(70_000);
}

async function press(message: TeamsMessage, verb: string, user: TeamsUser, comment?: string) {
  const response = await send(stack.click(message, verb, user, comment === undefined ? {} : { comment }));
  expect(response.statusCode).toBe(200);
  return JSON.parse(String(response.body)) as { statusCode: number; type: string; value: string };
}

describe('Teams end to end: subscribe by mention, one card per execution, buttons that act', () => {
  test('install, subscribe FAILED, Build fails, refused and accepted retry, refused and accepted approval, Succeeded', async () => {
    expect((await send(installationActivity(parties(), 'add'))).statusCode).toBe(200);

    // Subscribe by mention; the answer goes to the command's thread.
    const command = typed(BOB, 'subscribe myPipeline FAILED');
    expect((await send(command)).statusCode).toBe(200);
    const answers = stack.connector.tenant.threadReplies(DEPLOYS, String(command.id));
    expect(answers.map((answer) => answer.activity.text).join('\n')).toMatch(/Subscribed this channel/);

    // Build fails: exactly one card, with Retry, and Source shown as succeeded.
    await runFailingBuild();
    expect(cards()).toHaveLength(1);
    let card = cards()[0];
    expect(cardText(card)).toMatch(/Source ✓ · Build ✗/);
    expect(executeActions(card).map((action) => action.verb)).toEqual([
      'pipewatch.retry.failed',
      'pipewatch.retry.all',
      'pipewatch.snooze',
    ]);
    if (card === undefined) throw new Error('no card');

    // Carol may not retry: told alone, nothing changes.
    const refused = await press(card, 'pipewatch.retry.failed', CAROL);
    expect(refused).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(refused.value).toMatch(/not allowed to retry/);
    expect(refused.value).toContain('the test policy');

    // Bob may: the same card moves on to the approval; the thread asks for it.
    const retried = await press(card, 'pipewatch.retry.failed', BOB);
    expect(retried.value).toMatch(/Retrying/);
    await runFor(70_000);
    expect(cards()).toHaveLength(1);
    card = cards()[0];
    expect(cardText(card)).toContain('Waiting for approval');
    expect(cardText(card)).toContain('Build by Bob in Teams');
    const approvalReply = repliesTo(card).find((reply) =>
      executeActions(reply).some((action) => action.verb === 'pipewatch.approve'),
    );
    if (approvalReply === undefined) throw new Error('no approval reply');

    // Bob may not approve; Alice approves with a comment.
    expect((await press(approvalReply, 'pipewatch.approve', BOB)).value).toMatch(/not allowed to approve/);
    expect((await press(approvalReply, 'pipewatch.approve', ALICE, 'Ship it')).value).toMatch(/Approved/);
    await runFor(100_000);
    card = cards()[0];
    expect(cards()).toHaveLength(1);
    expect(cardText(card)).toContain('Succeeded');
    expect(cardText(card)).toContain('Approved by Alice in Teams: Ship it');
    // No button that would act is left, on the card or in its thread.
    expect(executeActions(card)).toEqual([]);
    for (const reply of repliesTo(card)) expect(executeActions(reply)).toEqual([]);
    expect(stack.notifyErrors).toEqual([]);
  });

  test('a failing Build: the reply card shows the commit, the failed phase, 20 log lines and links, escaped', async () => {
    expect((await send(installationActivity(parties(), 'add'))).statusCode).toBe(200);
    expect((await send(typed(BOB, 'subscribe myPipeline FAILED'))).statusCode).toBe(200);
    stack.local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', {
      mode: 'once',
      log: ['FAIL test/notify.test.ts', '  ● pings <at>everyone</at> and [click](https://evil.example)'],
    });
    const executionId = stack.local.aws.codePipeline.pushCommit('myPipeline', {
      message: 'Fix totals',
      author: 'Mary Major',
    });
    await runFor(70_000);
    const card = cards().find((candidate) => cardText(candidate).includes(executionId));
    const replies = repliesTo(card);
    expect(replies).toHaveLength(1);
    const reply = cardText(replies[0]);
    expect(reply).toMatch(/"title":"Commit","value":"[0-9a-f]{7} Fix totals by Mary Major"/);
    expect(reply).toContain(
      '"title":"Failed phase","value":"BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: npm test',
    );
    expect(reply.match(/"fontType":"Monospace"/g)).toHaveLength(20);
    expect(reply).toContain('pings &lt;at&gt;everyone&lt;/at&gt; and \\\\[click\\\\]\\\\(https://evil.example)');
    expect(reply).not.toContain('<at>');
    expect(reply).toMatch(
      /"title":"Commit","url":"https:\/\/us-east-1\.console\.aws\.amazon\.com\/codesuite\/codecommit\/repositories\/my-repo\/commit\/[0-9a-f]{40}\?region=us-east-1"/,
    );
    expect(reply).toContain(
      '"title":"Full log","url":"https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=/aws/codebuild/my-build;stream=',
    );
    expect(stack.notifyErrors).toEqual([]);
  });

  test('a double click acts once; a button value that does not match its verb is refused', async () => {
    await send(installationActivity(parties(), 'add'));
    await send(typed(BOB, 'subscribe myPipeline FAILED'));
    await runFailingBuild();
    const card = cards()[0];
    if (card === undefined) throw new Error('no card');
    const [first, second] = await Promise.all([
      press(card, 'pipewatch.retry.failed', BOB),
      press(card, 'pipewatch.retry.failed', BOB),
    ]);
    expect([first.value, second.value].filter((text) => /already pressed/.test(text))).toHaveLength(1);
    // Acted once: the thread has one audit reply of the retry.
    expect(repliesTo(card).filter((reply) => /Retrying/.test(String(reply.activity.text)))).toHaveLength(1);
    const forged = await send(
      cardActionActivity(
        parties(BOB),
        { activityId: card.id },
        { verb: 'pipewatch.retry.failed', data: { value: '{"v":1,"k":"approve"}' } },
      ),
    );
    expect(JSON.parse(String(forged.body)).value).toMatch(/could not be read/);
  });
});

describe('Teams commands', () => {
  /** The bot's answers in the thread of the command. */
  async function ask(command: string, user = BOB): Promise<string> {
    const activity = typed(user, command);
    expect((await send(activity)).statusCode).toBe(200);
    return stack.connector.tenant
      .threadReplies(DEPLOYS, String(activity.id))
      .map((reply) => String(reply.activity.text))
      .join('\n');
  }

  test('help, subscribe, list, status, unsubscribe, a typo — the same commands as Slack, with Teams hints', async () => {
    expect(await ask('help')).toContain('@pipewatch subscribe');
    expect(await ask('subscribe myPipeline FAILED')).toMatch(/Subscribed this channel/);
    const list = await ask('list');
    expect(list).toMatch(/myPipeline/);
    const id = /`([a-z0-9]{10})`/.exec(list)?.[1];
    expect(id).toBeDefined();
    expect(await ask('status myPipeline')).toMatch(/myPipeline/);
    expect(await ask('subscrib myPipeline')).toMatch(/did you mean `subscribe`/);
    expect(await ask(`unsubscribe ${id}`)).toMatch(/Unsubscribed|Removed|stopped/i);
    expect(await ask('list')).not.toMatch(new RegExp(String(id)));
  });

  test('a personal chat needs no mention; its subscriptions are its own', async () => {
    const personal = 'a:1pipewatch-local-personal-chat';
    const activity = messageActivity(
      { ...parties(BOB), conversationId: personal, conversationType: 'personal' },
      'help',
    );
    expect((await send(activity)).statusCode).toBe(200);
    const replies = stack.connector.tenant.messages(personal).filter((message) => message.from !== BOB.id);
    expect(replies.map((reply) => String(reply.activity.text)).join('\n')).toContain('@pipewatch subscribe');
  });

  test('uninstall deletes the channel’s subscriptions and forgets its address', async () => {
    await send(installationActivity(parties(), 'add'));
    await ask('subscribe myPipeline FAILED');
    await ask('subscribe web-service');
    expect(await ask('list')).toMatch(/web-service/);
    expect((await send(installationActivity(parties(), 'remove'))).statusCode).toBe(200);
    expect(await stack.address()).toBeUndefined();
    const rules = await stack.rules();
    expect(rules).toEqual([]);
  });
});

describe('Teams notify path under duplicate, reversed and concurrent delivery', () => {
  test.each([
    ['reverse', 1],
    ['shuffle', 2],
  ] as const)(
    'the whole run held, then released in %s order, each event %i time(s): exactly one card, final state',
    async (order, copies) => {
      await send(installationActivity(parties(), 'add'));
      await send(typed(BOB, 'subscribe myPipeline FAILED'));
      const eventBridge = stack.local.aws.eventBridge;
      eventBridge.faults.holdDeliveries();
      if (copies > 1) eventBridge.faults.duplicate(copies);
      await runFailingBuild();
      expect(eventBridge.faults.heldCount).toBeGreaterThanOrEqual(10);
      eventBridge.faults.releaseDeliveries({ order, seed: 5 });
      await runFor(1_000);
      expect(cards()).toHaveLength(1);
      expect(cardText(cards()[0])).toMatch(/Source ✓ · Build ✗/);
      expect(stack.notifyErrors).toEqual([]);
    },
  );

  test('the Bot Connector answers 429 and 503 once: Retry-After is honoured, still one card', async () => {
    await send(installationActivity(parties(), 'add'));
    await send(typed(BOB, 'subscribe myPipeline FAILED'));
    stack.connector.faults.rateLimit('post', { times: 1, retryAfterSeconds: 1 });
    stack.connector.faults.fail('reply', 503);
    await runFailingBuild();
    expect(cards()).toHaveLength(1);
    expect(repliesTo(cards()[0]).length).toBeGreaterThanOrEqual(1);
  });

  test('the bot removed from the conversation (403): logged with the subscription, not retried', async () => {
    await send(installationActivity(parties(), 'add'));
    await send(typed(BOB, 'subscribe myPipeline FAILED'));
    stack.connector.tenant.setBotInstalled(TEAM_ID, false);
    await runFailingBuild();
    expect(cards()).toEqual([]);
    expect(stack.notifyErrors).toEqual([]);
    expect(stack.notifyLog.entries.some((entry) => entry.message.includes('refused the message'))).toBe(true);
  });
});

describe('Teams buttons: reject and stale', () => {
  async function failedRunWaitingForApproval(): Promise<{ card: TeamsMessage; approval: TeamsMessage }> {
    await send(installationActivity(parties(), 'add'));
    await send(typed(BOB, 'subscribe myPipeline FAILED'));
    await runFailingBuild();
    const failed = cards()[0];
    if (failed === undefined) throw new Error('no card');
    await press(failed, 'pipewatch.retry.failed', BOB);
    await runFor(70_000);
    const card = cards()[0];
    const approval = repliesTo(card).find((reply) =>
      executeActions(reply).some((action) => action.verb === 'pipewatch.reject'),
    );
    if (card === undefined || approval === undefined) throw new Error('no approval reply');
    return { card, approval };
  }

  test('Alice rejects with a reason: the card reads as a rejection, with who and why', async () => {
    const { approval } = await failedRunWaitingForApproval();
    expect((await press(approval, 'pipewatch.reject', ALICE, 'not on a Friday')).value).toMatch(/Rejected/);
    await runFor(5_000);
    const card = cards()[0];
    expect(cardText(card)).toContain('Rejected by Alice in Teams: not on a Friday');
    expect(cardText(card)).not.toContain('JobFailed');
    expect(executeActions(repliesTo(card).find((reply) => reply.id === approval.id))).toEqual([]);
  });

  test('a stale button (a failure retried in a later execution) answers "not the latest execution"', async () => {
    await send(installationActivity(parties(), 'add'));
    await send(typed(BOB, 'subscribe myPipeline FAILED'));
    for (let run = 0; run < 2; run++) {
      await runFailingBuild();
    }
    expect(cards()).toHaveLength(2);
    const [older] = cards();
    if (older === undefined) throw new Error('no card');
    const stale = await press(older, 'pipewatch.retry.failed', BOB);
    expect(stale.value).toMatch(/not the latest execution/);
  });
});

describe('Teams: stop and run from chat', () => {
  /** The answer in the command's thread. */
  async function ask(user: TeamsUser, text: string): Promise<string> {
    const command = typed(user, text);
    expect((await send(command)).statusCode).toBe(200);
    return stack.connector.tenant
      .threadReplies(DEPLOYS, String(command.id))
      .map((answer) => String(answer.activity.text))
      .join('\n');
  }

  /** Presses a stop button of the card's "Stop…" section with the reason typed in its input. */
  async function pressStop(card: TeamsMessage, verb: string, user: TeamsUser, reason: string): Promise<string> {
    const response = await send(stack.click(card, verb, user, { stopReason: reason }));
    expect(response.statusCode).toBe(200);
    return (JSON.parse(String(response.body)) as { value: string }).value;
  }

  test('Alice runs myPipeline by mention; its card offers Stop; Bob is refused; Alice stops and abandons with a reason; the card reads Stopped, by whom and why', async () => {
    await send(installationActivity(parties(), 'add'));
    expect(await ask(ALICE, 'subscribe myPipeline')).toMatch(/Subscribed this channel/);
    expect(await ask(BOB, 'run myPipeline')).toMatch(/not allowed to start executions in pipeline myPipeline/);
    expect(await ask(ALICE, 'run myPipelin')).toMatch(/did you mean .myPipeline.\?/);
    const started = await ask(ALICE, 'run myPipeline');
    expect(started).toMatch(/Started .myPipeline.: execution/);
    const id = /\(`?([0-9a-f-]{36})`?\)/.exec(started)?.[1] ?? '';
    // The card is posted before the answer, which links to it: Teams' message deep link.
    expect(cards()).toHaveLength(1);
    const posted = cards()[0];
    if (posted === undefined) throw new Error('no card');
    expect(cardText(posted)).toContain('Alice in Teams');
    const link = `https://teams.microsoft.com/l/message/${encodeURIComponent(CHANNEL_ID)}/${posted.id}?${new URLSearchParams(
      { tenantId: stack.identity.tenantId, parentMessageId: posted.id },
    )}`;
    expect(started).toContain(`Its message, updated as it runs: ${link} (subscription`);

    await runFor(10_000);
    expect(cards()).toHaveLength(1);
    let card = cards()[0];
    expect(card?.id).toBe(posted.id);
    expect(cardText(card)).toContain('Started by');
    if (card === undefined) throw new Error('no card');
    expect(executeActions(card).map((action) => action.verb)).toEqual([
      'pipewatch.stop.wait',
      'pipewatch.stop.abandon',
    ]);

    expect(await pressStop(card, 'pipewatch.stop.abandon', BOB, 'no')).toMatch(/not allowed to stop executions/);
    expect(await pressStop(card, 'pipewatch.stop.abandon', ALICE, 'a bad commit')).toMatch(/Stopping execution/);
    const { pipelineExecution } = await stack.local.codePipeline.send(
      new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: id }),
    );
    expect(pipelineExecution?.status).toBe('Stopped');

    await runFor(5_000);
    card = cards()[0];
    expect(cards()).toHaveLength(1);
    expect(cardText(card)).toContain('Stopped');
    expect(cardText(card)).toContain('Stopped by Alice in Teams: a bad commit');
    expect(executeActions(card)).toEqual([]);
    expect(stack.notifyErrors).toEqual([]);
  });
});
