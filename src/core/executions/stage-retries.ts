// (core) an execution's retries --> "Build by bob in Slack" lines: the chat buttons' notes, and retries made elsewhere
import type { ExecutionState, RetryNote } from './execution-state';

/**
 * One line per retried stage, in the order retried: who retried it from chat (a RetryNote, written
 * by the button), else that it was retried outside chat (the console, the CLI), as CodePipeline's
 * `stage-last-retry-attempt-time` says. A stage retried twice from chat names both people once each.
 */
export function stageRetries(state: ExecutionState): string[] {
  const byStage = new Map<string, RetryNote[]>();
  for (const note of state.retries ?? []) byStage.set(note.stage, [...(byStage.get(note.stage) ?? []), note]);
  const lines = [...byStage.entries()].map(([stage, notes]) => {
    const people = [...new Set(notes.map((note) => `${note.by} in ${note.platform}`))];
    const all = notes.some((note) => note.mode === 'ALL_ACTIONS') ? ' (all actions)' : '';
    return `${stage}${all} by ${people.join(', ')}`;
  });
  for (const [stage, record] of Object.entries(state.stages)) {
    if (record.lastRetryTime !== undefined && !byStage.has(stage)) lines.push(`${stage} (outside chat)`);
  }
  return lines;
}

/** The retry notes of one stage, oldest first. */
export function retriesOf(state: ExecutionState, stage: string): readonly RetryNote[] {
  return (state.retries ?? []).filter((note) => note.stage === stage);
}
