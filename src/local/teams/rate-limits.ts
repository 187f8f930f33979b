// (local Teams) Teams' limits on a bot's sends: per thread (7 / 1 s, 8 / 2 s, 60 / 30 s, 1,800 / hour) and per app per tenant (50 / s) --> the wait a 429 asks for
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
 * Per app per tenant, across all its conversations: rate-limit.md, "The global limit per app per
 * tenant is 50 Requests Per Second (RPS)" (learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit,
 * as quoted by Microsoft's answers on Q&A 2022-05 and 2022-10 and in teams-notes.md, 2026-10; an
 * older revision of the page, msteams-docs commit 000c7b80, said 30).
 */
export const TEAMS_APP_LIMITS: readonly RateWindow[] = [{ windowMs: 1_000, limit: 50 }];

/** What the local Bot Connector enforces: both sets of windows must admit a send. */
export interface TeamsRateLimits {
  /** Per bot per conversation. */
  readonly perThread: readonly RateWindow[];
  /** Per bot (app) per tenant, whatever the conversation. */
  readonly perApp: readonly RateWindow[];
}

export const TEAMS_RATE_LIMITS: TeamsRateLimits = { perThread: TEAMS_THREAD_LIMITS, perApp: TEAMS_APP_LIMITS };

/**
 * Sliding windows per key: `admit` either records a request under every key named and returns
 * undefined, or records it under none and returns the seconds after which all of them would admit
 * it (at least 1: Retry-After counts whole seconds). Refused requests are not recorded, so a send
 * the app limit refuses does not use up its thread's budget.
 */
export class SlidingWindowLimiter {
  private readonly history = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  admit(wanted: readonly { readonly key: string; readonly windows: readonly RateWindow[] }[]): number | undefined {
    const now = this.now();
    let waitMs = 0;
    const kept = wanted.map(({ key, windows }) => {
      const longestMs = Math.max(0, ...windows.map((w) => w.windowMs));
      const times = (this.history.get(key) ?? []).filter((at) => at > now - longestMs);
      for (const { windowMs, limit } of windows) {
        const inWindow = times.filter((at) => at > now - windowMs);
        if (inWindow.length < limit) continue;
        // The request fits once enough of the window's oldest have left it.
        const leaving = inWindow[inWindow.length - limit] ?? now;
        waitMs = Math.max(waitMs, leaving + windowMs - now);
      }
      return { key, times };
    });
    for (const { key, times } of kept) {
      if (waitMs === 0) times.push(now);
      this.history.set(key, times);
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : undefined;
  }

  clear(): void {
    this.history.clear();
  }
}

/** The local Bot Connector's limiter: which windows a send counts against, and the Retry-After when one is full. */
export class TeamsRateLimiter {
  private readonly windows: SlidingWindowLimiter;

  constructor(
    private readonly limits: TeamsRateLimits,
    now: () => number,
  ) {
    this.windows = new SlidingWindowLimiter(now);
  }

  /** undefined: the send may go ahead; a number: answer 429 with this Retry-After (seconds). */
  admit(send: {
    readonly appId: string;
    readonly tenantId: string;
    readonly conversationId: string;
  }): number | undefined {
    return this.windows.admit([
      { key: `thread ${send.appId} ${send.conversationId}`, windows: this.limits.perThread },
      { key: `app ${send.appId} ${send.tenantId}`, windows: this.limits.perApp },
    ]);
  }

  clear(): void {
    this.windows.clear();
  }
}
