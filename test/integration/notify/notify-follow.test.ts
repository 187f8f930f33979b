import {
  GetPipelineExecutionCommand,
  RetryStageExecutionCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { ACTION_IDS } from '../../../src/slack/action-ids';
import {
  addFollowRule,
  buttonsOf,
  CHANNEL,
  decideInConsole,
  drain,
  messagesAbout,
  type NotifyStack,
  runFailingBuild,
  runFor,
  startNotifyStack,
  subscribe,
  textOf,
} from './notify-harness';

/*
 * A message follows its execution: the channel subscribes to FAILED only (the mission's example),
 * and the follow rule brings every later event of an execution whose conversation a FAILED opened.
 * Everything runs on the real stack: the local EventBridge (with its delivery faults), the
 * CodePipeline simulator, DynamoDB, the notify handler and the local Slack.
 */

const RULE = 'pw-test-failed';
const FAILED_ONLY = { source: ['aws.codepipeline'], detail: { pipeline: ['myPipeline'], state: ['FAILED'] } };
/** Source 5 s + Build 60 s: Build has failed. */
const UNTIL_BUILD_FAILS = 70_000;
/** The retried Build (60 s) and the approval starting. */
const UNTIL_APPROVAL_WAITS = 70_000;
/** Prod deploys in 90 s. */
const UNTIL_PROD_DONE = 100_000;

let stack: NotifyStack;
beforeEach(async () => {
  stack = await startNotifyStack();
  await addFollowRule(stack);
  await subscribe(stack, RULE, CHANNEL, FAILED_ONLY);
});
afterEach(() => stack.stop());

async function retryBuild(executionId: string): Promise<void> {
  await stack.local.codePipeline.send(
    new RetryStageExecutionCommand({
      pipelineName: 'myPipeline',
      stageName: 'Build',
      pipelineExecutionId: executionId,
      retryMode: 'FAILED_ACTIONS',
    }),
  );
}

function decide(status: 'Approved' | 'Rejected', summary: string): Promise<void> {
  return decideInConsole(stack, status, summary);
}

async function executionStatus(executionId: string): Promise<string | undefined> {
  const { pipelineExecution } = await stack.local.codePipeline.send(
    new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: executionId }),
  );
  return pipelineExecution?.status;
}

function theMessage(executionId: string) {
  const messages = messagesAbout(stack, CHANNEL, executionId);
  expect(messages).toHaveLength(1);
  return messages[0];
}

function repliesTo(ts: string | undefined) {
  return stack.slack.workspace.threadReplies(CHANNEL, ts ?? '');
}

const ACTING = [ACTION_IDS.retryFailed, ACTION_IDS.retryAll, ACTION_IDS.approve, ACTION_IDS.reject];

function actingButtons(message: Parameters<typeof buttonsOf>[0]): string[] {
  return buttonsOf(message).filter((id) => ACTING.includes(id as (typeof ACTING)[number]));
}

function errors() {
  return stack.invocations.filter((invocation) => invocation.error !== undefined);
}

