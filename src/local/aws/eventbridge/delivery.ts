// (local AWS) matched event --> target (bus, registered Lambda, loopback URL), at least once, retries with backoff --> dead letters
import type { Clock } from '../clock';
import { ASYNC_RETRY_DELAYS_MS, type LambdaRegistry } from '../lambda-registry';
import { type EventBridgeFaults, InjectedDeliveryError, type ReleaseOrder, shuffled } from './faults';
import type { TargetSpec } from './state';

/**
 * Delivery of matched events to targets, asynchronously and at least once, as EventBridge does:
 *
 * - Target kinds: another bus (`arn:aws:events:…:event-bus/<name>`: the event is put on that bus
 *   unchanged, as a forwarding rule does), a Lambda function registered in the LambdaRegistry
 *   (called with the transformed input; a throw or rejection is a failed delivery), and — a local
 *   extension, real AWS would use an API destination — an `http://127.0.0.1…` or
 *   `http://localhost…` URL, which receives the transformed input as a JSON POST (non-2xx = failure).
 *   Any other ARN (SQS, SNS, …) is not emulated: its deliveries go straight to the dead letters.
 * - A Lambda target is invoked asynchronously, as AWS does: the delivery succeeds once Lambda has the
 *   event, and a function error is Lambda's to retry (two retries, a minute then two minutes later)
 *   and then to send to the function's on-failure destination (LambdaRegistry.failures).
 * - A failed delivery is retried per the target's RetryPolicy (defaults as AWS: 185 retries within
 *   86,400 s) with exponential backoff on the injected clock (100 ms · 2^n, capped at 5 s, so
 *   `npm start` retries quickly and tests step a ManualClock). When the retries or the event's age
 *   are exhausted the delivery becomes a DeadLetter (with the target's DeadLetterConfig ARN).
 * - Nothing here ever rejects into the void: every attempt's promise is caught and recorded.
 */

export interface DeliveryJob {
  readonly event: Record<string, unknown>;
  readonly eventId: string;
  readonly busName: string;
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly target: TargetSpec;
  /** The transformed input text. */
  readonly input: string;
  /** Clock time the bus received the event (MaximumEventAgeInSeconds counts from it). */
  readonly receivedAt: number;
  /** How many buses the event has crossed (forwarding loops are cut at MAX_HOPS). */
  readonly hops: number;
  attempts: number;
  /** Runs of a Lambda target's function (1 + Lambda's own retries), once EventBridge handed the event over. */
  functionRuns?: number;
}

export interface DeadLetter {
  eventId: string;
  busName: string;
  ruleName: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  /** The target's DeadLetterConfig.Arn (where AWS would send it), if it has one. */
  deadLetterArn: string | undefined;
  input: string;
  event: Record<string, unknown>;
  error: string;
  attempts: number;
  /** Clock time, ISO 8601. */
  at: string;
}

export interface DeliveryRecord {
  eventId: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  attempt: number;
  ok: boolean;
  error?: string;
  input: string;
}

export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;
const BASE_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;
const LOG_LIMIT = 10_000;
const HTTP_TIMEOUT_MS = 10_000;
/** close() waits this long for running attempts (a Lambda that never settles must not hang `stop()`). */
const CLOSE_GRACE_MS = 5_000;
/** A rule that forwards a bus's events back to itself would loop forever; the local bus stops after this. */
export const MAX_HOPS = 8;

/** Not worth retrying: retries cannot change the outcome (a forwarding loop, a bus policy that refuses the sender). */
export class PermanentDeliveryError extends Error {}

export interface DispatcherOptions {
  clock: Clock;
  lambdas: LambdaRegistry;
  faults: () => EventBridgeFaults;
  /**
   * Puts an event on a bus (forwarding target), of this place or another; throws if the bus does
   * not exist, a PermanentDeliveryError if its policy refuses the sender.
   */
  forward: (event: Record<string, unknown>, busArn: string, hops: number) => void;
  isBusArn: (arn: string) => boolean;
}

export class DeliveryDispatcher {
  readonly deadLetters: DeadLetter[] = [];
  readonly log: DeliveryRecord[] = [];
  private readonly held: DeliveryJob[] = [];
  private readonly retries = new Map<DeliveryJob, () => void>();
  private running = 0;
  private closed = false;
  private waiters: { idle: boolean; resolve: () => void }[] = [];

  constructor(private readonly options: DispatcherOptions) {}

  get heldCount(): number {
    return this.held.length;
  }

  get pendingRetries(): number {
    return this.retries.size;
  }

  get inFlight(): number {
    return this.running;
  }

  /** Queues a first attempt (held while the faults say so). */
  enqueue(job: DeliveryJob): void {
    if (this.closed) return;
    if (this.options.faults().isHolding) this.held.push(job);
    else this.start(job);
  }

  releaseHeld(order: ReleaseOrder, seed: number): number {
    const jobs = this.held.splice(0);
    const ordered = order === 'reverse' ? jobs.reverse() : order === 'shuffle' ? shuffled(jobs, seed) : jobs;
    for (const job of ordered) this.start(job);
    this.notify();
    return ordered.length;
  }

  /** Resolves when no attempt is running, scheduled for retry or held. */
  idle(): Promise<void> {
    return this.wait(true);
  }

