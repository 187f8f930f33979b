// (local AWS) what every local EventBridge operation gets (state, clock, rules-per-bus quota), wire timestamps, LimitExceeded
import { AwsServiceError } from '../aws-error';
import type { EventBridgeState } from './state';

/** What every operation handler gets: the state and the quotas. */
export interface OperationContext {
  readonly state: EventBridgeState;
  readonly now: () => number;
  /** Rules per event bus (300 in most regions, adjustable). */
  readonly rulesPerBus: number;
}

/** Wire timestamps in the JSON 1.1 protocol are epoch seconds (with fractions). */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

/** AWS's wording for every quota it enforces (seen for the 6th target of a rule and for rules per bus). */
export function limitExceeded(): AwsServiceError {
  return new AwsServiceError('LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
}
