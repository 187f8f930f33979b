import { GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import type { AuthorizationPolicy } from '../../../src/core/actions';
import { installationActivity } from '../../../src/local/teams/signed-activity';
import type { TeamsMessage } from '../../../src/local/teams/types';
import {
  ALICE,
  BOB,
  CHANNEL_ID,
  executeActions,
  startTeamsStack,
  type TeamsStack,
  type TeamsUser,
} from './teams-harness';

/*
 * "selfApproval": false on Teams, end to end: the simulator's push (its trigger names the commit's
 * author) or `@pipewatch run` typed by a person, notify's card and approval reply, and signed
 * Action.Execute clicks on Approve through the Teams function.
 */

/** Alice and Bob approve; Alice may run; Bob owns the commit author `marymajor` (Mary Major's id). */
const policy = (selfApproval: boolean | undefined): AuthorizationPolicy => ({
  rules: [
    {
      pipelines: ['myPipeline'],
      retry: [],
      approve: [ALICE.aadObjectId, BOB.aadObjectId],
      run: [ALICE.aadObjectId],
      ...(selfApproval === undefined ? {} : { selfApproval }),
    },
  ],
  identities: { [BOB.aadObjectId]: ['MaryMajor'] },
});

let stack: TeamsStack;
afterEach(async () => {
  await stack.stop();
  expect(stack.notifyErrors).toEqual([]);
  expect(stack.log.lines.filter((line) => line.level === 'error')).toEqual([]);
});

async function subscribed(selfApproval: boolean | undefined): Promise<void> {
  stack = await startTeamsStack({ policy: policy(selfApproval) });
  expect((await stack.send(installationActivity(stack.parties(), 'add'))).statusCode).toBe(200);
  expect((await stack.send(stack.typed(BOB, 'subscribe myPipeline'))).statusCode).toBe(200);
}

/** The approval reply (with its Approve button) of the card about `executionId`. */
function approvalReply(executionId: string): TeamsMessage {
  const card = stack.cards().find((candidate) => JSON.stringify(candidate.activity).includes(executionId));
  const reply = stack
    .repliesTo(card)
    .find((candidate) => executeActions(candidate).some((action) => action.verb === 'pipewatch.approve'));
  if (reply === undefined) throw new Error(`no approval reply for ${executionId}`);
  return reply;
}

async function approve(reply: TeamsMessage, user: TeamsUser): Promise<string> {
  const response = await stack.send(stack.click(reply, 'pipewatch.approve', user));
  expect(response.statusCode).toBe(200);
  return (JSON.parse(String(response.body)) as { value: string }).value;
}

async function approvalStatus() {
  const state = await stack.local.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
  return state.stageStates?.find((s) => s.stageName === 'Approval')?.actionStates?.[0]?.latestExecution?.status;
}

const refusals = () => stack.log.decisions().filter((decision) => decision.outcome === 'self-approval');

describe('Teams: "selfApproval": false', () => {
  test("the commit's author (the trigger's author id, through identities) is told privately; Alice approves", async () => {
    await subscribed(false);
    const id = stack.local.aws.codePipeline.pushCommit('myPipeline', { message: 'Fix totals', author: 'Mary Major' });
    await stack.runFor(70_000);
    const reply = approvalReply(id);

    expect(await approve(reply, BOB)).toBe(
      'You started this change (the commit that triggered it is by marymajor): the policy asks someone else to approve it. Nothing was changed.',
    );
    expect(await approvalStatus()).toBe('InProgress');
    expect(refusals()).toEqual([expect.objectContaining({ action: 'approve', allowed: false, executionId: id })]);

    expect(await approve(reply, ALICE)).toMatch(/^Approved Approval/);
    expect(await approvalStatus()).toBe('Succeeded');
  });

  test('the person who typed `run` is refused; someone else approves', async () => {
    await subscribed(false);
    const command = stack.typed(ALICE, 'run myPipeline');
    expect((await stack.send(command)).statusCode).toBe(200);
    const answer = stack.connector.tenant
      .threadReplies(CHANNEL_ID, String(command.id))
      .map((message) => String(message.activity.text))
      .join('\n');
    const id = /\(([0-9a-f-]{36})\)/.exec(answer.replaceAll('`', ''))?.[1];
    if (id === undefined) throw new Error(`no execution in ${answer}`);
    await stack.runFor(70_000);
    const reply = approvalReply(id);

    expect(await approve(reply, ALICE)).toBe(
      'You started this change (`run myPipeline`): the policy asks someone else to approve it. Nothing was changed.',
    );
    expect(await approvalStatus()).toBe('InProgress');
    expect(await approve(reply, BOB)).toMatch(/^Approved Approval/);
    expect(await approvalStatus()).toBe('Succeeded');
  });

  test('without "selfApproval": false the author approves their own change', async () => {
    await subscribed(undefined);
    const id = stack.local.aws.codePipeline.pushCommit('myPipeline', { message: 'Fix totals', author: 'Mary Major' });
    await stack.runFor(70_000);
    expect(await approve(approvalReply(id), BOB)).toMatch(/^Approved Approval/);
    expect(refusals()).toEqual([]);
  });
});
