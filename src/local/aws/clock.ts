// (local AWS) time of the local AWS: a real clock with a speed factor, or a manual one tests advance step by step
/**
 * Time for the local AWS. The pipeline simulator runs on it so that tests step a manual clock
 * and are deterministic, while `npm start` runs on real time with a speed factor.
 */
export interface Clock {
  now(): number;
  /** Runs `fn` after `ms` of simulated time; returns a cancel function. */
  schedule(ms: number, fn: () => void): () => void;
  /**
   * Runs `fn` once `now()` reaches `time` (an absolute time, as EventBridge Scheduler's `at()`);
   * returns a cancel function. On the real clock that is real time, whatever its speed.
   */
  scheduleAt(time: number, fn: () => void): () => void;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Real time, `speed` times faster (a 60-second build takes 6 s at speed 10). */
export class RealClock implements Clock {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly speed = 1) {}

  now(): number {
    return Date.now();
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, ms / this.speed),
    );
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  scheduleAt(time: number, fn: () => void): () => void {
    // setTimeout holds at most 2^31 - 1 ms (24.8 days): a later time waits in steps.
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const wait = Math.min(Math.max(0, time - Date.now()), MAX_TIMEOUT_MS);
      timer = setTimeout(() => {
        if (timer !== undefined) this.timers.delete(timer);
        if (Date.now() < time) arm();
        else fn();
      }, wait);
      this.timers.add(timer);
    };
    arm();
    return () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Cancels everything pending (on stop). */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when told: `advance(ms)` runs what falls due, in time order. */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private queue: Scheduled[] = [];

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(ms: number, fn: () => void): () => void {
    const item: Scheduled = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.queue.push(item);
    return () => {
      this.queue = this.queue.filter((q) => q !== item);
    };
  }

  scheduleAt(time: number, fn: () => void): () => void {
    return this.schedule(time - this.current, fn);
  }

  /** Moves time forward by `ms`, running each due callback at its own time. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (next === undefined || next.at > end) break;
      this.queue.shift();
      this.current = next.at;
      next.fn();
    }
    this.current = end;
  }

  /** Runs everything scheduled, including what the callbacks schedule, up to `limit` steps. */
  runAll(limit = 10_000): void {
    for (let i = 0; i < limit; i++) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue.shift();
      if (next === undefined) return;
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    throw new Error(`ManualClock.runAll: still busy after ${limit} steps`);
  }

  get pending(): number {
    return this.queue.length;
  }
}