  /** Resolves when no attempt is running (retries may still wait on the clock, deliveries may be held). */
  settled(): Promise<void> {
    return this.wait(false);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const cancel of this.retries.values()) cancel();
    this.retries.clear();
    this.held.length = 0;
    this.notify();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
      timer.unref();
    });
    await Promise.race([this.settled(), grace]);
    clearTimeout(timer);
  }

  private wait(idle: boolean): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ idle, resolve });
      this.notify();
    });
  }

  private notify(): void {
    if (this.running > 0) return;
    const quiet = this.retries.size === 0 && this.held.length === 0;
    const ready = this.waiters.filter((w) => !w.idle || quiet);
    this.waiters = this.waiters.filter((w) => w.idle && !quiet);
    for (const waiter of ready) waiter.resolve();
  }

  private start(job: DeliveryJob): void {
    this.running++;
    // The attempt starts on a later tick: PutEvents answers before any target runs, as in AWS.
    void Promise.resolve()
      .then(() => this.attempt(job))
      .catch((error: unknown) => {
        // attempt() handles its own failures; this only guards against a bug in that handling.
        console.error('[local-aws] eventbridge delivery bug', error);
      })
      .finally(() => {
        this.running--;
        this.notify();
      });
  }

  private async attempt(job: DeliveryJob): Promise<void> {
    job.attempts++;
    try {
      await this.invoke(job);
      this.record(job, true);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.record(job, false, message);
      this.retryOrDeadLetter(job, error, message);
    }
  }

  private async invoke(job: DeliveryJob): Promise<void> {
    const arn = job.target.Arn;
    if (this.options.faults().takeFailure(arn)) throw new InjectedDeliveryError(arn);
    if (this.options.isBusArn(arn)) {
      if (job.hops + 1 >= MAX_HOPS)
        throw new PermanentDeliveryError(`Forwarding loop: event crossed ${MAX_HOPS} buses`);
      this.options.forward(job.event, arn, job.hops + 1);
      return;
    }
    if (isLocalHttpTarget(arn)) {
      const response = await fetch(arn, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: job.input,
        // A hung endpoint must not hold the delivery (and close()) forever.
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP target answered ${response.status}`);
      return;
    }
    if (/^arn:aws[\w-]*:lambda:/.test(arn)) {
      const fn = this.options.lambdas.get(arn);
      if (fn === undefined) throw new Error(`Function not found: ${arn}`);
      // Lambda accepted the event: EventBridge's delivery is done; the function's errors are Lambda's.
      await this.runFunction(job, fn);
      return;
    }
    throw new PermanentDeliveryError(`Target type not emulated by the local EventBridge: ${arn}`);
  }

  /**
   * One run of a Lambda target's function, as Lambda runs an asynchronous invocation: an error is
   * retried by Lambda (not by EventBridge) after one minute, then two, on the clock, within the
   * function's event age; then the invocation goes to its on-failure destination.
   */
  private async runFunction(job: DeliveryJob, fn: (event: unknown) => Promise<unknown>): Promise<void> {
    job.functionRuns = (job.functionRuns ?? 0) + 1;
    try {
      await fn(parseInput(job.input));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const config = this.options.lambdas.config(job.target.Arn);
      const retries = job.functionRuns - 1;
      const delay: number = ASYNC_RETRY_DELAYS_MS[Math.min(retries, ASYNC_RETRY_DELAYS_MS.length - 1)] ?? 120_000;
      const tooOld = this.options.clock.now() + delay - job.receivedAt > config.maximumEventAgeSeconds * 1000;
      if (this.closed || retries >= config.maximumRetryAttempts || tooOld) {
        this.options.lambdas.fail({
          functionArn: job.target.Arn,
          destination: config.onFailure,
          payload: parseInput(job.input),
          error: message,
          attempts: job.functionRuns,
          condition: tooOld && retries < config.maximumRetryAttempts ? 'EventAgeExceeded' : 'RetriesExhausted',
          at: new Date(this.options.clock.now()).toISOString(),
        });
        return;
      }
      const cancel = this.options.clock.schedule(delay, () => {
        this.retries.delete(job);
        if (this.closed) return;
        this.running++;
        void this.runFunction(job, fn).finally(() => {
          this.running--;
          this.notify();
        });
      });
      this.retries.set(job, cancel);
    }
  }

  private retryOrDeadLetter(job: DeliveryJob, error: unknown, message: string): void {
    const policy = job.target.RetryPolicy;
    const maxRetries = policy?.MaximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
    const maxAgeMs = (policy?.MaximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    const delay = Math.min(BASE_BACKOFF_MS * 2 ** (job.attempts - 1), MAX_BACKOFF_MS);
    const age = this.options.clock.now() + delay - job.receivedAt;
    if (this.closed || error instanceof PermanentDeliveryError || job.attempts > maxRetries || age > maxAgeMs) {
      this.deadLetters.push({
        eventId: job.eventId,
        busName: job.busName,
        ruleName: job.ruleName,
        ruleArn: job.ruleArn,
        targetId: job.target.Id,
        targetArn: job.target.Arn,
        deadLetterArn: job.target.DeadLetterConfig?.Arn,
        input: job.input,
        event: job.event,
        error: message,
        attempts: job.attempts,
        at: new Date(this.options.clock.now()).toISOString(),
      });
      return;
    }
    const cancel = this.options.clock.schedule(delay, () => {
      this.retries.delete(job);
      if (!this.closed) this.start(job);
      this.notify();
    });
    this.retries.set(job, cancel);
  }

  private record(job: DeliveryJob, ok: boolean, error?: string): void {
    if (this.log.length >= LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT + 1);
    this.log.push({
      eventId: job.eventId,
      ruleArn: job.ruleArn,
      targetId: job.target.Id,
      targetArn: job.target.Arn,
      attempt: job.attempts,
      ok,
      ...(error === undefined ? {} : { error }),
      input: job.input,
    });
  }
}

/** The local extension: a loopback HTTP URL as a target. */
export function isLocalHttpTarget(arn: string): boolean {
  return /^http:\/\/(127\.0\.0\.1|localhost)([:/]|$)/.test(arn);
}

/** Lambda receives the input as parsed JSON; a transformer's plain-text output arrives as a string. */
function parseInput(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}
