// (Slack adapter) the core's CommandAnswer --> mrkdwn: escaped text, and the status laid out with Slack's emoji
import type { CommandAnswer } from '../core/commands';
import { shortExecutionId } from '../core/messages';
import type { ActionStateView, PipelineStateView, StageStateView } from '../core/ports';
import { escapeMrkdwn, oneLine } from './escape';

const STAGE_EMOJI: Readonly<Record<string, string>> = {
  Succeeded: ':white_check_mark:',
  InProgress: ':arrows_counterclockwise:',
  Failed: ':x:',
  Stopped: ':black_square_for_stop:',
  Stopping: ':black_square_for_stop:',
  Cancelled: ':heavy_minus_sign:',
  Skipped: ':fast_forward:',
};

/** An answer as the mrkdwn text of an ephemeral reply; everything from the core or AWS is escaped. */
export function renderCommandAnswer(answer: CommandAnswer): string {
  return answer.kind === 'text' ? escapeMrkdwn(answer.text) : summarisePipelineState(answer.state);
}

/**
 * The pipeline's current state: one line per stage (status and the execution it belongs to),
 * plus what a person would act on: failed actions with their error, approvals waiting.
 * Names and messages come from AWS and are escaped; the emoji and bold are pipewatch's.
 */
export function summarisePipelineState(state: PipelineStateView): string {
  const version = state.pipelineVersion === undefined ? '' : ` (version ${state.pipelineVersion})`;
  const lines = [`*${escapeMrkdwn(state.pipelineName)}*${version}`];
  if (state.stages.length === 0) lines.push('No stages.');
  for (const stage of state.stages) lines.push(...stageLines(stage));
  return lines.join('\n');
}

function stageLines(stage: StageStateView): string[] {
  const latest = stage.latestExecution;
  if (latest === undefined) return [`:white_circle: ${escapeMrkdwn(stage.stageName)}: not run yet`];
  const emoji = STAGE_EMOJI[latest.status] ?? ':grey_question:';
  const head = `${emoji} ${escapeMrkdwn(stage.stageName)}: ${latest.status} (execution ${escapeMrkdwn(shortExecutionId(latest.pipelineExecutionId))})`;
  return [head, ...stage.actions.flatMap(actionLine)];
}

function actionLine(action: ActionStateView): string[] {
  const latest = action.latestExecution;
  const name = escapeMrkdwn(action.actionName);
  if (latest?.status === 'Failed') {
    const error = latest.errorDetails?.message ?? latest.errorDetails?.code ?? latest.summary;
    return [`    ↳ ${name} failed${error ? `: ${escapeMrkdwn(shortLine(error))}` : ''}`];
  }
  if (latest?.status === 'InProgress' && latest.token !== undefined) return [`    ↳ ${name} is waiting for approval`];
  return [];
}

function shortLine(text: string): string {
  const flat = oneLine(text);
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
