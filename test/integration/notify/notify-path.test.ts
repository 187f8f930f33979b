import { ACTION_IDS } from '../../../src/slack/action-ids';
import {
  ARCHIVED,
  BUILD_SUMMARY,
  buttonsOf,
  CHANNEL,
  drain,
  GONE,
  messagesAbout,
  type NotifyStack,
  OUTSIDE,
  runFailingBuild,
  runFor,
  startNotifyStack,
  subscribe,
  textOf,
} from './notify-harness';

const RULE = 'pw-test-all';
/** Long enough for myPipeline to fail at Build (Source 5 s, Build 60 s). */
const RUN_MS = 120_000;

let stack: NotifyStack;
beforeEach(async () => {
  stack = await startNotifyStack();
});
afterEach(() => stack.stop());

/** The one message of the execution, showing Build failed with the retry buttons and a thread reply with the details. */
function expectOneFailedBuildMessage(executionId: string, channel = CHANNEL) {
  const messages = messagesAbout(stack, channel, executionId);
  expect(messages).toHaveLength(1);
  const [message] = messages;
  expect(textOf(message)).toContain('Failed');
  expect(textOf(message)).toContain(BUILD_SUMMARY);
  expect(buttonsOf(message)).toEqual(
    expect.arrayContaining([ACTION_IDS.retryFailed, ACTION_IDS.retryAll, ACTION_IDS.viewLogs]),
  );
  const replies = stack.slack.workspace.threadReplies(channel, message?.ts ?? '');
  expect(replies).toHaveLength(1);
  expect(textOf(replies[0])).toContain('JobFailed');
  expect(textOf(replies[0])).toContain(BUILD_SUMMARY);
  expect(buttonsOf(replies[0])).toContain(ACTION_IDS.viewLogs);
  expect(JSON.stringify(replies[0]?.blocks)).toContain('codebuild');
  return message;
}

function invocationErrors() {
  return stack.invocations.filter((invocation) => invocation.error !== undefined);
}

