// (core) a failure reply's key --> GetPipelineExecution, ListActionExecutions, ListPipelineExecutions, BatchGetBuilds, GetLogEvents --> its triage pack, best effort
import { consoleHost, type Trigger } from '../events';
import type { ExecutionState } from '../executions';
import {
  type AlertTriage,
  firstLine,
  TRIAGE_LOG_LINES,
  type TriageBuild,
  type TriageChanges,
  type TriageCommit,
  webUrl,
} from '../messages';
import { errorFields } from '../notify/failure-details';
import type {
  ActionExecutionView,
  BuildLogs,
  Log,
  LogFields,
  PipelineClient,
  PipelineExecutionSummaryView,
  PipelineHistory,
  SourceRevisionView,
} from '../ports';
import { logTail } from './log-tail';
import { commitMessageOf, commitUrl, compareUrl, type SourceRepository, sourceRepositoryOf } from './source-links';

/** What reading a triage pack needs besides CodePipeline's PipelineClient. */
export interface TriageDeps {
  readonly history: PipelineHistory;
  readonly builds: BuildLogs;
  /** The region the BuildLogs adapter reads: a build that ran elsewhere (a cross-region action) is not read. */
  readonly region?: string;
  /** Log lines shown (TRIAGE_LOG_LINES by default). */
  readonly logLines?: number;
}

/** ListPipelineExecutions pages read at most (100 executions each) looking for the last success. */
const HISTORY_PAGES = 3;
const HISTORY_PAGE_SIZE = 100;
/** Build phase statuses that say the phase broke. */
const BROKEN_PHASE = new Set(['FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED']);

/**
 * The triage pack of the failure reply `key` (`failed:<stage>@<attempt>`): the commit that triggered
 * the run, the failed CodeBuild action's failed phase and last log lines with a link to the full
 * log, and the source changes since the last successful execution. Every read is best effort: one
 * that fails is logged and its part left out; the pack may be empty, and it never throws.
 */
export async function fetchTriage(
  state: ExecutionState,
  key: string,
  pipelines: PipelineClient,
  deps: TriageDeps,
  log: Log,
): Promise<AlertTriage> {
  const ref = { pipeline: state.pipeline, executionId: state.executionId };
  const context: LogFields = { ...ref, reply: key };
  const stage = /^failed:(.+)@\d+$/.exec(key)?.[1];
  const [execution, actions, lastSuccess] = await Promise.allSettled([
    pipelines.getPipelineExecution(ref),
    pipelines.listActionExecutions(ref),
    lastSuccessBefore(state, deps.history),
  ]);
  const warn = (operation: string, error: unknown) =>
    log.warn('could not read part of a failure’s triage', { ...context, operation, error: errorFields(error) });
  if (execution.status === 'rejected') warn('GetPipelineExecution', execution.reason);
  if (actions.status === 'rejected') warn('ListActionExecutions', actions.reason);
  if (lastSuccess.status === 'rejected') warn('ListPipelineExecutions', lastSuccess.reason);

  const revisions = execution.status === 'fulfilled' ? (execution.value.sourceRevisions ?? []) : [];
  const revision = primaryRevision(state, revisions);
  const repo = revision === undefined ? undefined : repositoryOf(state, revision);
  const commit = revision === undefined ? undefined : commitOf(state, revision, repo);
  const changes =
    revision === undefined || lastSuccess.status !== 'fulfilled' || lastSuccess.value === undefined
      ? undefined
      : changesSince(state, revision, repo, lastSuccess.value);
  const build =
    stage === undefined || actions.status !== 'fulfilled'
      ? undefined
      : await failedBuild(actions.value, stage, deps, warn, log, context);
  return {
    ...(commit === undefined ? {} : { commit }),
    ...(build === undefined ? {} : { build }),
    ...(changes === undefined ? {} : { changes }),
  };
}

/** The revision of the trigger's commit where the trigger names one, else the first source's. */
function primaryRevision(
  state: ExecutionState,
  revisions: readonly SourceRevisionView[],
): SourceRevisionView | undefined {
  const id = state.trigger?.commit?.id;
  return revisions.find((revision) => revision.revisionId === id) ?? revisions[0];
}

