import { GetPipelineStateCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { GetScheduleCommand, ResourceNotFoundException } from '@aws-sdk/client-scheduler';
import { reminderScheduleName } from '../../../src/core/notify';
import { ACTION_IDS } from '../../../src/slack/action-ids';
import { NOT_BY_REQUESTER } from '../../../src/slack/approval-line';
import { CONSOLE_USER_ARN } from '../../helpers/local-aws';
import {
  CHANNEL,
  channelRef,
  decideInConsole,
  messagesAbout,
  type NotifyStack,
  REMINDER_GROUP,
  runFor,
  startNotifyStack,
  subscribe,
  textOf,
} from './notify-harness';

const RULE = 'pw-test-approvals';
/** myPipeline reaches its approval after Source (5 s) and Build (60 s). */
const UNTIL_APPROVAL_MS = 90_000;
const DAY_MS = 24 * 60 * 60_000;
const HOUR_MS = 60 * 60_000;
const TEAMS_ALICE = 'aaaaaaaa-0000-4000-8000-00000000a11c';
const POLICY = {
  rules: [{ pipelines: ['myPipeline'], retry: [], approve: ['U00000ALICE', 'S0APPROVERS', TEAMS_ALICE] }],
  people: { [TEAMS_ALICE]: 'Alice Example' },
};

let stack: NotifyStack;
beforeEach(async () => {
  stack = await startNotifyStack({ oneClock: true, approvals: { policy: POLICY } });
  await subscribe(stack, RULE, CHANNEL);
});
afterEach(() => stack.stop());

async function startRun(): Promise<string> {
  const { pipelineExecutionId } = await stack.local.codePipeline.send(
    new StartPipelineExecutionCommand({ name: 'myPipeline' }),
  );
  if (pipelineExecutionId === undefined) throw new Error('no execution id');
  return pipelineExecutionId;
}

/** The approval action's start, as GetPipelineState shows it while it waits. */
async function approvalState() {
  const state = await stack.local.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
  const action = state.stageStates
    ?.find((stage) => stage.stageName === 'Approval')
    ?.actionStates?.find((entry) => entry.actionName === 'Approval')?.latestExecution;
  if (action?.lastStatusChange === undefined || action.token === undefined) throw new Error('no waiting approval');
  return { startedAt: action.lastStatusChange.getTime() };
}

function conversation(executionId: string) {
  const [message] = messagesAbout(stack, CHANNEL, executionId);
  if (message === undefined) throw new Error('no message');
  return { message, replies: stack.slack.workspace.threadReplies(CHANNEL, message.ts) };
}

function scheduleName(executionId: string): string {
  return reminderScheduleName({
    channel: channelRef(CHANNEL),
    pipeline: 'myPipeline',
    executionId,
    approval: 'approval:Approval/Approval@1',
  });
}

async function schedule(executionId: string) {
  return stack.local.scheduler.send(
    new GetScheduleCommand({ Name: scheduleName(executionId), GroupName: REMINDER_GROUP }),
  );
}

function reminders(executionId: string) {
  return conversation(executionId).replies.filter((reply) => textOf(reply).includes('Reminder: approval'));
}

/** Moves the manual clock to `at`, letting what falls due (the reminder's schedule) run. */
async function advanceTo(at: number): Promise<void> {
  stack.clock.advance(at - stack.clock.now());
  await stack.local.aws.scheduler.settled();
  await stack.local.aws.eventBridge.settled();
}

describe('approvals that nobody forgets (local AWS, local Slack, manual clock)', () => {
  test('the waiting-approval reply shows when it expires (start + 7 days) and mentions who may approve', async () => {
    const executionId = await startRun();
    await runFor(stack, UNTIL_APPROVAL_MS);
    const { startedAt } = await approvalState();
    const { replies } = conversation(executionId);
    const approval = replies.find((reply) => textOf(reply).includes('Approval needed'));
    const expires = Math.floor(startedAt / 1000) + 7 * 24 * 3600;
    expect(textOf(approval)).toContain(`<!date^${expires}^`);
    expect(textOf(approval)).toContain('<@U00000ALICE>');
    expect(textOf(approval)).toContain('<!subteam^S0APPROVERS>');
    // The Teams person is named on Teams, not on Slack (the policy names her, so she shows by name).
    expect(textOf(approval)).toContain('Alice Example');
    // No "selfApproval": false for it: nothing said of the requester.
    expect(textOf(approval)).not.toContain(NOT_BY_REQUESTER);
    // Its reminder is scheduled an hour before the expiry, for the notify function.
    const scheduled = await schedule(executionId);
    const remindAt = new Date(Math.floor(startedAt / 1000) * 1000 + 7 * DAY_MS - HOUR_MS);
    expect(scheduled.ScheduleExpression).toBe(`at(${remindAt.toISOString().slice(0, 19)})`);
    expect(scheduled.ActionAfterCompletion).toBe('DELETE');
    expect(JSON.parse(scheduled.Target?.Input ?? '{}')).toEqual({
      reminder: {
        channel: channelRef(CHANNEL),
        pipeline: 'myPipeline',
        executionId,
        approval: 'approval:Approval/Approval@1',
      },
    });
  });

  test('under "selfApproval": false the reply says whoever started the change may not approve it', async () => {
    await stack.stop();
    stack = await startNotifyStack({
      oneClock: true,
      approvals: {
        policy: { ...POLICY, rules: POLICY.rules.map((rule) => ({ ...rule, selfApproval: false })) },
      },
    });
    await subscribe(stack, RULE, CHANNEL);
    const executionId = await startRun();
    await runFor(stack, UNTIL_APPROVAL_MS);
    const approval = conversation(executionId).replies.find((reply) => textOf(reply).includes('Approval needed'));
    expect(textOf(approval)).toContain(`Alice Example  ·  ${NOT_BY_REQUESTER}`);
  });

  test('an hour before the expiry the schedule fires and the reminder is posted in the thread once, even delivered twice', async () => {
    const executionId = await startRun();
    await runFor(stack, UNTIL_APPROVAL_MS);
    const { startedAt } = await approvalState();
    const remindAt = Math.floor(startedAt / 1000) * 1000 + 7 * DAY_MS - HOUR_MS;
    await advanceTo(remindAt - 5 * 60_000);
    expect(reminders(executionId)).toHaveLength(0);
    expect(stack.local.aws.scheduler.invocations).toHaveLength(0);

    await advanceTo(remindAt + 1000);
    expect(stack.local.aws.scheduler.invocations).toHaveLength(1);
    const [reminder, ...others] = reminders(executionId);
    expect(others).toHaveLength(0);
    expect(textOf(reminder)).toContain('expires in 1 hour');
    expect(textOf(reminder)).toContain('<@U00000ALICE>');
    // Done, the one-time schedule deleted itself (ActionAfterCompletion DELETE).
    await expect(schedule(executionId)).rejects.toBeInstanceOf(ResourceNotFoundException);

    // Scheduler and Lambda deliver at least once: the same call again posts nothing.
    const delivered = stack.local.aws.scheduler.invocations[0]?.input;
    await expect(stack.handler(delivered)).resolves.toMatchObject({ status: 'rendered' });
    await expect(stack.handler(delivered)).resolves.toMatchObject({ status: 'rendered' });
    expect(reminders(executionId)).toHaveLength(1);
    expect(stack.invocations.filter((invocation) => invocation.error !== undefined)).toEqual([]);
  });

  test('an approval decided in the console while the card is up: the schedule is deleted, the card and its reply say so with CodePipeline’s summary, without buttons', async () => {
    const executionId = await startRun();
    await runFor(stack, UNTIL_APPROVAL_MS);
    await expect(schedule(executionId)).resolves.toMatchObject({ Name: scheduleName(executionId) });
    const before = conversation(executionId);
    expect(JSON.stringify(before.message.blocks)).toContain(ACTION_IDS.approve);

    // "The console": PutApprovalResult with the token GetPipelineState shows, as a person there does.
    await decideInConsole(stack, 'Approved', 'Checked the staging dashboards <ok>');
    await runFor(stack, 5_000);

    await expect(schedule(executionId)).rejects.toBeInstanceOf(ResourceNotFoundException);
    const after = conversation(executionId);
    expect(after.message.ts).toBe(before.message.ts);
    for (const shown of [after.message, ...after.replies]) {
      expect(JSON.stringify(shown.blocks)).not.toContain(ACTION_IDS.approve);
      expect(JSON.stringify(shown.blocks)).not.toContain(ACTION_IDS.reject);
    }
    const closed = after.replies.find((reply) => textOf(reply).includes('Approval: Approval'));
    expect(textOf(closed)).toContain('Approved');
    // CodePipeline's summary, escaped as any text from outside.
    expect(textOf(closed)).toContain('Checked the staging dashboards &lt;ok&gt;');
    expect(textOf(after.message)).toContain('Checked the staging dashboards &lt;ok&gt;');
    // Who decided, from ListActionExecutions' updatedBy (the simulator records the signed caller).
    const decider = `Approved by jane (${CONSOLE_USER_ARN}) outside chat: Checked the staging dashboards &lt;ok&gt;`;
    expect(textOf(closed)).toContain(decider);
    expect(textOf(after.message)).toContain(decider);
    // The reminder's time comes and goes: nothing is posted for a decided approval.
    const { replies } = after;
    await advanceTo(stack.clock.now() + 7 * DAY_MS);
    expect(conversation(executionId).replies).toHaveLength(replies.length);
  });
});
