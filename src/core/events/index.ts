// (core) public API of CodePipeline event parsing: schemas, parsePipelineEvent, states, console links
/** Public API of CodePipeline event parsing. */

export { type ActionType, actionTypeSchema } from './action-type-schema';
export type { AdditionalAttributes } from './additional-attributes-schema';
export { type Artifact, artifactSchema } from './artifact-schema';
export {
  consoleHost,
  type ExecutionLocation,
  executionConsoleUrl,
  isConsoleHost,
  knownPartition,
  type Partition,
  partitionOfRegion,
  REGION_CODE,
} from './console-url';
export {
  type ActionDetail,
  actionDetailSchema,
  type PipelineDetail,
  pipelineDetailSchema,
  type StageDetail,
  stageDetailSchema,
} from './detail-schemas';
export {
  type CodeStarNotificationEnvelope,
  codeStarNotificationEnvelopeSchema,
  type EventBridgeEnvelope,
  eventBridgeEnvelopeSchema,
} from './envelope-schemas';
export { synthesizeEventId } from './event-id';
export { type ExecutionResult, executionResultSchema } from './execution-result-schema';
export { type ExecutionSummary, parseExecutionSummary } from './execution-summary';
export { executionTriggerSchema, type Trigger, type TriggerCommit } from './execution-trigger-schema';
export { InvalidPipelineEventError, type PipelineEventIssue } from './invalid-pipeline-event-error';
export { parsePipelineEvent, safeParsePipelineEvent } from './parse-pipeline-event';
export { findPipelineArn, type PipelineArn, parsePipelineArn } from './pipeline-arn';
export type {
  ActionLevelEvent,
  EnvelopeKind,
  PipelineEvent,
  PipelineEventCommon,
  PipelineLevelEvent,
  SafeParsePipelineEventResult,
  StageLevelEvent,
} from './pipeline-event';
export { CODEPIPELINE_NAME } from './schema-helpers';
export * from './states';
