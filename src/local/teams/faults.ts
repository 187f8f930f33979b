// (local Teams) injected failures for tests: throttling, refusals and outages of the local Bot Connector and identity, for a number of calls
/**
 * What a fault applies to: the Bot Connector's `post` (a root message), `reply` (a thread reply),
 * `update` (PUT of an activity), the identity's `token` endpoint, or `*` for everything of the
 * server it is armed on.
 */
export type FaultOperation = 'post' | 'reply' | 'update' | 'token' | '*';

/** The statuses Teams documents a sender must expect (rate-limit.md: retry 412, 429, 502, 503, 504). */
export type FaultStatus = 403 | 412 | 429 | 500 | 502 | 503 | 504;

export interface Fault {
  readonly status: FaultStatus;
  /** The error code of the JSON body; a default per status when not given. */
  readonly code?: string;
  /** Sent as `Retry-After` (always on 429: 1 s unless given). */
  readonly retryAfterSeconds?: number;
}

interface Armed {
  readonly operation: FaultOperation;
  remaining: number;
  readonly fault: Fault;
}

/**
 * Injected failures for tests, each for a number of calls, oldest first. Faults apply before
 * authentication and validation, as a throttler or an outage in front of the service would; the
 * call is still logged. `*` arms every operation of the server holding this object.
 */
export class TeamsFaults {
  private armed: Armed[] = [];

  /** HTTP 429 with `Retry-After: <retryAfterSeconds>` (1 unless given). */
  rateLimit(operation: FaultOperation, options: { times?: number; retryAfterSeconds?: number } = {}): void {
    this.arm(operation, options.times ?? 1, { status: 429, retryAfterSeconds: options.retryAfterSeconds ?? 1 });
  }

  /**
   * Any of the statuses Teams answers with: e.g. `fail('update', 412)`, `fail('post', 403, {code:
   * 'BotNotInConversationRoster'})`, `fail('*', 503, {times: 3})`.
   */
  fail(
    operation: FaultOperation,
    status: FaultStatus,
    options: { times?: number; code?: string; retryAfterSeconds?: number } = {},
  ): void {
    const retryAfterSeconds = options.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
    this.arm(operation, options.times ?? 1, {
      status,
      ...(options.code === undefined ? {} : { code: options.code }),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }

  clear(): void {
    this.armed = [];
  }

  /** Faults still armed (for a test that wants to check all were consumed). */
  pending(): { operation: FaultOperation; remaining: number; fault: Fault }[] {
    return this.armed.map((a) => ({ ...a }));
  }

  /** Consumes and returns the first armed fault for `operation`, oldest first. */
  take(operation: Exclude<FaultOperation, '*'>): Fault | undefined {
    const index = this.armed.findIndex((a) => a.operation === operation || a.operation === '*');
    const armed = this.armed[index];
    if (armed === undefined) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.armed.splice(index, 1);
    return armed.fault;
  }

  private arm(operation: FaultOperation, times: number, fault: Fault): void {
    if (!(times > 0)) throw new RangeError(`times must be positive, got ${times}`);
    this.armed.push({ operation, remaining: times, fault });
  }
}

/** The error code a fault's JSON body carries when the test gave none. */
export function defaultFaultCode(status: FaultStatus): string {
  switch (status) {
    case 403:
      return 'Forbidden';
    case 412:
      return 'PreconditionFailed';
    case 429:
      return 'Throttled';
    case 500:
      return 'InternalServerError';
    case 502:
      return 'BadGateway';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'GatewayTimeout';
  }
}
