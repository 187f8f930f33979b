// (core) ExecutionState --> ExecutionOverview: headline, stage progress, running stage, failure, waiting approval
import { presentState } from '../messages';
import type {
  ExecutionFailure,
  ExecutionHeadline,
  ExecutionOverview,
  ExecutionOverviewOptions,
  StageProgress,
  WaitingApproval,
} from './execution-overview';
import type { ActionRecord, ExecutionState, FailureRecord, Observation, StatusRecord } from './execution-state';
import { compareObservations, compareText, newer, newerStatus, stateRank } from './observation-order';
import { stageMark } from './stage-marks';

const IN_PROGRESS_STATES = new Set(['STARTED', 'RESUMED', 'STOPPING']);
const ENDED_RANK = stateRank('SUCCEEDED');

/** A stage as summarised: its own record, else what its actions say. */
interface StageView extends StageProgress {
  /** The newest observation about the stage (its record, or its newest action). */
  readonly updated?: StatusRecord;
  readonly firstTime?: string;
}

/**
 * Reads what matters out of an execution's merged state: the headline (from
 * the pipeline-level state, or derived from stages while no pipeline event has
 * arrived), per-stage progress, the running stage, the failure and a waiting
 * approval. Pure; the same state always gives the same overview.
 */
export function summariseExecution(state: ExecutionState, options: ExecutionOverviewOptions = {}): ExecutionOverview {
  const actions = Object.values(state.actions);
  const stages = stageViews(state, actions, options.stageOrder ?? []);
  const waitingApproval = waitingApprovalOf(state, actions);
  const failedStage = newestView(stages.filter((stage) => stage.state === 'FAILED'));
  const headline = headlineOf(state, stages, failedStage, waitingApproval, options.stageOrder !== undefined);
  const failure = headline.state === 'FAILED' || failedStage ? failureOf(state, actions, failedStage) : undefined;
  const running = newestView(
    stages.filter((stage) => stage.state !== undefined && IN_PROGRESS_STATES.has(stage.state)),
  );
  const attempts = [state.pipelineStatus, ...Object.values(state.stages), ...actions].flatMap((record) =>
    record?.attempt === undefined ? [] : [record.attempt],
  );
  return {
    headline,
    stages: stages.map(({ name, state: stageState, known, derived, mark }) =>
      stageState === undefined ? { name, known, derived, mark } : { name, state: stageState, known, derived, mark },
    ),
    ...(running ? { currentStage: running.name } : {}),
    ...(failure ? { failure } : {}),
    ...(waitingApproval ? { waitingApproval } : {}),
    ...(attempts.length > 0 ? { attempt: Math.max(...attempts) } : {}),
    ...(state.seenEvents[0] ? { lastEvent: state.seenEvents[0] } : {}),
  };
}

function stageViews(
  state: ExecutionState,
  actions: readonly ActionRecord[],
  stageOrder: readonly string[],
): StageView[] {
  const names = new Set([...Object.keys(state.stages), ...actions.map((action) => action.stage)]);
  const views = [...names].map((name) => stageView(name, state, actions));
  const position = new Map(stageOrder.map((name, index) => [name, index] as const));
  // Stages the pipeline declares, in its order; then any others (renamed, not in the list) as first seen.
  const ordered = stageOrder
    .filter((name, index) => stageOrder.indexOf(name) === index)
    .map(
      (name): StageView =>
        views.find((view) => view.name === name) ?? { name, known: true, derived: false, mark: stageMark(undefined) },
    );
  const others = views
    .filter((view) => !position.has(view.name))
    .sort((a, b) => compareText(a.firstTime ?? '', b.firstTime ?? '') || compareText(a.name, b.name));
  return [...ordered, ...others];
}

function stageView(name: string, state: ExecutionState, actions: readonly ActionRecord[]): StageView {
  const record = Object.hasOwn(state.stages, name) ? state.stages[name] : undefined;
  if (record !== undefined) {
    return {
      name,
      state: record.state,
      known: record.known,
      derived: false,
      mark: stageMark(record.state),
      updated: record,
      firstTime: record.firstTime,
    };
  }
  const own = actions.filter((action) => action.stage === name);
  const newest = own.reduce<ActionRecord | undefined>((a, b) => newerStatus(a, b), undefined);
  const derivedState = own.some((action) => action.state === 'FAILED')
    ? 'FAILED'
    : own.some((action) => IN_PROGRESS_STATES.has(action.state))
      ? 'STARTED'
      : newest?.state;
  const firstTime = own.map((action) => action.firstTime).sort(compareText)[0];
  return {
    name,
    known: newest?.known ?? true,
    derived: true,
    mark: stageMark(derivedState),
    ...(derivedState === undefined ? {} : { state: derivedState }),
    ...(newest ? { updated: newest } : {}),
    ...(firstTime ? { firstTime } : {}),
  };
}

function newestView(views: readonly StageView[]): StageView | undefined {
  return views.reduce<StageView | undefined>((a, b) => {
    if (a?.updated === undefined) return b.updated ? b : (a ?? b);
    if (b.updated === undefined) return a;
    return compareObservations(a.updated, b.updated) >= 0 ? a : b;
  }, undefined);
}

