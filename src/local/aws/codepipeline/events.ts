// (local AWS) a simulated pipeline, stage or action transition --> the EventBridge entry real CodePipeline would emit
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { ActionDefinition, ActionRun, ExecutionRecord, StageRun } from './model';

/**
 * EventBridge entries for each transition, with the fields real CodePipeline events carry
 * (user guide 2023+ examples and captured events): `pipeline`, `execution-id`, `start-time`,
 * `state`, `version` (the pipeline version, a number), `pipeline-execution-attempt`; pipeline
 * events add `execution-trigger` (and `stop-execution-comments` when stopping); stage events
 * add `stage` (and `stage-last-retry-attempt-time` after a retry); action events add `stage`,
 * `action`, `action-execution-id`, `region`, `type`, `input-artifacts`, and on completion
 * `output-artifacts` and `execution-result` (with `error-code` on failure). Pipeline-level
 * FAILED carries no reason, like AWS: the reason is in the action event.
 */

export const SOURCE = 'aws.codepipeline';
export const DETAIL_TYPE = {
  pipeline: 'CodePipeline Pipeline Execution State Change',
  stage: 'CodePipeline Stage Execution State Change',
  action: 'CodePipeline Action Execution State Change',
} as const;

export type TransitionLevel = keyof typeof DETAIL_TYPE;

/** One state change, as given to `onTransition` listeners (the entry is what was emitted). */
export interface Transition {
  level: TransitionLevel;
  pipeline: string;
  executionId: string;
  stage?: string;
  action?: string;
  state: string;
  time: number;
  entry: PutEventsRequestEntry;
}

export interface EventContext {
  region: string;
  accountId: string;
  now: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function entry(context: EventContext, execution: ExecutionRecord, level: TransitionLevel, detail: object) {
  return {
    Source: SOURCE,
    DetailType: DETAIL_TYPE[level],
    Detail: JSON.stringify(detail),
    Resources: [`arn:aws:codepipeline:${context.region}:${context.accountId}:${execution.pipelineName}`],
    Time: new Date(context.now),
  } satisfies PutEventsRequestEntry;
}

function common(execution: ExecutionRecord) {
  return {
    pipeline: execution.pipelineName,
    'execution-id': execution.pipelineExecutionId,
    'start-time': iso(execution.startTime),
  };
}

export function pipelineTransition(
  context: EventContext,
  execution: ExecutionRecord,
  state: string,
  stopComments?: string,
): Transition {
  const detail = {
    ...common(execution),
    'execution-trigger': {
      'trigger-type': execution.trigger.triggerType,
      'trigger-detail': execution.trigger.triggerDetail,
      // A push's commit (author, id, message, branch, repository), as V2 pipelines' git triggers report it.
      ...(execution.trigger.git ?? {}),
    },
    state,
    version: execution.pipelineVersion,
    'pipeline-execution-attempt': execution.attempt,
    ...(stopComments === undefined ? {} : { 'stop-execution-comments': stopComments }),
  };
  return {
    level: 'pipeline',
    pipeline: execution.pipelineName,
    executionId: execution.pipelineExecutionId,
    state,
    time: context.now,
    entry: entry(context, execution, 'pipeline', detail),
  };
}

export function stageTransition(
  context: EventContext,
  execution: ExecutionRecord,
  stage: StageRun,
  state: string,
): Transition {
  const detail = {
    ...common(execution),
    stage: stage.name,
    state,
    version: execution.pipelineVersion,
    'pipeline-execution-attempt': execution.attempt,
    ...(stage.lastRetryAttemptTime === undefined
      ? {}
      : { 'stage-last-retry-attempt-time': iso(stage.lastRetryAttemptTime) }),
  };
  return {
    level: 'stage',
    pipeline: execution.pipelineName,
    executionId: execution.pipelineExecutionId,
    stage: stage.name,
    state,
    time: context.now,
    entry: entry(context, execution, 'stage', detail),
  };
}

export function actionTransition(
  context: EventContext,
  execution: ExecutionRecord,
  action: ActionDefinition,
  run: ActionRun,
  state: string,
): Transition {
  const finished = state === 'SUCCEEDED' || state === 'FAILED';
  const result = finished
    ? dropUndefined({
        'external-execution-url': run.externalExecutionUrl,
        'external-execution-summary': run.summary,
        'external-execution-id': run.externalExecutionId,
        'error-code': state === 'FAILED' ? run.errorDetails?.code : undefined,
      })
    : undefined;
  const detail = {
    ...common(execution),
    stage: run.stageName,
    'action-execution-id': run.actionExecutionId,
    ...(result !== undefined && Object.keys(result).length > 0 ? { 'execution-result': result } : {}),
    ...(state === 'SUCCEEDED' && run.outputArtifacts.length > 0
      ? { 'output-artifacts': run.outputArtifacts.map(artifactJson) }
      : {}),
    ...(run.inputArtifacts.length > 0 ? { 'input-artifacts': run.inputArtifacts.map(artifactJson) } : {}),
    action: run.actionName,
    state,
    region: action.region,
    type: { ...action.actionTypeId },
    version: execution.pipelineVersion,
    'pipeline-execution-attempt': execution.attempt,
  };
  return {
    level: 'action',
    pipeline: execution.pipelineName,
    executionId: execution.pipelineExecutionId,
    stage: run.stageName,
    action: run.actionName,
    state,
    time: context.now,
    entry: entry(context, execution, 'action', detail),
  };
}

function artifactJson(artifact: { name: string; bucket: string; key: string }) {
  return { name: artifact.name, s3location: { bucket: artifact.bucket, key: artifact.key } };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
