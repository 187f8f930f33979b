import { GetPipelineStateCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { DynamoDbConversationStore } from '../../../src/aws/dynamodb-conversation-store';
import { type AuthorizationPolicy, type ButtonValue, encodeButtonValue } from '../../../src/core/actions';
import type { TriggerCommit } from '../../../src/core/events';
import { EXECUTION_STATE_SCHEMA } from '../../../src/core/executions';
import { ACTION_IDS } from '../../../src/slack';
import {
  ALICE,
  BOB,
  click,
  command,
  DEPLOYS,
  ephemeralTexts,
  postButtons,
  type Stack,
  startStack,
  submit,
  TABLE,
  TEAM,
} from './harness';

/*
 * "selfApproval": false through the whole Slack handler: `/pipewatch run` typed by a person (the
 * run requester, recorded in the local DynamoDB), a commit author from the execution's trigger (in
 * the conversation notify keeps), signed clicks on Approve, the simulator's approval.
 */

/** Alice and Bob may run and approve myPipeline; Bob owns the commit author `octocat`. */
const policy = (selfApproval?: boolean): AuthorizationPolicy => ({
  rules: [
    {
      pipelines: ['myPipeline'],
      retry: [],
      run: [ALICE, BOB],
      approve: [ALICE, BOB],
      ...(selfApproval === undefined ? {} : { selfApproval }),
    },
  ],
  identities: { [BOB]: ['OctoCat', 'bob@example.com'] },
});

let stack: Stack;
afterEach(async () => {
  await stack.stop();
  expect(stack.log.lines.filter((line) => line.level === 'error')).toEqual([]);
});

async function approvalStatus() {
  const state = await stack.local.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
  return state.stageStates?.find((s) => s.stageName === 'Approval')?.actionStates?.[0]?.latestExecution?.status;
}

/** `/pipewatch run myPipeline` as `user`, then the clock to the waiting approval; the execution id. */
async function runAs(user: string): Promise<string> {
  const { answer } = await command(stack, 'run myPipeline', { user });
  const id = /\(`([0-9a-f-]{36})`\)/.exec(answer)?.[1];
  if (id === undefined) throw new Error(`no execution in ${answer}`);
  stack.clock.advance(70_000);
  expect(await approvalStatus()).toBe('InProgress');
  return id;
}

function approveButton(executionId: string) {
  const value: ButtonValue = {
    v: 1,
    kind: 'approve',
    pipeline: 'myPipeline',
    executionId,
    region: stack.local.aws.region,
    account: stack.local.aws.accountId,
    stage: 'Approval',
    action: 'Approval',
  };
  return postButtons(stack, [{ actionId: ACTION_IDS.approve, value: encodeButtonValue(value), text: 'Approve' }]);
}

async function approveAs(user: string, executionId: string) {
  const message = await approveButton(executionId);
  const views = stack.slack.workspace.views().length;
  await click(stack, message, ACTION_IDS.approve, user);
  const opened = stack.slack.workspace.views().slice(views).at(-1);
  if (opened !== undefined) await submit(stack, opened, user, 'lgtm');
  return { modal: opened !== undefined };
}

/** The conversation notify keeps about the execution in #deploys, with the trigger's commit as its event carried it. */
async function conversationWithAuthor(executionId: string, commit: TriggerCommit): Promise<void> {
  const conversations = new DynamoDbConversationStore({ client: stack.local.dynamo, tableName: TABLE });
  const channel = { platform: 'slack' as const, workspace: TEAM, channel: DEPLOYS };
  await conversations.writeState(
    { channel, pipeline: 'myPipeline', executionId },
    {
      schema: EXECUTION_STATE_SCHEMA,
      pipeline: 'myPipeline',
      executionId,
      region: stack.local.aws.region,
      account: stack.local.aws.accountId,
      trigger: { commit },
      stages: {},
      actions: {},
      seenEvents: [],
      version: 1,
    },
    undefined,
  );
}

/** Started through the API (not from chat), at its waiting approval. */
async function startedOutsideChat(): Promise<string> {
  const { pipelineExecutionId: id } = await stack.local.codePipeline.send(
    new StartPipelineExecutionCommand({ name: 'myPipeline' }),
  );
  if (id === undefined) throw new Error('no execution');
  stack.clock.advance(70_000);
  return id;
}

const selfApprovalRefusals = () => stack.log.decisions().filter((d) => d.outcome === 'self-approval');

describe('"selfApproval": false', () => {
  test('the person who ran it from chat is refused privately, without a modal; someone else approves', async () => {
    stack = await startStack(policy(false), { table: true });
    const id = await runAs(ALICE);

    expect(await approveAs(ALICE, id)).toEqual({ modal: false });
    expect(ephemeralTexts(stack, ALICE).at(-1)).toBe(
      'You started this change (`run myPipeline`): the policy asks someone else to approve it. Nothing was changed.',
    );
    expect(await approvalStatus()).toBe('InProgress');
    expect(selfApprovalRefusals()).toEqual([
      expect.objectContaining({
        action: 'approve',
        allowed: false,
        executionId: id,
        user: expect.objectContaining({ id: ALICE }),
      }),
    ]);

    expect(await approveAs(BOB, id)).toEqual({ modal: true });
    expect(await approvalStatus()).toBe('Succeeded');
    expect(stack.log.decisions().at(-1)).toMatchObject({ action: 'approve', outcome: 'ok', user: { id: BOB } });
  });

  test("the commit author (through the policy's identities) is refused; the one who ran it is not the author", async () => {
    stack = await startStack(policy(false), { table: true });
    const id = await startedOutsideChat();
    await conversationWithAuthor(id, { authorId: 'octocat', authorName: 'The Octocat', id: 'abc1234' });
    expect(await approveAs(BOB, id)).toEqual({ modal: false });
    expect(ephemeralTexts(stack, BOB).at(-1)).toBe(
      'You started this change (the commit that triggered it is by octocat): the policy asks someone else to approve it. Nothing was changed.',
    );
    expect(await approvalStatus()).toBe('InProgress');
    expect(selfApprovalRefusals()).toHaveLength(1);

    expect(await approveAs(ALICE, id)).toEqual({ modal: true });
    expect(await approvalStatus()).toBe('Succeeded');
  });

  test('without "selfApproval": false the person who ran it may approve it', async () => {
    stack = await startStack(policy(), { table: true });
    const id = await runAs(ALICE);
    expect(await approveAs(ALICE, id)).toEqual({ modal: true });
    expect(await approvalStatus()).toBe('Succeeded');
    expect(selfApprovalRefusals()).toEqual([]);
  });

  test('"selfApproval": true, and an unknown requester under false, allow the approval', async () => {
    stack = await startStack(policy(true), { table: true });
    const id = await runAs(ALICE);
    expect(await approveAs(ALICE, id)).toEqual({ modal: true });
    expect(await approvalStatus()).toBe('Succeeded');
    await stack.stop();

    // Started outside chat, no trigger author known: nobody to refuse, so it is allowed (README).
    stack = await startStack(policy(false), { table: true });
    const { pipelineExecutionId } = await stack.local.codePipeline.send(
      new StartPipelineExecutionCommand({ name: 'myPipeline' }),
    );
    stack.clock.advance(70_000);
    expect(await approveAs(ALICE, pipelineExecutionId as string)).toEqual({ modal: true });
    expect(await approvalStatus()).toBe('Succeeded');
  });

  test("the author's e-mail matches the clicker's from users.info when the app has users:read.email", async () => {
    const noIdentities: AuthorizationPolicy = { ...policy(false), identities: {} };
    stack = await startStack(noIdentities, { table: true, slackScopes: ['users:read', 'users:read.email'] });
    const id = await startedOutsideChat();
    await conversationWithAuthor(id, { authorName: 'Bob B', authorEmail: 'Bob@Example.com' });
    expect(await approveAs(BOB, id)).toEqual({ modal: false });
    expect(ephemeralTexts(stack, BOB).at(-1)).toContain('the commit that triggered it is by Bob@Example.com');
    expect(stack.slack.workspace.callsTo('users.info').length).toBeGreaterThan(0);
    expect(await approvalStatus()).toBe('InProgress');
  });

  test('without users:read.email there is no e-mail to match: the author is unknown to pipewatch and may approve', async () => {
    const noIdentities: AuthorizationPolicy = { ...policy(false), identities: {} };
    stack = await startStack(noIdentities, { table: true, slackScopes: ['users:read'] });
    const id = await startedOutsideChat();
    await conversationWithAuthor(id, { authorEmail: 'bob@example.com' });
    expect(await approveAs(BOB, id)).toEqual({ modal: true });
    expect(await approvalStatus()).toBe('Succeeded');
  });
});
