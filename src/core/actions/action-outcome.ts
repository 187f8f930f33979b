import type { StageRetryMode } from '../ports';
import type { AuthorizedAction } from './authorize';
import type { ChatUser } from './chat-user';
import { serviceErrorName } from './pipeline-api-error';

/** Why a button did not do what it says: each has a human message next to it. */
export type ActionFailureCode =
  | 'forbidden'
  | 'pipeline-not-found'
  | 'stage-not-found'
  | 'action-not-found'
  | 'not-latest-execution'
  | 'stage-not-retryable'
  | 'pipeline-busy'
  | 'concurrency-limit'
  | 'approval-not-pending'
  | 'approval-already-completed'
  | 'invalid-request'
  | 'access-denied'
  | 'aws-error';

export interface ActionFailure {
  readonly ok: false;
  readonly code: ActionFailureCode;
  /** For the person who clicked. */
  readonly message: string;
}

/**
 * One line for the log about every button press: who, what, allowed or
 * denied and why, and how it ended. Plain JSON.
 */
export interface DecisionRecord {
  readonly kind: 'pipewatch.decision';
  readonly action: AuthorizedAction;
  readonly pipeline: string;
  readonly executionId: string;
  readonly stage: string;
  /** The approval action's name (approve / reject). */
  readonly actionName?: string;
  readonly mode?: StageRetryMode;
  readonly user: { readonly id: string; readonly displayName?: string; readonly groups: readonly string[] };
  readonly platform?: string;
  readonly allowed: boolean;
  readonly reason: string;
  readonly ruleIndex?: number;
  readonly outcome: 'ok' | ActionFailureCode;
  /** The CodePipeline error code behind a failed outcome. */
  readonly errorName?: string;
}

export function userOfRecord(user: ChatUser): DecisionRecord['user'] {
  return { id: user.id, groups: [...user.groups], ...(user.displayName ? { displayName: user.displayName } : {}) };
}

/** What a CodePipeline error means for the person who clicked. */
export interface ErrorWords {
  readonly pipeline: string;
  readonly stage: string;
  readonly action?: string;
}

/**
 * Maps a CodePipeline error to an outcome by its code. Returns undefined for
 * anything that is not a CodePipeline answer (a bug, a network failure),
 * which the caller rethrows: it belongs in the handler's error log, with its stack.
 */
export function failureOfError(
  error: unknown,
  where: ErrorWords,
): (ActionFailure & { readonly errorName: string }) | undefined {
  const name = serviceErrorName(error);
  if (name === undefined) return undefined;
  const failure = (code: ActionFailureCode, message: string) => ({
    ok: false as const,
    code,
    message,
    errorName: name,
  });
  const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
  switch (name) {
    case 'PipelineNotFoundException':
      return failure(
        'pipeline-not-found',
        `Pipeline ${where.pipeline} was not found: it may have been deleted or renamed.`,
      );
    case 'StageNotFoundException':
      return failure('stage-not-found', `Stage ${where.stage} was not found in pipeline ${where.pipeline}.`);
    case 'ActionNotFoundException':
      return failure('action-not-found', `Action ${where.action ?? '?'} was not found in stage ${where.stage}.`);
    case 'StageNotRetryableException':
      return failure(
        'stage-not-retryable',
        `Stage ${where.stage} cannot be retried now: it has no failed actions, or the pipeline changed since it failed.`,
      );
    case 'NotLatestPipelineExecutionException':
      return failure(
        'not-latest-execution',
        `Stage ${where.stage} has failed in a later execution of ${where.pipeline}: retry that one instead.`,
      );
    case 'ConflictException':
      return failure('pipeline-busy', `Pipeline ${where.pipeline} is busy with other activity: try again in a moment.`);
    case 'ConcurrentPipelineExecutionsLimitExceededException':
      return failure(
        'concurrency-limit',
        `Pipeline ${where.pipeline} has reached its limit of concurrent executions: try again when one finishes.`,
      );
    case 'InvalidApprovalTokenException':
      return failure('approval-not-pending', 'This approval was already decided or has expired.');
    case 'ApprovalAlreadyCompletedException':
      return failure('approval-already-completed', 'This approval has already been approved or rejected.');
    case 'ValidationException':
      return failure('invalid-request', `CodePipeline refused the request${detail}.`);
    case 'AccessDeniedException':
      return failure(
        'access-denied',
        `pipewatch is not allowed to do this in ${where.pipeline}: its IAM role lacks the permission${detail}.`,
      );
    default:
      return failure('aws-error', `CodePipeline answered ${name}${detail}.`);
  }
}