describe('a FAILED subscription: the message follows its execution to the end', () => {
  test('fails, is retried, waits for approval, is approved and succeeds: one message, true at every step', async () => {
    const executionId = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_FAILS);
    let message = theMessage(executionId);
    expect(textOf(message)).toContain('Failed');
    // Source's events never matched the filter: its success is read from CodePipeline at the opening.
    expect(textOf(message)).toMatch(/Source ✓ · Build ✗/);
    expect(actingButtons(message)).toEqual([ACTION_IDS.retryFailed, ACTION_IDS.retryAll]);

    await retryBuild(executionId);
    await runFor(stack, UNTIL_APPROVAL_WAITS);
    message = theMessage(executionId);
    expect(textOf(message)).toContain('Waiting for approval');
    expect(textOf(message)).toMatch(/Source ✓ · Build ✓ · Approval/);
    expect(actingButtons(message)).toEqual([ACTION_IDS.approve, ACTION_IDS.reject]);
    const [failure, approval] = repliesTo(message?.ts);
    // The failure's reply stays as the record, without its Retry buttons; the approval's reply asks.
    expect(textOf(failure)).toContain('Retried');
    expect(actingButtons(failure)).toEqual([]);
    expect(actingButtons(approval)).toEqual([ACTION_IDS.approve, ACTION_IDS.reject]);

    await decide('Approved', 'Approved by alice in Slack: ship it');
    await runFor(stack, UNTIL_PROD_DONE);
    expect(await executionStatus(executionId)).toBe('Succeeded');
    message = theMessage(executionId);
    expect(textOf(message)).toContain('Succeeded');
    expect(textOf(message)).toContain('Approved by alice in Slack: ship it');
    expect(textOf(message)).toMatch(/Source ✓ · Build ✓ · Approval ✓ · Prod ✓/);
    const replies = repliesTo(message?.ts);
    expect(replies).toHaveLength(2);
    for (const reply of replies) expect(actingButtons(reply)).toEqual([]);
    expect(textOf(replies[1])).toContain('Approved by alice in Slack: ship it');
    expect(stack.slack.workspace.messages(CHANNEL)).toHaveLength(1);
    expect(errors()).toEqual([]);
  });

  test('a rejection reads as a rejection: who, why, and no "JobFailed"', async () => {
    const executionId = await runFailingBuild(stack);
    await runFor(stack, UNTIL_BUILD_FAILS);
    await retryBuild(executionId);
    await runFor(stack, UNTIL_APPROVAL_WAITS);
    await decide('Rejected', 'Rejected by alice in Slack: not on a Friday');
    await runFor(stack, 5_000);
    const message = theMessage(executionId);
    expect(textOf(message)).toContain('Rejected');
    expect(textOf(message)).toContain('Rejected by alice in Slack: not on a Friday');
    expect(textOf(message)).not.toContain('JobFailed');
    const approval = repliesTo(message?.ts).find((reply) => textOf(reply).includes('Approval:'));
    expect(textOf(approval)).toContain('Rejected by alice in Slack: not on a Friday');
    expect(actingButtons(approval)).toEqual([]);
  });

  test.each([
    ['reverse', 1],
    ['shuffle', 1],
    ['shuffle', 3],
  ] as const)(
    'the whole run delivered late, in %s order, each event %i time(s): one message with the final state',
    async (order, copies) => {
      const eventBridge = stack.local.aws.eventBridge;
      eventBridge.faults.holdDeliveries();
      if (copies > 1) eventBridge.faults.duplicate(copies);
      const executionId = await runFailingBuild(stack);
      await runFor(stack, UNTIL_BUILD_FAILS);
      await retryBuild(executionId);
      await runFor(stack, UNTIL_APPROVAL_WAITS);
      await decide('Approved', 'Approved by alice in Slack: ship it');
      await runFor(stack, UNTIL_PROD_DONE);
      expect(await executionStatus(executionId)).toBe('Succeeded');
      // Every delivery, of both rules, released at once: 20 and more notify invocations run concurrently.
      expect(eventBridge.faults.heldCount).toBeGreaterThanOrEqual(20 * copies);
      eventBridge.faults.releaseDeliveries({ order, seed: 11 });
      await drain(stack);

      const message = theMessage(executionId);
      expect(textOf(message)).toContain('Succeeded');
      expect(textOf(message)).toMatch(/Source ✓ · Build ✓ · Approval ✓ · Prod ✓/);
      expect(textOf(message)).toContain('Approved by alice in Slack: ship it');
      expect(actingButtons(message)).toEqual([]);
      for (const reply of repliesTo(message?.ts)) expect(actingButtons(reply)).toEqual([]);
      expect(stack.slack.workspace.messages(CHANNEL)).toHaveLength(1);
      expect(errors()).toEqual([]);
    },
  );

  test('an execution no channel follows: every follow delivery is dropped after one read, nothing is posted', async () => {
    const { pipelineExecutionId } = await stack.local.codePipeline.send(
      new StartPipelineExecutionCommand({ name: 'myPipeline' }),
    );
    await runFor(stack, UNTIL_BUILD_FAILS);
    await decide('Approved', 'Approved by alice in Slack: ok');
    await runFor(stack, UNTIL_PROD_DONE);
    expect(await executionStatus(pipelineExecutionId ?? '')).toBe('Succeeded');
    const outcomes = stack.invocations.map((invocation) => (invocation.outcome as { status?: string }).status);
    // Every event of the run (pipeline, stages, actions: 18), each through the follow rule alone.
    expect(outcomes.length).toBeGreaterThanOrEqual(15);
    expect(new Set(outcomes)).toEqual(new Set(['not-followed']));
    expect(stack.slack.workspace.messages(CHANNEL)).toEqual([]);
    expect(stack.slack.workspace.callsTo('chat.postMessage')).toEqual([]);
  });
});

describe('a run queued behind another at a stage', () => {
  test('says which stage it waits for and which execution holds it', async () => {
    await subscribe(stack, 'pw-test-all', CHANNEL);
    const first = await stack.local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
    await runFor(stack, UNTIL_BUILD_FAILS);
    // The first run holds Approval; the second builds, then waits to enter it.
    const second = await stack.local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
    await runFor(stack, UNTIL_BUILD_FAILS);
    const heldBy = (first.pipelineExecutionId ?? '').slice(0, 8);
    const message = theMessage(second.pipelineExecutionId ?? '');
    expect(textOf(message)).toContain(`Waiting for stage Approval, held by execution ${heldBy}`);
    // The first run's message is about the first run only.
    expect(textOf(theMessage(first.pipelineExecutionId ?? ''))).toContain('Waiting for approval');
    expect(errors()).toEqual([]);
  });
});
