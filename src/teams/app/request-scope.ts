// (teams) what one request carries past the Teams SDK: its token's expiry for the replay check, and a refusal a listener decided on
import { AsyncLocalStorage } from 'node:async_hooks';

/** A refusal decided after the SDK's JWT check: the HTTP status the request gets, whatever the SDK answered. */
export interface ScopedRefusal {
  readonly status: 401 | 403 | 503;
  /** For the log and the tests: `replay`, `foreign-card`… */
  readonly reason: string;
}

export interface RequestScope {
  /** The `exp` of the bearer token (read without checking; trusted once the SDK validated the token). */
  readonly tokenExpiresAt: number | undefined;
  refusal?: ScopedRefusal;
}

/**
 * The request being handled: the Lambda handler runs the SDK's route inside `run`, so middleware
 * and listeners (which the SDK calls with the activity alone) reach it. AsyncLocalStorage keeps
 * concurrent requests (a double click) apart.
 */
export const requestScope = new AsyncLocalStorage<RequestScope>();

/** Answers the current request with `status` once the SDK is done (nothing is sent besides). */
export function refuseRequest(refusal: ScopedRefusal): void {
  const scope = requestScope.getStore();
  if (scope !== undefined) scope.refusal = refusal;
}

/** The `exp` of a bearer token, read without checking anything (the SDK checks the token). */
export function tokenExpiry(authorization: string | undefined): number | undefined {
  const token = authorization?.replace(/^Bearer /, '') ?? '';
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const exp = typeof claims === 'object' && claims !== null ? (claims as { exp?: unknown }).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}
