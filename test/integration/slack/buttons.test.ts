import {
  GetPipelineStateCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { slackAppFromEnvironment } from '../../../src/app/slack-app';
import { createTableInput } from '../../../src/aws/dynamodb-conversation-store';
import { type ButtonValue, encodeButtonValue } from '../../../src/core/actions';
import { ACTION_IDS } from '../../../src/slack';
import {
  ALICE,
  BOB,
  BUS,
  CAROL,
  click,
  DEPLOYS,
  ephemeralTexts,
  NOTIFY_ARN,
  POLICY,
  postButtons,
  type Stack,
  startStack,
  submit,
} from './harness';

/*
 * Buttons through the whole handler: signed block_actions / view_submission events, the real
 * CodePipeline client against the simulator (ManualClock), the local Slack's messages, modals
 * and ephemerals.
 */

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.stop();
  // A listener that failed inside pipewatch logs an error; none of these scenarios should.
  expect(stack.log.lines.filter((line) => line.level === 'error')).toEqual([]);
});

async function start(pipeline = 'myPipeline'): Promise<string> {
  const { pipelineExecutionId } = await stack.local.codePipeline.send(
    new StartPipelineExecutionCommand({ name: pipeline }),
  );
  if (pipelineExecutionId === undefined) throw new Error('no execution');
  return pipelineExecutionId;
}

async function stage(name: string, pipeline = 'myPipeline') {
  const state = await stack.local.codePipeline.send(new GetPipelineStateCommand({ name: pipeline }));
  const found = state.stageStates?.find((s) => s.stageName === name);
  if (found === undefined) throw new Error(`no stage ${name}`);
  return found;
}

const target = (executionId: string, pipeline = 'myPipeline') => ({
  v: 1 as const,
  pipeline,
  executionId,
  region: stack.local.aws.region,
  account: stack.local.aws.accountId,
});

function retryButtons(executionId: string, stageName = 'Build', pipeline = 'myPipeline') {
  const value = (mode: 'FAILED_ACTIONS' | 'ALL_ACTIONS'): ButtonValue => ({
    ...target(executionId, pipeline),
    kind: 'retry',
    mode,
    stage: stageName,
  });
  return postButtons(stack, [
    {
      actionId: ACTION_IDS.retryFailed,
      value: encodeButtonValue(value('FAILED_ACTIONS')),
      text: 'Retry failed actions',
    },
    { actionId: ACTION_IDS.retryAll, value: encodeButtonValue(value('ALL_ACTIONS')), text: 'Retry all actions' },
    { actionId: ACTION_IDS.openConsole, value: 'link', text: 'Open in console' },
  ]);
}

function approvalButtons(executionId: string, pipeline = 'myPipeline') {
  const value = (kind: 'approve' | 'reject'): ButtonValue => ({
    ...target(executionId, pipeline),
    kind,
    stage: 'Approval',
    action: 'Approval',
  });
  return postButtons(stack, [
    { actionId: ACTION_IDS.approve, value: encodeButtonValue(value('approve')), text: 'Approve' },
    { actionId: ACTION_IDS.reject, value: encodeButtonValue(value('reject')), text: 'Reject' },
  ]);
}

async function failedBuild(): Promise<string> {
  stack.local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once' });
  const id = await start();
  stack.clock.advance(70_000);
  expect((await stage('Build')).latestExecution?.status).toBe('Failed');
  return id;
}

async function waitingApproval(): Promise<string> {
  const id = await start();
  stack.clock.advance(70_000);
  expect((await stage('Approval')).actionStates?.[0]?.latestExecution?.status).toBe('InProgress');
  return id;
}

const decisions = () => stack.log.decisions();
const lastView = () => stack.slack.workspace.views().at(-1);

