// (core) a FAILED without a reason --> ListActionExecutions + GetPipelineExecution --> the failure's details, best effort
import type { PipelineEvent } from '../events';
import { type ExecutionState, type FailureRecord, type Observation, summariseExecution } from '../executions';
import type { ActionExecutionView, Log, PipelineClient } from '../ports';

export type FailureDetails = Omit<FailureRecord, keyof Observation>;

/**
 * A pipeline- or stage-level FAILED from EventBridge says that something failed, not what:
 * the reason is only in the failed action's execution. True when the merged state does not
 * know it yet (no failed action event with a summary, no CodeStar failure details, nothing fetched for this event).
 */
export function needsFailureDetails(state: ExecutionState, event: PipelineEvent): boolean {
  if (event.level === 'action' || event.state !== 'FAILED') return false;
  if (state.fetchedFailure?.eventId === event.eventId) return false;
  const failure = summariseExecution(state).failure;
  return failure === undefined || failure.summary === undefined || failure.summary.trim() === '';
}

/**
 * Reads why the execution failed: the newest failed action executions (ListActionExecutions)
 * and the execution's status summary (GetPipelineExecution). Best effort: a failed call is
 * logged and the alert goes out without the details rather than not at all.
 */
export async function fetchFailureDetails(
  pipelines: PipelineClient,
  event: PipelineEvent,
  log: Log,
): Promise<FailureDetails | undefined> {
  const ref = { pipeline: event.pipeline, executionId: event.executionId };
  const [actions, execution] = await Promise.allSettled([
    pipelines.listActionExecutions(ref),
    pipelines.getPipelineExecution(ref),
  ]);
  for (const [operation, result] of [
    ['ListActionExecutions', actions],
    ['GetPipelineExecution', execution],
  ] as const) {
    if (result.status === 'rejected') {
      log.warn('could not read failure details', { ...ref, operation, error: errorFields(result.reason) });
    }
  }
  const failed = actions.status === 'fulfilled' ? newestFailedActions(actions.value, event) : [];
  const information = execution.status === 'fulfilled' ? execution.value.statusSummary : undefined;
  if (failed.length === 0 && (information === undefined || information.trim() === '')) return undefined;
  return {
    ...(failed[0] === undefined ? {} : { stage: failed[0].stageName }),
    actions: failed.map((action) => ({
      action: action.actionName,
      ...optional('summary', action.summary ?? action.errorDetails?.message),
      ...optional('errorCode', action.errorDetails?.code),
      ...optional('url', action.externalExecutionUrl),
    })),
    ...optional('information', information),
  };
}

/** The failed actions of the stage that failed last (of the event's stage, for a stage event), newest run of each. */
function newestFailedActions(views: readonly ActionExecutionView[], event: PipelineEvent): ActionExecutionView[] {
  const failed = views
    .filter((view) => view.status === 'Failed' && (event.level !== 'stage' || view.stageName === event.stage))
    .sort((a, b) => timeOf(b) - timeOf(a));
  const stage = failed[0]?.stageName;
  const byAction = new Map<string, ActionExecutionView>();
  for (const view of failed) {
    if (view.stageName === stage && !byAction.has(view.actionName)) byAction.set(view.actionName, view);
  }
  return [...byAction.values()];
}

function timeOf(view: ActionExecutionView): number {
  const time = Date.parse(view.lastUpdateTime ?? view.startTime ?? '');
  return Number.isNaN(time) ? 0 : time;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value.trim() === '' ? {} : { [key]: value }) as { [P in K]?: string };
}

/** What a log line needs of an error, without its (possibly large) payload. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(error) };
}
