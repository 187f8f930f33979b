// (core) the documented states, levels, detail-types and action categories of CodePipeline events
/**
 * The execution states CodePipeline reports at each level, as documented in the
 * CodePipeline user guide ("Monitoring CodePipeline events"). A state not listed
 * here is kept verbatim by the parser and flagged as unknown, never rejected:
 * AWS adds states over time and an alert about an unknown state beats silence.
 */

export const PIPELINE_STATES = [
  'STARTED',
  'SUCCEEDED',
  'RESUMED',
  'FAILED',
  'CANCELED',
  'SUPERSEDED',
  'STOPPING',
  'STOPPED',
] as const;

export const STAGE_STATES = ['STARTED', 'SUCCEEDED', 'RESUMED', 'FAILED', 'CANCELED', 'STOPPING', 'STOPPED'] as const;

export const ACTION_STATES = ['STARTED', 'SUCCEEDED', 'FAILED', 'CANCELED', 'ABANDONED'] as const;

export type PipelineState = (typeof PIPELINE_STATES)[number];
export type StageState = (typeof STAGE_STATES)[number];
export type ActionState = (typeof ACTION_STATES)[number];
export type KnownState = PipelineState | StageState | ActionState;

/** The three levels at which CodePipeline emits state-change events. */
export const LEVELS = ['pipeline', 'stage', 'action'] as const;
export type Level = (typeof LEVELS)[number];

/** EventBridge `detail-type` for each level. */
export const DETAIL_TYPES: Readonly<Record<Level, string>> = {
  pipeline: 'CodePipeline Pipeline Execution State Change',
  stage: 'CodePipeline Stage Execution State Change',
  action: 'CodePipeline Action Execution State Change',
};

export const STATES_BY_LEVEL: Readonly<Record<Level, readonly string[]>> = {
  pipeline: PIPELINE_STATES,
  stage: STAGE_STATES,
  action: ACTION_STATES,
};

export const ALL_STATES: readonly string[] = [...new Set([...PIPELINE_STATES, ...STAGE_STATES, ...ACTION_STATES])];

export function isKnownState(level: Level, state: string): boolean {
  return STATES_BY_LEVEL[level].includes(state);
}

export function levelOfDetailType(detailType: string): Level | undefined {
  return LEVELS.find((level) => DETAIL_TYPES[level] === detailType);
}

/** Action categories CodePipeline supports (ActionTypeId.category). */
export const ACTION_CATEGORIES = ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute'] as const;
export type ActionCategory = (typeof ACTION_CATEGORIES)[number];
