// (core) the types of what summariseExecution reads out of a state: headline, stages, failure, waiting approval
import type { AlertStatus } from '../messages';
import type { SeenEvent } from './execution-state';

/** What summariseExecution reads out of an ExecutionState: what a person wants to know first. */
export interface ExecutionOverview {
  readonly headline: ExecutionHeadline;
  /** Every stage known, in display order (the pipeline's order when given, else first seen first). */
  readonly stages: readonly StageProgress[];
  /** The stage running now, if any. */
  readonly currentStage?: string;
  /** Set while the execution (or one of its stages) is failed. */
  readonly failure?: ExecutionFailure;
  /** An approval action waiting for someone. */
  readonly waitingApproval?: WaitingApproval;
  /** The largest `pipeline-execution-attempt` seen: above 1 after a retry. */
  readonly attempt?: number;
  /** The newest event merged. */
  readonly lastEvent?: SeenEvent;
}

export interface ExecutionHeadline extends AlertStatus {
  /** True when no pipeline-level event said so and the headline was read from stages and actions. */
  readonly derived: boolean;
}

export interface StageProgress {
  readonly name: string;
  /** Undefined for a stage of `stageOrder` that has not started. */
  readonly state?: string;
  readonly known: boolean;
  /** True when no stage event arrived and the state was read from the stage's actions. */
  readonly derived: boolean;
  /** A plain-Unicode mark for a progress line: ✓ ✗ … ■ ? – (see STAGE_MARKS). */
  readonly mark: string;
}

export interface ExecutionFailure {
  readonly stage?: string;
  readonly action?: string;
  /** The failed action's category (Build, Deploy, ...), to name its link. */
  readonly category?: string;
  readonly summary?: string;
  readonly errorCode?: string;
  readonly externalUrl?: string;
}

export interface WaitingApproval {
  readonly stage: string;
  readonly action: string;
  /** When the approval started waiting (ISO 8601). */
  readonly since: string;
}

export interface ExecutionOverviewOptions {
  /**
   * The pipeline's stage names in order (e.g. from GetPipelineState), so that
   * stages not started yet show as "–". Without it only stages seen in events appear.
   */
  readonly stageOrder?: readonly string[];
  /**
   * The stage this execution waits to enter while another execution holds it (GetPipelineState's
   * inbound executions), when notify found one.
   */
  readonly heldBy?: HeldStage;
  /**
   * pipewatch's own account and region: an execution elsewhere (another account forwarding to the
   * bus, another region) says where it runs in a fact. Absent: no such fact.
   */
  readonly home?: HomeLocation;
}

/** An account and region: where pipewatch runs, or where an execution does. */
export interface HomeLocation {
  readonly account?: string;
  readonly region?: string;
}

/** A stage another execution holds while this one waits to enter it. */
export interface HeldStage {
  readonly stage: string;
  /** The execution in the stage. */
  readonly executionId: string;
}