function repositoryOf(state: ExecutionState, revision: SourceRevisionView): SourceRepository | undefined {
  const commit = state.trigger?.commit;
  const hint =
    commit === undefined
      ? undefined
      : {
          ...(commit.providerType === undefined ? {} : { providerType: commit.providerType }),
          ...(commit.repository === undefined ? {} : { repository: commit.repository }),
        };
  return sourceRepositoryOf(revision, hint, state.region);
}

/** The commit: id, first line, author (only from a trigger about this very commit), link. */
function commitOf(
  state: ExecutionState,
  revision: SourceRevisionView,
  repo: SourceRepository | undefined,
): TriageCommit {
  const trigger = state.trigger?.commit;
  const same = trigger !== undefined && (trigger.id === undefined || trigger.id === revision.revisionId);
  const message = commitMessageOf(revision.revisionSummary) ?? (same ? trigger?.message : undefined);
  const author = same ? (trigger?.authorName ?? trigger?.authorId) : undefined;
  const url = (repo === undefined ? undefined : commitUrl(repo, revision.revisionId)) ?? gitPage(revision.revisionUrl);
  const subject = message === undefined ? '' : firstLine(message);
  return {
    id: revision.revisionId,
    ...(subject === '' ? {} : { message: subject }),
    ...(author === undefined || author.trim() === '' ? {} : { author }),
    ...(url === undefined ? {} : { url }),
  };
}

/** A revisionUrl that is itself a host's commit page (not a console redirect): shown as it is. */
function gitPage(url: string | undefined): string | undefined {
  const href = webUrl(url);
  return href !== undefined && /^https:\/\/(github\.com|bitbucket\.org|gitlab\.com)\//.test(href) ? href : undefined;
}

function changesSince(
  state: ExecutionState,
  revision: SourceRevisionView,
  repo: SourceRepository | undefined,
  success: PipelineExecutionSummaryView,
): TriageChanges | undefined {
  const candidates = success.sourceRevisions;
  const old =
    candidates.length <= 1
      ? candidates[0]
      : (candidates.find((candidate) => {
          const other = repositoryOf(state, candidate);
          return other !== undefined && repo !== undefined && other.host === repo.host && other.path === repo.path;
        }) ?? candidates[0]);
  if (old === undefined) return undefined;
  const link =
    repo === undefined || old.revisionId === revision.revisionId
      ? undefined
      : compareUrl(repo, old.revisionId, revision.revisionId);
  return {
    sinceExecutionId: success.pipelineExecutionId,
    fromId: old.revisionId,
    toId: revision.revisionId,
    ...(link === undefined ? {} : { compareUrl: link }),
  };
}

/**
 * The newest Succeeded execution that started before this one (ListPipelineExecutions is newest
 * first): after this execution in the list, or, if it is not among the pages read, older by start time.
 */
async function lastSuccessBefore(
  state: ExecutionState,
  history: PipelineHistory,
): Promise<PipelineExecutionSummaryView | undefined> {
  const started = Date.parse(state.startTime ?? '');
  let seen = false;
  let nextToken: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const answer = await history.listPipelineExecutions(state.pipeline, {
      maxResults: HISTORY_PAGE_SIZE,
      ...(nextToken === undefined ? {} : { nextToken }),
    });
    for (const summary of answer.executions) {
      if (summary.pipelineExecutionId === state.executionId) {
        seen = true;
        continue;
      }
      const earlier = Number.isFinite(started) && Date.parse(summary.startTime ?? '') < started;
      if (summary.status === 'Succeeded' && (seen || earlier)) return summary;
    }
    nextToken = answer.nextToken;
    if (nextToken === undefined) return undefined;
  }
  return undefined;
}