describe('Retry', () => {
  test('an authorized retry calls RetryStageExecution, and the message and its thread show who', async () => {
    const id = await failedBuild();
    const message = await retryButtons(id);
    expect(await click(stack, message, ACTION_IDS.retryFailed, ALICE)).toBe(200);

    expect((await stage('Build')).latestExecution).toMatchObject({ pipelineExecutionId: id, status: 'InProgress' });
    const updated = stack.slack.workspace.message(DEPLOYS, message.ts);
    expect(JSON.stringify(updated?.blocks)).toContain(`Retried by <@${ALICE}>`);
    // Retry keeps the buttons: the stage may fail again.
    expect(JSON.stringify(updated?.blocks)).toContain(ACTION_IDS.retryFailed);
    const [reply] = stack.slack.workspace.threadReplies(DEPLOYS, message.ts);
    expect(reply?.text).toContain('Retrying the failed actions of stage Build in myPipeline');
    expect(reply?.text).toContain(`Requested by <@${ALICE}>`);
    expect(decisions()).toEqual([
      expect.objectContaining({
        action: 'retry',
        mode: 'FAILED_ACTIONS',
        allowed: true,
        outcome: 'ok',
        pipeline: 'myPipeline',
      }),
    ]);

    stack.clock.advance(300_000);
    expect((await stage('Build')).latestExecution?.status).toBe('Succeeded');
  });

  test('"Retry all actions" retries with ALL_ACTIONS', async () => {
    const id = await failedBuild();
    await click(stack, await retryButtons(id), ACTION_IDS.retryAll, ALICE);
    expect((await stage('Build')).latestExecution?.status).toBe('InProgress');
    expect(decisions()[0]).toMatchObject({ mode: 'ALL_ACTIONS', outcome: 'ok' });
  });

  test('an unauthorized click is refused to the clicker alone and changes nothing', async () => {
    const id = await failedBuild();
    const message = await retryButtons(id);
    await click(stack, message, ACTION_IDS.retryFailed, BOB);

    expect(ephemeralTexts(stack, BOB)).toEqual([
      expect.stringContaining('You are not allowed to retry in pipeline myPipeline'),
    ]);
    expect((await stage('Build')).latestExecution?.status).toBe('Failed');
    expect(stack.slack.workspace.message(DEPLOYS, message.ts)?.revisions).toHaveLength(1);
    expect(stack.slack.workspace.threadReplies(DEPLOYS, message.ts)).toHaveLength(0);
    expect(decisions()).toEqual([
      expect.objectContaining({ allowed: false, outcome: 'forbidden', user: expect.objectContaining({ id: BOB }) }),
    ]);
    // A refused click does not block an allowed person's.
    await click(stack, message, ACTION_IDS.retryFailed, ALICE);
    expect((await stage('Build')).latestExecution?.status).toBe('InProgress');
  });

  test('a stage that cannot be retried is explained to the clicker; nothing else changes', async () => {
    const id = await failedBuild();
    const message = await retryButtons(id, 'Source');
    await click(stack, message, ACTION_IDS.retryFailed, ALICE);
    expect(ephemeralTexts(stack, ALICE)).toEqual([expect.stringContaining('Stage Source cannot be retried now')]);
    expect(stack.slack.workspace.message(DEPLOYS, message.ts)?.revisions).toHaveLength(1);
    expect(decisions()[0]).toMatchObject({ outcome: 'stage-not-retryable', errorName: 'StageNotRetryableException' });
  });

  test('a button of an older execution: "not the latest execution", no retry', async () => {
    const first = await failedBuild();
    const message = await retryButtons(first);
    await failedBuild();
    await click(stack, message, ACTION_IDS.retryFailed, ALICE);
    expect(ephemeralTexts(stack, ALICE)).toEqual([
      expect.stringContaining('This is not the latest execution of stage Build'),
    ]);
    expect((await stage('Build')).latestExecution?.status).toBe('Failed');
  });

  test('a double click acts once; the second click is told it is being handled', async () => {
    const id = await failedBuild();
    const message = await retryButtons(id);
    const statuses = await Promise.all([
      click(stack, message, ACTION_IDS.retryFailed, ALICE),
      click(stack, message, ACTION_IDS.retryFailed, ALICE),
    ]);
    expect(statuses).toEqual([200, 200]);
    expect(decisions()).toHaveLength(1);
    expect(decisions()[0]).toMatchObject({ outcome: 'ok' });
    expect(ephemeralTexts(stack, ALICE)).toEqual([expect.stringContaining('already pressed a moment ago')]);
    expect(stack.slack.workspace.threadReplies(DEPLOYS, message.ts)).toHaveLength(1);
  });

  test('a link button is acknowledged and does nothing', async () => {
    const message = await retryButtons('00000000-0000-4000-8000-000000000000');
    expect(await click(stack, message, ACTION_IDS.openConsole, ALICE)).toBe(200);
    expect(stack.slack.workspace.ephemerals(DEPLOYS)).toHaveLength(0);
    expect(decisions()).toHaveLength(0);
  });
});

