import { GetPipelineExecutionCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { chatAppDepsFor } from '../../../src/app/chat-app-deps';
import { createNotifyHandler, notifyDepsFor } from '../../../src/app/notify/notify-handler';
import { DynamoDbChannelAddresses } from '../../../src/aws/dynamodb-channel-addresses';
import { createTableInput } from '../../../src/aws/dynamodb-conversation-store';
import { FOLLOW_INPUT_TEMPLATE, FOLLOW_RULE_NAME, FOLLOW_RULE_PATTERN } from '../../../src/aws/notify-input';
import type { AuthorizationPolicy } from '../../../src/core/actions';
import { ManualClock } from '../../../src/local/aws/clock';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { DEFAULT_TEAM, type LocalBotConnector, startLocalBotConnector } from '../../../src/local/teams/bot-connector';
import { type LocalIdentity, startLocalIdentity } from '../../../src/local/teams/identity';
import {
  type ActivityParties,
  cardActionActivity,
  installationActivity,
  messageActivity,
  teamsEvent,
} from '../../../src/local/teams/signed-activity';
import type { TeamsMessage } from '../../../src/local/teams/types';
import { createTeamsLambdaHandler, type TeamsLambdaHandler } from '../../../src/teams/app/create-teams-app';
import { BotTokenProvider } from '../../../src/teams/bot-token';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';
import { MemoryLog } from '../../helpers/memory-log';
import { RecordingLogger } from '../slack/harness';
import { ALICE, BOB, CAROL } from './teams-harness';

/*
 * Microsoft Teams end to end on loopback, through the real handlers: the Teams function (Teams SDK,
 * JWT checked against a local identity with real keys) and the notify function (the Teams poster)
 * on the local AWS (EventBridge with the follow rule, the CodePipeline simulator, DynamoDB), posting
 * to a local Bot Connector that checks the bearer token, the activity, the card and Teams' limits.
 */

const BUS = 'pipewatch';
const TABLE = 'pipewatch-state';
const NOTIFY_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-notify';
const DEPLOYS = DEFAULT_TEAM.channels?.[1]?.id ?? '';
const POLICY: AuthorizationPolicy = {
  rules: [
    {
      pipelines: ['myPipeline'],
      retry: [ALICE.aadObjectId, BOB.aadObjectId],
      approve: [ALICE.aadObjectId],
      stop: [ALICE.aadObjectId],
      run: [ALICE.aadObjectId],
    },
  ],
};

let clock: ManualClock;
let local: LocalAwsClients;
let identity: LocalIdentity;
let connector: LocalBotConnector;
let teams: TeamsLambdaHandler;
let log: RecordingLogger;
let notifyLog: MemoryLog;
const notifyErrors: unknown[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  local = await startLocalAwsWithClients({ clock, definitionsFile: SAMPLE_PIPELINES_FILE });
  identity = await startLocalIdentity({ port: 0 });
  connector = await startLocalBotConnector({ port: 0, identity });
  await local.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
  await deployBusAndFollowRule();
  const tokens = new BotTokenProvider({
    tenantId: identity.tenantId,
    loginEndpoint: identity.loginEndpoint,
    credentials: async () => ({ clientId: identity.clientId, clientSecret: identity.clientSecret }),
  });
  notifyLog = new MemoryLog();
  notifyErrors.length = 0;
  const notify = createNotifyHandler(
    notifyDepsFor({
      dynamo: local.dynamo,
      tableName: TABLE,
      codePipeline: local.codePipeline,
      region: local.aws.region,
      teams: { token: tokens.token },
      log: notifyLog,
    }),
  );
  local.aws.lambdas.register(NOTIFY_ARN, async (input) => {
    try {
      return await notify(input);
    } catch (error) {
      notifyErrors.push(error);
      throw error;
    }
  });
  log = new RecordingLogger();
  teams = await createTeamsLambdaHandler({
    appId: identity.clientId,
    tenantId: identity.tenantId,
    token: () => tokens.token(),
    allowedTenants: [],
    cloud: identity.cloud,
    deps: {
      ...chatAppDepsFor({
        eventBridge: local.eventBridge,
        codePipeline: local.codePipeline,
        dynamo: local.dynamo,
        region: local.aws.region,
        busName: BUS,
        notifyFunctionArn: NOTIFY_ARN,
        tableName: TABLE,
        policy: POLICY,
        policyLocation: 'the test policy',
        log,
      }),
      addresses: new DynamoDbChannelAddresses({ client: local.dynamo, tableName: TABLE }),
    },
  });
});

