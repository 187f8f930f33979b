// (adapter configuration) timeouts, attempts and region shared by every AWS client pipewatch builds

/**
 * Settings shared by every SDK client (src/aws/clients.ts). What is deliberately *not* here:
 * - `endpoint`: the SDK reads AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) itself, which is how
 *   `pipewatch local` points the unchanged handlers at the local AWS.
 * - credentials: the Lambda role's, from the environment, through the SDK's default chain.
 * - keep-alive: the SDK's Node handler reuses connections; in a warm Lambda each TLS handshake
 *   costs tens of milliseconds.
 */
export interface AwsClientSettings {
  /** Default: AWS_REGION (set by Lambda), then AWS_DEFAULT_REGION, then the SDK's own lookup. */
  readonly region?: string;
  /**
   * Total tries per call, including the first. 3 (the SDK's standard) rides out throttling of the
   * 50-TPS EventBridge control plane and transient 5xx without stretching a Slack-facing handler
   * far past its 3-second answer window.
   */
  readonly maxAttempts?: number;
  /** Milliseconds to establish a connection; fail fast instead of hanging a Lambda. */
  readonly connectionTimeout?: number;
  /** Milliseconds of socket inactivity before a call is abandoned (and retried). */
  readonly requestTimeout?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The region the environment names: AWS_REGION (set by Lambda), then AWS_DEFAULT_REGION; empty is unset. */
export function environmentRegion(env: NodeJS.ProcessEnv): string | undefined {
  return nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
}

/** An environment variable's value, with empty meaning unset (as the SDK reads them). */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
