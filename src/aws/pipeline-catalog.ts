// (adapter) ListPipelines / GetPipeline (through the CodePipeline client) --> core PipelineCatalog, cached per warm container

import type { PipelineCatalog } from '../core/ports';
import type { CodePipelinePipelineClient } from './codepipeline-client';
import { TtlCache } from './ttl-cache';

/** What the catalog reads: the CodePipeline adapter's two name queries. */
export type PipelineNameSource = Pick<CodePipelinePipelineClient, 'listPipelineNames' | 'getPipelineStageNames'>;

export interface CachedPipelineCatalogOptions {
  readonly source: PipelineNameSource;
  /**
   * How long an answer is reused. A minute: a burst of subscribe commands makes one ListPipelines
   * call, not one per command (CodePipeline's control-plane quotas are a few calls per second),
   * and a pipeline created meanwhile is still confirmed by GetPipeline before a name is refused.
   */
  readonly ttlMs?: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export const DEFAULT_CATALOG_TTL_MS = 60_000;

/**
 * The account's pipeline names and each pipeline's stage names, cached for the life of the
 * execution environment with a short TTL. A failure (no such pipeline, AccessDenied, throttling)
 * is not cached: the next command asks again.
 */
export class CachedPipelineCatalog implements PipelineCatalog {
  private readonly source: PipelineNameSource;
  /** One key: the account's pipeline names. */
  private readonly names: TtlCache<'names', readonly string[]>;
  private readonly stages: TtlCache<string, readonly string[]>;

  constructor(options: CachedPipelineCatalogOptions) {
    this.source = options.source;
    const ttlMs = options.ttlMs ?? DEFAULT_CATALOG_TTL_MS;
    this.names = new TtlCache(ttlMs, options.now);
    this.stages = new TtlCache(ttlMs, options.now);
  }

  pipelineNames(): Promise<readonly string[]> {
    return this.names.get('names', () => this.source.listPipelineNames());
  }

  stageNames(pipeline: string): Promise<readonly string[]> {
    return this.stages.get(pipeline, (name) => this.source.getPipelineStageNames(name));
  }
}
