// (core) an approval that ended --> ListActionExecutions' updatedBy --> who answered it, kept in the state (best effort)
import {
  type ActionRecord,
  approvalDeciderKey,
  approvalsWithoutDecider,
  type ExecutionState,
  withApprovalDecider,
} from '../executions';
import type { ActionExecutionView, Log, PipelineClient } from '../ports';
import { errorFields } from './failure-details';

/**
 * The approvals of `state` that ended without a known answerer, read once from ListActionExecutions
 * (undefined when there are none: nothing is asked). Events do not say who answered; the API does.
 * A failed call is logged and costs only the name (the reply shows CodePipeline's summary alone).
 */
export async function fetchApprovalDeciders(
  pipelines: Pick<PipelineClient, 'listActionExecutions'>,
  state: ExecutionState,
  log: Pick<Log, 'warn'>,
): Promise<readonly ActionExecutionView[] | undefined> {
  if (approvalsWithoutDecider(state).length === 0) return undefined;
  const ref = { pipeline: state.pipeline, executionId: state.executionId };
  try {
    return await pipelines.listActionExecutions(ref);
  } catch (error) {
    log.warn('could not read who answered an approval', { ...ref, error: errorFields(error) });
    return [];
  }
}

/**
 * The state with the answerer of each ended approval found in `views` (`''` where CodePipeline
 * names nobody, so it is not asked again); runs not in `views` yet are left for a later event.
 */
export function withApprovalDeciders(state: ExecutionState, views: readonly ActionExecutionView[]): ExecutionState {
  let next = state;
  for (const record of approvalsWithoutDecider(state)) {
    const view = views.find((candidate) => sameRun(candidate, record));
    if (view !== undefined) next = withApprovalDecider(next, approvalDeciderKey(record), view.updatedBy ?? '');
  }
  return next;
}

function sameRun(view: ActionExecutionView, record: ActionRecord): boolean {
  return (
    view.actionExecutionId === record.actionExecutionId &&
    view.stageName === record.stage &&
    view.actionName === record.action &&
    (view.status === 'Succeeded' || view.status === 'Failed')
  );
}
