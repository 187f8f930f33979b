// (integration test) nothing twice, nothing forged: replayed requests, other installations, foreign buttons, unreadable policy or groups
import { GetPipelineStateCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { ListRulesCommand } from '@aws-sdk/client-eventbridge';
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  type ButtonValue,
  encodeButtonValue,
  type PolicySource,
  policyUnreadableText,
} from '../../../src/core/actions';
import { blockActionsBody, slashCommandBody, viewSubmissionBody } from '../../../src/local/slack';
import { ACTION_IDS } from '../../../src/slack';
import { USER_GROUPS_UNREADABLE } from '../../../src/slack/app/click';
import { OTHER_WORKSPACE } from '../../../src/slack/app/installation';
import { InMemoryRequestReplays } from '../../../src/slack/app/request-replays';
import { offsetClock } from '../../helpers/offset-clock';
import {
  ALICE,
  APPROVERS,
  BOB,
  BUS,
  clickPayload,
  DEPLOYS,
  ephemeralTexts,
  httpEvent,
  POLICY,
  postButtons,
  type Stack,
  type StackOptions,
  startStack,
  submissionPayload,
  TEAM,
} from './harness';

/*
 * Through the real signed handler (signature, replay check, Bolt, the installation middleware,
 * the listeners), against the local AWS and the local Slack.
 */

let stack: Stack | undefined;
/** The handler's clock: real time moved on by `later()`, so that Bolt's own check (real time) still passes. */
const { now, later, reset } = offsetClock();

async function started(options: StackOptions = {}, policy: PolicySource = POLICY): Promise<Stack> {
  stack = await startStack(policy, { now, ...options });
  return stack;
}

beforeEach(() => {
  reset();
});
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function failedBuild(s: Stack, mode: 'once' | 'always' = 'once'): Promise<string> {
  s.local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode });
  const { pipelineExecutionId } = await s.local.codePipeline.send(
    new StartPipelineExecutionCommand({ name: 'myPipeline' }),
  );
  s.clock.advance(70_000);
  if (pipelineExecutionId === undefined) throw new Error('no execution');
  return pipelineExecutionId;
}

async function stageStatus(s: Stack, name: string) {
  const state = await s.local.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
  return state.stageStates?.find((stage) => stage.stageName === name)?.latestExecution;
}

function retryValue(s: Stack, executionId: string): ButtonValue {
  return {
    v: 1,
    kind: 'retry',
    mode: 'FAILED_ACTIONS',
    pipeline: 'myPipeline',
    executionId,
    stage: 'Build',
    region: s.local.aws.region,
    account: s.local.aws.accountId,
  };
}

function retryButton(s: Stack, executionId: string) {
  const value = encodeButtonValue(retryValue(s, executionId));
  return postButtons(s, [{ actionId: ACTION_IDS.retryFailed, value, text: 'Retry' }]);
}

function approveButton(s: Stack, executionId: string) {
  const value: ButtonValue = {
    v: 1,
    kind: 'approve',
    pipeline: 'myPipeline',
    executionId,
    stage: 'Approval',
    action: 'Approval',
    region: s.local.aws.region,
    account: s.local.aws.accountId,
  };
  return postButtons(s, [{ actionId: ACTION_IDS.approve, value: encodeButtonValue(value), text: 'Approve' }]);
}

type Payload = BlockAction<ButtonAction> & Record<string, unknown>;

function signedClick(s: Stack, payload: Payload): APIGatewayProxyEventV2 {
  return httpEvent(s, blockActionsBody(payload));
}

function commandBody(
  s: Stack,
  text: string,
  fields: { teamId?: string; enterpriseId?: string; apiAppId?: string; user?: string } = {},
): string {
  const user = fields.user ?? ALICE;
  return slashCommandBody({
    text,
    teamId: fields.teamId ?? TEAM,
    channelId: DEPLOYS,
    userId: user,
    responseUrl: s.slack.workspace.createResponseUrl(DEPLOYS, user),
    triggerId: s.slack.workspace.createTriggerId(user),
    ...(fields.enterpriseId === undefined ? {} : { enterpriseId: fields.enterpriseId }),
    ...(fields.apiAppId === undefined ? {} : { apiAppId: fields.apiAppId }),
  });
}

async function rules(s: Stack): Promise<string[]> {
  const listed = await s.local.eventBridge.send(new ListRulesCommand({ EventBusName: BUS }));
  return (listed.Rules ?? []).map((rule) => rule.Description ?? '');
}

const decisions = (s: Stack) => s.log.decisions();
const warnings = (s: Stack, message: string) => s.log.lines.filter((line) => line.message === message);

