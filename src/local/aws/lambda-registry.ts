// (local AWS) Lambda functions registered in-process by ARN, invoked asynchronously as Lambda does: retries, event age, on-failure destination
/**
 * Lambda functions of the local AWS, registered in-process by ARN. A rule target whose ARN is
 * registered here is invoked as Lambda invokes a function for EventBridge: asynchronously. The
 * local EventBridge hands the event over (that is its delivery); a function that then throws is
 * Lambda's to retry (MaximumRetryAttempts, 2 by default, one minute then two minutes later, on the
 * clock), within MaximumEventAgeInSeconds (6 hours by default), and then the invocation goes to the
 * function's on-failure destination (`failures`, with the destination's ARN), never into the void.
 */
import { randomUUID } from 'node:crypto';

export type LocalLambda = (event: unknown) => Promise<unknown>;

/** The function's EventInvokeConfig (serverless.yml: maximumRetryAttempts, maximumEventAge, destinations.onFailure). */
export interface AsyncInvokeConfig {
  /** 0–2. */
  readonly maximumRetryAttempts?: number;
  /** 60–21,600. */
  readonly maximumEventAgeSeconds?: number;
  /** The on-failure destination's ARN (an SQS queue in pipewatch's case). */
  readonly onFailure?: string;
}

/** An asynchronous invocation that failed for good: what Lambda sends to the on-failure destination. */
export interface FailedInvocation {
  readonly functionArn: string;
  /** The destination's ARN (undefined: the function has none, and Lambda discards the event). */
  readonly destination: string | undefined;
  /** The invocation's payload (requestPayload): what `pipewatch redrive` invokes the function with again. */
  readonly payload: unknown;
  readonly error: string;
  /** 1 + the retries made. */
  readonly attempts: number;
  /** `RetriesExhausted` or `EventAgeExceeded`, as Lambda's destination records say. */
  readonly condition: 'RetriesExhausted' | 'EventAgeExceeded';
  /** Clock time, ISO 8601. */
  readonly at: string;
}

export const DEFAULT_ASYNC_RETRY_ATTEMPTS = 2;
export const DEFAULT_ASYNC_EVENT_AGE_SECONDS = 21_600;
/** Lambda's documented pauses before its first and second retries. */
export const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000] as const;

export class LambdaRegistry {
  private readonly functions = new Map<string, { fn: LocalLambda; config: AsyncInvokeConfig }>();
  /** Invocations that failed for good, oldest first: the on-failure destinations' content. */
  readonly failures: FailedInvocation[] = [];
  /** Where a destination's record goes too (the local SQS queue with that ARN); set by the local AWS. */
  destinationSink: ((destination: string, record: string) => void) | undefined;

  register(arn: string, fn: LocalLambda, config: AsyncInvokeConfig = {}): void {
    this.functions.set(arn, { fn, config });
  }

  unregister(arn: string): void {
    this.functions.delete(arn);
  }

  get(arn: string): LocalLambda | undefined {
    return this.entry(arn)?.fn;
  }

  /** The function's asynchronous invocation settings, with Lambda's defaults. */
  config(arn: string): Required<Omit<AsyncInvokeConfig, 'onFailure'>> & Pick<AsyncInvokeConfig, 'onFailure'> {
    const config = this.entry(arn)?.config ?? {};
    return {
      maximumRetryAttempts: config.maximumRetryAttempts ?? DEFAULT_ASYNC_RETRY_ATTEMPTS,
      maximumEventAgeSeconds: config.maximumEventAgeSeconds ?? DEFAULT_ASYNC_EVENT_AGE_SECONDS,
      ...(config.onFailure === undefined ? {} : { onFailure: config.onFailure }),
    };
  }

  /**
   * An invocation failed for good: kept in `failures`, and sent to its on-failure destination as
   * Lambda's destination record (`requestPayload` is what `pipewatch redrive` invokes again).
   */
  fail(failure: FailedInvocation): void {
    this.failures.push(failure);
    if (failure.destination === undefined || this.destinationSink === undefined) return;
    this.destinationSink(
      failure.destination,
      JSON.stringify({
        version: '1.0',
        timestamp: failure.at,
        requestContext: {
          requestId: randomUUID(),
          functionArn: `${failure.functionArn}:$LATEST`,
          condition: failure.condition,
          approximateInvokeCount: failure.attempts,
        },
        requestPayload: failure.payload,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: 'Error', errorMessage: failure.error },
      }),
    );
  }

  /** The function registered under this ARN, or under an ARN whose name is this (`pipewatch-local-notify`). */
  resolve(nameOrArn: string): { readonly arn: string; readonly fn: LocalLambda } | undefined {
    const direct = this.entry(nameOrArn);
    if (direct !== undefined) return { arn: nameOrArn, fn: direct.fn };
    for (const [arn, entry] of this.functions) if (arn.endsWith(`:function:${nameOrArn}`)) return { arn, fn: entry.fn };
    return undefined;
  }

  /** Takes the failed invocations sent to `destination` (as a redrive reads the queue empty). */
  drain(destination: string): FailedInvocation[] {
    const taken = this.failures.filter((failure) => failure.destination === destination);
    const kept = this.failures.filter((failure) => failure.destination !== destination);
    this.failures.splice(0, this.failures.length, ...kept);
    return taken;
  }

  private entry(arn: string) {
    // A qualified ARN (`…:function:name:alias`) reaches the same function.
    return this.functions.get(arn) ?? this.functions.get(arn.split(':').slice(0, 7).join(':'));
  }
}
