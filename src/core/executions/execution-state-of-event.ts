// (core) one PipelineEvent --> the ExecutionState it alone says: the unit mergeExecutionStates joins
import type { ActionLevelEvent, PipelineEvent } from '../events';
import { dropUndefined } from '../events/schema-helpers';
import {
  type ActionRecord,
  actionKey,
  EXECUTION_STATE_SCHEMA,
  type ExecutionState,
  type FailureRecord,
  type StatusRecord,
} from './execution-state';

/**
 * The state that one event alone says: the unit that mergeExecutionStates
 * joins. Keeping "what one event says" apart from "how two states join" is
 * what lets the property tests check the join's laws directly.
 */
export function executionStateOfEvent(event: PipelineEvent): ExecutionState {
  const status: StatusRecord = dropUndefined({
    state: event.state,
    known: event.stateKnown,
    time: event.time,
    eventId: event.eventId,
    attempt: event.executionAttempt,
  });
  return dropUndefined({
    schema: EXECUTION_STATE_SCHEMA,
    pipeline: event.pipeline,
    executionId: event.executionId,
    region: event.pipelineRegion,
    account: event.pipelineAccount,
    pipelineArn: event.pipelineArn,
    pipelineVersion: event.pipelineVersion,
    startTime: event.startTime,
    trigger: event.trigger,
    pipelineStatus:
      event.level === 'pipeline' ? dropUndefined({ ...status, stopComments: event.stopExecutionComments }) : undefined,
    stages:
      event.level === 'stage'
        ? {
            [event.stage]: dropUndefined({
              ...status,
              firstTime: event.time,
              lastRetryTime: event.stageLastRetryAttemptTime,
            }),
          }
        : {},
    actions: event.level === 'action' ? { [actionKey(event.stage, event.action)]: actionRecordOf(event, status) } : {},
    reportedFailure: reportedFailureOf(event),
    stopNote:
      event.level === 'pipeline' && event.stopExecutionComments?.trim()
        ? { ...observationOf(status), comments: event.stopExecutionComments }
        : undefined,
    seenEvents: [{ eventId: event.eventId, time: event.time }],
    version: 0,
  });
}

function observationOf({ time, eventId, attempt }: StatusRecord) {
  return dropUndefined({ time, eventId, attempt });
}

function actionRecordOf(event: ActionLevelEvent, status: StatusRecord): ActionRecord {
  const result = event.executionResult;
  const resultRecord =
    result === undefined
      ? undefined
      : dropUndefined({
          summary: result.summary?.text,
          url: result.externalExecutionUrl,
          errorCode: result.errorCode,
          externalExecutionId: result.externalExecutionId,
        });
  return dropUndefined({
    ...status,
    stage: event.stage,
    action: event.action,
    category: event.actionType?.category,
    provider: event.actionType?.provider,
    owner: event.actionType?.owner,
    actionExecutionId: event.actionExecutionId,
    region: event.actionRegion,
    result: resultRecord !== undefined && Object.keys(resultRecord).length > 0 ? resultRecord : undefined,
    firstTime: event.time,
  });
}

/** CodeStar Notifications say which stage and actions failed on pipeline and stage events. */
function reportedFailureOf(event: PipelineEvent): FailureRecord | undefined {
  const attributes = event.additionalAttributes;
  if (attributes === undefined || event.level === 'action') return undefined;
  const actions = (attributes.failedActions ?? []).map((failed) =>
    dropUndefined({ action: failed.action, summary: failed.additionalInformation }),
  );
  const stage = attributes.failedStage ?? (event.level === 'stage' && actions.length > 0 ? event.stage : undefined);
  if (stage === undefined && actions.length === 0 && !attributes.failedActionCount) return undefined;
  return dropUndefined({
    time: event.time,
    eventId: event.eventId,
    attempt: event.executionAttempt,
    stage,
    actions,
    actionCount: attributes.failedActionCount,
    information: attributes.additionalInformation,
  });
}
