// (core) ExecutionState --> summariseExecution --> the AlertMessage of the whole execution, updated in place as events arrive
import { executionConsoleUrl } from '../events';
import {
  type AlertAction,
  type AlertFact,
  type AlertLink,
  type AlertMessage,
  alertButtons,
  externalLinkLabel,
  orElse,
  shortExecutionId,
  triggerFacts,
  webUrl,
  wellFormed,
} from '../messages';
import { decidedApprovalText } from './approval-deciders';
import type { ExecutionOverview, ExecutionOverviewOptions } from './execution-overview';
import { type ActionRecord, actionKey, type ExecutionState, ownEntry, type TransitionNote } from './execution-state';
import { stageRetries } from './stage-retries';
import { summariseExecution } from './summarise-execution';

/**
 * (merge) --> executionToAlertMessage --> render --> update the message in place
 *
 * The AlertMessage for a whole execution: one chat message per (channel,
 * execution) shows it and is updated as events arrive. Built from the same
 * parts as an event's alert (facts, links, buttons of src/core/messages), so
 * renderers need nothing new. Text is raw; renderers escape.
 */
export function executionToAlertMessage(state: ExecutionState, options: ExecutionOverviewOptions = {}): AlertMessage {
  // Never throws (encodeUriPart): the link is built from whatever state was stored.
  const consoleUrl = executionConsoleUrl({
    region: state.region,
    pipeline: state.pipeline,
    executionId: state.executionId,
  });
  const consoleLink: AlertLink = { kind: 'console', label: 'Execution in the AWS console', url: consoleUrl };
  // Whatever a stored state holds, the message is built: a part that fails to build is left out.
  const overview = orElse(() => summariseExecution(state, options), undefined);
  const turn = newestTransition(state);
  const title = orElse(
    () => wellFormed(`${transitionTitle(state.pipeline, turn)} · execution ${shortExecutionId(state.executionId)}`),
    'Pipeline execution',
  );
  const base = {
    level: 'pipeline' as const,
    pipeline: state.pipeline,
    executionId: state.executionId,
    title,
  };
  if (overview === undefined) {
    return {
      ...base,
      eventId: state.executionId,
      time: orElse(() => state.startTime ?? '', ''),
      status: UNREADABLE_STATUS,
      facts: [],
      links: [consoleLink],
      actions: orElse(() => alertButtons({ target: targetOf(state), consoleUrl }), []),
    };
  }
  const { derived: _derived, ...headline } = overview.headline;
  const decided = orElse(() => approvalFailure(overview), undefined);
  // A rejected approval is a rejection, not an error: CodePipeline fails the action with JobFailed.
  const status = decided === undefined ? headline : { ...headline, label: decided.label };
  const focus = overview.failure?.stage
    ? { stage: overview.failure.stage, action: overview.failure.action }
    : (overview.waitingApproval ?? (overview.currentStage ? { stage: overview.currentStage } : {}));
  const summary = orElse(() => summaryOf(state, overview, options), undefined);
  return {
    ...base,
    // The newest event the message reflects: renderers show it as "updated at".
    eventId: overview.lastEvent?.eventId ?? state.executionId,
    time: overview.lastEvent?.time ?? state.startTime ?? '',
    ...(focus.stage === undefined ? {} : { stage: focus.stage }),
    ...(focus.action === undefined ? {} : { action: focus.action }),
    status: { ...status, label: orElse(() => wellFormed(status.label), status.state) },
    ...(summary === undefined ? {} : { summary }),
    facts: orElse(() => factsOf(state, overview, decided !== undefined, options), []),
    links: orElse(() => linksOf(overview, consoleLink), [consoleLink]),
    actions: orElse(() => actionsOf(state, overview, consoleUrl), []),
  };
}

/** The newest note of a `--transitions` subscription, if one opened or updated this conversation. */
function newestTransition(state: ExecutionState): TransitionNote | undefined {
  const notes = state.transitions ?? [];
  return notes[notes.length - 1];
}

