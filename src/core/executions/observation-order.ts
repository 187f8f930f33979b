// (core) which of two observations is newer: time, then attempt, then an ending over a start, then a fixed tiebreak
import { canonicalJson } from '../canonical-json';
import type { Observation, StatusRecord } from './execution-state';

/**
 * The total order that decides which of two observations of the same thing
 * (a stage, an action, the pipeline) is the newer. Because it is a total
 * order, keeping the larger of two is commutative, associative and idempotent,
 * which is what makes merging independent of arrival order and of duplicates.
 *
 * 1. Event time. The rule of the architecture: the newest state wins.
 * 2. `pipeline-execution-attempt`. EventBridge times have one-second
 *    resolution, and a retry (manual or automatic on failure) can resume a
 *    stage within the second it failed: the RESUMED of attempt 2 must beat the
 *    FAILED of attempt 1. An event without an attempt ranks below any attempt;
 *    in practice all events of one level of an execution either carry it or not.
 *    Time stays first: an action still running from attempt 1 may finish after
 *    attempt 2 began, and its later event must still count.
 * 3. State precedence: in the same second, an ending beats a start (a fast
 *    action STARTED and SUCCEEDED within one second is SUCCEEDED).
 * 4. Event id, then the whole record's canonical JSON: arbitrary but fixed,
 *    so that even malformed input (one id, two contents) merges the same way
 *    in any order.
 */
export function compareObservations<T extends Observation>(a: T, b: T, rank: (value: T) => number = () => 0): number {
  return (
    Math.sign(epochOf(a.time) - epochOf(b.time)) ||
    Math.sign((a.attempt ?? -1) - (b.attempt ?? -1)) ||
    Math.sign(rank(a) - rank(b)) ||
    compareText(a.eventId, b.eventId) ||
    compareText(canonicalJson(a), canonicalJson(b))
  );
}

/** The newer of two observations (either may be absent). */
export function newer<T extends Observation>(
  a: T | undefined,
  b: T | undefined,
  rank?: (value: T) => number,
): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareObservations(a, b, rank) >= 0 ? a : b;
}

/** The newer of two status records, with ties at the same time and attempt going to the more final state. */
export function newerStatus<T extends StatusRecord>(a: T | undefined, b: T | undefined): T | undefined {
  return newer(a, b, (record) => stateRank(record.state));
}

const IN_PROGRESS = 0;
const UNKNOWN = 1;
const ENDED = 2;

const STATE_RANK: Readonly<Record<string, number>> = {
  STARTED: IN_PROGRESS,
  RESUMED: IN_PROGRESS,
  STOPPING: UNKNOWN,
  SUCCEEDED: ENDED,
  FAILED: ENDED,
  CANCELED: ENDED,
  STOPPED: ENDED,
  SUPERSEDED: ENDED,
  ABANDONED: ENDED,
};

/** An undocumented state ranks between a start and an ending: it could be either. */
export function stateRank(state: string): number {
  return Object.hasOwn(STATE_RANK, state) ? (STATE_RANK[state] ?? UNKNOWN) : UNKNOWN;
}

/** The later of two ISO times by instant, the larger text on a tie; undefined loses. */
export function laterTime(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return (Math.sign(epochOf(a) - epochOf(b)) || compareText(a, b)) >= 0 ? a : b;
}

/** The earlier of two ISO times by instant, the smaller text on a tie; undefined loses. */
export function earlierTime(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return (Math.sign(epochOf(a) - epochOf(b)) || compareText(a, b)) <= 0 ? a : b;
}

/** Milliseconds since the epoch; an unreadable time sorts first rather than breaking the order with NaN. */
export function epochOf(time: string): number {
  const epoch = Date.parse(time);
  return Number.isNaN(epoch) ? Number.NEGATIVE_INFINITY : epoch;
}

/** Code-unit order, independent of locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
