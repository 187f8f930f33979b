import fc from 'fast-check';
import {
  EXECUTION_STATE_SCHEMA,
  type ExecutionState,
  executionToAlertMessage,
  mergeExecutionStates,
  type RunNote,
} from '../../../../src/core/executions';
import {
  announceRun,
  type NotifyDeps,
  notifyEvent,
  type RunAnnounced,
  type RunAnnouncement,
} from '../../../../src/core/notify';
import { InMemoryChat } from '../../../helpers/in-memory-chat';
import { InMemoryConversationStore } from '../../../helpers/in-memory-conversation-store';
import { InMemoryPipelineClient } from '../../../helpers/in-memory-pipeline-client';
import { MemoryLog } from '../../../helpers/memory-log';
import { Crash, mortal } from '../../../helpers/mortal-invocation';
import { propertyRuns } from '../../../helpers/property-runs';
import {
  type EventSpec,
  EXECUTION_ID,
  PIPELINE,
  pipelineEvent,
  retriedExecutionSpecs,
} from '../executions/execution-events';
import { CHANNEL, content, fold, harness, KEY, RULE, rawEvent, shows } from './notify-harness';

/*
 * `/pipewatch run` posts the execution's message itself (announceRun) while notify's deliveries of
 * the execution's events race it: whichever comes first, and however their store and chat calls
 * interleave, the channel ends with one message, showing the events and who ran it, and the
 * announcement's message id is that message's.
 */

const SPECS = retriedExecutionSpecs();
/** The first events of the run: what can arrive while the run command is still answering. */
const FIRST = SPECS.slice(0, 6);
const NOTE: RunNote = { by: 'alice', platform: 'Slack', time: '2024-05-01T10:00:00.000Z' };

function announcement(): RunAnnouncement {
  return {
    channel: CHANNEL,
    pipeline: PIPELINE,
    executionId: EXECUTION_ID,
    region: 'us-west-2',
    account: '123456789012',
    rule: RULE,
    note: NOTE,
  };
}

/** The state after the events and the run note, in any order: the join of both. */
function expectedState(specs: readonly EventSpec[]): ExecutionState {
  const events = fold(specs.map(pipelineEvent));
  const announced: ExecutionState = {
    schema: EXECUTION_STATE_SCHEMA,
    pipeline: PIPELINE,
    executionId: EXECUTION_ID,
    region: 'us-west-2',
    account: '123456789012',
    startTime: NOTE.time,
    runNote: NOTE,
    stages: {},
    actions: {},
    seenEvents: [],
    version: 0,
  };
  return events === undefined ? announced : mergeExecutionStates(events, announced);
}

type Run = ReturnType<typeof harness>;

function expectOneMessageWithTheRunNote(run: Run, specs: readonly EventSpec[], announced: RunAnnounced): void {
  const { chat, store } = run;
  expect(chat.calls.filter((call) => call.operation === 'post')).toHaveLength(1);
  expect(chat.messages).toHaveLength(1);
  const record = store.snapshot(KEY);
  if (record === undefined) throw new Error('no record');
  expect(content(record.state)).toEqual(content(expectedState(specs)));
  expect(record.renderedVersion).toBe(record.version);
  const shown = chat.messages[0]?.revisions.at(-1);
  expect(shows(shown)).toEqual(shows(executionToAlertMessage(record.state)));
  expect(shown?.facts).toContainEqual({ label: 'Started by', value: 'alice in Slack' });
  if (announced.status === 'posted') expect(announced.messageId).toBe(chat.messages[0]?.id);
  expect(store.lockOf(KEY)).toBeUndefined();
}

describe('announceRun racing notify: one message per (channel, execution)', () => {
  test('the run announced before any event, then the events: the message posted by the run, updated by notify', async () => {
    const run = harness();
    const announced = await announceRun(announcement(), run.deps);
    expect(announced).toEqual({ status: 'posted', messageId: 'm1' });
    expect(run.chat.messages[0]?.revisions[0]?.status.label).toBe('Started');
    for (const spec of FIRST) await run.deliver(spec);
    expectOneMessageWithTheRunNote(run, FIRST, announced);
    // The channel follows the execution through the subscription, as notify's first delivery makes it.
    expect(await run.store.followers({ pipeline: PIPELINE, executionId: EXECUTION_ID })).toEqual([
      { channel: CHANNEL, rule: RULE },
    ]);
  });

  test('the events first, then the run: notify posted the message, the run adds its note to it', async () => {
    const run = harness();
    for (const spec of FIRST) await run.deliver(spec);
    const announced = await announceRun(announcement(), run.deps);
    expect(announced).toEqual({ status: 'posted', messageId: 'm1' });
    expectOneMessageWithTheRunNote(run, FIRST, announced);
  });

  test('concurrent: the announcement and the deliveries, every store and chat call interleaved at random', async () => {
    let posted = 0;
    let byRun = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.shuffledSubarray([...FIRST], { minLength: 1, maxLength: FIRST.length }),
        async (scheduler, delivered) => {
          const run = harness({ yieldPoint: () => scheduler.schedule(Promise.resolve()) });
          const [announced] = await scheduler.waitFor(
            Promise.all([announceRun(announcement(), run.deps), ...delivered.map((spec) => run.deliver(spec))]),
          );
          // A render still pending when the run answered is finished by notify's next delivery.
          await scheduler.waitFor(
            (async () => {
              for (const spec of delivered) await run.deliver(spec);
            })(),
          );
          expectOneMessageWithTheRunNote(run, delivered, announced);
          if (announced.status === 'posted') posted++;
          if (run.chat.messages[0]?.revisions[0]?.facts.some((fact) => fact.label === 'Started by')) byRun++;
        },
      ),
      { numRuns: propertyRuns(80) },
    );
    // The interleavings did reach both sides: runs whose message the run posted, and the link given.
    expect(posted).toBeGreaterThan(40);
    expect(byRun).toBeGreaterThan(0);
  });

  test('the run command dies between its post and the record: notify finds the post (Slack) and posts no second message', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = new InMemoryConversationStore({ now: () => clock });
    const chat = new InMemoryChat();
    const invocation = mortal(store, chat, (step) => (step.name === 'chat.post' ? 'after' : undefined));
    const deps = (conversations = store as NotifyDeps['conversations'], poster = chat as NotifyDeps['chat']) => ({
      conversations,
      chat: poster,
      pipelines: new InMemoryPipelineClient(),
      log: new MemoryLog(),
      now: () => clock,
      sleep: async () => {},
    });
    await expect(announceRun(announcement(), deps(invocation.store, invocation.chat))).rejects.toBeInstanceOf(Crash);
    expect(invocation.diedWithAPostUnrecorded()).toBe(true);
    expect(chat.messages).toHaveLength(1);
    // Lambda's retry of notify comes after the dead holder's lease (a minute) has run out.
    clock += 61_000;
    for (const spec of FIRST) await notifyEvent({ rule: RULE, channel: CHANNEL, event: rawEvent(spec) }, deps());
    expect(chat.calls.filter((call) => call.operation === 'post')).toHaveLength(1);
    expect(chat.messages).toHaveLength(1);
    expect(store.snapshot(KEY)?.messageId).toBe(chat.messages[0]?.id);
    expect(chat.messages[0]?.revisions.at(-1)?.facts).toContainEqual({ label: 'Started by', value: 'alice in Slack' });
  });
});
