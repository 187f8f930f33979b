// (core) Stop --> authorize --> StopPipelineExecution ("stop and wait" or "stop and abandon", with who and why) --> an outcome
import { shortExecutionId } from '../messages';
import type { PipelineClient } from '../ports';
import { type ActionFailure, failureOfError } from './action-outcome';
import { decisionNote } from './approval-summary';
import type { AuthorizationPolicy } from './authorization-policy';
import { authorize } from './authorize';
import type { ChatUser } from './chat-user';
import { type DecisionRecord, decisionRecorder } from './decision-record';

/** StopPipelineExecution's `reason` limit. */
export const MAX_STOP_REASON_LENGTH = 200;

/** "Stop and wait": running actions finish; "stop and abandon": they are abandoned. */
export type StopMode = 'wait' | 'abandon';

export interface StopTarget {
  readonly pipeline: string;
  /** The execution the button was shown for. */
  readonly executionId: string;
}

export interface StopExecutionInput {
  readonly client: PipelineClient;
  readonly policy: AuthorizationPolicy;
  /** Where the policy lives, named by a refusal (see AuthorizeInput). */
  readonly policyLocation?: string | undefined;
  readonly user: ChatUser;
  readonly target: StopTarget;
  readonly mode: StopMode;
  /** The person's reason, recorded after who stopped it. */
  readonly comment?: string;
  /** Recorded in the reason: "Stopped by alice in Slack". */
  readonly platformName: string;
}

export type StopExecutionResult = (
  | { readonly ok: true; readonly reason: string; readonly message: string }
  | ActionFailure
) & { readonly decision: DecisionRecord };

/** "Stopped by alice in Slack: <reason>", at most 200 characters (what CodePipeline records). */
export function stopReason(who: string, platformName: string, comment: string | undefined): string {
  return decisionNote('Stopped', who, platformName, comment, MAX_STOP_REASON_LENGTH);
}

/**
 * (button, then the choice) --> stopExecution --> CodePipeline StopPipelineExecution
 *
 * 1. Authorize (the `stop` list of the policy); denied: nothing is called.
 * 2. StopPipelineExecution with the button's execution, `abandon` from the choice and the reason
 *    "Stopped by <name> in <platform>: <comment>". An execution that has ended, or is already
 *    stopping, is CodePipeline's refusal (PipelineExecutionNotStoppableException,
 *    DuplicatedStopRequestException), answered in words; nothing is read before, since the state
 *    could change between a read and the stop anyway.
 * Expected failures come back as outcomes, never thrown.
 */
export async function stopExecution(input: StopExecutionInput): Promise<StopExecutionResult> {
  const { client, policy, user, target, mode, platformName } = input;
  const authorization = authorize({
    policy,
    action: 'stop',
    pipeline: target.pipeline,
    user,
    policyLocation: input.policyLocation,
  });
  const record = decisionRecorder(
    { action: 'stop', pipeline: target.pipeline, executionId: target.executionId, stopMode: mode },
    user,
    authorization,
    platformName,
  );
  const fail = (failure: ActionFailure & { errorName?: string }): StopExecutionResult => ({
    ok: false,
    code: failure.code,
    message: failure.message,
    decision: record(failure.code, failure.errorName),
  });
  if (!authorization.allowed) return fail({ ok: false, code: 'forbidden', message: authorization.reason });

  const reason = stopReason(user.displayName || user.id, platformName, input.comment);
  try {
    await client.stopPipelineExecution({ ...target, abandon: mode === 'abandon', reason });
  } catch (error) {
    const failure = failureOfError(error, { pipeline: target.pipeline, stage: '' });
    if (failure === undefined) throw error;
    return fail(failure);
  }
  const execution = `execution ${shortExecutionId(target.executionId)} of ${target.pipeline}`;
  return {
    ok: true,
    reason,
    message:
      mode === 'abandon'
        ? `Stopping ${execution}, abandoning the actions in progress. ${reason}.`
        : `Stopping ${execution} once the actions in progress finish. ${reason}.`,
    decision: record('ok'),
  };
}
