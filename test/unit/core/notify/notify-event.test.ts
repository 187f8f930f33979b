import { parsePipelineEvent } from '../../../../src/core/events';
import { executionToAlertMessage } from '../../../../src/core/executions';
import {
  ChatDeliveryError,
  notifyEvent,
  RenderPendingError,
  replyFingerprint,
  threadReplies,
} from '../../../../src/core/notify';
import { InMemoryPipelineClient } from '../../../helpers/in-memory-pipeline-client';
import { EXECUTION_ID, PIPELINE, pipelineEvent, retriedExecutionSpecs } from '../executions/execution-events';
import { CHANNEL, content, fold, harness, KEY, RULE, rawEvent, shows } from './notify-harness';

const specs = retriedExecutionSpecs();
const byId = (id: string) => {
  const spec = specs.find((candidate) => candidate.id === id);
  if (spec === undefined) throw new Error(`no spec ${id}`);
  return spec;
};
/** Up to the pipeline FAILED of attempt 1: Source succeeded, Build failed. */
const FAILED_RUN = specs.slice(0, 10);

describe('notifyEvent', () => {
  test('the raw events of the harness parse to the events of the executions tests', () => {
    for (const spec of specs) expect(parsePipelineEvent(rawEvent(spec))).toEqual(pipelineEvent(spec));
  });

  test('a malformed event is logged with the rule name and dropped, without a throw', async () => {
    const { notify, chat, log } = harness();
    await expect(notify({ 'detail-type': 'nope', detail: {} })).resolves.toEqual({ status: 'invalid-event' });
    expect(chat.calls).toEqual([]);
    expect(log.at('error')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ rule: RULE }) })]);
  });

  test('the first event posts, later ones update the same message; it ends showing the final state', async () => {
    const { deliver, chat, store } = harness();
    for (const spec of specs) await deliver(spec);
    expect(chat.messages).toHaveLength(1);
    const [message] = chat.messages;
    const final = store.snapshot(KEY);
    expect(final?.renderedVersion).toBe(final?.version);
    expect(shows(message?.revisions.at(-1))).toEqual(shows(executionToAlertMessage(final?.state ?? fail('no state'))));
    expect(content(final?.state)).toEqual(content(fold(specs.map(pipelineEvent))));
    expect(message?.revisions.at(-1)?.status.state).toBe('SUCCEEDED');
  });

  test('a duplicate delivery changes nothing and calls nobody', async () => {
    const { deliver, chat, store } = harness();
    await deliver(byId('ev-001'));
    const calls = chat.calls.length;
    const writes = store.writes;
    await expect(deliver(byId('ev-001'))).resolves.toEqual({ status: 'duplicate' });
    expect(chat.calls).toHaveLength(calls);
    expect(store.writes).toBe(writes);
  });

  test('a failure adds one thread reply with the error code, summary and log link', async () => {
    const { deliver, chat } = harness();
    for (const spec of FAILED_RUN) await deliver(spec);
    for (const spec of FAILED_RUN) await deliver(spec);
    const [message] = chat.messages;
    expect(message?.replies).toHaveLength(1);
    expect(message?.replies[0]?.revisions).toHaveLength(1);
    const reply = message?.replies[0]?.revisions.at(-1);
    expect(reply).toMatchObject({
      title: 'Action Build failed in myPipeline / Build',
      status: { state: 'FAILED', severity: 'error' },
      summary: 'Build terminated with state: FAILED',
    });
    expect(reply?.facts).toContainEqual({ label: 'Error', value: 'JobFailed' });
    expect(reply?.links.map((link) => link.kind)).toEqual(['console', 'external']);
    expect(reply?.actions.map((action) => action.kind)).toEqual(['retry', 'retry', 'snooze', 'open-console']);
  });

  test('a waiting approval adds a thread reply with its buttons', async () => {
    const { deliver, chat } = harness();
    const untilApproval = specs.slice(
      0,
      specs.findIndex((spec) => spec.stage === 'Approval' && spec.level === 'action') + 1,
    );
    for (const spec of untilApproval) await deliver(spec);
    const approval = chat.messages[0]?.replies.at(-1)?.revisions.at(-1);
    expect(approval?.title).toBe('Approval needed: ManualApproval in myPipeline / Approval');
    expect(approval?.actions.map((action) => action.kind)).toEqual(['approve', 'reject', 'open-console']);
  });

  test('a permanent chat error is logged with the subscription and not thrown; the lock is released', async () => {
    const { deliver, chat, log, store } = harness();
    chat.failNext('post', 'permanent', 'channel_not_found');
    await expect(deliver(byId('ev-001'))).resolves.toEqual({ status: 'undeliverable', code: 'channel_not_found' });
    expect(log.at('error')).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ subscription: RULE, code: 'channel_not_found' }) }),
    ]);
    expect(store.lockOf(KEY)).toBeUndefined();
    expect(chat.calls).toEqual([{ operation: 'post', channel: 'C0001' }]);
  });

  test('a transient chat error throws; the retry (a duplicate) still posts', async () => {
    const { notify, chat, store } = harness();
    chat.failNext('post', 'transient', 'http_500');
    await expect(notify(rawEvent(byId('ev-001')))).rejects.toBeInstanceOf(ChatDeliveryError);
    expect(store.lockOf(KEY)).toBeUndefined();
    await expect(notify(rawEvent(byId('ev-001')))).resolves.toMatchObject({ status: 'rendered' });
    expect(chat.messages).toHaveLength(1);
  });

  test('a failed reply is retried without posting or updating the message again', async () => {
    const { notify, deliver, chat } = harness();
    for (const spec of FAILED_RUN.slice(0, 8)) await deliver(spec);
    chat.failNext('reply', 'transient', 'ratelimited');
    // The stage's FAILED is what makes the execution failed (the action's alone is not, while its stage runs).
    const failed = rawEvent(byId('ev-009'));
    await expect(notify(failed)).rejects.toThrow('ratelimited');
    const before = chat.calls.length;
    await expect(notify(failed)).resolves.toMatchObject({ status: 'rendered' });
    // The failed call may have posted (only its answer lost): looked for first, then posted.
    expect(chat.calls.slice(before).map((call) => call.operation)).toEqual(['findPost', 'reply']);
    expect(chat.messages[0]?.replies).toHaveLength(1);
  });

  test('a pipeline-level FAILED alone is enriched with the failed action from the API', async () => {
    const pipelines = new InMemoryPipelineClient()
      .addPipeline(PIPELINE, { Source: ['Source:Source'], Build: ['Build:Build'] })
      .failStage(PIPELINE, 'Build', EXECUTION_ID, 'Build', 'Tests failed: 3 of 120');
    const { deliver, chat } = harness({ pipelines });
    await deliver(byId('ev-010'));
    const shown = chat.messages[0]?.revisions.at(-1);
    expect(shown?.summary).toBe('Tests failed: 3 of 120');
    expect(shown?.links.map((link) => link.url)).toContain('https://example.com/build/1');
    expect(chat.messages[0]?.replies[0]?.revisions.at(-1)?.summary).toBe('Tests failed: 3 of 120');
  });

  test('when the failure details cannot be read, the alert goes out without them', async () => {
    const pipelines = new InMemoryPipelineClient().failNext('listActionExecutions', 'ThrottlingException');
    const { deliver, chat, log } = harness({ pipelines });
    await deliver(byId('ev-010'));
    expect(chat.messages).toHaveLength(1);
    expect(log.at('warn').map((entry) => entry.message)).toContain('could not read failure details');
  });

  test('a post is recorded as begun where the platform can look for it (Slack), not where it cannot (Teams)', async () => {
    const looking = harness();
    const blind = harness({ canFindPosts: false });
    for (const spec of FAILED_RUN) {
      await looking.deliver(spec);
      await blind.deliver(spec);
    }
    // The same message and failure reply on both; the begun posts' writes (message, reply) only where they can be found.
    expect(blind.chat.calls.map((call) => call.operation)).toEqual(looking.chat.calls.map((call) => call.operation));
    expect(blind.chat.calls.filter((call) => call.operation !== 'update').map((call) => call.operation)).toEqual([
      'post',
      'reply',
    ]);
    expect(looking.store.saveRenderingCalls - blind.store.saveRenderingCalls).toBe(2);
    expect(blind.store.snapshot(KEY)?.pendingPosts ?? []).toEqual([]);
  });

  test('where the platform cannot look, a post after half the lease has gone is preceded by a write that checks the lock', async () => {
    const quick = harness({ canFindPosts: false });
    const slow = harness({ canFindPosts: false });
    // Each reading of the clock 40 s after the one before: half of the 60 s lease has gone by every post.
    let time = 0;
    const slowDeps = { ...slow.deps, now: () => (time += 40_000) };
    for (const spec of FAILED_RUN) {
      await quick.deliver(spec);
      await notifyEvent({ rule: RULE, channel: CHANNEL, event: rawEvent(spec) }, slowDeps);
    }
    expect(slow.chat.calls.map((call) => call.operation)).toEqual(quick.chat.calls.map((call) => call.operation));
    // One more write before the message's post and one before the reply's.
    expect(slow.store.saveRenderingCalls - quick.store.saveRenderingCalls).toBe(2);
  });

  test('a deleted message is posted again', async () => {
    const { deliver, chat } = harness();
    await deliver(byId('ev-001'));
    chat.failNext('update', 'permanent', 'message_not_found');
    await deliver(byId('ev-002'));
    expect(chat.messages).toHaveLength(2);
    expect(chat.messages[1]?.revisions).toHaveLength(1);
  });

  test('while another invocation holds the lock and does not show the event, it is merged and the platform retries it', async () => {
    const { notify, chat, store } = harness();
    await notify(rawEvent(byId('ev-001')));
    await store.acquireLock(KEY, 'someone-else', 60_000);
    // The holder neither shows the new version nor lets its lease run out within the wait.
    await expect(notify(rawEvent(byId('ev-002')))).rejects.toBeInstanceOf(RenderPendingError);
    expect(store.snapshot(KEY)?.version).toBe(2);
    expect(chat.messages[0]?.revisions).toHaveLength(1);
    // The holder releases; the platform's retry (a duplicate with pending work) shows it.
    await store.releaseLock(KEY, 'someone-else');
    await expect(notify(rawEvent(byId('ev-002')))).resolves.toMatchObject({ status: 'rendered', version: 2 });
    expect(chat.messages[0]?.revisions).toHaveLength(2);
  });

  test('the lock free: the merge’s write takes it (one mergeAndLock, no acquireLock), and the render uses it', async () => {
    const { notify, chat, store } = harness();
    await expect(notify(rawEvent(byId('ev-001')))).resolves.toMatchObject({ status: 'rendered', version: 1 });
    await expect(notify(rawEvent(byId('ev-002')))).resolves.toMatchObject({ status: 'rendered', version: 2 });
    expect([store.mergeAndLockCalls, store.locksTakenWithMerge, store.acquireLockCalls]).toEqual([2, 2, 0]);
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0]?.revisions).toHaveLength(2);
    expect(store.lockOf(KEY)).toBeUndefined();
  });

  test('the lock held: the merge still writes the state, does not take the lock, and does not ask for it again', async () => {
    const { notify, chat, store, deps } = harness();
    await notify(rawEvent(byId('ev-001')));
    await store.acquireLock(KEY, 'holder', 60_000);
    const acquires = store.acquireLockCalls;
    const waiting = notifyEvent(
      { rule: RULE, channel: CHANNEL, event: rawEvent(byId('ev-002')) },
      {
        ...deps,
        sleep: async () => {
          // The writer's first pause: its state is stored, the lock still the holder's; the holder
          // releases and renders (as its release would show it the new version).
          expect(store.snapshot(KEY)?.version).toBe(2);
          expect(store.lockOf(KEY)?.owner).toBe('holder');
          // Held as of the write: no acquire before the wait (the holder's release comes after the write).
          expect(store.acquireLockCalls).toBe(acquires);
          await store.releaseLock(KEY, 'holder');
          await notify(rawEvent(byId('ev-002')));
        },
      },
    );
    await expect(waiting).resolves.toEqual({ status: 'deferred', version: 2 });
    expect(store.locksTakenWithMerge).toBe(1);
    expect(content(store.snapshot(KEY)?.state)).toEqual(
      content(fold([byId('ev-001'), byId('ev-002')].map(pipelineEvent))),
    );
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0]?.revisions).toHaveLength(2);
  });

  test('a holder that died holding the lock: the deferred writer takes the lock when the lease runs out and shows it', async () => {
    const { notify, chat, store } = harness();
    await notify(rawEvent(byId('ev-001')));
    // A lease already run out: the holder died (a timeout, a crash) without releasing.
    await store.acquireLock(KEY, 'dead-holder', -1);
    await expect(notify(rawEvent(byId('ev-002')))).resolves.toMatchObject({ status: 'rendered', version: 2 });
    expect(chat.messages[0]?.revisions).toHaveLength(2);
    expect(store.lockOf(KEY)).toBeUndefined();
  });

  test('a holder that shows the version while the deferred writer waits: deferred, no second render', async () => {
    const { notify, chat, store, deps } = harness();
    await notify(rawEvent(byId('ev-001')));
    await store.acquireLock(KEY, 'holder', 60_000);
    let pauses = 0;
    const waiting = notifyEvent(
      { rule: RULE, channel: CHANNEL, event: rawEvent(byId('ev-002')) },
      {
        ...deps,
        sleep: async () => {
          // On the writer's second pause the holder finishes: it renders what it finds and releases.
          pauses += 1;
          if (pauses === 2) {
            await store.releaseLock(KEY, 'holder');
            await notify(rawEvent(byId('ev-002')));
          }
        },
      },
    );
    await expect(waiting).resolves.toEqual({ status: 'deferred', version: 2 });
    expect(chat.messages[0]?.revisions).toHaveLength(2);
  });

  test('thread replies follow the current state: none once the failed stage is retried', () => {
    const untilFailed = fold(FAILED_RUN.map(pipelineEvent));
    expect(threadReplies(untilFailed ?? fail('no state')).map((reply) => reply.key)).toEqual(['failed:Build@1']);
    const retried = fold(specs.slice(0, 13).map(pipelineEvent));
    expect(threadReplies(retried ?? fail('no state'))).toEqual([]);
  });

  test('records are per channel: the same event in two channels makes two messages', async () => {
    const { deps, chat } = harness();
    const { notifyEvent } = await import('../../../../src/core/notify');
    const event = rawEvent(byId('ev-001'));
    await notifyEvent({ rule: RULE, channel: CHANNEL, event }, deps);
    await notifyEvent({ rule: RULE, channel: { ...CHANNEL, channel: 'C0002' }, event }, deps);
    expect(chat.in('C0001')).toHaveLength(1);
    expect(chat.in('C0002')).toHaveLength(1);
  });
});

