// (local Slack) injected failures for tests: rate limits, Slack errors and HTTP 5xx on chosen methods, for a number of calls
/**
 * Injected failures for tests: rate limits, Slack errors and HTTP 5xx on chosen methods, each for a
 * number of calls. `method` is a Web API method name (`chat.postMessage`), `response_url` for POSTs
 * to response URLs, or `*` for everything. Faults apply before authentication and validation, as a
 * rate limiter or an outage in front of Slack would (except `lostAnswer`, which lets the call happen
 * and loses its answer); the call is still logged.
 */
export type Fault =
  | { kind: 'rateLimit'; retryAfterSeconds: number }
  | { kind: 'fail'; error: string }
  | { kind: 'serverError'; status: 500 | 503 }
  /** The call is carried out, then answered 504 as a gateway whose upstream timed out: the answer is lost, not the call. */
  | { kind: 'lostAnswer' };

interface Armed {
  method: string;
  remaining: number;
  fault: Fault;
}

export class SlackFaults {
  private armed: Armed[] = [];

  /** HTTP 429 with `Retry-After: <retryAfterSeconds>` and `{ok:false, error:'ratelimited'}`. */
  rateLimit(method: string, options: { times?: number; retryAfterSeconds?: number } = {}): void {
    this.arm(method, options.times ?? 1, { kind: 'rateLimit', retryAfterSeconds: options.retryAfterSeconds ?? 1 });
  }

  /** HTTP 200 with `{ok:false, error}`, e.g. `fail('chat.update', 'message_not_found')`. */
  fail(method: string, error: string, times = 1): void {
    this.arm(method, times, { kind: 'fail', error });
  }

  /** HTTP 500 (or 503) with a non-JSON body, as an outage in front of Slack answers. */
  serverError(method: string, times = 1, status: 500 | 503 = 500): void {
    this.arm(method, times, { kind: 'serverError', status });
  }

  /**
   * The call is carried out (a message is posted) but answered HTTP 504, as when Slack did the work
   * and the answer timed out on the way back: what a client that simply tries again posts twice.
   */
  lostAnswer(method: string, times = 1): void {
    this.arm(method, times, { kind: 'lostAnswer' });
  }

  clear(): void {
    this.armed = [];
  }

  /** Faults still armed (for a test that wants to check all were consumed). */
  pending(): { method: string; remaining: number; fault: Fault }[] {
    return this.armed.map((a) => ({ ...a }));
  }

  /** Consumes and returns the first armed fault for `method`, oldest first. */
  take(method: string): Fault | undefined {
    const index = this.armed.findIndex((a) => a.method === method || a.method === '*');
    const armed = this.armed[index];
    if (armed === undefined) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.armed.splice(index, 1);
    return armed.fault;
  }

  private arm(method: string, times: number, fault: Fault): void {
    if (!(times > 0)) throw new RangeError(`times must be positive, got ${times}`);
    this.armed.push({ method, remaining: times, fault });
  }
}
