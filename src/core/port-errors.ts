// (core) the typed failures adapters report through the ports: use cases branch on them with instanceof
import { PipewatchError } from './errors';

/**
 * CodePipeline answered with an error. `code` is CodePipeline's own error code
 * (`StageNotRetryableException`, `ApprovalAlreadyCompletedException`, …): the PipelineClient
 * adapter wraps every service answer in one of these, so the use cases never read an SDK's
 * exception names. A failure that is not an answer from CodePipeline (a network error, a bug)
 * is not wrapped and reaches the caller as it is.
 */
export class PipelineApiError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'PipelineApiError';

  constructor(
    /** CodePipeline's error code. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Why the rule store failed; the command use cases choose the answer (and whether to log loudly) from this. */
export type RuleStoreErrorReason =
  /** Targets per rule (5). */
  | 'quota-exceeded'
  /** PutRule refused a new rule: the bus holds as many rules as its quota allows (300 in most regions, adjustable). */
  | 'bus-full'
  | 'invalid-pattern'
  /** The pipewatch bus is missing: pipewatch is not (or no longer) deployed in this account/region. */
  | 'bus-not-found'
  /** PutTargets answered 200 but refused the notify target (FailedEntries). */
  | 'target-refused'
  /** EventBridge's control plane is busy (50 TPS, not adjustable) even after the SDK's retries. */
  | 'throttled'
  | 'unexpected';

/**
 * The rule store (EventBridge) failed. Its message is written for the person who typed the
 * command, except for `unexpected`, which is pipewatch's own failure and is logged instead.
 */
export class RuleStoreError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'RuleStoreError';

  readonly code = 'RULE_STORE' as const;

  constructor(
    readonly reason: RuleStoreErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The PipelineApiError code of a pipeline pipewatch does not reach from here (another account):
 * not one of CodePipeline's, so no caller mistakes it for the API's answer; its message says why.
 */
export const UNREACHABLE_ACCOUNT = 'PipewatchAccountUnreachable';
