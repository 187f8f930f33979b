import { GetPipelineStateCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { type ButtonValue, encodeButtonValue } from '../../../src/core/actions';
import { ACTION_IDS } from '../../../src/slack';
import { ALICE, click, DEPLOYS, ephemeralTexts, postButtons, type Stack, startStack } from './harness';

/*
 * A button on another account's execution (its events forwarded to the bus), through the deployed
 * wiring (chatAppDepsFor, which knows the function's own account from the notify function's ARN):
 * refused with the reason, and never sent to this account's CodePipeline, whose namesake pipeline
 * stays as it was. The same button for this account's pipeline retries it.
 */

let stack: Stack;
beforeEach(async () => {
  stack = await startStack(undefined, { notify: true });
});
afterEach(() => stack.stop());

async function failedBuild(): Promise<string> {
  stack.local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once' });
  const { pipelineExecutionId } = await stack.local.codePipeline.send(
    new StartPipelineExecutionCommand({ name: 'myPipeline' }),
  );
  if (pipelineExecutionId === undefined) throw new Error('no execution');
  stack.clock.advance(70_000);
  return pipelineExecutionId;
}

async function buildStatus(): Promise<string | undefined> {
  const state = await stack.local.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
  return state.stageStates?.find((s) => s.stageName === 'Build')?.latestExecution?.status;
}

function retryButton(executionId: string, account: string) {
  const value: ButtonValue = {
    v: 1,
    kind: 'retry',
    mode: 'FAILED_ACTIONS',
    pipeline: 'myPipeline',
    executionId,
    stage: 'Build',
    region: 'eu-west-1',
    account,
  };
  return postButtons(stack, [
    { actionId: ACTION_IDS.retryFailed, value: encodeButtonValue(value), text: 'Retry failed actions' },
  ]);
}

test('Retry on another account’s execution is refused with the reason; this account’s namesake is not retried', async () => {
  const id = await failedBuild();
  expect(await buildStatus()).toBe('Failed');

  expect(await click(stack, await retryButton(id, '111111111111'), ACTION_IDS.retryFailed, ALICE)).toBe(200);

  expect(ephemeralTexts(stack, ALICE, DEPLOYS)).toEqual([
    expect.stringContaining('pipewatch does not act in account 111111111111 (eu-west-1) from here'),
  ]);
  expect(await buildStatus()).toBe('Failed');
  expect(stack.log.decisions()).toEqual([
    expect.objectContaining({ action: 'retry', allowed: true, outcome: 'access-denied', pipeline: 'myPipeline' }),
  ]);
});

test('the same button for this account’s pipeline (in the region it names) retries it', async () => {
  const id = await failedBuild();
  await click(stack, await retryButton(id, stack.local.aws.accountId), ACTION_IDS.retryFailed, ALICE);
  expect(await buildStatus()).toBe('InProgress');
});
