// (core) the types of a parsed CodePipeline event: common envelope fields + pipeline, stage or action detail
import type { AdditionalAttributes } from './additional-attributes-schema';
import type { ActionDetail, PipelineDetail, StageDetail } from './detail-schemas';
import type { InvalidPipelineEventError } from './invalid-pipeline-event-error';

/** Which envelope the event came in; both carry the same `detail`. */
export type EnvelopeKind = 'eventbridge' | 'codestar-notifications';

/** What every CodePipeline event has, whatever its level. */
export interface PipelineEventCommon {
  readonly envelope: EnvelopeKind;
  /** EventBridge's `id`, or a content hash for envelopes without one (see `eventIdSynthesized`). */
  readonly eventId: string;
  readonly eventIdSynthesized: boolean;
  readonly detailType: string;
  readonly source: string;
  /** ISO 8601, as in the envelope. */
  readonly time: string;
  /** The envelope's account and region: where the event was emitted. */
  readonly account: string;
  readonly region: string;
  readonly resources: readonly string[];
  /** The pipeline's ARN from `resources`, when there is one. */
  readonly pipelineArn?: string;
  /** Where the pipeline lives: from its ARN, else the envelope's region and account. */
  readonly pipelineRegion: string;
  readonly pipelineAccount: string;
  /** False when `state` is not a documented state of this level (kept verbatim, never rejected). */
  readonly stateKnown: boolean;
  /** CodeStar Notifications only. */
  readonly notificationRuleArn?: string;
  readonly additionalAttributes?: AdditionalAttributes;
}

export type PipelineLevelEvent = PipelineEventCommon & PipelineDetail & { readonly level: 'pipeline' };

export type StageLevelEvent = PipelineEventCommon & StageDetail & { readonly level: 'stage' };

export type ActionLevelEvent = PipelineEventCommon &
  Omit<ActionDetail, 'detailRegion'> & {
    readonly level: 'action';
    /** `detail.region` (an action can run in another region than its pipeline), else the pipeline's region. */
    readonly actionRegion: string;
  };

/** A CodePipeline state-change event, read from either envelope; discriminated on `level`. */
export type PipelineEvent = PipelineLevelEvent | StageLevelEvent | ActionLevelEvent;

export type SafeParsePipelineEventResult =
  | { readonly success: true; readonly event: PipelineEvent }
  | { readonly success: false; readonly error: InvalidPipelineEventError };
