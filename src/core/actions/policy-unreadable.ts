// (core) an authorization policy that cannot be read: the press is refused, and the presser told where an admin fixes it
import { describeError, PipewatchError } from '../errors';
import type { AuthorizationPolicy } from './authorization-policy';
import { currentPolicy, type PolicySource } from './press-button';

/** The policy could not be read (an unparseable SSM parameter, SSM unreachable): nothing can be authorized. */
export class PolicyUnreadableError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'PolicyUnreadableError';

  readonly code = 'POLICY_UNREADABLE' as const;

  constructor(cause: unknown) {
    super(`the authorization policy could not be read: ${describeError(cause).message}`, { cause });
  }
}

/** The policy source, with a failure to read it as a PolicyUnreadableError. */
export function readablePolicy(source: PolicySource): () => Promise<AuthorizationPolicy> {
  return async () => {
    try {
      return await currentPolicy(source);
    } catch (error) {
      throw new PolicyUnreadableError(error);
    }
  };
}

/** What the presser is told when the policy could not be read (on every platform): where an admin fixes it. */
export function policyUnreadableText(policyLocation: string | undefined): string {
  const where = policyLocation === undefined ? 'the authorization policy' : policyLocation;
  return `Nothing was changed: pipewatch could not read its authorization policy (who may retry and approve), so it cannot check whether you may. An admin can fix it in ${where}.`;
}