describe('a replayed request acts once', () => {
  /** Build fails every time: each retry that acts runs it (and fails) again. */
  async function retriedOnceThenReplayed(s: Stack): Promise<number | undefined> {
    const id = await failedBuild(s, 'always');
    const message = await retryButton(s, id);
    const captured = signedClick(s, clickPayload(s, message, ACTION_IDS.retryFailed, ALICE) as Payload);
    expect((await s.handler(captured)).statusCode).toBe(200);
    expect(await stageStatus(s, 'Build')).toMatchObject({ status: 'InProgress' });
    s.clock.advance(70_000);
    expect(await stageStatus(s, 'Build')).toMatchObject({ status: 'Failed' });
    later(61);
    return (await s.handler(captured)).statusCode;
  }

  test('a Retry click replayed 61 s later (the click claim has expired) is refused with 401', async () => {
    const s = await started();
    expect(await retriedOnceThenReplayed(s)).toBe(401);
    expect(await stageStatus(s, 'Build')).toMatchObject({ status: 'Failed' });
    expect(decisions(s)).toHaveLength(1);
    expect(warnings(s, 'refused a replayed Slack request')).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ reason: 'replay', request: 'block_actions' }) }),
    ]);
  });

  test('(what the replay check prevents: without it, the same replay retries the stage again)', async () => {
    const s = await started({ replays: { firstUse: async () => true } });
    expect(await retriedOnceThenReplayed(s)).toBe(200);
    expect(await stageStatus(s, 'Build')).toMatchObject({ status: 'InProgress' });
    expect(decisions(s)).toHaveLength(2);
  });

  test('a replayed approval submission (the modal) is refused with 401 and decides nothing again', async () => {
    const s = await started();
    const { pipelineExecutionId: id } = await s.local.codePipeline.send(
      new StartPipelineExecutionCommand({ name: 'myPipeline' }),
    );
    s.clock.advance(70_000);
    const message = await approveButton(s, id ?? '');
    expect(
      (await s.handler(signedClick(s, clickPayload(s, message, ACTION_IDS.approve, ALICE) as Payload))).statusCode,
    ).toBe(200);
    const opened = s.slack.workspace.views().at(-1);
    if (opened === undefined) throw new Error('no modal');
    const captured = httpEvent(s, viewSubmissionBody(submissionPayload(s, opened, ALICE, 'ship it')));
    expect((await s.handler(captured)).statusCode).toBe(200);
    expect(decisions(s)).toEqual([expect.objectContaining({ action: 'approve', outcome: 'ok' })]);
    later(61);
    expect((await s.handler(captured)).statusCode).toBe(401);
    expect(decisions(s)).toHaveLength(1);
    expect(warnings(s, 'refused a replayed Slack request')).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ request: 'view_submission' }) }),
    ]);
  });

  test('a replayed `unsubscribe all` does not remove the subscriptions made since', async () => {
    const s = await started();
    const send = (body: string) => s.handler(httpEvent(s, body));
    expect((await send(commandBody(s, 'subscribe myPipeline FAILED'))).statusCode).toBe(200);
    const captured = httpEvent(s, commandBody(s, 'unsubscribe all'));
    expect((await s.handler(captured)).statusCode).toBe(200);
    expect(await rules(s)).toEqual([]);

    later(5);
    expect((await send(commandBody(s, 'subscribe web-service SUCCEEDED'))).statusCode).toBe(200);
    later(56);
    expect((await s.handler(captured)).statusCode).toBe(401);
    expect(await rules(s)).toEqual([expect.stringContaining('web-service')]);
  });

  test("a delivery marked as Slack's retry with a signature already used gets an empty 200 and acts not again", async () => {
    const replays = new InMemoryRequestReplays(now);
    const s = await started({ replays });
    const captured = httpEvent(s, commandBody(s, 'subscribe myPipeline FAILED'));
    expect((await s.handler(captured)).statusCode).toBe(200);
    const retried = { ...captured, headers: { ...captured.headers, 'x-slack-retry-num': '1' } };
    expect(await s.handler(retried)).toEqual({ statusCode: 200, body: '' });
    expect(await rules(s)).toHaveLength(1);
    expect(replays.size).toBe(1);
  });

  test('a replay store that cannot answer refuses: a command is told so, a click gets 503', async () => {
    const s = await started({ replays: { firstUse: () => Promise.reject(new Error('DynamoDB is down')) } });
    const answer = await s.handler(httpEvent(s, commandBody(s, 'subscribe myPipeline FAILED')));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body ?? '{}')).toEqual({
      response_type: 'ephemeral',
      text: expect.stringContaining('could not check that this request was not a replay'),
    });
    expect(await rules(s)).toEqual([]);
    const id = await failedBuild(s);
    const message = await retryButton(s, id);
    const click = await s.handler(signedClick(s, clickPayload(s, message, ACTION_IDS.retryFailed, ALICE) as Payload));
    expect(click.statusCode).toBe(503);
    expect(decisions(s)).toEqual([]);
    s.log.lines.length = 0;
  });
});