describe('Approve / Reject', () => {
  test('approve opens a modal; submitting approves with "Approved by …" and the pipeline continues', async () => {
    const id = await waitingApproval();
    const message = await approvalButtons(id);
    await click(stack, message, ACTION_IDS.approve, ALICE);
    const opened = lastView();
    expect(opened?.view).toMatchObject({ type: 'modal', callback_id: 'pipewatch.approval.submit' });

    // A base64 body with non-ASCII text, as API Gateway may deliver it.
    expect(await submit(stack, opened as NonNullable<typeof opened>, ALICE, 'déploiement ✅', { base64: true })).toBe(
      200,
    );

    const approval = (await stage('Approval')).actionStates?.[0]?.latestExecution;
    expect(approval).toMatchObject({ status: 'Succeeded', summary: 'Approved by alice in Slack: déploiement ✅' });
    const updated = stack.slack.workspace.message(DEPLOYS, message.ts);
    const shown = JSON.stringify(updated?.blocks);
    expect(shown).toContain(`Approved by <@${ALICE}>`);
    expect(shown).toContain('déploiement ✅');
    expect(shown).not.toContain(ACTION_IDS.approve);
    expect(shown).not.toContain(ACTION_IDS.reject);
    const [reply] = stack.slack.workspace.threadReplies(DEPLOYS, message.ts);
    expect(reply?.text).toContain(`Approved Approval in myPipeline / Approval by <@${ALICE}>: déploiement ✅`);
    expect(decisions()).toEqual([
      expect.objectContaining({ action: 'approve', allowed: true, outcome: 'ok', ruleIndex: 0 }),
    ]);
    // Authorized through the approvers group, resolved with usergroups.users.list.
    expect(stack.slack.workspace.callsTo('usergroups.users.list').length).toBeGreaterThan(0);

    stack.clock.advance(200_000);
    expect((await stage('Prod')).latestExecution).toMatchObject({ pipelineExecutionId: id, status: 'Succeeded' });
  });

  test('reject records "Rejected by …" and stops the pipeline', async () => {
    const id = await waitingApproval();
    const message = await approvalButtons(id);
    await click(stack, message, ACTION_IDS.reject, ALICE);
    await submit(stack, lastView() as NonNullable<ReturnType<typeof lastView>>, ALICE, null);
    expect((await stage('Approval')).actionStates?.[0]?.latestExecution).toMatchObject({
      status: 'Failed',
      summary: 'Rejected by alice in Slack',
    });
    expect(JSON.stringify(stack.slack.workspace.message(DEPLOYS, message.ts)?.blocks)).toContain(
      `Rejected by <@${ALICE}>`,
    );
    expect(decisions()[0]).toMatchObject({ action: 'reject', outcome: 'ok' });
  });

  test('someone outside the approvers is refused without a modal', async () => {
    const id = await waitingApproval();
    await click(stack, await approvalButtons(id), ACTION_IDS.approve, BOB);
    expect(stack.slack.workspace.views()).toHaveLength(0);
    expect(ephemeralTexts(stack, BOB)).toEqual([
      expect.stringContaining('You are not allowed to approve in pipeline myPipeline'),
    ]);
    expect((await stage('Approval')).actionStates?.[0]?.latestExecution?.status).toBe('InProgress');
    expect(decisions()[0]).toMatchObject({ allowed: false, outcome: 'forbidden' });
  });

  test('with no approvers configured, approval is refused and the answer says how to configure it', async () => {
    const message = await approvalButtons('00000000-0000-4000-8000-000000000000', 'web-service');
    await click(stack, message, ACTION_IDS.approve, CAROL);
    expect(stack.slack.workspace.views()).toHaveLength(0);
    const [answer] = ephemeralTexts(stack, CAROL);
    expect(answer).toContain('Nobody may approve or reject in pipeline web-service');
    expect(answer).toContain('no rule of the authorization policy lists "approve" ids');
    expect(answer).toContain('"approve": ["&lt;user or group id&gt;"]');
  });

  test('already approved elsewhere: the submission is answered to the clicker alone', async () => {
    const id = await waitingApproval();
    const message = await approvalButtons(id);
    await click(stack, message, ACTION_IDS.approve, ALICE);
    const token = (await stage('Approval')).actionStates?.[0]?.latestExecution?.token;
    await stack.local.codePipeline.send(
      new PutApprovalResultCommand({
        pipelineName: 'myPipeline',
        stageName: 'Approval',
        actionName: 'Approval',
        token,
        result: { status: 'Approved', summary: 'from the console' },
      }),
    );
    await submit(stack, lastView() as NonNullable<ReturnType<typeof lastView>>, ALICE, 'me too');
    expect(ephemeralTexts(stack, ALICE)).toEqual([
      expect.stringContaining('This approval was already decided or has expired'),
    ]);
    expect(stack.slack.workspace.message(DEPLOYS, message.ts)?.revisions).toHaveLength(1);
    expect((await stage('Approval')).actionStates?.[0]?.latestExecution?.summary).toBe('from the console');
    expect(decisions()[0]).toMatchObject({ outcome: 'approval-not-pending' });
  });

  test('an expired approval (7 days) is answered to the clicker alone', async () => {
    const id = await waitingApproval();
    const message = await approvalButtons(id);
    stack.clock.advance(7 * 24 * 3600 * 1000 + 1000);
    await click(stack, message, ACTION_IDS.approve, ALICE);
    await submit(stack, lastView() as NonNullable<ReturnType<typeof lastView>>, ALICE, 'late');
    expect(ephemeralTexts(stack, ALICE)).toEqual([expect.stringContaining('already decided or has expired')]);
    expect(stack.slack.workspace.threadReplies(DEPLOYS, message.ts)).toHaveLength(0);
  });

  test('a double submission approves once', async () => {
    const id = await waitingApproval();
    const message = await approvalButtons(id);
    await click(stack, message, ACTION_IDS.approve, ALICE);
    const first = lastView() as NonNullable<ReturnType<typeof lastView>>;
    await click(stack, message, ACTION_IDS.approve, ALICE);
    const second = lastView() as NonNullable<ReturnType<typeof lastView>>;
    await Promise.all([submit(stack, first, ALICE, 'one'), submit(stack, second, ALICE, 'two')]);
    expect(decisions()).toHaveLength(1);
    expect(stack.slack.workspace.threadReplies(DEPLOYS, message.ts)).toHaveLength(1);
    expect(ephemeralTexts(stack, ALICE)).toEqual([expect.stringContaining('already pressed a moment ago')]);
  });
});

