// (adapter) EventBridge SDK failures --> the core's RuleStoreError, with messages a chat user can act on
import { RuleStoreError } from '../core/ports';
import { awsErrorName } from './aws-error-name';

/** Which call failed: the same error code means different things for different calls. */
export type RuleStoreOperation = 'put-rule' | 'put-targets' | 'delete-rule' | 'list-rules';

function awsErrorMessage(error: unknown): string {
  return error instanceof Error && error.message !== '' ? error.message : String(error);
}

/**
 * Maps an EventBridge SDK error to a RuleStoreError (the original stays as `cause`). Errors that
 * are already RuleStoreErrors pass through unchanged.
 */
export function toRuleStoreError(error: unknown, operation: RuleStoreOperation, busName: string): RuleStoreError {
  if (error instanceof RuleStoreError) return error;
  const name = awsErrorName(error);
  const detail = awsErrorMessage(error);
  switch (name) {
    case 'LimitExceededException':
      return new RuleStoreError(
        operation === 'put-targets' ? 'quota-exceeded' : 'bus-full',
        operation === 'put-targets'
          ? `the subscription's rule already has 5 targets (EventBridge's limit per rule), so pipewatch cannot add its own: remove the extra targets from the rule on the ${busName} bus`
          : `the ${busName} event bus already has as many subscriptions as EventBridge allows (300 rules per bus in most regions): unsubscribe some, or ask AWS for a higher "Number of rules" quota`,
        { cause: error },
      );
    case 'InvalidEventPatternException':
      return new RuleStoreError('invalid-pattern', `EventBridge refused the event pattern: ${detail}`, {
        cause: error,
      });
    case 'ResourceNotFoundException':
      return new RuleStoreError(
        'bus-not-found',
        `the pipewatch event bus ${busName} does not exist — is pipewatch deployed in this account and region?`,
        { cause: error },
      );
    case 'ThrottlingException':
    case 'ConcurrentModificationException':
      return new RuleStoreError('throttled', `EventBridge is busy (${name}); try again in a moment`, { cause: error });
    default:
      return new RuleStoreError('unexpected', `EventBridge ${operation} failed: ${name ?? 'Error'}: ${detail}`, {
        cause: error,
      });
  }
}
