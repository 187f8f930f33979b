// (local AWS) EventBridge faults on demand for tests: duplicate deliveries, held and reordered deliveries, failing targets
/**
 * Faults on demand, for the tests of the notify path, which must cope with what EventBridge
 * really does: deliver at least once (duplicates), in any order, and fail then retry.
 *
 *   eventBridge.faults.duplicate(2)                    every matched event reaches each target twice (a
 *                                                      forwarding bus target is not duplicated per hop)
 *   eventBridge.faults.holdDeliveries()                deliveries queue up instead of starting…
 *   eventBridge.faults.releaseDeliveries({ order: 'reverse' })   …and start in reverse (or shuffled) order
 *   eventBridge.faults.failTarget(arn, 3)              the next 3 attempts to that target fail, then it recovers
 *   eventBridge.faults.beforeNext('PutRule', run)      the next PutRule waits for `run` (another caller's
 *                                                      request landing first: a race, on demand)
 *   eventBridge.faults.reset()                         back to normal (held deliveries are released in order)
 *
 * Faults apply to deliveries created after the call (duplicate, hold) or attempts made after it
 * (failTarget). Injected failures go through the normal retry path (RetryPolicy, backoff on the
 * clock, dead letters), so "fails N times then succeeds" and "exhausts its retries" are both
 * reachable.
 */

export type ReleaseOrder = 'fifo' | 'reverse' | 'shuffle';

export interface ReleaseOptions {
  /** Default 'fifo'. */
  order?: ReleaseOrder;
  /** Seed for 'shuffle', so a failing shuffled test can be replayed. Default 1. */
  seed?: number;
}

/** What the faults need from the dispatcher. */
export interface HeldDeliveries {
  releaseHeld(order: ReleaseOrder, seed: number): number;
  readonly heldCount: number;
}

export class InjectedDeliveryError extends Error {
  constructor(arn: string) {
    super(`Injected delivery failure for ${arn} (faults.failTarget)`);
    this.name = 'InjectedDeliveryError';
  }
}

export class EventBridgeFaults {
  private copies = 1;
  private holding = false;
  private readonly failures = new Map<string, number>();
  private readonly before = new Map<string, () => Promise<unknown> | unknown>();

  constructor(private readonly held: HeldDeliveries) {}

  /** Deliver each matched event `times` times to each target (1 = normal). */
  duplicate(times: number): void {
    if (!Number.isInteger(times) || times < 1)
      throw new RangeError('faults.duplicate(times): times must be an integer ≥ 1');
    this.copies = times;
  }

  /** Queue new deliveries (first attempts) instead of starting them, until releaseDeliveries(). */
  holdDeliveries(): void {
    this.holding = true;
  }

  /** Stops holding and starts the held deliveries in the given order; returns how many were released. */
  releaseDeliveries(options: ReleaseOptions = {}): number {
    this.holding = false;
    return this.held.releaseHeld(options.order ?? 'fifo', options.seed ?? 1);
  }

  /** The next `times` delivery attempts to the target with this ARN fail; then it recovers. */
  failTarget(arn: string, times: number): void {
    if (!Number.isInteger(times) || times < 0)
      throw new RangeError('faults.failTarget(arn, times): times must be an integer ≥ 0');
    if (times === 0) this.failures.delete(arn);
    else this.failures.set(arn, times);
  }

  /**
   * The next request of `operation` (a control-plane call: `PutRule`, `DeleteRule`…) is handled only
   * after `run` has finished: what another caller did between this caller's read and its write.
   */
  beforeNext(operation: string, run: () => Promise<unknown> | unknown): void {
    this.before.set(operation, run);
  }

  /** Clears every fault; held deliveries are released in FIFO order. */
  reset(): void {
    this.copies = 1;
    this.failures.clear();
    this.before.clear();
    if (this.holding) this.releaseDeliveries();
  }

  /** How many deliveries are being held. */
  get heldCount(): number {
    return this.held.heldCount;
  }

  // Used by the dispatcher --------------------------------------------------------------------

  get duplicates(): number {
    return this.copies;
  }

  get isHolding(): boolean {
    return this.holding;
  }

  /** What must run before this request of `operation` (once), if a test asked for it. */
  takeBefore(operation: string): (() => Promise<unknown> | unknown) | undefined {
    const run = this.before.get(operation);
    this.before.delete(operation);
    return run;
  }

  /** Whether this attempt to `arn` must fail (and counts it down). */
  takeFailure(arn: string): boolean {
    const left = this.failures.get(arn);
    if (left === undefined) return false;
    if (left <= 1) this.failures.delete(arn);
    else this.failures.set(arn, left - 1);
    return true;
  }
}

/** Deterministic Fisher–Yates with mulberry32, so a shuffle is reproducible from its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
