// (composition) PipelineClient --> the same, with a Succeeded execution's reads (GetPipelineExecution, ListActionExecutions) kept per container: they cannot change any more; concurrent GetPipelineState of a pipeline shared
import { TtlCache } from '../../aws/ttl-cache';
import type {
  ActionExecutionView,
  PipelineClient,
  PipelineExecutionRef,
  PipelineExecutionView,
  PipelineStateView,
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
 * GetPipelineState, whose stages move on with later executions, is never kept; but the calls for one
 * pipeline that come while one is in flight share it, as if they had been answered at that moment: the
 * follow rule's followers of one event, rendered at once in one invocation, and a container serving
 * several invocations at once (the burst bench's; on Lambda a container serves one at a time).
 * Anything else (another status, every other method) goes to CodePipeline each time, as before. A
 * failure is not kept.
 */
export function withEndedExecutionReads(
  pipelines: PipelineClient,
  options: { readonly ttlMs?: number; readonly now?: () => number } = {},
): EndedExecutionReads {
  return new EndedExecutionReads(pipelines, options);
}

/** withEndedExecutionReads's client: `pipelines` is the client it reads through. */
export class EndedExecutionReads implements PipelineClient {
  private readonly ended = new Map<string, { readonly view: PipelineExecutionView; readonly at: number }>();
  private readonly actions: TtlCache<string, readonly ActionExecutionView[]>;
  /** GetPipelineState requests under way, by pipeline. */
  private readonly statesInFlight = new Map<string, Promise<PipelineStateView>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    readonly pipelines: PipelineClient,
    { ttlMs = DEFAULT_TTL_MS, now = Date.now }: { readonly ttlMs?: number; readonly now?: () => number } = {},
  ) {
    this.ttlMs = ttlMs;
    this.now = now;
    this.actions = new TtlCache(ttlMs, now);
  }

  getPipelineState(pipeline: string): Promise<PipelineStateView> {
    const pending = this.statesInFlight.get(pipeline);
    if (pending !== undefined) return pending;
    const read = this.pipelines.getPipelineState(pipeline).finally(() => this.statesInFlight.delete(pipeline));
    this.statesInFlight.set(pipeline, read);
    return read;
  }

  retryStageExecution(input: Parameters<PipelineClient['retryStageExecution']>[0]) {
    return this.pipelines.retryStageExecution(input);
  }

  putApprovalResult(input: Parameters<PipelineClient['putApprovalResult']>[0]) {
    return this.pipelines.putApprovalResult(input);
  }

  getPipelineStageNames(pipeline: string) {
    return this.pipelines.getPipelineStageNames(pipeline);
  }

  stopPipelineExecution(input: Parameters<PipelineClient['stopPipelineExecution']>[0]) {
    return this.pipelines.stopPipelineExecution(input);
  }

  startPipelineExecution(pipeline: string) {
    return this.pipelines.startPipelineExecution(pipeline);
  }

  async getPipelineExecution(ref: PipelineExecutionRef): Promise<PipelineExecutionView> {
    const key = keyOf(ref);
    const known = this.endedView(key);
    if (known !== undefined) return known;
    const view = await this.pipelines.getPipelineExecution(ref);
    if (view.status === 'Succeeded') {
      for (const [other, entry] of this.ended) if (this.now() - entry.at >= this.ttlMs) this.ended.delete(other);
      this.ended.set(key, { view, at: this.now() });
    }
    return view;
  }

  listActionExecutions(ref: PipelineExecutionRef): Promise<readonly ActionExecutionView[]> {
    const key = keyOf(ref);
    if (this.endedView(key) === undefined) return this.pipelines.listActionExecutions(ref);
    return this.actions.get(key, () => this.pipelines.listActionExecutions(ref));
  }

  private endedView(key: string): PipelineExecutionView | undefined {
    const entry = this.ended.get(key);
    return entry !== undefined && this.now() - entry.at < this.ttlMs ? entry.view : undefined;
  }
}

function keyOf(ref: PipelineExecutionRef): string {
  return `${ref.pipeline} ${ref.executionId}`;
}
