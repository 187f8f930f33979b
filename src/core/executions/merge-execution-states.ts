// (core) two states of one execution --> their join (commutative, associative, idempotent), field by field
import { canonicalJson } from '../canonical-json';
import type { Trigger } from '../events';
import { dropUndefined } from '../events/schema-helpers';
import type { AlertTriage } from '../messages';
import { ExecutionMismatchError } from './execution-mismatch-error';
import {
  type ActionRecord,
  type ExecutionState,
  MAX_RETRY_NOTES,
  MAX_SEEN_EVENTS,
  MAX_TRANSITION_NOTES,
  ownEntry,
  type RetryNote,
  type RunNote,
  type SeenEvent,
  type StageRecord,
  type TransitionNote,
} from './execution-state';
import { compareText, earlierTime, epochOf, laterTime, newer, newerStatus } from './observation-order';

/**
 * Joins two states of the same execution. The join is commutative,
 * associative and idempotent (a semilattice), so any grouping and order of
 * the same events, with any duplicates, ends in the same state. That also
 * makes it the way out of a lost conditional write: re-read the stored
 * state and join it with one's own.
 *
 * Each field has its own join: newest status (see compareObservations),
 * earliest first-seen and start time, latest retry time, largest pipeline
 * version and storage version. Fields that every event of an execution
 * carries identically (region, account, ARN, trigger) still get a
 * deterministic join, so that even inconsistent input cannot make the
 * result depend on order.
 *
 * @throws ExecutionMismatchError when the two states are of different executions.
 */
export function mergeExecutionStates(a: ExecutionState, b: ExecutionState): ExecutionState {
  if (a.pipeline !== b.pipeline || a.executionId !== b.executionId) throw new ExecutionMismatchError(a, b);
  const merged = dropUndefined({
    schema: a.schema,
    pipeline: a.pipeline,
    executionId: a.executionId,
    region: smallerText(a.region, b.region) ?? a.region,
    account: smallerText(a.account, b.account) ?? a.account,
    pipelineArn: smallerText(a.pipelineArn, b.pipelineArn),
    pipelineVersion: larger(a.pipelineVersion, b.pipelineVersion),
    startTime: earlierTime(a.startTime, b.startTime),
    trigger: richerTrigger(a.trigger, b.trigger),
    pipelineStatus: newerStatus(a.pipelineStatus, b.pipelineStatus),
    stages: joinMaps(a.stages, b.stages, joinStages),
    actions: joinMaps(a.actions, b.actions, joinActions),
    reportedFailure: newer(a.reportedFailure, b.reportedFailure),
    fetchedFailure: newer(a.fetchedFailure, b.fetchedFailure),
    seenEvents: joinSeenEvents(a.seenEvents, b.seenEvents),
    retries: joinRetries(a.retries, b.retries),
    transitions: joinTransitions(a.transitions, b.transitions),
    triage:
      a.triage === undefined
        ? b.triage
        : b.triage === undefined
          ? a.triage
          : joinMaps(a.triage, b.triage, richerTriage),
    stopNote: newer(a.stopNote, b.stopNote),
    runNote: earlierRun(a.runNote, b.runNote),
    deciders:
      a.deciders === undefined
        ? b.deciders
        : b.deciders === undefined
          ? a.deciders
          : joinMaps(a.deciders, b.deciders, (x, y) => (x === '' ? y : y === '' ? x : (smallerText(x, y) ?? x))),
    version: Math.max(a.version, b.version),
  });
  // Structural sharing: when `b` adds nothing, `a` itself comes back (mergeEvent relies on it).
  return sameFields(merged, a) ? a : merged;
}

/** Every field identical (same value or same object): each join returns its own input when nothing changes. */
function sameFields<T extends object>(x: T, y: T): boolean {
  const keys = Object.keys(x);
  return (
    keys.length === Object.keys(y).length &&
    keys.every((key) => Object.hasOwn(y, key) && x[key as keyof T] === y[key as keyof T])
  );
}

function joinStages(a: StageRecord, b: StageRecord): StageRecord {
  // The status is compared without the fields joined separately, which would otherwise decide ties.
  const { firstTime: firstA, lastRetryTime: retryA, ...statusA } = a;
  const { firstTime: firstB, lastRetryTime: retryB, ...statusB } = b;
  const status = newerStatus(statusA, statusB) ?? statusA;
  const firstTime = earlierTime(firstA, firstB) ?? firstA;
  const lastRetryTime = laterTime(retryA, retryB);
  if (status === statusA && firstTime === firstA && lastRetryTime === retryA) return a;
  return dropUndefined({ ...status, firstTime, lastRetryTime });
}

function joinActions(a: ActionRecord, b: ActionRecord): ActionRecord {
  const { firstTime: firstA, ...statusA } = a;
  const { firstTime: firstB, ...statusB } = b;
  const status = newerStatus(statusA, statusB) ?? statusA;
  const firstTime = earlierTime(firstA, firstB) ?? firstA;
  return status === statusA && firstTime === firstA ? a : { ...status, firstTime };
}