function headlineOf(
  state: ExecutionState,
  stages: readonly StageView[],
  failedStage: StageView | undefined,
  waiting: WaitingApproval | undefined,
  allStagesKnown: boolean,
): ExecutionHeadline {
  const pipeline = state.pipelineStatus;
  // A failed stage newer than a running pipeline: the pipeline's FAILED is on its way.
  const failedSince = (since?: Observation) =>
    failedStage?.updated !== undefined && (since === undefined || compareObservations(failedStage.updated, since) > 0);
  if (pipeline !== undefined && !(IN_PROGRESS_STATES.has(pipeline.state) && failedSince(pipeline))) {
    if (waiting && IN_PROGRESS_STATES.has(pipeline.state)) return waitingHeadline(pipeline.state, false);
    return { ...headlineWords(pipeline.state, pipeline.known), derived: false };
  }
  if (failedSince()) return { ...headlineWords('FAILED', true), derived: true };
  if (waiting) return waitingHeadline('STARTED', true);
  const newestStage = newestView(stages);
  if (newestStage?.state && stateRank(newestStage.state) === ENDED_RANK && newestStage.state !== 'SUCCEEDED') {
    return { ...headlineWords(newestStage.state, newestStage.known), derived: true };
  }
  if (stages.length > 0 && stages.every((stage) => stage.state === 'SUCCEEDED') && allStagesKnown) {
    return { ...headlineWords('SUCCEEDED', true), derived: true };
  }
  const started = stages.some((stage) => stage.state !== undefined && IN_PROGRESS_STATES.has(stage.state));
  // Without the pipeline's stage list, stages that all succeeded do not prove the execution did.
  return {
    state: 'STARTED',
    // Nothing seen yet of an execution started from chat (`run`): it has just started.
    label: started
      ? 'In progress'
      : state.runNote !== undefined && stages.every((stage) => stage.state === undefined)
        ? 'Started'
        : 'No failures so far',
    severity: 'info',
    known: true,
    derived: true,
  };
}

function headlineWords(state: string, known: boolean): Omit<ExecutionHeadline, 'derived'> {
  const { verb: _verb, ...status } = presentState(state, { known, approval: false });
  return status;
}

function waitingHeadline(state: string, derived: boolean): ExecutionHeadline {
  return { state, label: 'Waiting for approval', severity: 'warning', known: true, derived };
}

/** The newest approval action that started and whose stage and pipeline have not ended since. */
function waitingApprovalOf(state: ExecutionState, actions: readonly ActionRecord[]): WaitingApproval | undefined {
  const endedAfter = (record: StatusRecord | undefined, action: ActionRecord) =>
    record !== undefined && stateRank(record.state) === ENDED_RANK && compareObservations(record, action) > 0;
  const waiting = actions.filter(
    (action) =>
      action.category === 'Approval' &&
      action.state === 'STARTED' &&
      !endedAfter(state.pipelineStatus, action) &&
      !endedAfter(Object.hasOwn(state.stages, action.stage) ? state.stages[action.stage] : undefined, action),
  );
  const newest = waiting.reduce<ActionRecord | undefined>((a, b) => newer(a, b), undefined);
  return newest && { stage: newest.stage, action: newest.action, since: newest.time };
}

function failureOf(
  state: ExecutionState,
  actions: readonly ActionRecord[],
  failedStage: StageView | undefined,
): ExecutionFailure | undefined {
  const pipelineAttempt = state.pipelineStatus?.attempt;
  // A failure recorded for an earlier attempt says nothing about this one.
  const current = (record: FailureRecord | undefined) =>
    record !== undefined &&
    (record.attempt === undefined || pipelineAttempt === undefined || record.attempt >= pipelineAttempt) &&
    (failedStage === undefined || record.stage === undefined || record.stage === failedStage.name)
      ? record
      : undefined;
  const recorded = current(state.fetchedFailure) ?? current(state.reportedFailure);
  const fromRecord = recorded && failureOfRecord(recorded);
  if (failedStage === undefined) return fromRecord;

  const failedAction = actions
    .filter((action) => action.stage === failedStage.name && action.state === 'FAILED')
    .reduce<ActionRecord | undefined>((a, b) => newer(a, b), undefined);
  const result = failedAction?.result;
  // No failed action record (a stage or pipeline FAILED alone): the record names the action.
  const sameAction =
    fromRecord?.action === undefined || failedAction === undefined || fromRecord.action === failedAction.action;
  const failure: ExecutionFailure = {
    stage: failedStage.name,
    action: failedAction?.action ?? fromRecord?.action,
    // Before the failed action's own event arrives, its category is known from its earlier ones (an
    // approval that was rejected reads as a rejection however its events are ordered).
    category:
      failedAction?.category ??
      (fromRecord?.action === undefined
        ? undefined
        : actions.find((action) => action.stage === failedStage.name && action.action === fromRecord.action)?.category),
    summary: result?.summary ?? (sameAction ? fromRecord?.summary : undefined),
    errorCode: result?.errorCode ?? (sameAction ? fromRecord?.errorCode : undefined),
    externalUrl: result?.url ?? (sameAction ? fromRecord?.externalUrl : undefined),
  };
  return Object.fromEntries(Object.entries(failure).filter(([, value]) => value !== undefined));
}

function failureOfRecord(record: FailureRecord): ExecutionFailure {
  const first = record.actions[0];
  const described = record.actions.filter((action) => action.summary);
  const summary =
    described.length === 1 && record.actions.length === 1
      ? described[0]?.summary
      : described.length > 0
        ? described.map((action) => `${action.action}: ${action.summary}`).join('\n')
        : record.information;
  const failure: ExecutionFailure = {
    stage: record.stage,
    action: first?.action,
    summary,
    errorCode: first?.errorCode,
    externalUrl: first?.url,
  };
  return Object.fromEntries(Object.entries(failure).filter(([, value]) => value !== undefined));
}