describe('requests from another installation are refused', () => {
  const boundToApp: StackOptions = { installation: (slack) => ({ appId: slack.workspace.appId }) };

  test('the team comes from auth.test when not configured; the log says only the workspace is bound', async () => {
    const s = await started();
    const ok = await s.handler(httpEvent(s, commandBody(s, 'subscribe myPipeline FAILED')));
    expect(ok.statusCode).toBe(200);
    expect(s.slack.workspace.callsTo('auth.test')).toHaveLength(1);
    expect(s.log.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: expect.stringContaining('bound to the workspace only'),
        fields: expect.objectContaining({ team: TEAM, source: 'auth.test' }),
      }),
    );
    await s.handler(httpEvent(s, commandBody(s, 'list')));
    expect(s.slack.workspace.callsTo('auth.test')).toHaveLength(1);
  });

  test.each<[string, { teamId?: string; enterpriseId?: string; apiAppId?: string | null }]>([
    ['another team', { teamId: 'T0000OTHER' }],
    ['an enterprise the workspace is not in', { enterpriseId: 'E0000OTHER' }],
    ['another app', { apiAppId: 'A0000OTHER' }],
    ['no app id, when the app id is configured', { apiAppId: null }],
  ])('a command from %s is answered "installed in another workspace" and does nothing', async (_name, fields) => {
    const s = await started(boundToApp);
    const { apiAppId, ...rest } = fields;
    const app = apiAppId === null ? {} : { apiAppId: apiAppId ?? s.slack.workspace.appId };
    const answer = await s.handler(httpEvent(s, commandBody(s, 'subscribe myPipeline FAILED', { ...app, ...rest })));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body ?? '{}')).toEqual({ response_type: 'ephemeral', text: OTHER_WORKSPACE });
    expect(await rules(s)).toEqual([]);
    expect(s.slack.workspace.callsTo('response_url')).toHaveLength(0);
    expect(warnings(s, 'refused a Slack request from another installation')).toHaveLength(1);
  });

  test('the same command from this team and app acts', async () => {
    const s = await started({ installation: (slack) => ({ teamId: TEAM, appId: slack.workspace.appId }) });
    const answer = await s.handler(
      httpEvent(s, commandBody(s, 'subscribe myPipeline FAILED', { apiAppId: s.slack.workspace.appId })),
    );
    expect(answer.statusCode).toBe(200);
    expect(await rules(s)).toHaveLength(1);
    expect(s.slack.workspace.callsTo('auth.test')).toHaveLength(0);
  });

  test.each<[string, (payload: Payload) => void]>([
    ['another team', (p) => Object.assign(p, { team: { id: 'T0000OTHER', domain: 'other' } })],
    ['a clicker of another workspace', (p) => Object.assign(p, { user: { ...p.user, team_id: 'T0000OTHER' } })],
    ['an enterprise', (p) => Object.assign(p, { enterprise: { id: 'E0000OTHER', name: 'other' } })],
    ['another app', (p) => Object.assign(p, { api_app_id: 'A0000OTHER' })],
  ])('a click from %s does nothing visible and is logged', async (_name, change) => {
    const s = await started(boundToApp);
    const id = await failedBuild(s);
    const message = await retryButton(s, id);
    const payload = clickPayload(s, message, ACTION_IDS.retryFailed, ALICE) as Payload;
    change(payload);
    expect((await s.handler(signedClick(s, payload))).statusCode).toBe(200);
    expect(await stageStatus(s, 'Build')).toMatchObject({ status: 'Failed' });
    expect(decisions(s)).toEqual([]);
    expect(ephemeralTexts(s, ALICE)).toEqual([]);
    expect(s.slack.workspace.messages(DEPLOYS)).toHaveLength(1);
    expect(warnings(s, 'refused a Slack request from another installation')).toHaveLength(1);
  });
});

