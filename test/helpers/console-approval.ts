import {
  type CodePipelineClient,
  GetPipelineStateCommand,
  PutApprovalResultCommand,
} from '@aws-sdk/client-codepipeline';

/**
 * myPipeline's waiting approval answered as "the console" does: PutApprovalResult with the token
 * GetPipelineState shows, through `codePipeline` (a client of the local AWS).
 */
export async function decideApprovalInConsole(
  codePipeline: CodePipelineClient,
  status: 'Approved' | 'Rejected',
  summary: string,
): Promise<void> {
  const state = await codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
  const approval = state.stageStates?.find((stage) => stage.stageName === 'Approval');
  const token = approval?.actionStates?.[0]?.latestExecution?.token;
  if (token === undefined) throw new Error('the approval is not waiting');
  await codePipeline.send(
    new PutApprovalResultCommand({
      pipelineName: 'myPipeline',
      stageName: 'Approval',
      actionName: 'Approval',
      token,
      result: { status, summary },
    }),
  );
}