afterEach(async () => {
  // Deliveries still in flight would write to a stopped DynamoDB.
  await local.aws.eventBridge.settled();
  await connector.stop();
  await identity.stop();
  await local.stop();
});

/** What serverless.yml deploys: the bus, the forward rule from the default bus, the follow rule. */
async function deployBusAndFollowRule(): Promise<void> {
  const { EventBusArn } = await local.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
  await local.eventBridge.send(
    new PutRuleCommand({ Name: 'pipewatch-forward', EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }) }),
  );
  await local.eventBridge.send(
    new PutTargetsCommand({
      Rule: 'pipewatch-forward',
      Targets: [{ Id: 'bus', Arn: EventBusArn, RoleArn: 'arn:aws:iam::000000000000:role/pipewatch-forward' }],
    }),
  );
  await local.eventBridge.send(
    new PutRuleCommand({
      Name: FOLLOW_RULE_NAME,
      EventBusName: BUS,
      EventPattern: JSON.stringify(FOLLOW_RULE_PATTERN),
    }),
  );
  await local.eventBridge.send(
    new PutTargetsCommand({
      Rule: FOLLOW_RULE_NAME,
      EventBusName: BUS,
      Targets: [{ Id: 'notify', Arn: NOTIFY_ARN, InputTransformer: { InputTemplate: FOLLOW_INPUT_TEMPLATE } }],
    }),
  );
}

function parties(user = BOB): ActivityParties {
  return {
    serviceUrl: connector.serviceUrl,
    tenantId: identity.tenantId,
    conversationId: DEPLOYS,
    conversationType: 'channel',
    teamId: DEFAULT_TEAM.id,
    bot: { id: `28:${identity.clientId}`, name: 'pipewatch' },
    user,
  };
}

/** A person's post mentioning the bot, as the service stores it and then sends it to the bot. */
function typed(user: typeof ALICE, command: string): Record<string, unknown> {
  const post = connector.tenant.postUserMessage(DEPLOYS, user.id, `<at>pipewatch</at> ${command}`);
  return messageActivity(parties(user), command, { id: post.id });
}

async function send(activity: Record<string, unknown>) {
  const token = identity.signActivityToken({ appId: identity.clientId, serviceUrl: connector.serviceUrl });
  return teams(teamsEvent(activity, token));
}

async function runFor(ms: number): Promise<void> {
  const eventBridge = local.aws.eventBridge;
  for (let t = 0; t < ms; t += 1000) {
    clock.advance(1000);
    await eventBridge.settled();
  }
  while (eventBridge.pendingRetries > 0) {
    clock.runAll();
    await eventBridge.settled();
  }
}

/** The bot's root posts in #deploys (cards about executions). */
function cards(): TeamsMessage[] {
  return connector.tenant
    .messages(DEPLOYS)
    .filter((message) => message.replyToId === undefined && JSON.stringify(message.activity).includes('AdaptiveCard'));
}

function cardText(message: TeamsMessage | undefined): string {
  return JSON.stringify(message?.activity ?? {});
}

interface ExecuteAction {
  readonly verb: string;
  readonly data: Record<string, unknown>;
}

/** Every Action.Execute of a message's cards, ShowCards included. */
function executeActions(message: TeamsMessage | undefined): ExecuteAction[] {
  const found: ExecuteAction[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Execute' && typeof record.verb === 'string') {
        found.push({ verb: record.verb, data: (record.data ?? {}) as Record<string, unknown> });
      }
      for (const [key, value] of Object.entries(record)) if (key !== 'fallback') walk(value);
    }
  };
  walk(message?.activity.attachments ?? []);
  return found;
}