describe('notifyEvent: a thread reply follows the details learnt after it was posted', () => {
  /** Up to Build's action FAILED (exclusive), then the stage and pipeline FAILED: the reply goes out without details. */
  const BEFORE_DETAILS = [...FAILED_RUN.slice(0, 7), byId('ev-009'), byId('ev-010')];
  const ACTION_FAILED = byId('ev-008');

  test('a reply posted from the stage FAILED is updated in place when the action FAILED arrives', async () => {
    const { deliver, chat, store } = harness();
    for (const spec of BEFORE_DETAILS) await deliver(spec);
    const [message] = chat.messages;
    expect(message?.replies).toHaveLength(1);
    const early = message?.replies[0]?.revisions[0];
    expect(early?.facts.map((fact) => fact.label)).not.toContain('Error');
    expect(early?.links.map((link) => link.kind)).toEqual(['console']);

    const before = chat.calls.length;
    await expect(deliver(ACTION_FAILED)).resolves.toMatchObject({ status: 'rendered' });
    expect(chat.calls.slice(before).map((call) => call.operation)).toEqual(['update', 'updateReply']);
    expect(message?.replies).toHaveLength(1);
    const reply = message?.replies[0];
    expect(reply?.revisions).toHaveLength(2);
    expect(reply?.revisions.at(-1)).toMatchObject({
      title: 'Action Build failed in myPipeline / Build',
      summary: 'Build terminated with state: FAILED',
    });
    expect(reply?.revisions.at(-1)?.facts).toContainEqual({ label: 'Error', value: 'JobFailed' });
    expect(reply?.revisions.at(-1)?.links.map((link) => link.kind)).toEqual(['console', 'external']);

    const record = store.snapshot(KEY) ?? fail('no record');
    const [due] = threadReplies(record.state);
    expect(record.replies).toEqual([{ key: 'failed:Build@1', messageId: reply?.id, fingerprint: due?.fingerprint }]);
  });

  test('no reply update (and no message update) when what they show has not changed, though the state has', async () => {
    const { deliver, chat, store } = harness();
    for (const spec of BEFORE_DETAILS.slice(0, 8)) await deliver(spec);
    const before = chat.calls.length;
    // The pipeline FAILED changes the state, not what the message (already failed, from its stage)
    // or the reply of the failed stage shows: no chat call, and the new version counts as shown.
    await expect(deliver(byId('ev-010'))).resolves.toMatchObject({ status: 'rendered' });
    expect(chat.calls.slice(before).map((call) => call.operation)).toEqual([]);
    const record = store.snapshot(KEY) ?? fail('no record');
    expect(record.renderedVersion).toBe(record.version);
    expect(chat.messages[0]?.replies[0]?.revisions).toHaveLength(1);
  });

  test('a transient failure of the reply update is retried; the message is not updated again', async () => {
    const { notify, deliver, chat, store } = harness();
    for (const spec of BEFORE_DETAILS) await deliver(spec);
    chat.failNext('updateReply', 'transient', 'ratelimited');
    await expect(notify(rawEvent(ACTION_FAILED))).rejects.toThrow('ratelimited');
    expect(store.snapshot(KEY)?.renderedVersion).toBe(store.snapshot(KEY)?.version);
    const before = chat.calls.length;
    // EventBridge's retry is a duplicate whose record still has work to do: the outdated reply.
    await expect(notify(rawEvent(ACTION_FAILED))).resolves.toMatchObject({ status: 'rendered' });
    expect(chat.calls.slice(before).map((call) => call.operation)).toEqual(['updateReply']);
    expect(chat.messages[0]?.replies[0]?.revisions.at(-1)?.facts).toContainEqual({
      label: 'Error',
      value: 'JobFailed',
    });
  });

  test('a deleted reply is posted again with the details', async () => {
    const { deliver, chat, store, log } = harness();
    for (const spec of BEFORE_DETAILS) await deliver(spec);
    const deleted = chat.messages[0]?.replies[0]?.id ?? fail('no reply');
    chat.deleteReply(deleted);
    await deliver(ACTION_FAILED);
    const thread = chat.messages[0]?.replies ?? [];
    expect(thread).toHaveLength(1);
    expect(thread[0]?.id).not.toBe(deleted);
    expect(thread[0]?.revisions.at(-1)?.facts).toContainEqual({ label: 'Error', value: 'JobFailed' });
    expect(store.snapshot(KEY)?.replies.map((reply) => reply.messageId)).toEqual([thread[0]?.id]);
    expect(log.at('warn').map((entry) => entry.message)).toContain('the thread reply was deleted; posting it again');
  });

  test('a record of the old layout (reply keys only): the reply is neither posted again nor updated', async () => {
    const { deliver, chat, store } = harness();
    for (const spec of BEFORE_DETAILS) await deliver(spec);
    // What the DynamoDB store reads from a record whose `replies` is a list of keys.
    const old = store.snapshot(KEY) ?? fail('no record');
    expect(await store.acquireLock(KEY, 'migration', 60_000)).toMatchObject({ version: old.version });
    await store.saveRendering(KEY, 'migration', {
      ...(old.messageId === undefined ? {} : { messageId: old.messageId }),
      renderedVersion: old.renderedVersion,
      replies: old.replies.map((reply) => ({ key: reply.key })),
    });
    await store.releaseLock(KEY, 'migration');

    const before = chat.calls.length;
    await expect(deliver(ACTION_FAILED)).resolves.toMatchObject({ status: 'rendered' });
    expect(chat.calls.slice(before).map((call) => call.operation)).toEqual(['update']);
    expect(chat.messages[0]?.replies).toHaveLength(1);
    expect(chat.messages[0]?.replies[0]?.revisions).toHaveLength(1);
    expect(store.snapshot(KEY)?.replies).toEqual([{ key: 'failed:Build@1' }]);
    // Nothing pending: a duplicate delivery stops at its claim.
    await expect(deliver(ACTION_FAILED)).resolves.toEqual({ status: 'duplicate' });
  });

  test('the fingerprint ignores the newest event’s id and time, and sees what the reply shows', () => {
    const early = threadReplies(fold(BEFORE_DETAILS.map(pipelineEvent)) ?? fail('no state'));
    const late = threadReplies(fold([...BEFORE_DETAILS, ACTION_FAILED].map(pipelineEvent)) ?? fail('no state'));
    const [reply] = late;
    if (reply === undefined) throw new Error('no reply');
    expect(early.map((entry) => entry.key)).toEqual([reply.key]);
    expect(early[0]?.fingerprint).not.toBe(reply.fingerprint);
    expect(replyFingerprint({ ...reply.message, eventId: 'other', time: '2030-01-01T00:00:00Z' })).toBe(
      reply.fingerprint,
    );
    expect(replyFingerprint({ ...reply.message, summary: 'Something else' })).not.toBe(reply.fingerprint);
    // Canonical: the order of an object's keys does not matter.
    const reordered = Object.fromEntries(Object.entries(reply.message).reverse()) as typeof reply.message;
    expect(replyFingerprint(reordered)).toBe(reply.fingerprint);
  });
});
