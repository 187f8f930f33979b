// (core) why a button did not do what it says, from CodePipeline's typed refusals
import { PipelineApiError, UNREACHABLE_ACCOUNT } from '../port-errors';

/** Why a button did not do what it says: each has a human message next to it. */
export type ActionFailureCode =
  | 'forbidden'
  /** `"selfApproval": false` and the clicker started the change. */
  | 'self-approval'
  | 'pipeline-not-found'
  | 'stage-not-found'
  | 'action-not-found'
  | 'not-latest-execution'
  | 'stage-not-retryable'
  | 'pipeline-busy'
  | 'concurrency-limit'
  | 'approval-not-pending'
  | 'approval-already-completed'
  | 'execution-not-found'
  | 'execution-not-stoppable'
  | 'already-stopping'
  | 'invalid-request'
  | 'access-denied'
  | 'aws-error';

export interface ActionFailure {
  readonly ok: false;
  readonly code: ActionFailureCode;
  /** For the person who clicked. */
  readonly message: string;
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
  if (!(error instanceof PipelineApiError)) return undefined;
  const name = error.code;
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
    case 'PipelineExecutionNotFoundException':
      return failure('execution-not-found', `This execution of ${where.pipeline} was not found.`);
    case 'PipelineExecutionNotStoppableException':
      return failure(
        'execution-not-stoppable',
        `This execution of ${where.pipeline} cannot be stopped: it has already ended${detail}.`,
      );
    case 'DuplicatedStopRequestException':
      return failure(
        'already-stopping',
        `This execution of ${where.pipeline} is already being stopped (a stop that waits can still be turned into one that abandons).`,
      );
    case 'ValidationException':
      return failure('invalid-request', `CodePipeline refused the request${detail}.`);
    case 'AccessDeniedException':
      return failure(
        'access-denied',
        `pipewatch is not allowed to do this in ${where.pipeline}: its IAM role lacks the permission${detail}.`,
      );
    case UNREACHABLE_ACCOUNT:
      // Another account's pipeline: nothing was sent to CodePipeline; the message says where and why.
      return failure('access-denied', error.message);
    default:
      return failure('aws-error', `CodePipeline answered ${name}${detail}.`);
  }
}
