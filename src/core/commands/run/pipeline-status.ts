// (core) status <pipeline> --> PipelineClient.getPipelineState, for the platform to lay out stage by stage
import { failureOfError } from '../../actions/action-outcome';
import type { PipelineStateView } from '../../ports';
import { type CommandAnswer, type CommandDeps, textAnswer } from './command-context';

/** The pipeline's state, or CodePipeline's refusal (no such pipeline, no permission) in words. */
export async function pipelineStatus(deps: CommandDeps, pipeline: string): Promise<CommandAnswer> {
  let state: PipelineStateView;
  try {
    state = await deps.pipelines.getPipelineState(pipeline);
  } catch (error) {
    const failure = failureOfError(error, { pipeline, stage: '' });
    if (failure === undefined) throw error;
    return textAnswer(failure.message);
  }
  return { kind: 'status', state };
}
