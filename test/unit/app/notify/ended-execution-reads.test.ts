import { withEndedExecutionReads } from '../../../../src/app/notify/ended-execution-reads';
import type {
  ActionExecutionView,
  PipelineClient,
  PipelineExecutionRef,
  PipelineExecutionStatus,
} from '../../../../src/core/ports';

/** A real, tiny CodePipeline of one execution whose status and actions a test moves on, counting the reads. */
class OneExecution {
  status: PipelineExecutionStatus = 'InProgress';
  actions: ActionExecutionView[] = [{ stageName: 'Build', actionName: 'Compile', status: 'InProgress' }];
  fail = false;
  calls = { execution: 0, actions: 0, state: 0 };

  readonly client: PipelineClient = {
    getPipelineExecution: async (ref: PipelineExecutionRef) => {
      this.calls.execution++;
      if (this.fail) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return { pipelineExecutionId: ref.executionId, status: this.status };
    },
    listActionExecutions: async () => {
      this.calls.actions++;
      if (this.fail) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return [...this.actions];
    },
    getPipelineState: async (pipeline: string) => {
      this.calls.state++;
      return { pipelineName: pipeline, stages: [] };
    },
    retryStageExecution: async () => ({ pipelineExecutionId: 'e1' }),
    putApprovalResult: async () => ({}),
    getPipelineStageNames: async () => ['Build'],
    stopPipelineExecution: async () => ({ pipelineExecutionId: 'e1' }),
    startPipelineExecution: async () => ({ pipelineExecutionId: 'e2' }),
  };

  succeed(): void {
    this.status = 'Succeeded';
    this.actions = [{ stageName: 'Build', actionName: 'Compile', status: 'Succeeded' }];
  }
}

const REF = { pipeline: 'p', executionId: 'e1' };
/** What openingState asks, all at once. */
const opening = (client: PipelineClient) =>
  Promise.all([client.listActionExecutions(REF), client.getPipelineExecution(REF), client.getPipelineState('p')]);

describe('withEndedExecutionReads', () => {
  test('a running execution is read every time; once Succeeded, its status and (read after that) its actions are kept', async () => {
    const codePipeline = new OneExecution();
    const reads = withEndedExecutionReads(codePipeline.client, { now: () => 0 });
    await opening(reads);
    await opening(reads);
    expect(codePipeline.calls).toEqual({ execution: 2, actions: 2, state: 2 });

    codePipeline.succeed();
    // The list read alongside the first Succeeded answer may predate the end: not kept.
    const [listed, execution] = await opening(reads);
    expect(execution.status).toBe('Succeeded');
    expect(listed[0]?.status).toBe('Succeeded');
    expect(codePipeline.calls).toEqual({ execution: 3, actions: 3, state: 3 });
    // Read after the Succeeded answer: one request shared, then kept; GetPipelineState asked again
    // each time, the two at once sharing one request.
    const [a, b] = await Promise.all([opening(reads), opening(reads)]);
    expect(a[0]).toBe(b[0]);
    await opening(reads);
    expect(codePipeline.calls).toEqual({ execution: 3, actions: 4, state: 5 });
  });

  test('another execution, an expired entry and a failure are asked again', async () => {
    const codePipeline = new OneExecution();
    let time = 0;
    const reads = withEndedExecutionReads(codePipeline.client, { ttlMs: 1000, now: () => time });
    codePipeline.succeed();
    await reads.getPipelineExecution(REF);
    await reads.getPipelineExecution({ pipeline: 'p', executionId: 'e9' });
    expect(codePipeline.calls.execution).toBe(2);
    await reads.getPipelineExecution(REF);
    expect(codePipeline.calls.execution).toBe(2);

    codePipeline.fail = true;
    await expect(reads.listActionExecutions(REF)).rejects.toThrow('throttled');
    codePipeline.fail = false;
    await reads.listActionExecutions(REF);
    await reads.listActionExecutions(REF);
    expect(codePipeline.calls.actions).toBe(2);

    time = 1000;
    await reads.getPipelineExecution(REF);
    await reads.listActionExecutions(REF);
    expect(codePipeline.calls).toMatchObject({ execution: 3, actions: 3 });
  });

  test('GetPipelineState: calls while one is in flight share it; none is kept, nor a failure', async () => {
    let answers = 0;
    let failNext = false;
    /** Answers the oldest request still waiting. */
    const waiting: (() => void)[] = [];
    const release = () => waiting.shift()?.();
    const codePipeline = new OneExecution();
    const client: PipelineClient = {
      ...codePipeline.client,
      getPipelineState: async (pipeline: string) => {
        codePipeline.calls.state++;
        await new Promise<void>((resolve) => waiting.push(resolve));
        if (failNext) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        return { pipelineName: pipeline, stages: [{ stageName: `answer ${++answers}`, actions: [] }] };
      },
    };
    const reads = withEndedExecutionReads(client, { now: () => 0 });
    const together = [reads.getPipelineState('p'), reads.getPipelineState('p'), reads.getPipelineState('q')];
    expect(codePipeline.calls.state).toBe(2);
    release();
    release();
    const [first, second, other] = await Promise.all(together);
    expect(second).toBe(first);
    expect(other?.pipelineName).toBe('q');
    // Asked again once answered: a later read sees a newer state.
    const later = reads.getPipelineState('p');
    release();
    expect((await later).stages[0]?.stageName).not.toBe(first?.stages[0]?.stageName);
    failNext = true;
    const failing = [reads.getPipelineState('p'), reads.getPipelineState('p')];
    release();
    for (const read of failing) await expect(read).rejects.toThrow('throttled');
    failNext = false;
    const after = reads.getPipelineState('p');
    release();
    await expect(after).resolves.toMatchObject({ pipelineName: 'p' });
    expect(codePipeline.calls.state).toBe(5);
  });

  test('an execution that failed is never kept: a retry moves it on', async () => {
    const codePipeline = new OneExecution();
    const reads = withEndedExecutionReads(codePipeline.client, { now: () => 0 });
    codePipeline.status = 'Failed';
    await reads.getPipelineExecution(REF);
    codePipeline.status = 'InProgress';
    expect((await reads.getPipelineExecution(REF)).status).toBe('InProgress');
    expect(codePipeline.calls.execution).toBe(2);
  });
});
