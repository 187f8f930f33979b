// (Slack adapter) the RequestReplays port: each signed Slack request (its timestamp and signature) is accepted once within the signature window
/**
 * Remembers every accepted Slack request by its signature for as long as the signature itself is
 * accepted (|now − timestamp| ≤ SIGNATURE_WINDOW_SECONDS), so that a captured request sent again
 * (a replayed Retry click, a replayed `unsubscribe all`) is refused even after the click claim's
 * 60 s have passed. The signature is an HMAC of the timestamp and the raw body, so it names the
 * request exactly.
 */
export interface RequestReplays {
  /**
   * True the first time a signature is seen (and records it until its timestamp leaves the
   * signature window), false every later time. A failure throws: the caller refuses the request.
   */
  firstUse(signature: string, timestampSeconds: number): Promise<boolean>;
}

/** Slack: a request whose timestamp is more than five minutes from local time is refused (a replay). */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** Kept a little past the window, so that clocks a few seconds apart (two Lambda containers) agree. */
export const REPLAY_MARGIN_SECONDS = 60;

/** How long after its timestamp a request is remembered. */
export const REPLAY_KEEP_SECONDS = SIGNATURE_WINDOW_SECONDS + REPLAY_MARGIN_SECONDS;

/**
 * In one process's memory: the default of the Lambda handler when it is given no store (one
 * container's requests only), and the store of tests that need no AWS. The deployed function
 * uses the DynamoDB one (src/aws/dynamodb-request-replays.ts), shared by every container.
 */
export class InMemoryRequestReplays implements RequestReplays {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async firstUse(signature: string, timestampSeconds: number): Promise<boolean> {
    const nowSeconds = Math.floor(this.now() / 1000);
    for (const [key, expiry] of this.expiries) if (expiry < nowSeconds) this.expiries.delete(key);
    if (this.expiries.has(signature)) return false;
    this.expiries.set(signature, timestampSeconds + REPLAY_KEEP_SECONDS);
    return true;
  }

  /** How many signatures are remembered (for tests). */
  get size(): number {
    return this.expiries.size;
  }
}
