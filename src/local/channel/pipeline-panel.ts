// (local channel page) the page's pipeline panel: list, state and start pipelines (one action set to fail) over the CodePipeline simulator
import type { LocalCodePipeline } from '../aws/codepipeline/local-codepipeline';

/**
 * What the channel page's pipeline panel needs: the pipelines with their stages and actions, the
 * state the console would show (GetPipelineState), a way to start an execution with one action set
 * to fail, and a signal when anything moved. `localPipelinePanel` implements it over the simulator.
 */
export interface PanelAction {
  name: string;
  /** Source | Build | Test | Deploy | Approval | Invoke | Compute. */
  category: string;
  provider: string;
}

export interface PanelStage {
  name: string;
  actions: PanelAction[];
}

export interface PanelPipeline {
  name: string;
  stages: PanelStage[];
}

export interface PanelActionState {
  name: string;
  /** InProgress | Succeeded | Failed | Abandoned; undefined before the action ever ran. */
  status: string | undefined;
  summary?: string;
  errorMessage?: string;
  /** Set while a manual approval waits for an answer. */
  waitingForApproval?: boolean;
}

export interface PanelStageState {
  name: string;
  /** StageExecutionStatus of the stage's latest execution; undefined before any ran. */
  status: string | undefined;
  executionId?: string;
  actions: PanelActionState[];
}

export interface PanelPipelineState {
  name: string;
  /** The pipeline's most recent execution, if any. */
  latestExecution?: { id: string; status: string };
  stages: PanelStageState[];
}

export interface StartOptions {
  /** Makes the next run of this action fail (failure injection, mode `once`). */
  failAction?: { stage: string; action: string };
}

export interface PipelinePanelPort {
  list(): Promise<PanelPipeline[]>;
  state(name: string): Promise<PanelPipelineState>;
  /** Starts an execution; resolves to its id. */
  start(name: string, options?: StartOptions): Promise<string>;
  /** Calls `listener` after every transition; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** A CodePipeline call in its JSON 1.1 shape: the simulator's `handle`, or a wrapper over an SDK client. */
export type CodePipelineCall = (operation: string, input: Record<string, unknown>) => Promise<unknown>;

type Simulator = Pick<LocalCodePipeline, 'handle' | 'injectFailure' | 'startExecution' | 'onTransition'>;

export interface LocalPipelinePanelOptions {
  /** Read calls go here; default `simulator.handle` (the same code path as the AWS endpoint). */
  call?: CodePipelineCall;
}

/** The panel over the local CodePipeline simulator. */
export function localPipelinePanel(simulator: Simulator, options: LocalPipelinePanelOptions = {}): PipelinePanelPort {
  const call: CodePipelineCall = options.call ?? ((operation, input) => simulator.handle(operation, input));

  async function describe(name: string): Promise<PanelPipeline> {
    const output = (await call('GetPipeline', { name })) as GetPipelineOutput;
    return {
      name: output.pipeline?.name ?? name,
      stages: (output.pipeline?.stages ?? []).map((stage) => ({
        name: stage.name,
        actions: (stage.actions ?? []).map((action) => ({
          name: action.name,
          category: action.actionTypeId?.category ?? 'Unknown',
          provider: action.actionTypeId?.provider ?? 'Unknown',
        })),
      })),
    };
  }

  async function list(): Promise<PanelPipeline[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = (await call('ListPipelines', nextToken === undefined ? {} : { nextToken })) as ListPipelinesOutput;
      for (const summary of page.pipelines ?? []) names.push(summary.name);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return Promise.all(names.map(describe));
  }

  return {
    list,

    async state(name) {
      const [state, executions] = await Promise.all([
        call('GetPipelineState', { name }) as Promise<GetPipelineStateOutput>,
        call('ListPipelineExecutions', { pipelineName: name, maxResults: 1 }) as Promise<ListExecutionsOutput>,
      ]);
      const latest = executions.pipelineExecutionSummaries?.[0];
      return {
        name,
        ...(latest === undefined ? {} : { latestExecution: { id: latest.pipelineExecutionId, status: latest.status } }),
        stages: (state.stageStates ?? []).map((stage) => ({
          name: stage.stageName,
          status: stage.latestExecution?.status,
          ...(stage.latestExecution === undefined ? {} : { executionId: stage.latestExecution.pipelineExecutionId }),
          actions: (stage.actionStates ?? []).map((action) => {
            const run = action.latestExecution;
            return {
              name: action.actionName,
              status: run?.status,
              ...(run?.summary === undefined ? {} : { summary: run.summary }),
              ...(run?.errorDetails?.message === undefined ? {} : { errorMessage: run.errorDetails.message }),
              ...(run?.token !== undefined && run.status === 'InProgress' ? { waitingForApproval: true } : {}),
            };
          }),
        })),
      };
    },

    async start(name, startOptions = {}) {
      const known = (await list()).find((p) => p.name === name);
      if (known === undefined) throw new PanelInputError(`There is no pipeline named ${name}`);
      const fail = startOptions.failAction;
      if (fail !== undefined) {
        // A misspelt action would never fail, and its rule would wait for a run that never comes.
        const stage = known.stages.find((s) => s.name === fail.stage);
        if (stage?.actions.some((a) => a.name === fail.action) !== true) {
          throw new PanelInputError(`${name} has no action ${fail.stage} / ${fail.action}`);
        }
        simulator.injectFailure(name, fail.stage, fail.action, { mode: 'once' });
      }
      return simulator.startExecution(name);
    },

    onChange(listener) {
      return simulator.onTransition(() => listener());
    },
  };
}

/** A request the panel cannot carry out as asked (unknown stage or action): a 400, not a 500. */
export class PanelInputError extends Error {
  override readonly name = 'PanelInputError';
}

interface ListPipelinesOutput {
  pipelines?: { name: string }[];
  nextToken?: string;
}

interface GetPipelineOutput {
  pipeline?: {
    name: string;
    stages?: {
      name: string;
      actions?: { name: string; actionTypeId?: { category?: string; provider?: string } }[];
    }[];
  };
}

interface GetPipelineStateOutput {
  stageStates?: {
    stageName: string;
    latestExecution?: { pipelineExecutionId: string; status: string };
    actionStates?: {
      actionName: string;
      latestExecution?: {
        status: string;
        summary?: string;
        token?: string;
        errorDetails?: { code?: string; message?: string };
      };
    }[];
  }[];
}

interface ListExecutionsOutput {
  pipelineExecutionSummaries?: { pipelineExecutionId: string; status: string }[];
}
