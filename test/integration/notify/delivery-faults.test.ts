import { redrive } from '../../../src/aws/redrive';
import type { NotifyDeps } from '../../../src/core/notify';
import { type CrashPlan, mortal } from '../../helpers/mortal-invocation';
import {
  BUILD_SUMMARY,
  CHANNEL,
  DLQ_NAME,
  FUNCTION_ARN,
  messagesAbout,
  type NotifyStack,
  runFailingBuild,
  runFor,
  startNotifyStack,
  subscribe,
  textOf,
} from './notify-harness';

/*
 * Delivery faults at every step of notify, on the real stack: the local AWS invoking the notify
 * handler as Lambda does for EventBridge (asynchronously: an error is retried a minute, then two
 * minutes later, then goes to the on-failure destination), DynamoDB (dynalite) and the local Slack.
 * An invocation dies (a timeout, a crash: nothing after that step runs, not even a release) at a
 * chosen step of its store or chat calls, before the call takes effect or after it did. Whatever the
 * step, the channel ends with one message showing the failed run, one thread reply, and nothing in
 * the dead-letter queue.
 */

const RULE = 'pw-faults-all';
/** Long enough for myPipeline to fail at Build (Source 5 s, Build 60 s), and for Lambda's retries. */
const RUN_MS = 420_000;

const STEPS = [
  'store.claimEvent',
  'store.read',
  'store.follow',
  'store.mergeAndLock',
  'store.acquireLock',
  'store.saveRendering',
  'store.releaseLock',
  'chat.post',
  'chat.update',
  'chat.reply',
] as const;

let stack: NotifyStack;
afterEach(() => stack.stop());

/**
 * The stack, with each invocation's store and chat mortal as `plan` says; a deferred writer does
 * not wait in real time for a dead holder (it throws at once, and Lambda's retry comes later).
 */
async function start(plan: CrashPlan, options: { dlq?: boolean } = {}): Promise<void> {
  stack = await startNotifyStack({
    oneClock: true,
    ...options,
    invocationDeps: (deps: NotifyDeps) => {
      const invocation = mortal(deps.conversations, deps.chat, plan);
      return { ...deps, conversations: invocation.store, chat: invocation.chat, sleep: async () => {} };
    },
  });
  await subscribe(stack, RULE, CHANNEL);
}

/** The first call of `step` in the whole run, wherever it comes, goes as `when` says. */
function once(step: string, when: 'before' | 'after' | 'fail'): CrashPlan {
  let fired = false;
  return ({ name }) => {
    if (fired || name !== step) return undefined;
    fired = true;
    return when;
  };
}

/** One message showing the failed Build (with the summary), one thread reply, nothing dead-lettered. */
function expectOneFailedBuildMessage(executionId: string): void {
  const messages = messagesAbout(stack, CHANNEL, executionId);
  expect(messages).toHaveLength(1);
  expect(textOf(messages[0])).toContain('Failed');
  expect(textOf(messages[0])).toContain(BUILD_SUMMARY);
  const replies = stack.slack.workspace.threadReplies(CHANNEL, messages[0]?.ts ?? '');
  expect(replies).toHaveLength(1);
  expect(textOf(replies[0])).toContain('JobFailed');
  expect(stack.local.aws.lambdas.failures).toEqual([]);
}

/** Each invocation that failed was delivered again and succeeded: no event lost. */
function expectEveryFailedDeliveryRetried(): number {
  const failed = stack.invocations.filter((invocation) => invocation.error !== undefined);
  for (const invocation of failed) {
    const input = JSON.stringify(invocation.input);
    const succeeded = stack.invocations.some(
      (other) => other.error === undefined && JSON.stringify(other.input) === input,
    );
    expect(succeeded).toBe(true);
  }
  return failed.length;
}

describe('notify dies at every step: one message, one reply, nothing lost', () => {
  test.each(STEPS.flatMap((step) => (['before', 'after'] as const).map((when) => [step, when] as const)))(
    'dies at the first %s (%s the call)',
    async (step, when) => {
      await start(once(step, when));
      const executionId = await runFailingBuild(stack);
      await runFor(stack, RUN_MS);
      expectOneFailedBuildMessage(executionId);
      // The crash happened, and Lambda's retry delivered what it interrupted.
      expect(expectEveryFailedDeliveryRetried()).toBeGreaterThanOrEqual(1);
    },
  );

  test('the post is made, then the write that records it fails: the retry finds the post in Slack', async () => {
    // The first release after a post records the message id: it fails; the invocation releases the
    // lock without it and throws; Lambda's retry finds the post by its metadata and does not post again.
    let posted = false;
    await start(({ name }) => {
      if (name === 'chat.post') posted = true;
      if (posted && (name === 'store.releaseLock' || name === 'store.saveRendering')) {
        posted = false;
        return 'fail';
      }
      return undefined;
    });
    const executionId = await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    expectOneFailedBuildMessage(executionId);
    expect(stack.slack.workspace.callsTo('conversations.history').length).toBeGreaterThanOrEqual(1);
    expect(stack.log.at('info').map((line) => line.message)).toContain(
      'found the post an earlier render made and did not record; not posting it again',
    );
  });

  test('dies holding the render lock while other events arrive: they wait, the retry takes over', async () => {
    // Dies right after taking the lock (the merge's write takes it: mergeAndLock): later events find
    // it held, throw RenderPendingError (not `deferred`, which would be a success never retried), and
    // the retries render.
    await start(once('store.mergeAndLock', 'after'));
    const executionId = await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    expectOneFailedBuildMessage(executionId);
    expect(stack.invocations.some((invocation) => String(invocation.error).includes('RenderPendingError'))).toBe(true);
  });

  test('Slack down longer than Lambda’s retries: the events wait in the DLQ; redrive shows them, once', async () => {
    await start(() => undefined, { dlq: true });
    stack.slack.faults.serverError('*', 10_000);
    const executionId = await runFailingBuild(stack);
    await runFor(stack, RUN_MS);
    expect(messagesAbout(stack, CHANNEL, executionId)).toEqual([]);
    const dead = stack.local.aws.sqs.messages(DLQ_NAME);
    expect(dead.length).toBeGreaterThan(0);
    expect(stack.local.aws.lambdas.failures.every((failure) => failure.condition === 'RetriesExhausted')).toBe(true);

    stack.slack.faults.clear();
    const { sqs, lambda } = stack.local;
    const queueUrl = stack.local.aws.sqs.createQueue(DLQ_NAME).url;
    const outcome = await redrive({ sqs, lambda, queueUrl, functionName: FUNCTION_ARN });
    expect(outcome).toMatchObject({ redriven: dead.length, failed: [], unreadable: [] });
    const messages = messagesAbout(stack, CHANNEL, executionId);
    expect(messages).toHaveLength(1);
    expect(textOf(messages[0])).toContain(BUILD_SUMMARY);
    expect(stack.slack.workspace.threadReplies(CHANNEL, messages[0]?.ts ?? '')).toHaveLength(1);
    expect(stack.local.aws.sqs.messages(DLQ_NAME)).toEqual([]);
  });
});
