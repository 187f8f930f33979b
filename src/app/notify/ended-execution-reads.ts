// (composition) PipelineClient --> the same, with a Succeeded execution's reads (GetPipelineExecution, ListActionExecutions) kept per container: they cannot change any more
import { TtlCache } from '../../aws/ttl-cache';
import type {
  ActionExecutionView,
  PipelineClient,
  PipelineExecutionRef,
  PipelineExecutionView,
} from '../../core/ports';

/** How long an ended execution's reads are kept: the burst of deliveries that read them comes within minutes. */
const DEFAULT_TTL_MS = 10 * 60_000;

/**
 * A conversation's first state reads what CodePipeline says of the execution (notify-event.ts,
 * openingState): GetPipelineExecution, ListActionExecutions and GetPipelineState. When many channels
 * subscribe to one pipeline, each of them reads the same execution, typically its final event's
 * fan-out, all within a second. A Succeeded execution is over for good (CodePipeline retries failed
 * or stopped stages only, and a rollback is a new execution), so its status and its action
 * executions read once hold for every later read:
 *
 * - GetPipelineExecution answering Succeeded is kept;
 * - ListActionExecutions is kept only when it was asked after a Succeeded answer came back (so
 *   every action of the execution had ended before the read began); concurrent such reads share one
 *   request. A list read while the execution might still run is never kept.
 *
 * Anything else (another status, GetPipelineState, whose stages move on with later executions, and
 * every other method) goes to CodePipeline each time, as before. A failure is not kept.
 */
export function withEndedExecutionReads(
  pipelines: PipelineClient,
  { ttlMs = DEFAULT_TTL_MS, now = Date.now }: { ttlMs?: number; now?: () => number } = {},
): PipelineClient {
  const ended = new Map<string, { readonly view: PipelineExecutionView; readonly at: number }>();
  const actions = new TtlCache<string, readonly ActionExecutionView[]>(ttlMs, now);
  const keyOf = (ref: PipelineExecutionRef) => `${ref.pipeline} ${ref.executionId}`;
  const endedView = (key: string) => {
    const entry = ended.get(key);
    return entry !== undefined && now() - entry.at < ttlMs ? entry.view : undefined;
  };
  return {
    getPipelineState: (pipeline) => pipelines.getPipelineState(pipeline),
    retryStageExecution: (input) => pipelines.retryStageExecution(input),
    putApprovalResult: (input) => pipelines.putApprovalResult(input),
    getPipelineStageNames: (pipeline) => pipelines.getPipelineStageNames(pipeline),
    stopPipelineExecution: (input) => pipelines.stopPipelineExecution(input),
    startPipelineExecution: (pipeline) => pipelines.startPipelineExecution(pipeline),
    async getPipelineExecution(ref) {
      const key = keyOf(ref);
      const known = endedView(key);
      if (known !== undefined) return known;
      const view = await pipelines.getPipelineExecution(ref);
      if (view.status === 'Succeeded') {
        for (const [other, entry] of ended) if (now() - entry.at >= ttlMs) ended.delete(other);
        ended.set(key, { view, at: now() });
      }
      return view;
    },
    listActionExecutions(ref) {
      const key = keyOf(ref);
      if (endedView(key) === undefined) return pipelines.listActionExecutions(ref);
      return actions.get(key, () => pipelines.listActionExecutions(ref));
    },
  };
}