describe('a refusal names where the policy lives', () => {
  const PREFIX = '/pipewatch/test';
  const AUTHORIZATION_PARAM = `${PREFIX}/authorization`;

  /** The Slack function composed as deployed (slackAppFromEnvironment): its secrets and policy in the local SSM. */
  async function deployed(): Promise<Stack> {
    const put = (Name: string, Value: string, Type: 'String' | 'SecureString' = 'SecureString') =>
      stack.local.ssm.send(new PutParameterCommand({ Name, Value, Type }));
    await put(`${PREFIX}/slack/signing-secret`, stack.slack.signingSecret);
    await put(`${PREFIX}/slack/bot-token`, stack.slack.botToken);
    await put(AUTHORIZATION_PARAM, JSON.stringify(POLICY), 'String');
    // Its table, as serverless.yml creates it: every accepted request is remembered there (replays).
    await stack.local.dynamo.send(new CreateTableCommand(createTableInput('pipewatch-test-state')));
    const handler = slackAppFromEnvironment(
      {
        AWS_REGION: stack.local.aws.region,
        PIPEWATCH_TABLE: 'pipewatch-test-state',
        PIPEWATCH_EVENT_BUS: BUS,
        PIPEWATCH_NOTIFY_FUNCTION_ARN: NOTIFY_ARN,
        PIPEWATCH_SLACK_SIGNING_SECRET_PARAM: `${PREFIX}/slack/signing-secret`,
        PIPEWATCH_SLACK_BOT_TOKEN_PARAM: `${PREFIX}/slack/bot-token`,
        PIPEWATCH_AUTHORIZATION_PARAM: AUTHORIZATION_PARAM,
        PIPEWATCH_SLACK_API_URL: stack.slack.apiUrl,
        PIPEWATCH_SLACK_BOT_ID: stack.slack.workspace.botId,
        PIPEWATCH_SLACK_BOT_USER_ID: stack.slack.workspace.botUserId,
      },
      {
        clients: {
          eventBridge: stack.local.eventBridge,
          codePipeline: stack.local.codePipeline,
          dynamo: stack.local.dynamo,
          ssm: stack.local.ssm,
        },
        log: stack.log,
      },
    );
    return { ...stack, handler };
  }

  test('deployed: a refused retry and a refused approval name the SSM parameter', async () => {
    stack = await deployed();
    const id = await failedBuild();
    await click(stack, await retryButtons(id), ACTION_IDS.retryFailed, BOB);
    expect(ephemeralTexts(stack, BOB)).toEqual([
      'You are not allowed to retry in pipeline myPipeline: ask an admin to add your user id or one of your groups ' +
        'to "retry" of a rule for it in the authorization policy (the SSM parameter /pipewatch/test/authorization).',
    ]);
    expect((await stage('Build')).latestExecution?.status).toBe('Failed');

    await click(stack, await approvalButtons(id, 'web-service'), ACTION_IDS.approve, CAROL);
    expect(stack.slack.workspace.views()).toHaveLength(0);
    expect(ephemeralTexts(stack, CAROL)).toEqual([
      expect.stringContaining(
        'Nobody may approve or reject in pipeline web-service: no rule of the authorization policy ' +
          '(the SSM parameter /pipewatch/test/authorization) lists "approve" ids for it.',
      ),
    ]);
    expect(ephemeralTexts(stack, CAROL)[0]).not.toContain('PIPEWATCH_');
  });

  test('locally: the policy file, as the local mode passes it', async () => {
    await stack.stop();
    stack = await startStack(POLICY, { policyLocation: 'local/authorization.json' });
    const id = await failedBuild();
    await click(stack, await retryButtons(id), ACTION_IDS.retryFailed, BOB);
    expect(ephemeralTexts(stack, BOB)).toEqual([
      expect.stringContaining('in the authorization policy (local/authorization.json).'),
    ]);
  });
});
