// (core) Retry --> authorize --> GetPipelineState (still the latest execution?) --> RetryStageExecution --> an outcome
import { shortExecutionId } from '../messages';
import type { PipelineClient, StageRetryMode } from '../ports';
import { type ActionFailure, failureOfError } from './action-outcome';
import type { AuthorizationPolicy } from './authorization-policy';
import { authorize } from './authorize';
import type { ChatUser } from './chat-user';
import { type DecisionRecord, decisionRecorder } from './decision-record';

export interface RetryTarget {
  readonly pipeline: string;
  readonly stage: string;
  /** The execution the button was shown for. */
  readonly executionId: string;
  readonly mode: StageRetryMode;
}

export interface RetryStageInput {
  readonly client: PipelineClient;
  readonly policy: AuthorizationPolicy;
  /** Where the policy lives, named by a refusal (see AuthorizeInput). */
  readonly policyLocation?: string | undefined;
  readonly user: ChatUser;
  readonly target: RetryTarget;
  /** Recorded in the decision ("Slack", "Teams"). */
  readonly platformName?: string;
}

export type RetryStageResult = (
  | { readonly ok: true; readonly pipelineExecutionId: string; readonly message: string }
  | ActionFailure
) & { readonly decision: DecisionRecord };

/**
 * (button) --> retryStage --> CodePipeline RetryStageExecution
 *
 * 1. Authorize (the `retry` list of the policy); denied: nothing is called.
 * 2. GetPipelineState: the stage's latest execution must be the button's. If
 *    the stage has run since in another execution, the answer is "not the
 *    latest execution" and no retry is made: retrying that other execution
 *    from this message would act on something the person did not see.
 * 3. RetryStageExecution with the button's execution id and mode.
 * Expected failures come back as outcomes, never thrown.
 */
export async function retryStage(input: RetryStageInput): Promise<RetryStageResult> {
  const { client, policy, user, target } = input;
  const authorization = authorize({
    policy,
    action: 'retry',
    pipeline: target.pipeline,
    user,
    policyLocation: input.policyLocation,
  });
  const { pipeline, executionId, stage, mode } = target;
  const record = decisionRecorder(
    { action: 'retry', pipeline, executionId, stage, mode },
    user,
    authorization,
    input.platformName,
  );
  const fail = (failure: ActionFailure & { errorName?: string }): RetryStageResult => ({
    ok: false,
    code: failure.code,
    message: failure.message,
    decision: record(failure.code, failure.errorName),
  });

  if (!authorization.allowed) return fail({ ok: false, code: 'forbidden', message: authorization.reason });

  try {
    const state = await client.getPipelineState(target.pipeline);
    const stage = state.stages.find((candidate) => candidate.stageName === target.stage);
    if (stage === undefined) {
      return fail({
        ok: false,
        code: 'stage-not-found',
        message: `Stage ${target.stage} is not in pipeline ${target.pipeline} any more.`,
      });
    }
    const latest = stage.latestExecution;
    if (latest === undefined) {
      return fail({
        ok: false,
        code: 'stage-not-retryable',
        message: `Stage ${target.stage} has not run: there is nothing to retry.`,
      });
    }
    if (latest.pipelineExecutionId !== target.executionId) {
      return fail({
        ok: false,
        code: 'not-latest-execution',
        message:
          `This is not the latest execution of stage ${target.stage}: execution ` +
          `${shortExecutionId(latest.pipelineExecutionId)} ran it since (${latest.status}). Retry from that execution's message.`,
      });
    }

    const retried = await client.retryStageExecution(target);
    const what = target.mode === 'ALL_ACTIONS' ? 'all actions of stage' : 'the failed actions of stage';
    return {
      ok: true,
      pipelineExecutionId: retried.pipelineExecutionId,
      message: `Retrying ${what} ${target.stage} in ${target.pipeline} (execution ${shortExecutionId(target.executionId)}).`,
      decision: record('ok'),
    };
  } catch (error) {
    const failure = failureOfError(error, { pipeline: target.pipeline, stage: target.stage });
    if (failure === undefined) throw error;
    return fail(failure);
  }
}
