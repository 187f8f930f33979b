// (adapter wiring) an SDK client's configuration again, for another region and (another account's) credentials
import type { TemporaryCredentialsProvider } from './member-role';

/** The resolved configuration fields every SDK v3 client has and pipewatch carries over. */
interface ResolvedClientConfig {
  readonly credentials: unknown;
  readonly maxAttempts: unknown;
  readonly retryMode: unknown;
  readonly requestHandler: unknown;
  readonly cacheMiddleware?: boolean;
  readonly isCustomEndpoint?: boolean;
  readonly endpoint?: unknown;
}

/**
 * A client's configuration for `region`, with its retries, timeouts (its request handler, so its
 * sockets too), middleware caching and custom endpoint (the local AWS); its credentials, or `credentials` (another
 * account's member role). For `new XClient(configLike(client, …))` of the same service.
 */
export function configLike(
  client: { readonly config: ResolvedClientConfig },
  region: string,
  credentials?: TemporaryCredentialsProvider,
  // biome-ignore lint/suspicious/noExplicitAny: each client's constructor takes its own config type; these fields are common to all.
): any {
  const config = client.config;
  return {
    region,
    credentials: credentials ?? config.credentials,
    maxAttempts: config.maxAttempts,
    retryMode: config.retryMode,
    requestHandler: config.requestHandler,
    ...(config.cacheMiddleware === undefined ? {} : { cacheMiddleware: config.cacheMiddleware }),
    ...(config.isCustomEndpoint && config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
  };
}
