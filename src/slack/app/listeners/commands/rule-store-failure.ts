// (Slack command) EventBridge refusals, in words for the person who typed the command
import { serviceErrorName } from '../../../../core/actions';

/**
 * The sentence for an EventBridge error the person can act on (a quota, a refused pattern),
 * or undefined for anything else, which the caller treats as a failure of pipewatch.
 */
export function ruleStoreFailure(error: unknown): string | undefined {
  const typed = ruleStoreErrorWords(error);
  if (typed !== undefined) return typed;
  const name = serviceErrorName(error);
  const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
  switch (name) {
    case 'LimitExceededException':
      return (
        'The pipewatch event bus has reached its EventBridge quota of rules (300 per bus by default), ' +
        `so this subscription was not created${detail}. Remove a subscription you no longer need, ` +
        'or ask an AWS admin to raise the "rules per event bus" quota.'
      );
    case 'InvalidEventPatternException':
      return `EventBridge refused this subscription's event pattern${detail}. Check the filters, or see \`help subscribe\`.`;
    case 'ValidationException':
      return `EventBridge refused this subscription${detail}.`;
    case 'ResourceNotFoundException':
      return 'The pipewatch event bus does not exist in this account: pipewatch may not be deployed completely.';
    case 'ConcurrentModificationException':
      return 'Someone changed this subscription at the same moment: try again.';
    case 'AccessDeniedException':
      return `pipewatch is not allowed to manage its EventBridge rules: its IAM role lacks a permission${detail}.`;
    default:
      return undefined;
  }
}

/**
 * The EventBridge rule store (src/aws) already turns SDK errors into a RuleStoreError whose
 * message is written for people; read structurally, so this adapter does not import the other.
 * `unexpected` is pipewatch's failure, not something the person can fix.
 */
function ruleStoreErrorWords(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'RuleStoreError' || !('reason' in error)) return undefined;
  if (typeof error.reason !== 'string' || error.reason === 'unexpected') return undefined;
  const sentence = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
