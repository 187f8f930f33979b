// (core) Approve / Reject --> authorize --> GetPipelineState (token, same execution) --> PutApprovalResult --> an outcome
import { shortExecutionId } from '../messages';
import type { ApprovalStatus, PipelineClient } from '../ports';
import { type ActionFailure, failureOfError } from './action-outcome';
import { approvalSummary } from './approval-summary';
import type { AuthorizationPolicy } from './authorization-policy';
import { authorize } from './authorize';
import type { ChatUser } from './chat-user';
import { type DecisionRecord, decisionRecorder } from './decision-record';

export interface ApprovalTarget {
  readonly pipeline: string;
  readonly stage: string;
  readonly action: string;
  /** The execution the button was shown for. */
  readonly executionId: string;
}

export interface DecideApprovalInput {
  readonly client: PipelineClient;
  readonly policy: AuthorizationPolicy;
  /** Where the policy lives, named by a refusal (see AuthorizeInput). */
  readonly policyLocation?: string | undefined;
  readonly user: ChatUser;
  readonly target: ApprovalTarget;
  readonly decision: ApprovalStatus;
  readonly comment?: string;
  /** Recorded in the approval summary: "Approved by Mary in Slack". */
  readonly platformName: string;
}

export type DecideApprovalResult = (
  | {
      readonly ok: true;
      readonly status: ApprovalStatus;
      /** What CodePipeline records as the approval's summary. */
      readonly summary: string;
      readonly approvedAt?: string;
      readonly message: string;
    }
  | ActionFailure
) & { readonly decision: DecisionRecord };

/**
 * (button) --> decideApproval --> CodePipeline PutApprovalResult
 *
 * 1. Authorize (the `approve` list, for approve and reject alike).
 * 2. GetPipelineState for the token (buttons carry none): the approval must
 *    be InProgress, have a token, and its stage's latest execution must be the
 *    button's; else it was already decided or expired (7 days), or a newer
 *    execution is waiting, which this message did not show.
 * 3. PutApprovalResult with "Approved by <name> in <platform>: <comment>".
 * Not handled: pipelines in PARALLEL mode, where GetPipelineState has no token
 * (AWS says to use ListActionExecutions' externalExecutionId); they answer
 * "already decided or expired".
 */
export async function decideApproval(input: DecideApprovalInput): Promise<DecideApprovalResult> {
  const { client, policy, user, target, decision, comment, platformName } = input;
  const action = decision === 'Approved' ? 'approve' : 'reject';
  const authorization = authorize({
    policy,
    action,
    pipeline: target.pipeline,
    user,
    policyLocation: input.policyLocation,
  });
  const { pipeline, executionId, stage } = target;
  const record = decisionRecorder(
    { action, pipeline, executionId, stage, actionName: target.action },
    user,
    authorization,
    platformName,
  );
  const fail = (failure: ActionFailure & { errorName?: string }): DecideApprovalResult => ({
    ok: false,
    code: failure.code,
    message: failure.message,
    decision: record(failure.code, failure.errorName),
  });
  const notPending = (why: string) =>
    fail({
      ok: false,
      code: 'approval-not-pending',
      message: `This approval was already decided or has expired: ${why}.`,
    });

  if (!authorization.allowed) return fail({ ok: false, code: 'forbidden', message: authorization.reason });

  const where = { pipeline: target.pipeline, stage: target.stage, action: target.action };
  try {
    const state = await client.getPipelineState(target.pipeline);
    const stage = state.stages.find((candidate) => candidate.stageName === target.stage);
    const approval = stage?.actions.find((candidate) => candidate.actionName === target.action);
    if (stage === undefined || approval === undefined) {
      return fail({
        ok: false,
        code: 'action-not-found',
        message: `Approval ${target.action} is not in stage ${target.stage} of ${target.pipeline} any more.`,
      });
    }
    const stageExecution = stage.latestExecution?.pipelineExecutionId;
    if (stageExecution !== target.executionId) {
      return notPending(
        stageExecution === undefined
          ? `stage ${target.stage} has not run`
          : `stage ${target.stage} is now at execution ${shortExecutionId(stageExecution)}`,
      );
    }
    const latest = approval.latestExecution;
    if (latest?.status !== 'InProgress' || !latest.token) {
      return notPending(latest?.status ? `its status is ${latest.status}` : 'it is not waiting');
    }

    const summary = approvalSummary({ decision, approver: user.displayName || user.id, platformName, comment });
    const result = await client.putApprovalResult({ ...where, token: latest.token, status: decision, summary });
    return {
      ok: true,
      status: decision,
      summary,
      ...(result.approvedAt ? { approvedAt: result.approvedAt } : {}),
      message: `${decision} ${target.action} in ${target.pipeline} / ${target.stage}.`,
      decision: record('ok'),
    };
  } catch (error) {
    const failure = failureOfError(error, where);
    if (failure === undefined) throw error;
    return fail(failure);
  }
}
