// (core) --transitions: the newest known outcome of a (channel, pipeline[, stage]) and an observed one --> record it? broken? fixed? (pure)
import { compareText, epochOf } from '../executions/observation-order';

/** The outcomes a `--transitions` subscription watches. */
export type OutcomeState = 'SUCCEEDED' | 'FAILED';

/** One pipeline-level (or stage-level) SUCCEEDED or FAILED event, as far as transitions need it. */
export interface ObservedOutcome {
  readonly state: OutcomeState;
  /** ISO 8601 time of the event. */
  readonly time: string;
  readonly executionId: string;
  /** `pipeline-execution-attempt`, when the event has one (a stage retried within its second). */
  readonly attempt?: number;
}

/** The flip an outcome made: SUCCEEDED→FAILED is `broken`, FAILED→SUCCEEDED is `fixed`. */
export type Flip = 'broken' | 'fixed';

/** What the store keeps per (channel, pipeline[, stage]): the newest outcome known, and what it flipped. */
export interface StoredOutcome extends ObservedOutcome {
  /** When the current run of this state began, as far as known (the time of the outcome that flipped to it). */
  readonly since: string;
  /** Set when this outcome flipped the state: the message it opens says so (and a retry finds it here). */
  readonly flip?: Flip;
  /** The outcome before the flip: its execution and since when it held, for the message. */
  readonly previous?: { readonly executionId: string; readonly since: string };
}

export type TransitionDecision =
  /** Older than the newest outcome known: judged against nothing, it changes nothing. */
  | { readonly kind: 'stale' }
  /** The outcome stored already (a duplicate, or a retry of a delivery that died): `stored` says whether it flipped. */
  | { readonly kind: 'repeat'; readonly stored: StoredOutcome }
  /** Newer than what is stored (or nothing is): store it; a `flip` opens a conversation. */
  | { readonly kind: 'record'; readonly stored: StoredOutcome };

/**
 * The order of outcomes: event time, then the execution attempt, then the execution id, then the
 * state, a total order, so "the newest outcome" is the same whatever the order of delivery.
 */
export function compareOutcomes(a: ObservedOutcome, b: ObservedOutcome): number {
  return (
    Math.sign(epochOf(a.time) - epochOf(b.time)) ||
    compareText(a.time, b.time) ||
    Math.sign((a.attempt ?? -1) - (b.attempt ?? -1)) ||
    compareText(a.executionId, b.executionId) ||
    compareText(a.state, b.state)
  );
}

/**
 * Judges an observed outcome against the newest one stored:
 * - the same outcome again → `repeat` (nothing new; a flip already recorded is delivered again, idempotently);
 * - an older one → `stale`: a transition is judged against the newest outcome known only, so a late
 *   event never makes a message say "fixed" while the pipeline is broken;
 * - a newer one → `record`, flipping when its state differs from the stored one's;
 * - with nothing stored, a FAILED counts as broken (a breakage is never missed), a SUCCEEDED is
 *   recorded silently (there was nothing to fix as far as pipewatch knows).
 */
export function judgeOutcome(current: StoredOutcome | undefined, observed: ObservedOutcome): TransitionDecision {
  if (current !== undefined) {
    const order = compareOutcomes(observed, current);
    if (order === 0) return { kind: 'repeat', stored: current };
    if (order < 0) return { kind: 'stale' };
  }
  const base = {
    state: observed.state,
    time: observed.time,
    executionId: observed.executionId,
    ...(observed.attempt === undefined ? {} : { attempt: observed.attempt }),
  };
  if (current === undefined) {
    return {
      kind: 'record',
      stored:
        observed.state === 'FAILED'
          ? { ...base, since: observed.time, flip: 'broken' }
          : { ...base, since: observed.time },
    };
  }
  if (current.state === observed.state) return { kind: 'record', stored: { ...base, since: current.since } };
  return {
    kind: 'record',
    stored: {
      ...base,
      since: observed.time,
      flip: observed.state === 'FAILED' ? 'broken' : 'fixed',
      previous: { executionId: current.executionId, since: current.since },
    },
  };
}
