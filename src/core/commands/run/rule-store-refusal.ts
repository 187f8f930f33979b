// (core) a rule store failure the person can act on (a quota, a refused pattern), in words
import { RuleStoreError } from '../../port-errors';

/**
 * The sentence for a RuleStoreError the person can act on, or undefined for anything else,
 * which the caller treats as a failure of pipewatch (`unexpected` is pipewatch's own failure).
 */
export function ruleStoreRefusal(error: unknown): string | undefined {
  if (!(error instanceof RuleStoreError) || error.reason === 'unexpected') return undefined;
  const sentence = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
