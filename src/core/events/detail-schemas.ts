// (core) the detail of pipeline, stage and action state-change events --> camelCase details; only identifiers required
import * as z from '../zod';
import { actionTypeSchema } from './action-type-schema';
import { artifactListSchema } from './artifact-schema';
import { executionResultSchema } from './execution-result-schema';
import { executionTriggerSchema } from './execution-trigger-schema';
import {
  codePipelineName,
  dropUndefined,
  executionId,
  nonEmptyString,
  optional,
  optionalNumber,
  optionalString,
} from './schema-helpers';

/*
 * The `detail` object of the three CodePipeline detail-types, identical in both
 * envelopes. Only what identifies an event is required (pipeline, execution,
 * state, stage, action): an alert with a missing optional field beats no alert.
 * Identifiers must be what CodePipeline emits (names `[A-Za-z0-9.@\-_]{1,100}`,
 * execution ids UUIDs): they reach links, buttons and headers.
 * Fields AWS adds later are ignored here, never rejected.
 */

const commonDetailShape = {
  pipeline: codePipelineName,
  'execution-id': executionId,
  // Any string: a state unknown at this level is kept and flagged, never rejected.
  state: nonEmptyString,
  version: optionalNumber,
  'pipeline-execution-attempt': optionalNumber,
  'start-time': optionalString,
  'execution-trigger': optional(executionTriggerSchema),
  'stop-execution-comments': optionalString,
};

type CommonDetailInput = z.output<z.ZodMiniObject<typeof commonDetailShape>>;

function normalizeCommon(raw: CommonDetailInput) {
  return {
    pipeline: raw.pipeline,
    executionId: raw['execution-id'],
    state: raw.state,
    pipelineVersion: raw.version,
    executionAttempt: raw['pipeline-execution-attempt'],
    startTime: raw['start-time'],
    trigger: raw['execution-trigger'],
    stopExecutionComments: raw['stop-execution-comments'],
  };
}

/**
 * @example
 * {
 *   "pipeline": "myPipeline", "execution-id": "12345678-1234-5678-abcd-12345678abcd",
 *   "start-time": "2023-10-26T13:50:53.342Z",
 *   "execution-trigger": { "trigger-type": "StartPipelineExecution", "trigger-detail": "arn:aws:sts::123456789012:assumed-role/Admin/my-user" },
 *   "state": "STARTED", "version": 1.0, "pipeline-execution-attempt": 1.0
 * }
 */
export const pipelineDetailSchema = z.pipe(
  z.object(commonDetailShape),
  z.transform((raw) => dropUndefined(normalizeCommon(raw))),
);

/**
 * @example
 * {
 *   "pipeline": "myPipeline", "execution-id": "12345678-1234-5678-abcd-12345678abcd",
 *   "stage": "Deploy", "state": "RESUMED", "version": 1.0, "pipeline-execution-attempt": 2.0,
 *   "stage-last-retry-attempt-time": "2023-10-26T14:02:11.233Z"
 * }
 */
export const stageDetailSchema = z.pipe(
  z.object({
    ...commonDetailShape,
    stage: codePipelineName,
    'stage-last-retry-attempt-time': optionalString,
  }),
  z.transform((raw) =>
    dropUndefined({
      ...normalizeCommon(raw),
      stage: raw.stage,
      stageLastRetryAttemptTime: raw['stage-last-retry-attempt-time'],
    }),
  ),
);

/**
 * @example
 * {
 *   "pipeline": "meerkat", "execution-id": "94fb261b-65d0-41ba-bea3-b08420e9b5e7", "stage": "Build",
 *   "action": "Build", "state": "FAILED", "region": "ap-southeast-2",
 *   "type": { "owner": "AWS", "provider": "CodeBuild", "category": "Build", "version": "1" },
 *   "execution-result": { "external-execution-summary": "Build terminated with state: FAILED", "error-code": "JobFailed" },
 *   "version": 16.0
 * }
 */
export const actionDetailSchema = z.pipe(
  z.object({
    ...commonDetailShape,
    stage: codePipelineName,
    action: codePipelineName,
    'action-execution-id': optionalString,
    region: optionalString,
    type: optional(actionTypeSchema),
    'execution-result': optional(executionResultSchema),
    'input-artifacts': artifactListSchema,
    'output-artifacts': artifactListSchema,
  }),
  z.transform((raw) => ({
    ...dropUndefined({
      ...normalizeCommon(raw),
      stage: raw.stage,
      action: raw.action,
      actionExecutionId: raw['action-execution-id'],
      detailRegion: raw.region,
      actionType: raw.type,
      executionResult: raw['execution-result'],
    }),
    inputArtifacts: raw['input-artifacts'],
    outputArtifacts: raw['output-artifacts'],
  })),
);

export type PipelineDetail = z.output<typeof pipelineDetailSchema>;
export type StageDetail = z.output<typeof stageDetailSchema>;
export type ActionDetail = z.output<typeof actionDetailSchema>;
