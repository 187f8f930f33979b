// (local AWS) EventBridge TestEventPattern: pattern + event --> the core validator and matcher --> {"Result": true|false}
import { matchesEventPattern } from '../../../core/patterns';
import { validationError } from '../aws-error';
import { checkEventPattern, EVENT_PATTERN_MODEL_MAX } from './rule-operations';
import { type Input, isRecord, requiredString } from './validation';

/**
 * TestEventPattern: the core validator and matcher behind the API. The event must be a JSON
 * object carrying the fields the API reference calls mandatory (id, account, source, time,
 * region, resources, detail-type); otherwise AWS answers ValidationException "Parameter Event is
 * not valid.". The pattern is bounded by the API model (4,096 characters), not by the rule-size
 * quota, which applies to PutRule.
 */
export const MANDATORY_EVENT_FIELDS = [
  'id',
  'account',
  'source',
  'time',
  'region',
  'resources',
  'detail-type',
] as const;

export function testEventPattern(input: Input): unknown {
  const pattern = requiredString(input, 'EventPattern', { max: EVENT_PATTERN_MODEL_MAX });
  const eventText = requiredString(input, 'Event');
  checkEventPattern(pattern, EVENT_PATTERN_MODEL_MAX);
  let event: unknown;
  try {
    event = JSON.parse(eventText);
  } catch {
    throw validationError('Parameter Event is not valid.');
  }
  if (!isRecord(event) || MANDATORY_EVENT_FIELDS.some((field) => !Object.hasOwn(event, field))) {
    throw validationError('Parameter Event is not valid.');
  }
  return { Result: matchesEventPattern(pattern, event, { maxLength: EVENT_PATTERN_MODEL_MAX }) };
}