/** "myPipeline is broken", "myPipeline stage Build is fixed"; the pipeline's name alone without a note. */
function transitionTitle(pipeline: string, turn: TransitionNote | undefined): string {
  if (turn === undefined) return pipeline;
  const what = turn.stage === undefined ? pipeline : `${pipeline} stage ${turn.stage}`;
  return `${what} is ${turn.flip}`;
}

/** "was succeeding since 2024-05-01T10:00:00Z (execution 1a2b3c4d)"; "first failure seen" with nothing before. */
function transitionLine(turn: TransitionNote): string {
  if (turn.previousSince === undefined) return turn.flip === 'broken' ? 'the first outcome pipewatch saw' : '';
  const was = turn.flip === 'broken' ? 'was succeeding' : 'was failing';
  const execution =
    turn.previousExecutionId === undefined ? '' : ` (execution ${shortExecutionId(turn.previousExecutionId)})`;
  return `${was} since ${turn.previousSince}${execution}`;
}

/** The status of a state that could not be summarised (a stored item of another layout, say). */
const UNREADABLE_STATUS = { state: 'UNKNOWN', label: 'Unknown state', severity: 'info', known: false } as const;

function targetOf(state: ExecutionState) {
  return { pipeline: state.pipeline, executionId: state.executionId, region: state.region, account: state.account };
}

/** "Source ✓ · Build ✗ · Approval … · Prod –". */
export function progressLine(overview: ExecutionOverview): string {
  return overview.stages.map((stage) => `${stage.name} ${stage.mark}`).join(' · ');
}

function summaryOf(
  state: ExecutionState,
  overview: ExecutionOverview,
  options: ExecutionOverviewOptions,
): string | undefined {
  const { failure, waitingApproval } = overview;
  const stopped = stopReasonOf(state);
  if (stopped !== undefined) return stopped;
  const rejected =
    failure?.category === 'Approval' && failure.stage !== undefined && failure.action !== undefined
      ? ownEntry(state.actions, actionKey(failure.stage, failure.action))
      : undefined;
  // A rejection made outside chat names who rejected it (ListActionExecutions' updatedBy).
  const rejectedText = rejected === undefined ? undefined : decidedApprovalText(state, rejected);
  if (rejectedText !== undefined) return rejectedText;
  if (failure?.summary !== undefined && failure.summary.trim() !== '') return failure.summary;
  if (waitingApproval) return `Waiting for approval: ${waitingApproval.action} in stage ${waitingApproval.stage}`;
  const held = heldLine(overview, options);
  if (held !== undefined) return `Waiting for stage ${held}`;
  return undefined;
}

/**
 * Why a stopping or stopped execution is stopped ("Stopped by alice in Slack: a bad commit"): the
 * stop's comments of the same attempt; a later retry (RESUMED) or a run that ended otherwise shows none.
 */
function stopReasonOf(state: ExecutionState): string | undefined {
  const status = state.pipelineStatus;
  const note = state.stopNote;
  if (status === undefined || note === undefined) return undefined;
  if (status.state !== 'STOPPING' && status.state !== 'STOPPED') return undefined;
  return note.attempt === status.attempt ? note.comments : undefined;
}

/** "Approval, held by execution 79064ea3" while the execution waits at a stage another one holds. */
function heldLine(overview: ExecutionOverview, options: ExecutionOverviewOptions): string | undefined {
  const held = options.heldBy;
  if (held === undefined || overview.failure !== undefined || overview.headline.severity === 'success')
    return undefined;
  return `${held.stage}, held by execution ${shortExecutionId(held.executionId)}`;
}

