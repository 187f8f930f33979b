import { randomUUID } from 'node:crypto';
import type { EndedExecutionReads } from '../../../src/app/notify/ended-execution-reads';
import { pipelinesWhere } from '../../../src/app/notify/notify-handler';
import { PipelinePlaces } from '../../../src/aws/pipeline-places';
import { CHANNEL, messagesAbout, type NotifyStack, startNotifyStack, textOf, WORKSPACE } from './notify-harness';

/**
 * Events of other accounts (forwarded to the bus through its policy) and other regions, through the
 * real notify handler on the local AWS: the message says where the execution runs and links to that
 * region's console; CodePipeline is read in the pipeline's own region, and never in this account
 * for another account's pipeline (a namesake here would be the wrong one).
 */

const OTHER_ACCOUNT = '111111111111';
let stack: NotifyStack;
beforeEach(async () => {
  stack = await startNotifyStack({ knowsAccount: true });
});
afterEach(() => stack.stop());

/** Build failed in myPipeline, as EventBridge delivers it to a subscription's target. */
function buildFailed(account: string, region: string, executionId: string) {
  return {
    rule: 'pw-test-all',
    channel: { platform: 'slack', workspace: WORKSPACE, channel: CHANNEL },
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': 'CodePipeline Stage Execution State Change',
      source: 'aws.codepipeline',
      account,
      time: '2026-12-07T10:00:00Z',
      region,
      resources: [`arn:aws:codepipeline:${region}:${account}:myPipeline`],
      detail: { pipeline: 'myPipeline', 'execution-id': executionId, stage: 'Build', state: 'FAILED', version: 1 },
    },
  };
}

test('another account’s execution: the message names its account and region and links to its console; nothing is read here', async () => {
  const executionId = randomUUID();
  await stack.handler(buildFailed(OTHER_ACCOUNT, 'eu-west-1', executionId));

  const [message, ...more] = messagesAbout(stack, CHANNEL, executionId);
  expect(more).toEqual([]);
  const text = textOf(message);
  expect(text).toContain('Account and region');
  expect(text).toContain(`${OTHER_ACCOUNT} · eu-west-1`);
  expect(text).toContain(
    'https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/myPipeline/executions/',
  );
  // This account's myPipeline (Source, Build, Approval, Prod) was not taken for the other one's:
  // the progress shows only what the event says.
  expect(text).toContain('Build ✗');
  expect(text).not.toContain('Approval');
  expect(text).not.toContain('Prod');
  const refusals = stack.log.entries.filter((entry) =>
    JSON.stringify(entry).includes(`pipewatch does not act in account ${OTHER_ACCOUNT} (eu-west-1)`),
  );
  expect(refusals.length).toBeGreaterThan(0);
  expect(refusals.every((entry) => entry.level === 'warn')).toBe(true);
});

test('this account in another region: read there (the stage order), and the message names the region', async () => {
  const executionId = randomUUID();
  await stack.handler(buildFailed(stack.local.aws.accountId, 'eu-west-1', executionId));

  const text = textOf(messagesAbout(stack, CHANNEL, executionId)[0]);
  expect(text).toContain(`${stack.local.aws.accountId} · eu-west-1`);
  // GetPipeline answered in eu-west-1: the stages still to come are shown in the pipeline's order.
  expect(text).toContain('Source – · Build ✗ · Approval – · Prod –');
});

test('this account and region: no account-and-region fact', async () => {
  const executionId = randomUUID();
  await stack.handler(buildFailed(stack.local.aws.accountId, stack.local.aws.region, executionId));
  const text = textOf(messagesAbout(stack, CHANNEL, executionId)[0]);
  expect(text).toContain('Build ✗');
  expect(text).not.toContain('Account and region');
});

test('one CodePipeline client per region, signed for that region; another account or a non-region is refused with the reason', async () => {
  const places = new PipelinePlaces({
    codePipeline: stack.local.codePipeline,
    region: stack.local.aws.region,
    account: stack.local.aws.accountId,
  });
  const home = places.home;
  const at = pipelinesWhere(places, Date.now);
  const regional = at({ account: stack.local.aws.accountId, region: 'eu-west-1' }).pipelines;
  expect(at({ account: stack.local.aws.accountId, region: 'eu-west-1' }).pipelines).toBe(regional);
  // Each read through withEndedExecutionReads (a Succeeded execution read once per container).
  const through = (pipelines: unknown) => (pipelines as EndedExecutionReads).pipelines;
  expect(through(at({ account: stack.local.aws.accountId, region: stack.local.aws.region }).pipelines)).toBe(home);
  // The SDK client behind it (private to the adapter) is configured, and so signs, for eu-west-1.
  const sdk = (through(regional) as unknown as { client: { config: { region: () => Promise<string> } } }).client;
  expect(await sdk.config.region()).toBe('eu-west-1');
  expect(await regional.getPipelineStageNames('myPipeline')).toEqual(['Source', 'Build', 'Approval', 'Prod']);
  await expect(
    at({ account: OTHER_ACCOUNT, region: 'eu-west-1' }).pipelines.getPipelineState('myPipeline'),
  ).rejects.toMatchObject({
    name: 'PipelineApiError',
    code: 'PipewatchAccountUnreachable',
  });
  await expect(
    at({ account: stack.local.aws.accountId, region: 'evil.example' }).pipelines.getPipelineStageNames('myPipeline'),
  ).rejects.toMatchObject({ code: 'PipewatchAccountUnreachable' });
});
