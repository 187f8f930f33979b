// (core) an event or an execution's situation --> the alert's buttons: approve/reject, retry (two modes), stop, console link
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
  const waiting = event.level === 'action' && isApprovalAction(event) && event.stateKnown && event.state === 'STARTED';
  const retryStage = event.stateKnown && event.state === 'FAILED' ? failedStageOf(event, enrichment) : undefined;
  return alertButtons({
    target: {
      pipeline: event.pipeline,
      executionId: event.executionId,
      region: event.pipelineRegion,
      account: event.pipelineAccount,
    },
    ...(waiting ? { waitingApproval: { stage: event.stage, action: event.action } } : {}),
    ...(retryStage === undefined ? {} : { failedStage: retryStage }),
    consoleUrl: consoleUrlOf(event),
  });
}

/**
 * The buttons for an execution's situation, whether it comes from one event or from a merged
 * execution state: approve/reject on the waiting approval, both retries on the failed stage,
 * snooze next to them (mute the pipeline in this channel), stop while the execution runs, always the console.
 */
export function alertButtons(situation: {
  target: ActionTarget;
  waitingApproval?: { stage: string; action: string };
  failedStage?: string;
  /** The execution is in progress (not stopping, not ended): it can be stopped. */
  running?: boolean;
  consoleUrl: string;
}): AlertAction[] {
  const { target, waitingApproval, failedStage, running, consoleUrl } = situation;
  const actions: AlertAction[] = [];
  if (waitingApproval !== undefined) {
    const where = { ...target, stage: waitingApproval.stage, action: waitingApproval.action };
    actions.push({ kind: 'approve', label: 'Approve', ...where }, { kind: 'reject', label: 'Reject', ...where });
  }
  if (failedStage !== undefined) {
    actions.push(
      { kind: 'retry', mode: 'FAILED_ACTIONS', label: 'Retry failed actions', ...target, stage: failedStage },
      { kind: 'retry', mode: 'ALL_ACTIONS', label: 'Retry all actions in stage', ...target, stage: failedStage },
      { kind: 'snooze', label: 'Snooze', ...target },
    );
  }
  if (running === true) actions.push({ kind: 'stop', label: 'Stop', ...target });
  actions.push({ kind: 'open-console', label: 'Open in the AWS console', ...target, url: consoleUrl });
  return actions;
}

/** RetryStageExecution works on a stage: the event's own, or for a pipeline failure the one reported as failed. */
function failedStageOf(event: PipelineEvent, enrichment: AlertEnrichment): string | undefined {
  if (event.level !== 'pipeline') return event.stage;
  return enrichment.failure?.stage ?? event.additionalAttributes?.failedStage;
}