/** Union of two maps by key, joining entries both have; keys sorted so the stored JSON is stable. */
function joinMaps<T>(
  a: Readonly<Record<string, T>>,
  b: Readonly<Record<string, T>>,
  join: (x: T, y: T) => T,
): Readonly<Record<string, T>> {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareText);
  let changed = keys.length !== Object.keys(a).length;
  const entries = keys.map((key): [string, T] => {
    const x = ownEntry(a, key);
    const y = ownEntry(b, key);
    const joined = (x === undefined ? y : y === undefined ? x : join(x, y)) as T;
    if (joined !== x) changed = true;
    return [key, joined];
  });
  // Object.fromEntries defines own properties, so a stage named "__proto__" stays data.
  return changed ? Object.fromEntries(entries) : a;
}

/** The MAX_SEEN_EVENTS newest distinct events: a function of the set of events, whatever the order. */
function joinSeenEvents(a: readonly SeenEvent[], b: readonly SeenEvent[]): readonly SeenEvent[] {
  const byId = new Map<string, SeenEvent>();
  for (const seen of [...a, ...b]) {
    const kept = byId.get(seen.eventId);
    if (kept === undefined || compareSeen(seen, kept) > 0) byId.set(seen.eventId, seen);
  }
  const joined = [...byId.values()].sort((x, y) => compareSeen(y, x)).slice(0, MAX_SEEN_EVENTS);
  return joined.length === a.length && joined.every((seen, index) => seen === a[index]) ? a : joined;
}

/** The MAX_RETRY_NOTES newest distinct retry notes, oldest first: a function of the set of notes. */
function joinRetries(
  a: readonly RetryNote[] | undefined,
  b: readonly RetryNote[] | undefined,
): readonly RetryNote[] | undefined {
  return joinNotes(a, b, MAX_RETRY_NOTES);
}

/** The MAX_TRANSITION_NOTES newest distinct transition notes, oldest first: a function of the set of notes. */
function joinTransitions(
  a: readonly TransitionNote[] | undefined,
  b: readonly TransitionNote[] | undefined,
): readonly TransitionNote[] | undefined {
  return joinNotes(a, b, MAX_TRANSITION_NOTES);
}

/** The `max` newest distinct notes, oldest first (ties by their canonical JSON); `a` itself when `b` adds nothing. */
function joinNotes<T extends { readonly time: string }>(
  a: readonly T[] | undefined,
  b: readonly T[] | undefined,
  max: number,
): readonly T[] | undefined {
  const byKey = new Map<string, T>();
  for (const note of [...(a ?? []), ...(b ?? [])]) byKey.set(canonicalJson(note), note);
  if (byKey.size === 0) return undefined;
  const joined = [...byKey.entries()]
    .sort(([keyX, x], [keyY, y]) => Math.sign(epochOf(x.time) - epochOf(y.time)) || compareText(keyX, keyY))
    .slice(-max)
    .map(([, note]) => note);
  return a !== undefined && joined.length === a.length && joined.every((note, index) => note === a[index]) ? a : joined;
}

/** The state with one more transition note (a join: adding the same note twice changes nothing). */
export function withTransitionNote(state: ExecutionState, note: TransitionNote): ExecutionState {
  const transitions = joinTransitions(state.transitions, [note]);
  return transitions === state.transitions
    ? state
    : { ...state, ...(transitions === undefined ? {} : { transitions }) };
}

/** Whether the state holds the note already. */
export function hasTransitionNote(state: ExecutionState, note: TransitionNote): boolean {
  const key = canonicalJson(note);
  return (state.transitions ?? []).some((held) => canonicalJson(held) === key);
}

function compareSeen(a: SeenEvent, b: SeenEvent): number {
  return (
    Math.sign(epochOf(a.time) - epochOf(b.time)) || compareText(a.time, b.time) || compareText(a.eventId, b.eventId)
  );
}

function smallerText(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareText(a, b) <= 0 ? a : b;
}

function larger(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/** The trigger that says more (a commit beats a bare trigger type), then a fixed order. */
function richerTrigger(a: Trigger | undefined, b: Trigger | undefined): Trigger | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const size = (trigger: Trigger) => Object.keys(trigger).length + Object.keys(trigger.commit ?? {}).length;
  return (Math.sign(size(a) - size(b)) || compareText(canonicalJson(a), canonicalJson(b))) >= 0 ? a : b;
}

/** The state with a run note (a join: the earlier note stays). */
export function withRunNote(state: ExecutionState, note: RunNote): ExecutionState {
  const runNote = earlierRun(state.runNote, note);
  return runNote === state.runNote ? state : { ...state, runNote };
}

/** The earlier run note (a run starts an execution once), then a fixed order. */
function earlierRun(a: RunNote | undefined, b: RunNote | undefined): RunNote | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return (compareText(a.time, b.time) || compareText(canonicalJson(a), canonicalJson(b))) <= 0 ? a : b;
}

/** The triage pack that says more (more parts, more log lines), then a fixed order: one read may have failed where another did not. */
function richerTriage(a: AlertTriage, b: AlertTriage): AlertTriage {
  const size = (triage: AlertTriage) =>
    Object.keys(triage).length * 1000 +
    Object.keys(triage.build ?? {}).length * 100 +
    (triage.build?.logLines.length ?? 0);
  return (Math.sign(size(a) - size(b)) || compareText(canonicalJson(a), canonicalJson(b))) >= 0 ? a : b;
}

/** The state with one more retry note (a join: adding the same note twice changes nothing). */
export function withRetryNote(state: ExecutionState, note: RetryNote): ExecutionState {
  const retries = joinRetries(state.retries, [note]);
  return retries === state.retries ? state : { ...state, ...(retries === undefined ? {} : { retries }) };
}
