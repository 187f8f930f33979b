// (teams) the core's CommandAnswer --> the plain text of a Teams reply: nothing is read as markup, so nothing can be injected
import type { CommandAnswer } from '../core/commands';
import { shortExecutionId } from '../core/messages';
import type { ActionStateView, PipelineStateView, StageStateView } from '../core/ports';

const STAGE_MARKS: Readonly<Record<string, string>> = {
  Succeeded: '✅',
  InProgress: '🔄',
  Failed: '❌',
  Stopped: '⏹️',
  Stopping: '⏹️',
  Cancelled: '➖',
  Skipped: '⏭️',
};

/**
 * An answer as the text of a reply sent with `textFormat: 'plain'`: Teams shows it as typed, so
 * a pipeline, stage or error message from AWS cannot become a link, a mention or emphasis. The
 * core's `code` spans keep their backticks, which read well as plain text.
 */
export function renderTeamsCommandAnswer(answer: CommandAnswer): string {
  return answer.kind === 'text' ? answer.text : pipelineStateText(answer.state);
}

/** One line per stage (status and the execution it belongs to), failed actions and waiting approvals under it. */
export function pipelineStateText(state: PipelineStateView): string {
  const version = state.pipelineVersion === undefined ? '' : ` (version ${state.pipelineVersion})`;
  const lines = [`${state.pipelineName}${version}`];
  if (state.stages.length === 0) lines.push('No stages.');
  for (const stage of state.stages) lines.push(...stageLines(stage));
  return lines.join('\n');
}

function stageLines(stage: StageStateView): string[] {
  const latest = stage.latestExecution;
  if (latest === undefined) return [`⚪ ${stage.stageName}: not run yet`];
  const mark = STAGE_MARKS[latest.status] ?? '❔';
  const head = `${mark} ${stage.stageName}: ${latest.status} (execution ${shortExecutionId(latest.pipelineExecutionId)})`;
  return [head, ...stage.actions.flatMap(actionLine)];
}

function actionLine(action: ActionStateView): string[] {
  const latest = action.latestExecution;
  if (latest?.status === 'Failed') {
    const error = latest.errorDetails?.message ?? latest.errorDetails?.code ?? latest.summary;
    return [`    ↳ ${action.actionName} failed${error ? `: ${shortLine(error)}` : ''}`];
  }
  if (latest?.status === 'InProgress' && latest.token !== undefined) {
    return [`    ↳ ${action.actionName} is waiting for approval`];
  }
  return [];
}

function shortLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
