// (core) CodePipeline's record of an execution (ListActionExecutions, GetPipelineExecution, GetPipelineState) --> an ExecutionState to join with the events
import type { ActionExecutionView, PipelineExecutionStatus, StageExecutionStatus, StageStateView } from '../ports';
import {
  type ActionRecord,
  actionKey,
  EXECUTION_STATE_SCHEMA,
  type ExecutionState,
  type StageRecord,
  type StatusRecord,
} from './execution-state';
import { mergeExecutionStates } from './merge-execution-states';

/** The execution the actions belong to, as its events name it. */
export interface ExecutionIdentity {
  readonly pipeline: string;
  readonly executionId: string;
  readonly region: string;
  readonly account: string;
}

/** What CodePipeline's API says of one execution: its actions, and where it and its stages stand. */
export interface ExecutionOfApi {
  /** ListActionExecutions of the execution. */
  readonly actions: readonly ActionExecutionView[];
  /** GetPipelineExecution's status. */
  readonly status?: PipelineExecutionStatus;
  /** GetPipelineState's stages: those whose latest execution is this one are read. */
  readonly stages?: readonly StageStateView[];
}

const PIPELINE_STATES: Readonly<Record<PipelineExecutionStatus, string>> = {
  Cancelled: 'CANCELED',
  InProgress: 'STARTED',
  Stopped: 'STOPPED',
  Stopping: 'STOPPING',
  Succeeded: 'SUCCEEDED',
  Superseded: 'SUPERSEDED',
  Failed: 'FAILED',
};

const STAGE_STATES: Readonly<Partial<Record<StageExecutionStatus, string>>> = {
  Cancelled: 'CANCELED',
  InProgress: 'STARTED',
  Failed: 'FAILED',
  Stopped: 'STOPPED',
  Stopping: 'STOPPING',
  Succeeded: 'SUCCEEDED',
};

const ACTION_STATES: Readonly<Record<NonNullable<ActionExecutionView['status']>, string>> = {
  InProgress: 'STARTED',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  Abandoned: 'ABANDONED',
};

/**
 * (notify opens a conversation) --> executionStateOfActions --> joined with the events' state
 *
 * What CodePipeline itself says of an execution (its actions, their stages, its status), as the
 * state their events would have made: a channel whose subscription matched only a late event (a
 * FAILED) still shows the stages that succeeded before it as succeeded, and a conversation opened
 * by an event delivered late shows where the execution stands now. Each action's newest run wins,
 * as in the join; a stage and the pipeline take their newest action's time.
 *
 * Times are cut to whole seconds, as event times are: an event of the same second then decides
 * by its attempt (the API's runs carry none), so a retry's STARTED in the second the run failed
 * still beats the API's FAILED. Event ids are `codepipeline:<action execution id>:<status>`: never
 * an EventBridge id, so a real event is never taken for seen.
 */
export function executionStateOfActions(execution: ExecutionIdentity, api: ExecutionOfApi): ExecutionState {
  const empty: ExecutionState = {
    schema: EXECUTION_STATE_SCHEMA,
    pipeline: execution.pipeline,
    executionId: execution.executionId,
    region: execution.region,
    account: execution.account,
    stages: {},
    actions: {},
    seenEvents: [],
    version: 0,
  };
  const records = api.actions.flatMap((view) => actionRecordOfView(view, execution.region) ?? []);
  const withActions = records.reduce(
    (state, record) =>
      mergeExecutionStates(state, { ...empty, actions: { [actionKey(record.stage, record.action)]: record } }),
    empty,
  );
  // A stage or the pipeline is as new as its newest action: the API gives them no time of their own.
  const newest = (stage?: string) =>
    records
      .filter((record) => stage === undefined || record.stage === stage)
      .map((record) => record.time)
      .sort()
      .at(-1);
  const stages: Record<string, StageRecord> = {};
  for (const stage of api.stages ?? []) {
    const latest = stage.latestExecution;
    const state = latest === undefined ? undefined : STAGE_STATES[latest.status];
    const time = newest(stage.stageName);
    if (latest?.pipelineExecutionId !== execution.executionId || state === undefined || time === undefined) continue;
    const first = records
      .filter((record) => record.stage === stage.stageName)
      .map((record) => record.firstTime)
      .sort()[0];
    stages[stage.stageName] = {
      state,
      known: true,
      time,
      eventId: `codepipeline:stage:${stage.stageName}:${latest.status}`,
      firstTime: first ?? time,
    };
  }
  const time = newest();
  const pipelineStatus: StatusRecord | undefined =
    api.status === undefined || time === undefined
      ? undefined
      : { state: PIPELINE_STATES[api.status], known: true, time, eventId: `codepipeline:execution:${api.status}` };
  return mergeExecutionStates(withActions, {
    ...empty,
    stages,
    ...(pipelineStatus === undefined ? {} : { pipelineStatus }),
  });
}

function actionRecordOfView(view: ActionExecutionView, region: string): ActionRecord | undefined {
  const time = wholeSecond(view.lastUpdateTime ?? view.startTime);
  if (view.status === undefined || time === undefined) return undefined;
  const status: StatusRecord = {
    state: ACTION_STATES[view.status],
    known: true,
    time,
    eventId: `codepipeline:${view.actionExecutionId ?? `${view.stageName}/${view.actionName}`}:${view.status}`,
  };
  const result = {
    ...(view.summary === undefined ? {} : { summary: view.summary }),
    ...(view.externalExecutionUrl === undefined ? {} : { url: view.externalExecutionUrl }),
    ...(view.status === 'Failed' && view.errorDetails?.code !== undefined ? { errorCode: view.errorDetails.code } : {}),
    ...(view.externalExecutionId === undefined ? {} : { externalExecutionId: view.externalExecutionId }),
  };
  return {
    ...status,
    stage: view.stageName,
    action: view.actionName,
    ...(view.category === undefined ? {} : { category: view.category }),
    ...(view.actionExecutionId === undefined ? {} : { actionExecutionId: view.actionExecutionId }),
    region,
    ...(Object.keys(result).length === 0 ? {} : { result }),
    firstTime: wholeSecond(view.startTime) ?? time,
  };
}

/** An ISO time cut to the second (`2026-12-07T10:00:05Z`), as EventBridge writes event times. */
function wholeSecond(time: string | undefined): string | undefined {
  if (time === undefined) return undefined;
  const epoch = Date.parse(time);
  if (Number.isNaN(epoch)) return undefined;
  return `${new Date(Math.floor(epoch / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}
