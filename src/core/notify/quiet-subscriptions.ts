// (core) quiet subscriptions on the notify path: --transitions (record the newest outcome, open a conversation on broken/fixed) and snoozes (swallow, count, summarise once)
import { type ChannelRef, channelLabel } from '../channels';
import { executionConsoleUrl, type PipelineEvent } from '../events';
import type { TransitionNote } from '../executions';
import { type AlertMessage, shortExecutionId, utcMinute } from '../messages';
import type { LogFields, OutcomeKey, Snooze } from '../ports';
import {
  type NotifyDeps,
  type NotifyOutcome,
  type NotifyRequest,
  notifyParsedEvent,
  parsedOrLogged,
} from './notify-event';
import { judgeOutcome, type ObservedOutcome, type StoredOutcome } from './transitions';

/** Lost conditional writes on one outcome item before giving up (and throwing, so the platform retries). */
const MAX_OUTCOME_ATTEMPTS = 10;
/** A summary claim older than this was left by an invocation that died: it may be claimed again. */
export const SUMMARY_LEASE_MS = 60_000;
/** How many swallowed executions a summary names; the count covers them all. */
const SUMMARY_EXECUTIONS = 10;

/**
 * `--transitions`: the event (a pipeline-level, or with `--stage` a stage-level, SUCCEEDED or
 * FAILED) is judged against the newest outcome stored for (channel, pipeline[, stage]) (judgeOutcome)
 * and recorded with a conditional write on what was read (read again and judge again when another
 * invocation came first). A flip opens the channel's conversation about the execution as a
 * subscription's delivery does (so the message then follows the execution, with its buttons),
 * carrying the note that makes it read "myPipeline is broken" / "is fixed". A repeat of a recorded
 * flip delivers again: notifyParsedEvent is idempotent, and a delivery that died after the record
 * is completed by the platform's retry. Everything else is recorded silently.
 */
export async function notifyTransition(request: NotifyRequest, deps: NotifyDeps): Promise<NotifyOutcome> {
  const started = deps.now();
  const context: LogFields = { rule: request.rule, channel: channelLabel(request.channel), mode: 'transitions' };
  const event = parsedOrLogged(request.event, deps.log, context);
  if (event === undefined) return { status: 'invalid-event' };
  const observed = outcomeOf(event);
  if (observed === undefined || deps.outcomes === undefined) {
    if (deps.outcomes === undefined)
      deps.log.error('a --transitions delivery, but notify has no outcome store', context);
    else deps.log.debug('not an outcome a --transitions subscription judges', { ...context, eventId: event.eventId });
    return { status: 'quiet' };
  }
  const key: OutcomeKey = {
    channel: request.channel,
    pipeline: event.pipeline,
    ...(event.level === 'stage' ? { stage: event.stage } : {}),
  };
  const logged = { ...context, pipeline: event.pipeline, executionId: event.executionId, state: observed.state };
  let stored: StoredOutcome | undefined;
  for (let attempt = 1; stored === undefined; attempt++) {
    const current = await deps.outcomes.readOutcome(key);
    const decision = judgeOutcome(current, observed);
    if (decision.kind === 'stale') {
      deps.log.info('an outcome older than the newest known: nothing to judge', logged);
      return { status: 'quiet' };
    }
    if (decision.kind === 'repeat') stored = decision.stored;
    else if (await deps.outcomes.replaceOutcome(key, decision.stored, current)) stored = decision.stored;
    else if (attempt >= MAX_OUTCOME_ATTEMPTS) {
      throw new Error(`Lost ${attempt} conditional writes in a row on the outcome of ${event.pipeline}; retrying`);
    }
  }
  if (stored.flip === undefined) {
    deps.log.info('outcome recorded, no transition', { ...logged, durationMs: deps.now() - started });
    return { status: 'quiet' };
  }
  const note: TransitionNote = {
    flip: stored.flip,
    time: stored.time,
    ...(key.stage === undefined ? {} : { stage: key.stage }),
    ...(stored.previous === undefined
      ? {}
      : { previousExecutionId: stored.previous.executionId, previousSince: stored.previous.since }),
  };
  deps.log.info(`the pipeline is ${stored.flip}`, logged);
  if ((await snoozeGate(request.channel, event, deps)) === 'snoozed') return { status: 'snoozed' };
  return notifyParsedEvent(event, { ...request, via: 'subscription', transition: note }, deps, started);
}

function outcomeOf(event: PipelineEvent): ObservedOutcome | undefined {
  if (event.level === 'action' || (event.state !== 'SUCCEEDED' && event.state !== 'FAILED')) return undefined;
  return {
    state: event.state,
    time: event.time,
    executionId: event.executionId,
    ...(event.executionAttempt === undefined ? {} : { attempt: event.executionAttempt }),
  };
}

