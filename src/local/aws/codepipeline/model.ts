// (local AWS) the CodePipeline simulator's records: pipelines, executions, stage and action runs, as plain JSON
/*
 * The simulator's records. Plain JSON data on purpose: the whole state is saved as one snapshot
 * (see snapshot.ts) and read back at construction, so nothing here may hold a function, a Date
 * or a timer. Times are epoch milliseconds of the injected Clock.
 */

import type { ActionExecutionStatus, PipelineExecutionStatus, StageExecutionStatus } from '../../../core/ports';
import type { LocalCommit } from './source-commits';

export interface ActionTypeId {
  category: string;
  owner: string;
  provider: string;
  version: string;
}

export interface ArtifactRef {
  name: string;
}

/** An action as CodePipeline declares it, plus the simulator's `durationSeconds`. */
export interface ActionDefinition {
  name: string;
  actionTypeId: ActionTypeId;
  runOrder: number;
  region: string;
  configuration: Record<string, string>;
  inputArtifacts: ArtifactRef[];
  outputArtifacts: ArtifactRef[];
  namespace?: string;
  roleArn?: string;
  /** Simulated run time; defaults by category (see providers.ts). Ignored by Approval actions. */
  durationSeconds?: number;
}

export interface StageDefinition {
  name: string;
  actions: ActionDefinition[];
}

export type ExecutionMode = 'SUPERSEDED' | 'QUEUED' | 'PARALLEL';
export type PipelineType = 'V1' | 'V2';

export interface PipelineRecord {
  name: string;
  version: number;
  roleArn: string;
  artifactStore: { type: string; location: string };
  executionMode: ExecutionMode;
  pipelineType: PipelineType;
  stages: StageDefinition[];
  tags: { key: string; value: string }[];
  created: number;
  updated: number;
  /**
   * Per stage, the execution that entered it last: GetPipelineState reports that one, and
   * RetryStageExecution accepts only that one (NotLatestPipelineExecutionException otherwise).
   */
  stageLatest: Record<string, string>;
  /** Per git source action, the head commit of its branch: what the next execution runs (see source-commits.ts). */
  sourceHeads?: Record<string, LocalCommit>;
}

// CodePipeline's own status enums, as the core's port declares them (one definition).
export type { PipelineExecutionStatus };
export type StageStatus = StageExecutionStatus;
export type ActionStatus = ActionExecutionStatus;

/** How an action will end when its timer fires; decided when it starts (failure injection). */
export type PlannedOutcome =
  | { kind: 'succeed' }
  /** `log`: the failing command's output in a CodeBuild action's log (a failing test run by default). */
  | { kind: 'fail'; errorCode: string; summary: string; log?: string[] };

/** One run of one action; a retry adds a new run with a new actionExecutionId. */
export interface ActionRun {
  actionExecutionId: string;
  stageName: string;
  actionName: string;
  status: ActionStatus;
  startTime: number;
  lastUpdateTime: number;
  /** When the timer completes the action (or expires the approval); re-armed after a restart. */
  dueAt?: number;
  planned: PlannedOutcome;
  summary?: string;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  errorDetails?: { code: string; message: string };
  /** Approval actions only, while InProgress or once answered. */
  token?: string;
  /** The reviewer's answer (PutApprovalResult), to tell "already completed" from "expired". */
  /** `by`: the caller's ARN (GetPipelineState's lastUpdatedBy, ListActionExecutions' updatedBy). */
  approval?: { status: 'Approved' | 'Rejected'; summary: string; at: number; by?: string };
  /** The pipeline-execution-attempt this run belongs to. */
  attempt: number;
  inputArtifacts: { name: string; bucket: string; key: string }[];
  outputArtifacts: { name: string; bucket: string; key: string }[];
}

export interface StageRun {
  name: string;
  status: StageStatus;
  startTime: number;
  /** Set by RetryStageExecution; `stage-last-retry-attempt-time` of later stage events. */
  lastRetryAttemptTime?: number;
  manualRetryAttempts: number;
  /**
   * Runs of an earlier attempt than this do not count for the stage: ALL_ACTIONS sets it to the
   * new attempt so that every action runs again; FAILED_ACTIONS leaves it, so succeeded runs stand.
   */
  baseAttempt: number;
}

export interface ExecutionRecord {
  pipelineExecutionId: string;
  pipelineName: string;
  pipelineVersion: number;
  status: PipelineExecutionStatus;
  statusSummary?: string;
  startTime: number;
  lastUpdateTime: number;
  trigger: ExecutionTrigger;
  clientRequestToken?: string;
  /** The commit each git source action runs (artifactRevisions, sourceRevisions). */
  sources?: { action: string; commit: LocalCommit }[];
  /** `pipeline-execution-attempt`: 1, plus one per RetryStageExecution. */
  attempt: number;
  /**
   * Index of the stage the execution is in (or last was in). While `waitingFor` is set, the
   * execution sits at the boundary before that stage, because another execution holds it.
   */
  stageIndex: number;
  waitingFor?: number;
  stages: StageRun[];
  actions: ActionRun[];
  /** Artifact name → its S3 key, set when an action produces it. */
  artifacts: Record<string, { bucket: string; key: string }>;
  stopTrigger?: { reason: string };
  stopAbandon?: boolean;
}

export interface ExecutionTrigger {
  triggerType: string;
  triggerDetail: string;
  /** Set when a push started the execution: the git fields of the events' `execution-trigger` (see gitTriggerFields). */
  git?: Record<string, string>;
}

export interface SimulatorState {
  pipelines: PipelineRecord[];
  executions: ExecutionRecord[];
}

export const TERMINAL_EXECUTION_STATUSES: readonly PipelineExecutionStatus[] = [
  'Cancelled',
  'Stopped',
  'Succeeded',
  'Superseded',
  'Failed',
];