/** The newest failed CodeBuild action of the stage, its failed phase and log tail. */
async function failedBuild(
  actions: readonly ActionExecutionView[],
  stage: string,
  deps: TriageDeps,
  warn: (operation: string, error: unknown) => void,
  log: Log,
  context: LogFields,
): Promise<TriageBuild | undefined> {
  const action = actions
    .filter(
      (view) =>
        view.stageName === stage &&
        view.status === 'Failed' &&
        view.provider === 'CodeBuild' &&
        view.externalExecutionId !== undefined,
    )
    .sort((a, b) => timeOf(b) - timeOf(a))[0];
  const buildId = action?.externalExecutionId;
  if (action === undefined || buildId === undefined) return undefined;
  if (action.region !== undefined && deps.region !== undefined && action.region !== deps.region) {
    log.info('the failed build ran in another region; its log is not read', {
      ...context,
      buildRegion: action.region,
    });
    return undefined;
  }
  let build: Awaited<ReturnType<BuildLogs['getBuild']>>;
  try {
    build = await deps.builds.getBuild(buildId);
  } catch (error) {
    warn('BatchGetBuilds', error);
    return undefined;
  }
  if (build === undefined) {
    log.warn('CodeBuild does not know the failed action’s build', { ...context, buildId });
    return undefined;
  }
  const phase = build.phases.find((candidate) => candidate.status !== undefined && BROKEN_PHASE.has(candidate.status));
  const group = build.logs?.groupName;
  const stream = build.logs?.streamName;
  let logLines: string[] = [];
  if (group !== undefined && stream !== undefined) {
    const count = deps.logLines ?? TRIAGE_LOG_LINES;
    try {
      // A few events more than lines: an event may end in an empty line, which logTail drops.
      logLines = logTail(await deps.builds.tailLog(group, stream, count + 5), count);
    } catch (error) {
      warn('GetLogEvents', error);
    }
  }
  const logUrl =
    webUrl(build.logs?.deepLink) ??
    (group === undefined || stream === undefined || deps.region === undefined
      ? undefined
      : cloudWatchLogUrl(deps.region, group, stream));
  const message = phase?.messages.join('\n');
  return {
    action: action.actionName,
    buildId,
    ...(phase === undefined ? {} : { phase: phase.type }),
    ...(phase?.status === undefined ? {} : { phaseStatus: phase.status }),
    ...(message === undefined || message === '' ? {} : { phaseMessage: message }),
    logLines,
    ...(logUrl === undefined ? {} : { logUrl }),
  };
}

/** The CloudWatch console's page of a log stream (its fragment encodes `%` as `$25`), on the region's partition's console. */
export function cloudWatchLogUrl(region: string, group: string, stream: string): string {
  const encode = (text: string) => encodeURIComponent(encodeURIComponent(text)).replace(/%/g, '$');
  return `https://${consoleHost(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encode(group)}/log-events/${encode(stream)}`;
}

function timeOf(view: ActionExecutionView): number {
  const time = Date.parse(view.lastUpdateTime ?? view.startTime ?? '');
  return Number.isNaN(time) ? 0 : time;
}

/**
 * The pack with its commit's author (and message) from the execution's trigger when the pack has
 * none: the trigger (a pipeline event's `execution-trigger`) may be merged after the pack was read
 * (a FAILED-only subscription opens on the action's event), so this join is made when the reply is
 * built. Only a trigger about the same commit (or naming none) says who wrote it.
 */
export function withTriggerAuthor(triage: AlertTriage, trigger: Trigger | undefined): AlertTriage {
  const commit = triage.commit;
  const from = trigger?.commit;
  if (commit === undefined || from === undefined || (from.id !== undefined && from.id !== commit.id)) return triage;
  const author = commit.author ?? from.authorName ?? from.authorId;
  const message = commit.message ?? (from.message === undefined ? undefined : firstLine(from.message));
  if (author === commit.author && message === commit.message) return triage;
  return {
    ...triage,
    commit: {
      ...commit,
      ...(author === undefined || author.trim() === '' ? {} : { author }),
      ...(message === undefined || message === '' ? {} : { message }),
    },
  };
}

/** The state with the triage pack of reply `key` (a join: the richer pack wins, in any order). */
export function withTriage(state: ExecutionState, key: string, triage: AlertTriage): ExecutionState {
  if (Object.hasOwn(state.triage ?? {}, key)) return state;
  return { ...state, triage: { ...(state.triage ?? {}), [key]: triage } };
}
