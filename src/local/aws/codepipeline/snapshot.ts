// (local AWS) the CodePipeline simulator's state <--> one JSON snapshot; running actions carry on after a restart
import { z } from 'zod';
import { JsonSnapshot } from '../persistence';
import type { SimulatorState } from './model';

/**
 * Persistence of the simulator: pipelines and executions (with every stage and action run) as one
 * JsonSnapshot named `codepipeline`, rewritten after each change.
 *
 * On restore, in-progress executions carry on where they were: each running action keeps its
 * due time (`dueAt`, clock time) and its timer is re-armed, so a build that had 20 s left still
 * has 20 s left on a manual clock, and one whose due time passed while the server was down
 * completes at once on a real clock. Approvals keep their token and expiry. Nothing is emitted on
 * restore: the events of the transitions before the restart were emitted then.
 */
const STATE_VERSION = 1;

const fileSchema = z.object({
  version: z.literal(STATE_VERSION),
  // The records are written only by this simulator; their shape is checked by TypeScript on the
  // way out, so only the envelope is checked on the way in.
  pipelines: z.array(z.looseObject({ name: z.string() })),
  executions: z.array(z.looseObject({ pipelineExecutionId: z.string(), pipelineName: z.string() })),
});

export class SimulatorSnapshot {
  private readonly store: JsonSnapshot<unknown>;

  constructor(dataDir: string | undefined) {
    this.store = new JsonSnapshot<unknown>(dataDir, 'codepipeline');
  }

  load(): SimulatorState | undefined {
    const raw = this.store.load();
    if (raw === undefined) return undefined;
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`Unreadable codepipeline state: ${z.prettifyError(parsed.error)}`);
    return parsed.data as unknown as SimulatorState;
  }

  save(state: SimulatorState): void {
    this.store.save({ version: STATE_VERSION, ...state });
  }
}
