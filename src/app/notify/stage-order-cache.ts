// (composition) PipelineClient.getPipelineStageNames --> NotifyDeps.stageOrder, cached per container
import { TtlCache } from '../../aws/ttl-cache';
import type { PipelineClient } from '../../core/ports';

/**
 * A pipeline's stage order changes only when its definition does, so one GetPipeline per pipeline
 * every few minutes per warm container is enough. Concurrent first calls share one request; a
 * failure is not cached (the caller logs it and renders in first-seen order meanwhile).
 */
export function cachedStageOrder(
  pipelines: Pick<PipelineClient, 'getPipelineStageNames'>,
  { ttlMs = 5 * 60_000, now = Date.now }: { ttlMs?: number; now?: () => number } = {},
): (pipeline: string) => Promise<readonly string[]> {
  const cache = new TtlCache<string, readonly string[]>(ttlMs, now);
  return (pipeline) => cache.get(pipeline, (name) => pipelines.getPipelineStageNames(name));
}