describe('the notify path on the real stack (local AWS, local Slack)', () => {
  test('a failing Build: exactly one message, updated to Failed, one thread reply with the details', async () => {
    await subscribe(stack, RULE, CHANNEL);
    const executionId = await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    const message = expectOneFailedBuildMessage(executionId);
    // Progress in the pipeline's declared order (GetPipeline), with the stages still to come.
    expect(textOf(message)).toMatch(/Source ✓ · Build ✗ · Approval \S+ · Prod \S+/);
    expect(stack.slack.workspace.callsTo('chat.postMessage').filter((call) => call.ok)).toHaveLength(2);
    expect(stack.slack.workspace.callsTo('chat.update').length).toBeGreaterThan(0);
    expect(invocationErrors()).toEqual([]);
  });

  test('every event delivered 3 times: still one message and one reply', async () => {
    await subscribe(stack, RULE, CHANNEL);
    stack.local.aws.eventBridge.faults.duplicate(3);
    const executionId = await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    expectOneFailedBuildMessage(executionId);
    // Every copy after the first lost its claim (the copies run concurrently, so they still help render).
    const deliveries = stack.local.aws.eventBridge.deliveryLog;
    const distinct = new Set(deliveries.map((delivery) => delivery.eventId)).size;
    expect(deliveries).toHaveLength(3 * distinct);
    const claimsLost = stack.log.entries.filter((entry) => entry.message.startsWith('duplicate delivery'));
    expect(claimsLost).toHaveLength(2 * distinct);
  });

  test.each(['reverse', 'shuffle'] as const)('deliveries held and released in %s order', async (order) => {
    await subscribe(stack, RULE, CHANNEL);
    const eventBridge = stack.local.aws.eventBridge;
    eventBridge.faults.holdDeliveries();
    const executionId = await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    expect(eventBridge.faults.heldCount).toBeGreaterThanOrEqual(10);
    eventBridge.faults.releaseDeliveries({ order, seed: 7 });
    await drain(stack);
    expectOneFailedBuildMessage(executionId);
  });

  test('20 concurrent deliveries of one execution’s events, released at once', async () => {
    await subscribe(stack, RULE, CHANNEL);
    const eventBridge = stack.local.aws.eventBridge;
    eventBridge.faults.holdDeliveries();
    eventBridge.faults.duplicate(2);
    const executionId = await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    expect(eventBridge.faults.heldCount).toBeGreaterThanOrEqual(20);
    eventBridge.faults.releaseDeliveries({ order: 'shuffle', seed: 20 });
    await drain(stack);
    expectOneFailedBuildMessage(executionId);
    const outcomes = stack.invocations.map((invocation) => (invocation.outcome as { status?: string })?.status);
    expect(outcomes).toContain('deferred');
  });

  test('Slack answers 429 once on chat.postMessage: Retry-After is waited out, still one message', async () => {
    await subscribe(stack, RULE, CHANNEL);
    stack.slack.faults.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 1 });
    const executionId = await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    expectOneFailedBuildMessage(executionId);
    expect(stack.slack.workspace.callsTo('chat.postMessage')[0]?.status).toBe(429);
    expect(invocationErrors()).toEqual([]);
  });

  test.each([
    ['channel_not_found', GONE],
    ['not_in_channel', OUTSIDE],
    ['is_archived', ARCHIVED],
  ])('%s: logged with the subscription, not thrown, not retried', async (code, channel) => {
    await subscribe(stack, RULE, channel);
    await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    expect(invocationErrors()).toEqual([]);
    const deliveries = stack.local.aws.eventBridge.deliveryLog;
    expect(deliveries.length).toBeGreaterThanOrEqual(10);
    expect(deliveries.every((delivery) => delivery.ok && delivery.attempt === 1)).toBe(true);
    expect(stack.slack.workspace.messages(channel)).toEqual([]);
    const refused = stack.log.at('error').filter((entry) => entry.fields.code === code);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((entry) => entry.fields.subscription === RULE)).toBe(true);
    // One chat call per event at most: no retry storm.
    expect(stack.slack.workspace.callsTo('chat.postMessage').length).toBeLessThanOrEqual(deliveries.length);
  });

  test('a Slack 500 makes the handler throw; Lambda’s asynchronous retry (a minute later) shows the event', async () => {
    await subscribe(stack, RULE, CHANNEL);
    stack.slack.faults.serverError('chat.postMessage', 1);
    const executionId = await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    // EventBridge handed every event over (Lambda accepted it); the function's error is Lambda's to retry.
    expect(stack.local.aws.eventBridge.deliveryLog.filter((delivery) => !delivery.ok)).toEqual([]);
    const failed = stack.invocations.filter((invocation) => invocation.error !== undefined);
    expect(failed).toHaveLength(1);
    const again = stack.invocations.filter(
      (invocation) =>
        invocation.error === undefined && JSON.stringify(invocation.input) === JSON.stringify(failed[0]?.input),
    );
    expect(again.length).toBeGreaterThanOrEqual(1);
    expect(stack.local.aws.lambdas.failures).toEqual([]);
    expectOneFailedBuildMessage(executionId);
  });

  test('a pipeline-level FAILED alone shows the failing action’s summary, read from the API', async () => {
    await subscribe(stack, 'pw-test-failed', CHANNEL, {
      source: ['aws.codepipeline'],
      'detail-type': ['CodePipeline Pipeline Execution State Change'],
      detail: { state: ['FAILED'] },
    });
    const executionId = await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    expect(stack.invocations).toHaveLength(1);
    expectOneFailedBuildMessage(executionId);
  });

  test('a malformed event is logged and dropped: no throw, nothing posted', async () => {
    await subscribe(stack, RULE, CHANNEL);
    stack.local.aws.eventBridge.putEventsInternal([
      {
        Source: 'aws.codepipeline',
        DetailType: 'CodePipeline Pipeline Execution State Change',
        Detail: JSON.stringify({ pipeline: 'myPipeline', state: 'FAILED' }),
      },
    ]);
    await drain(stack);
    expect(stack.invocations).toHaveLength(1);
    expect(stack.invocations[0]?.outcome).toEqual({ status: 'invalid-event' });
    expect(stack.slack.workspace.messages(CHANNEL)).toEqual([]);
    expect(stack.log.at('error')).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ rule: RULE }) }),
    ]);
  });
});
