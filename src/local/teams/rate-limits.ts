// (local Teams) Teams' per-thread limits on a bot's sends (7 / 1 s, 8 / 2 s, 60 / 30 s, 1,800 / hour) --> the wait a 429 asks for
/** At most `limit` requests in any `windowMs`. */
export interface RateWindow {
  readonly windowMs: number;
  readonly limit: number;
}

/**
 * Per bot per thread, as rate-limit.md documents them (teams-notes.md, "Size and rate limits"):
 * 7 in 1 s, 8 in 2 s, 60 in 30 s, 1,800 in an hour. A "thread" there is the conversation (a channel
 * or chat), so root posts, replies and updates in it all count.
 */
export const TEAMS_THREAD_LIMITS: readonly RateWindow[] = [
  { windowMs: 1_000, limit: 7 },
  { windowMs: 2_000, limit: 8 },
  { windowMs: 30_000, limit: 60 },
  { windowMs: 3_600_000, limit: 1_800 },
];

/**
 * Sliding windows per key (a conversation): `admit` either records a request and returns undefined,
 * or refuses it and returns the seconds after which it would be admitted (at least 1: Retry-After
 * counts whole seconds). Refused requests are not recorded.
 */
export class SlidingWindowLimiter {
  private readonly history = new Map<string, number[]>();
  private readonly longestMs: number;

  constructor(
    private readonly windows: readonly RateWindow[],
    private readonly now: () => number,
  ) {
    this.longestMs = Math.max(0, ...windows.map((w) => w.windowMs));
  }

  admit(key: string): number | undefined {
    const now = this.now();
    const times = (this.history.get(key) ?? []).filter((at) => at > now - this.longestMs);
    let waitMs = 0;
    for (const { windowMs, limit } of this.windows) {
      const inWindow = times.filter((at) => at > now - windowMs);
      if (inWindow.length < limit) continue;
      // The request fits once enough of the window's oldest have left it.
      const leaving = inWindow[inWindow.length - limit] ?? now;
      waitMs = Math.max(waitMs, leaving + windowMs - now);
    }
    if (waitMs > 0) {
      this.history.set(key, times);
      return Math.max(1, Math.ceil(waitMs / 1000));
    }
    times.push(now);
    this.history.set(key, times);
    return undefined;
  }

  clear(): void {
    this.history.clear();
  }
}
