import type { PipelineEvent } from '../events';
import { consoleUrlOf } from './alert-links';
import type { ActionTarget, AlertAction, AlertEnrichment } from './alert-message';
import { isApprovalAction } from './state-presentation';

/**
 * The buttons an alert offers: approve/reject on an approval that is waiting,
 * retry (failed actions only, or the whole stage) on a failure whose stage is
 * known, and always a link to the console. Each carries identifiers only.
 * Whether the click is still valid (a later run, an expired approval) is
 * decided when it is pressed, by the API, not here.
 */
export function alertActions(event: PipelineEvent, enrichment: AlertEnrichment = {}): AlertAction[] {
  const target: ActionTarget = {
    pipeline: event.pipeline,
    executionId: event.executionId,
    region: event.pipelineRegion,
    account: event.pipelineAccount,
  };
  const actions: AlertAction[] = [];

  if (event.level === 'action' && isApprovalAction(event) && event.stateKnown && event.state === 'STARTED') {
    const where = { ...target, stage: event.stage, action: event.action };
    actions.push({ kind: 'approve', label: 'Approve', ...where }, { kind: 'reject', label: 'Reject', ...where });
  }

  const retryStage = event.stateKnown && event.state === 'FAILED' ? failedStageOf(event, enrichment) : undefined;
  if (retryStage !== undefined) {
    actions.push(
      { kind: 'retry', mode: 'FAILED_ACTIONS', label: 'Retry failed actions', ...target, stage: retryStage },
      { kind: 'retry', mode: 'ALL_ACTIONS', label: 'Retry all actions in stage', ...target, stage: retryStage },
    );
  }

  actions.push({ kind: 'open-console', label: 'Open in the AWS console', ...target, url: consoleUrlOf(event) });
  return actions;
}

/** RetryStageExecution works on a stage: the event's own, or for a pipeline failure the one reported as failed. */
function failedStageOf(event: PipelineEvent, enrichment: AlertEnrichment): string | undefined {
  if (event.level !== 'pipeline') return event.stage;
  return enrichment.failure?.stage ?? event.additionalAttributes?.failedStage;
}
