// (core) Subscription: a filter (pipeline selectors, levels, states, stage, action, categories, accounts, regions) or a raw pattern
import type { Level } from '../events/states';

/**
 * Which pipelines a subscription watches. `all` is `*`; `prefix` is `api-*`.
 * CodePipeline names are `[A-Za-z0-9.@\-_]{1,100}`, so `*` can never be part of a name.
 */
export type PipelineSelector = { kind: 'all' } | { kind: 'name'; name: string } | { kind: 'prefix'; prefix: string };

/** A subscription built from command arguments: the grammar's fields, normalised. */
export interface FilterSubscription {
  kind: 'filter';
  /** Sorted, de-duplicated; `[{kind:'all'}]` for every pipeline. */
  pipelines: PipelineSelector[];
  /** The levels whose events are delivered, in the order pipeline, action, stage (the seed's). */
  levels: Level[];
  /** Upper-case states; empty means every state. */
  states: string[];
  stage?: string;
  action?: string;
  /** Action categories (`type.category`), e.g. Deploy, Build, Approval. */
  categories: string[];
  /**
   * `--transitions`: post only when the pipeline (or `stage`) goes from success to failure
   * ("broken") or back ("fixed"). The pattern is the pipeline's (or stage's) SUCCEEDED and FAILED
   * events; the rule's target input carries `"mode":"transitions"` and notify decides.
   */
  transitions?: true;
  /** `--account`: the events of these AWS accounts only (the pattern's top-level `account`); sorted. */
  accounts?: string[];
  /** `--region`: the events of these regions only (the pattern's top-level `region`); sorted. */
  regions?: string[];
}

/** A power user's raw `--pattern`, validated and restricted to `source: aws.codepipeline`. */
export interface PatternSubscription {
  kind: 'pattern';
  pattern: Record<string, unknown>;
}

export type Subscription = FilterSubscription | PatternSubscription;

/** CodePipeline's own name rule for pipelines, stages and actions. */
export const RESOURCE_NAME = /^[A-Za-z0-9.@\-_]{1,100}$/;

/** An AWS account id: twelve digits. */
export const ACCOUNT_ID = /^\d{12}$/;