function factsOf(
  state: ExecutionState,
  overview: ExecutionOverview,
  decided: boolean,
  options: ExecutionOverviewOptions,
): AlertFact[] {
  const facts: AlertFact[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') facts.push({ label, value });
  };
  const turn = newestTransition(state);
  if (turn !== undefined) add(turn.flip === 'broken' ? 'Broken' : 'Fixed', transitionLine(turn));
  add('Progress', progressLine(overview));
  add('Current stage', overview.currentStage);
  add('Waiting for stage', heldLine(overview, options));
  add(decided ? 'Rejected in stage' : 'Failed stage', overview.failure?.stage);
  add(decided ? 'Approval' : 'Failed action', overview.failure?.action);
  if (!decided) add('Error', overview.failure?.errorCode);
  if (overview.waitingApproval) {
    add('Waiting for approval', `${overview.waitingApproval.stage} / ${overview.waitingApproval.action}`);
  }
  for (const approved of approvedActions(state))
    add('Approved', decidedApprovalText(state, approved) ?? `${approved.stage} / ${approved.action}`);
  add('Retried', stageRetries(state).join('; '));
  if (state.runNote !== undefined) add('Started by', `${state.runNote.by} in ${state.runNote.platform}`);
  for (const fact of state.trigger ? triggerFacts(state.trigger) : []) add(fact.label, fact.value);
  if (overview.attempt !== undefined && overview.attempt > 1) add('Attempt', String(overview.attempt));
  add('Account and region', elsewhereLine(state, options));
  return facts;
}

/**
 * "111111111111 · eu-west-1" for an execution in another account or region than pipewatch's own
 * (options.home); undefined at home, or when home is unknown.
 */
export function elsewhereLine(
  state: Pick<ExecutionState, 'account' | 'region'>,
  options: ExecutionOverviewOptions,
): string | undefined {
  const home = options.home;
  if (home === undefined) return undefined;
  const otherAccount = home.account !== undefined && state.account !== '' && state.account !== home.account;
  const otherRegion = home.region !== undefined && state.region !== '' && state.region !== home.region;
  if (!otherAccount && !otherRegion) return undefined;
  return `${state.account} · ${state.region}`;
}

/** Approval actions that succeeded: their summary says who approved and why ("Approved by alice in Slack: …"). */
function approvedActions(state: ExecutionState): ActionRecord[] {
  return Object.values(state.actions).filter(
    (action) => action.category === 'Approval' && action.state === 'SUCCEEDED',
  );
}

/** The headline of an execution whose failure is a decided approval: rejected, or expired without an answer. */
function approvalFailure(overview: ExecutionOverview): { readonly label: string } | undefined {
  const failure = overview.failure;
  if (failure?.category !== 'Approval' || failure.action === undefined || failure.stage === undefined) return undefined;
  return { label: isExpiry(failure.summary) ? 'Approval expired' : 'Rejected' };
}

/** CodePipeline fails an approval that nobody answered within its timeout (7 days by default). */
export function isExpiry(summary: string | undefined): boolean {
  return summary !== undefined && /\bexpired\b/i.test(summary);
}

function linksOf(overview: ExecutionOverview, consoleLink: AlertLink): AlertLink[] {
  const links: AlertLink[] = [consoleLink];
  // Normalised, and only http(s) with a host: event content must not smuggle `javascript:` or `file:` URLs into a link.
  const external = webUrl(overview.failure?.externalUrl);
  if (external !== undefined) {
    links.push({ kind: 'external', label: externalLinkLabel(overview.failure?.category), url: external });
  }
  return links;
}

/** Approve/reject on a waiting approval, retry on the failed stage, stop while it runs, and always the console. */
function actionsOf(state: ExecutionState, overview: ExecutionOverview, consoleUrl: string): AlertAction[] {
  const failedStage = overview.failure?.stage;
  return alertButtons({
    target: targetOf(state),
    ...(overview.waitingApproval ? { waitingApproval: overview.waitingApproval } : {}),
    ...(failedStage === undefined ? {} : { failedStage }),
    running: isRunning(overview),
    consoleUrl,
  });
}

/**
 * Whether the execution can be stopped: it started or resumed and has neither failed nor begun
 * stopping. Without a pipeline-level event, only a stage seen in progress says it runs (a
 * subscription's partial view says nothing of the end). Once it stops or ends, the next render
 * drops the button, as it drops approve and retry.
 */
export function isRunning(overview: ExecutionOverview): boolean {
  const { headline } = overview;
  if (overview.failure !== undefined || !headline.known) return false;
  if (headline.state !== 'STARTED' && headline.state !== 'RESUMED') return false;
  return !headline.derived || overview.currentStage !== undefined || overview.waitingApproval !== undefined;
}