/**
 * A subscription's delivery through a snooze of (channel, pipeline):
 * - none, or none running: `open` (after posting an ended snooze's summary, once: see postSnoozeSummary);
 * - running, and the channel already has a conversation about the execution: `open` (an open
 *   conversation keeps following its execution; only new ones are held back);
 * - running otherwise: `snoozed`; a FAILED event (any level) adds its execution to the snooze's
 *   swallowed set (a set: duplicates and several failures of one execution count once).
 * One strongly consistent read per subscription delivery (none without a snooze store).
 */
export async function snoozeGate(
  channel: ChannelRef,
  event: PipelineEvent,
  deps: NotifyDeps,
): Promise<'open' | 'snoozed'> {
  if (deps.snoozes === undefined) return 'open';
  const snooze = await deps.snoozes.read(channel, event.pipeline);
  if (snooze === undefined) return 'open';
  const now = deps.now();
  if (now >= snooze.until) {
    await postSnoozeSummary(channel, snooze, event.pipelineRegion, deps);
    return 'open';
  }
  const open = await deps.conversations.read({ channel, pipeline: event.pipeline, executionId: event.executionId });
  if (open !== undefined) return 'open';
  if (event.state === 'FAILED') {
    await deps.snoozes.swallow(channel, event.pipeline, snooze.until, event.executionId, event.pipelineRegion);
  }
  deps.log.info('snoozed: no new conversation', {
    channel: channelLabel(channel),
    pipeline: event.pipeline,
    executionId: event.executionId,
    state: event.state,
    until: new Date(snooze.until).toISOString(),
  });
  return 'snoozed';
}

/**
 * The summary of an ended snooze, posted once, by the lazy path (the next alert) or by the snooze's
 * schedule at its end (notifySnoozeEnd), whichever comes first: claimed with a conditional write
 * (given back if the post fails, so the platform's retry posts it; claimable again after
 * SUMMARY_LEASE_MS if the invocation died), then the snooze is deleted, so the other path finds
 * nothing. A snooze that swallowed nothing ends without a message. True when this call posted it.
 */
export async function postSnoozeSummary(
  channel: ChannelRef,
  snooze: Snooze,
  region: string | undefined,
  deps: Pick<NotifyDeps, 'snoozes' | 'chat' | 'now' | 'log'>,
): Promise<boolean> {
  const snoozes = deps.snoozes;
  if (snoozes === undefined) return false;
  const { pipeline, until } = snooze;
  if (snooze.swallowed.length === 0) {
    await snoozes.finishSummary(channel, pipeline, until);
    return true;
  }
  if (!(await snoozes.claimSummary(channel, pipeline, until, deps.now(), SUMMARY_LEASE_MS))) return false;
  try {
    await deps.chat.post(channel, snoozeSummaryMessage(snooze, { pipelineRegion: region ?? snooze.region }));
  } catch (error) {
    await snoozes.releaseSummary(channel, pipeline, until);
    throw error;
  }
  await snoozes.finishSummary(channel, pipeline, until);
  deps.log.info('posted a snooze summary', {
    channel: channelLabel(channel),
    pipeline,
    failures: snooze.swallowed.length,
  });
  return true;
}

/** "While snoozed (2h): 3 failures of myPipeline", the executions with their console links. Raw text: renderers escape. */
export function snoozeSummaryMessage(
  snooze: Snooze,
  event: { readonly pipelineRegion: string | undefined },
): AlertMessage {
  const count = snooze.swallowed.length;
  const failures = count === 1 ? '1 failure' : `${count} failures`;
  const shown = snooze.swallowed.slice(0, SUMMARY_EXECUTIONS);
  const more = count > shown.length ? [`… and ${count - shown.length} more`] : [];
  const last = shown[shown.length - 1] ?? '';
  return {
    eventId: `snooze-summary:${snooze.pipeline}:${snooze.until}`,
    time: new Date(snooze.until).toISOString(),
    level: 'pipeline',
    pipeline: snooze.pipeline,
    executionId: last,
    title: `While snoozed (${formatDuration(snooze.until - snooze.since)}): ${failures} of ${snooze.pipeline}`,
    status: { state: 'FAILED', label: 'Snooze ended', severity: 'warning', known: true },
    summary: [...shown.map((id) => `Execution ${shortExecutionId(id)} failed`), ...more].join('\n'),
    facts: [{ label: 'Snoozed', value: `${utcMinute(snooze.since)} – ${utcMinute(snooze.until)}` }],
    // Without a region (a snooze stored before regions were kept), no console links.
    links: shown.slice(0, event.pipelineRegion === undefined ? 0 : 3).map((executionId) => ({
      kind: 'console' as const,
      label: `Execution ${shortExecutionId(executionId)}`,
      url: executionConsoleUrl({ region: event.pipelineRegion ?? '', pipeline: snooze.pipeline, executionId }),
    })),
    actions: [],
  };
}

/** 90 minutes → "1h 30m"; 2 days → "2d". */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days > 0 ? `${days}d` : '', hours > 0 ? `${hours}h` : '', rest > 0 ? `${rest}m` : ''].filter(
    (part) => part !== '',
  );
  return parts.length === 0 ? '0m' : parts.join(' ');
}