/** Presses an Action.Execute of the message, with `comment` (or other inputs) typed in the card. */
async function press(
  message: TeamsMessage,
  verb: string,
  user: typeof ALICE,
  comment?: string,
  inputs: Record<string, string> = {},
) {
  const action = executeActions(message).find((candidate) => candidate.verb === verb);
  if (action === undefined) throw new Error(`no ${verb} button on message ${message.id}`);
  const activity = cardActionActivity(
    parties(user),
    { activityId: message.id, threadOf: message.replyToId ?? message.id },
    { verb, data: { ...action.data, ...(comment === undefined ? {} : { comment }), ...inputs } },
  );
  const response = await send(activity);
  expect(response.statusCode).toBe(200);
  return JSON.parse(String(response.body)) as { statusCode: number; type: string; value: string };
}

function repliesTo(message: TeamsMessage | undefined): TeamsMessage[] {
  return message === undefined ? [] : connector.tenant.threadReplies(DEPLOYS, message.id);
}

describe('Teams end to end: subscribe by mention, one card per execution, buttons that act', () => {
  test('install, subscribe FAILED, Build fails, refused and accepted retry, refused and accepted approval, Succeeded', async () => {
    expect((await send(installationActivity(parties(), 'add'))).statusCode).toBe(200);

    // Subscribe by mention; the answer goes to the command's thread.
    const command = typed(BOB, 'subscribe myPipeline FAILED');
    expect((await send(command)).statusCode).toBe(200);
    const answers = connector.tenant.threadReplies(DEPLOYS, String(command.id));
    expect(answers.map((answer) => answer.activity.text).join('\n')).toMatch(/Subscribed this channel/);

    // Build fails: exactly one card, with Retry, and Source shown as succeeded.
    local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
    await local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
    await runFor(70_000);
    expect(cards()).toHaveLength(1);
    let card = cards()[0];
    expect(cardText(card)).toMatch(/Source ✓ · Build ✗/);
    expect(executeActions(card).map((action) => action.verb)).toEqual([
      'pipewatch.retry.failed',
      'pipewatch.retry.all',
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
    expect(notifyErrors).toEqual([]);
  });

  test('a double click acts once; a button value that does not match its verb is refused', async () => {
    await send(installationActivity(parties(), 'add'));
    await send(typed(BOB, 'subscribe myPipeline FAILED'));
    local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
    await local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
    await runFor(70_000);
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
    return connector.tenant
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
    const replies = connector.tenant.messages(personal).filter((message) => message.from !== BOB.id);
    expect(replies.map((reply) => String(reply.activity.text)).join('\n')).toContain('@pipewatch subscribe');
  });

  test('uninstall deletes the channel’s subscriptions and forgets its address', async () => {
    await send(installationActivity(parties(), 'add'));
    await ask('subscribe myPipeline FAILED');
    await ask('subscribe web-service');
    expect(await ask('list')).toMatch(/web-service/);
    expect((await send(installationActivity(parties(), 'remove'))).statusCode).toBe(200);
    const addresses = new DynamoDbChannelAddresses({ client: local.dynamo, tableName: TABLE });
    expect(await addresses.get({ platform: 'teams', workspace: identity.tenantId, channel: DEPLOYS })).toBeUndefined();
    const rules = await chatAppDepsFor({
      eventBridge: local.eventBridge,
      codePipeline: local.codePipeline,
      dynamo: local.dynamo,
      busName: BUS,
      notifyFunctionArn: NOTIFY_ARN,
      tableName: TABLE,
      policy: POLICY,
      log,
    }).rules.listRules('pw-');
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
      const eventBridge = local.aws.eventBridge;
      eventBridge.faults.holdDeliveries();
      if (copies > 1) eventBridge.faults.duplicate(copies);
      local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
      await local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
      await runFor(70_000);
      expect(eventBridge.faults.heldCount).toBeGreaterThanOrEqual(10);
      eventBridge.faults.releaseDeliveries({ order, seed: 5 });
      await runFor(1_000);
      expect(cards()).toHaveLength(1);
      expect(cardText(cards()[0])).toMatch(/Source ✓ · Build ✗/);
      expect(notifyErrors).toEqual([]);
    },
  );

  test('the Bot Connector answers 429 and 503 once: Retry-After is honoured, still one card', async () => {
    await send(installationActivity(parties(), 'add'));
    await send(typed(BOB, 'subscribe myPipeline FAILED'));
    connector.faults.rateLimit('post', { times: 1, retryAfterSeconds: 1 });
    connector.faults.fail('reply', 503);
    local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
    await local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
    await runFor(70_000);
    expect(cards()).toHaveLength(1);
    expect(repliesTo(cards()[0]).length).toBeGreaterThanOrEqual(1);
  });

  test('the bot removed from the conversation (403): logged with the subscription, not retried', async () => {
    await send(installationActivity(parties(), 'add'));
    await send(typed(BOB, 'subscribe myPipeline FAILED'));
    connector.tenant.setBotInstalled(DEFAULT_TEAM.id, false);
    local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
    await local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
    await runFor(70_000);
    expect(cards()).toEqual([]);
    expect(notifyErrors).toEqual([]);
    expect(notifyLog.entries.some((entry) => entry.message.includes('refused the message'))).toBe(true);
  });
});

describe('Teams buttons: reject and stale', () => {
  async function failedRunWaitingForApproval(): Promise<{ card: TeamsMessage; approval: TeamsMessage }> {
    await send(installationActivity(parties(), 'add'));
    await send(typed(BOB, 'subscribe myPipeline FAILED'));
    local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
    await local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
    await runFor(70_000);
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
      local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
      await local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
      await runFor(70_000);
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
  async function ask(user: typeof ALICE, text: string): Promise<string> {
    const command = typed(user, text);
    expect((await send(command)).statusCode).toBe(200);
    return connector.tenant
      .threadReplies(DEPLOYS, String(command.id))
      .map((answer) => String(answer.activity.text))
      .join('\n');
  }

  /** Presses a stop button of the card's "Stop…" section with the reason typed in its input. */
  const pressStop = async (card: TeamsMessage, verb: string, user: typeof ALICE, reason: string) =>
    (await press(card, verb, user, undefined, { stopReason: reason })).value;

  test('Alice runs myPipeline by mention; its card offers Stop; Bob is refused; Alice stops and abandons with a reason; the card reads Stopped, by whom and why', async () => {
    await send(installationActivity(parties(), 'add'));
    expect(await ask(ALICE, 'subscribe myPipeline')).toMatch(/Subscribed this channel/);
    expect(await ask(BOB, 'run myPipeline')).toMatch(/not allowed to start executions in pipeline myPipeline/);
    expect(await ask(ALICE, 'run myPipelin')).toMatch(/did you mean .myPipeline.\?/);
    const started = await ask(ALICE, 'run myPipeline');
    expect(started).toMatch(/Started .myPipeline.: execution/);
    expect(started).toContain('Its message follows here as it runs');
    const id = /\(`?([0-9a-f-]{36})`?\)/.exec(started)?.[1] ?? '';

    await runFor(10_000);
    expect(cards()).toHaveLength(1);
    let card = cards()[0];
    if (card === undefined) throw new Error('no card');
    expect(executeActions(card).map((action) => action.verb)).toEqual([
      'pipewatch.stop.wait',
      'pipewatch.stop.abandon',
    ]);

    expect(await pressStop(card, 'pipewatch.stop.abandon', BOB, 'no')).toMatch(/not allowed to stop executions/);
    expect(await pressStop(card, 'pipewatch.stop.abandon', ALICE, 'a bad commit')).toMatch(/Stopping execution/);
    const { pipelineExecution } = await local.codePipeline.send(
      new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: id }),
    );
    expect(pipelineExecution?.status).toBe('Stopped');

    await runFor(5_000);
    card = cards()[0];
    expect(cards()).toHaveLength(1);
    expect(cardText(card)).toContain('Stopped');
    expect(cardText(card)).toContain('Stopped by Alice in Teams: a bad commit');
    expect(executeActions(card)).toEqual([]);
    expect(notifyErrors).toEqual([]);
  });
});