describe('a click must name a button of the bot’s own message', () => {
  test.each<[string, (payload: Payload, s: Stack) => void]>([
    [
      'a value that is not on the clicked message',
      (p, s) => {
        // A well-formed value naming another execution than the message's button does.
        const action = p.actions[0] as ButtonAction;
        action.value = encodeButtonValue(retryValue(s, '00000000-0000-0000-0000-000000000000'));
      },
    ],
    ['a message of another bot', (p) => Object.assign(p, { message: { ...p.message, bot_id: 'B0000OTHER' } })],
    ['a message of another app', (p) => Object.assign(p, { message: { ...p.message, app_id: 'A0000OTHER' } })],
    [
      "a person's message",
      (p) => {
        const { bot_id: _bot, app_id: _app, ...rest } = p.message as Record<string, unknown>;
        Object.assign(p, { message: { ...rest, user: BOB } });
      },
    ],
  ])('%s is refused: nothing visible, nothing retried, logged', async (_name, change) => {
    const s = await started({ installation: (slack) => ({ appId: slack.workspace.appId }) });
    const id = await failedBuild(s);
    const message = await retryButton(s, id);
    const payload = clickPayload(s, message, ACTION_IDS.retryFailed, ALICE) as Payload;
    change(payload, s);
    expect((await s.handler(signedClick(s, payload))).statusCode).toBe(200);
    expect(await stageStatus(s, 'Build')).toMatchObject({ status: 'Failed' });
    expect(decisions(s)).toEqual([]);
    expect(ephemeralTexts(s, ALICE)).toEqual([]);
    expect(warnings(s, "refused a click on a button that is not on pipewatch's own message")).toHaveLength(1);
  });

  test('the same click, untouched, retries', async () => {
    const s = await started({ installation: (slack) => ({ appId: slack.workspace.appId }) });
    const id = await failedBuild(s);
    const message = await retryButton(s, id);
    const payload = clickPayload(s, message, ACTION_IDS.retryFailed, ALICE) as Payload;
    expect((await s.handler(signedClick(s, payload))).statusCode).toBe(200);
    expect(await stageStatus(s, 'Build')).toMatchObject({ status: 'InProgress' });
  });
});

describe('a policy or user groups that cannot be read are told to the clicker', () => {
  const brokenPolicy = () => {
    throw new SyntaxError('Unexpected token } in JSON at position 12');
  };

  test('a broken policy: Retry tells the clicker where an admin fixes it, and logs it', async () => {
    const s = await started({ policyLocation: 'the SSM parameter /pipewatch/test/authorization' }, brokenPolicy);
    const id = await failedBuild(s);
    const message = await retryButton(s, id);
    expect(
      (await s.handler(signedClick(s, clickPayload(s, message, ACTION_IDS.retryFailed, ALICE) as Payload))).statusCode,
    ).toBe(200);
    expect(ephemeralTexts(s, ALICE)).toEqual([policyUnreadableText('the SSM parameter /pipewatch/test/authorization')]);
    expect(ephemeralTexts(s, ALICE)[0]).toContain(
      'An admin can fix it in the SSM parameter /pipewatch/test/authorization.',
    );
    expect(await stageStatus(s, 'Build')).toMatchObject({ status: 'Failed' });
    expect(s.log.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'a click was refused: the authorization policy could not be read',
      }),
    );
    expect(s.log.lines.filter((line) => line.message === 'slack listener failed')).toEqual([]);
  });

  test('a broken policy: Approve tells the clicker too (no modal)', async () => {
    const s = await started({ policyLocation: 'local/authorization.json' }, brokenPolicy);
    const message = await approveButton(s, 'any-execution');
    expect(
      (await s.handler(signedClick(s, clickPayload(s, message, ACTION_IDS.approve, ALICE) as Payload))).statusCode,
    ).toBe(200);
    expect(ephemeralTexts(s, ALICE)).toEqual([policyUnreadableText('local/authorization.json')]);
    expect(s.slack.workspace.views()).toHaveLength(0);
  });

  test('a failed usergroups lookup: the clicker is told their user groups could not be read', async () => {
    // Alice may approve only through the approvers group: the click asks Slack who is in it.
    const s = await started();
    s.slack.faults.fail('usergroups.users.list', 'missing_scope');
    const message = await approveButton(s, 'any-execution');
    expect(
      (await s.handler(signedClick(s, clickPayload(s, message, ACTION_IDS.approve, ALICE) as Payload))).statusCode,
    ).toBe(200);
    expect(ephemeralTexts(s, ALICE)).toEqual([USER_GROUPS_UNREADABLE]);
    expect(s.slack.workspace.views()).toHaveLength(0);
    expect(s.log.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: "a click was refused: the clicker's user groups could not be read",
        fields: expect.objectContaining({ user: ALICE }),
      }),
    );
    expect(APPROVERS).toMatch(/^S/);
  });

  test('a failed usergroups lookup on Retry (a policy that grants retry through a group)', async () => {
    const s = await started({}, { rules: [{ pipelines: ['myPipeline'], retry: [APPROVERS], approve: [] }] });
    s.slack.faults.serverError('usergroups.users.list', 5);
    const id = await failedBuild(s);
    const message = await retryButton(s, id);
    expect(
      (await s.handler(signedClick(s, clickPayload(s, message, ACTION_IDS.retryFailed, ALICE) as Payload))).statusCode,
    ).toBe(200);
    expect(ephemeralTexts(s, ALICE)).toEqual([USER_GROUPS_UNREADABLE]);
    expect(await stageStatus(s, 'Build')).toMatchObject({ status: 'Failed' });
  });
});
