// (local Slack) Slack's Web API rate limits: chat.postMessage per channel and per workspace, the other methods' tiers --> the Retry-After of a 429
/** A token bucket: `burst` calls at once, then `perSecond` on average. */
export interface TokenBucketRate {
  readonly burst: number;
  readonly perSecond: number;
}

/**
 * The limits the local Slack enforces, per app (one bot token) and workspace
 * (docs.slack.dev/apis/web-api/rate-limits; /work/shared/reference/slack-limits.md).
 */
export interface SlackRateLimits {
  /** chat.postMessage per channel: Slack's "1 per second … short bursts >1 allowed". */
  readonly postPerChannel: TokenBucketRate;
  /** chat.postMessage over the whole workspace: "several hundred messages per minute". */
  readonly postPerWorkspace: TokenBucketRate;
  /** Every other method: calls per minute per workspace (its tier); a method not named is not limited. */
  readonly tiers: Readonly<Record<string, number>>;
}

/** Slack's tiers, in calls per minute ("Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min"). */
export const SLACK_TIER = { tier2: 20, tier3: 50, tier4: 100 } as const;

/**
 * The defaults, from Slack's documentation:
 * - chat.postMessage, per channel: 1 per second with a burst of 5. Slack documents "1 per second" and
 *   "short bursts >1 allowed" without a number; 5 is a short burst that still lets a failure alert
 *   and its thread reply through together with a few more messages.
 * - chat.postMessage, per workspace: 600 per minute (10 per second), "several hundred messages per
 *   minute" read at its upper end, with a burst of 100 ("generous burst behavior").
 * - The tiers of the methods pipewatch calls, as their reference pages list them: chat.update,
 *   conversations.history, conversations.replies, conversations.info Tier 3; chat.getPermalink,
 *   chat.postEphemeral, users.info, views.open, views.update, auth.test Tier 4; usergroups.users.list Tier 2.
 *   A tier's figure is a minute's allowance, all of it usable at once (Slack: "bursts" within a tier).
 */
export const SLACK_RATE_LIMITS: SlackRateLimits = {
  postPerChannel: { burst: 5, perSecond: 1 },
  postPerWorkspace: { burst: 100, perSecond: 10 },
  tiers: {
    'chat.update': SLACK_TIER.tier3,
    'conversations.history': SLACK_TIER.tier3,
    'conversations.replies': SLACK_TIER.tier3,
    'conversations.info': SLACK_TIER.tier3,
    'chat.getPermalink': SLACK_TIER.tier4,
    'chat.postEphemeral': SLACK_TIER.tier4,
    'users.info': SLACK_TIER.tier4,
    'views.open': SLACK_TIER.tier4,
    'views.update': SLACK_TIER.tier4,
    'auth.test': SLACK_TIER.tier4,
    'usergroups.users.list': SLACK_TIER.tier2,
  },
};

/**
 * Token buckets by key. `take` either spends a token from every bucket named and returns undefined,
 * or spends none and returns the whole seconds after which all of them hold one (at least 1, as a
 * Retry-After header counts).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number) {}

  take(wanted: readonly { readonly key: string; readonly rate: TokenBucketRate }[]): number | undefined {
    const now = this.now();
    let waitMs = 0;
    const filled = wanted.map(({ key, rate }) => {
      const bucket = this.buckets.get(key);
      const tokens =
        bucket === undefined
          ? rate.burst
          : Math.min(rate.burst, bucket.tokens + ((now - bucket.at) / 1000) * rate.perSecond);
      if (tokens < 1) waitMs = Math.max(waitMs, ((1 - tokens) / rate.perSecond) * 1000);
      return { key, tokens };
    });
    for (const { key, tokens } of filled) {
      this.buckets.set(key, { tokens: waitMs > 0 ? tokens : tokens - 1, at: now });
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : undefined;
  }

  clear(): void {
    this.buckets.clear();
  }
}

/** The local Slack's limiter: which buckets a call spends, and the Retry-After when one is empty. */
export class SlackRateLimiter {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly limits: SlackRateLimits,
    now: () => number,
  ) {
    this.buckets = new TokenBuckets(now);
  }

  /** undefined: the call may go ahead; a number: answer 429 with this Retry-After (seconds). */
  admit(method: string, args: Readonly<Record<string, unknown>>): number | undefined {
    if (method === 'chat.postMessage') {
      const channel = typeof args.channel === 'string' ? args.channel : '';
      return this.buckets.take([
        { key: `post ${channel}`, rate: this.limits.postPerChannel },
        { key: 'post', rate: this.limits.postPerWorkspace },
      ]);
    }
    const perMinute = this.limits.tiers[method];
    if (perMinute === undefined) return undefined;
    return this.buckets.take([{ key: method, rate: { burst: perMinute, perSecond: perMinute / 60 } }]);
  }

  clear(): void {
    this.buckets.clear();
  }
}
