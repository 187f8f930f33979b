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
  /**
   * The execution this run of the action belongs to, when it is among the pipeline's latest action
   * runs. It can differ from its stage's: a stage's second action may not have run yet in the
   * execution now in the stage, and GetPipelineState then shows an older execution's run.
   */
  executionId?: string;
  summary?: string;
  errorMessage?: string;
  /** Set while a manual approval waits for an answer. */
  waitingForApproval?: boolean;
}

export interface PanelStageState {
  name: string;
  /** StageExecutionStatus of the stage's latest execution; undefined before any ran. */
  status: string | undefined;
  /** The execution `status` belongs to: the last one that entered the stage. */
  executionId?: string;
  actions: PanelActionState[];
  /** Executions waiting to enter the stage while `executionId` holds it (GetPipelineState's inbound executions). */
  waiting: string[];
}

/** Where an execution in flight is: inside a stage, or at the boundary before one that another execution holds. */
export type PanelPosition = { kind: 'in'; stage: string } | { kind: 'waiting'; stage: string; heldBy?: string };

export interface PanelExecution {
  id: string;
  /** PipelineExecutionStatus: InProgress or Stopping for the executions in flight. */
  status: string;
  /** Undefined when GetPipelineState does not place it (between two stages, for a moment). */
  position?: PanelPosition;
}

export interface PanelPipelineState {
  name: string;
  /** The pipeline's most recent execution, if any. */
  latestExecution?: { id: string; status: string };
  /** The executions in flight (InProgress or Stopping), newest first, with where each one is. */
  executions: PanelExecution[];
  /**
   * Each stage as GetPipelineState reports it: stages are not one execution's, each shows the
   * execution that last entered it (`executionId`), and the executions waiting to enter it.
   */
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

type Simulator = Pick<LocalCodePipeline, 'handle' | 'injectFailure' | 'startExecution' | 'pushCommit' | 'onTransition'>;

/** Source providers the simulator keeps commits for: a run of their pipeline is a push (a new commit). */
const GIT_SOURCES = ['CodeCommit', 'CodeStarSourceConnection', 'GitHub'];

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
      const [state, executions, actionRuns] = await Promise.all([
        call('GetPipelineState', { name }) as Promise<GetPipelineStateOutput>,
        call('ListPipelineExecutions', { pipelineName: name, maxResults: RECENT }) as Promise<ListExecutionsOutput>,
        call('ListActionExecutions', { pipelineName: name, maxResults: RECENT }) as Promise<ListActionExecutionsOutput>,
      ]);
      const summaries = executions.pipelineExecutionSummaries ?? [];
      const latest = summaries[0];
      // GetPipelineState's action runs do not say their execution; the action execution list does.
      const executionOfRun = new Map(
        (actionRuns.actionExecutionDetails ?? []).map((d) => [d.actionExecutionId, d.pipelineExecutionId]),
      );
      const stages = (state.stageStates ?? []).map((stage): PanelStageState => {
        const inbound =
          stage.inboundExecutions ?? (stage.inboundExecution === undefined ? [] : [stage.inboundExecution]);
        return {
          name: stage.stageName,
          status: stage.latestExecution?.status,
          ...(stage.latestExecution === undefined ? {} : { executionId: stage.latestExecution.pipelineExecutionId }),
          actions: (stage.actionStates ?? []).map((action) => {
            const run = action.latestExecution;
            const executionId =
              run?.actionExecutionId === undefined ? undefined : executionOfRun.get(run.actionExecutionId);
            return {
              name: action.actionName,
              status: run?.status,
              ...(executionId === undefined ? {} : { executionId }),
              ...(run?.summary === undefined ? {} : { summary: run.summary }),
              ...(run?.errorDetails?.message === undefined ? {} : { errorMessage: run.errorDetails.message }),
              ...(run?.token !== undefined && run.status === 'InProgress' ? { waitingForApproval: true } : {}),
            };
          }),
          waiting: inbound.map((e) => e.pipelineExecutionId),
        };
      });
      const inFlight = summaries.filter((e) => e.status === 'InProgress' || e.status === 'Stopping');
      return {
        name,
        ...(latest === undefined ? {} : { latestExecution: { id: latest.pipelineExecutionId, status: latest.status } }),
        executions: inFlight.map((e) => {
          const position = positionOf(e.pipelineExecutionId, stages);
          return { id: e.pipelineExecutionId, status: e.status, ...(position === undefined ? {} : { position }) };
        }),
        stages,
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
      // A run from the panel is a developer's push: a new commit, so each alert has its own and
      // a failure's reply can show the changes since the last success.
      const git = known.stages.some((stage) =>
        stage.actions.some((action) => action.category === 'Source' && GIT_SOURCES.includes(action.provider)),
      );
      return git ? simulator.pushCommit(name) : simulator.startExecution(name);
    },

    onChange(listener) {
      return simulator.onTransition(() => listener());
    },
  };
}

/** How many recent executions and action runs the panel reads (one page of each list). */
const RECENT = 100;

/** The stage an execution in flight is in, or waits to enter (and who holds that stage). */
function positionOf(executionId: string, stages: PanelStageState[]): PanelPosition | undefined {
  const held = stages.find(
    (s) => s.executionId === executionId && (s.status === 'InProgress' || s.status === 'Stopping'),
  );
  if (held !== undefined) return { kind: 'in', stage: held.name };
  const waiting = stages.find((s) => s.waiting.includes(executionId));
  if (waiting === undefined) return undefined;
  const holder = waiting.status === 'InProgress' || waiting.status === 'Stopping' ? waiting.executionId : undefined;
  return { kind: 'waiting', stage: waiting.name, ...(holder === undefined ? {} : { heldBy: holder }) };
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
    inboundExecution?: { pipelineExecutionId: string };
    inboundExecutions?: { pipelineExecutionId: string }[];
    actionStates?: {
      actionName: string;
      latestExecution?: {
        actionExecutionId?: string;
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

interface ListActionExecutionsOutput {
  actionExecutionDetails?: { actionExecutionId: string; pipelineExecutionId: string }[];
}
