// (local mode) the redrive function on the local AWS's clock: every five minutes, as RedriveSchedule invokes it in AWS
import { REDRIVE_INTERVAL_MS, type RedriveApp, type ScheduledRedriveOutcome } from '../../app/redrive-app';
import type { Log } from '../../core/ports';
import type { Clock } from '../aws';

/** How many runs' outcomes are kept (tests and the curious read them). */
const KEPT_RUNS = 100;

export interface ScheduledRedrive {
  /** What the latest runs did, oldest first. */
  readonly runs: readonly ScheduledRedriveOutcome[];
  /** Resolves once no run is under way (a run's replays go through the local AWS over HTTP). */
  settled(): Promise<void>;
  stop(): void;
}

/**
 * Runs the redrive app every REDRIVE_INTERVAL_MS of the clock: real time (times the local AWS's
 * speed) under `npm start`, a ManualClock's steps in tests. A tick that comes while a run is still
 * under way is skipped, as in AWS, where the function's timeout is shorter than the interval.
 */
export function scheduleRedrive(app: RedriveApp, clock: Clock, log: Log): ScheduledRedrive {
  const runs: ScheduledRedriveOutcome[] = [];
  let running: Promise<void> | undefined;
  let stopped = false;
  let cancel = () => {};
  const tick = () => {
    if (stopped) return;
    cancel = clock.schedule(REDRIVE_INTERVAL_MS, tick);
    if (running !== undefined) return;
    running = app()
      .then(
        (outcome) => {
          runs.push(outcome);
          if (runs.length > KEPT_RUNS) runs.shift();
        },
        (error: unknown) => log.error('the scheduled redrive failed', { error }),
      )
      .finally(() => {
        running = undefined;
      });
  };
  cancel = clock.schedule(REDRIVE_INTERVAL_MS, tick);
  return {
    runs,
    async settled() {
      while (running !== undefined) await running;
    },
    stop() {
      stopped = true;
      cancel();
    },
  };
}
