// (core) a power user's --pattern --> validated and restricted to source aws.codepipeline --> a PatternSubscription
import { InvalidEventPatternError, validateEventPattern } from '../patterns';
import { InvalidSubscriptionError } from './errors';
import type { PatternSubscription } from './subscription';

export const CODEPIPELINE_SOURCE = 'aws.codepipeline';

/**
 * Validates a power user's raw pattern (JSON text or a parsed value) and insists that it can
 * only ever match CodePipeline events: a chat channel must not be able to subscribe to the
 * account's other event sources through pipewatch's rules and Lambda.
 */
export function restrictToCodePipeline(raw: unknown): PatternSubscription {
  let pattern: unknown = raw;
  if (typeof raw === 'string') {
    try {
      pattern = JSON.parse(raw);
    } catch (cause) {
      throw new InvalidSubscriptionError(`\`--pattern\` is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  }
  try {
    validateEventPattern(pattern);
  } catch (cause) {
    if (cause instanceof InvalidEventPatternError) {
      throw new InvalidSubscriptionError(cause.message, { cause });
    }
    throw cause;
  }
  const object = pattern as Record<string, unknown>;
  const source = object.source;
  if (!Array.isArray(source) || source.length !== 1 || source[0] !== CODEPIPELINE_SOURCE) {
    throw new InvalidSubscriptionError(
      `A pattern must be restricted to CodePipeline events: it needs \`"source": ["${CODEPIPELINE_SOURCE}"]\` at the top level.`,
    );
  }
  return { kind: 'pattern', pattern: object };
}
