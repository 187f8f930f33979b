import {
  CodePipelineClient,
  GetPipelineCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
} from '@aws-sdk/client-codepipeline';
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type LocalAws, ManualClock } from '../../../src/local/aws';
import {
  LOCAL_MEMBER_ACCOUNT,
  LOCAL_MEMBER_FORWARD_RULE,
  LOCAL_MEMBER_ROLE_NAME,
  LOCAL_SECOND_REGION,
} from '../../../src/local/dev-server/local-accounts';
import {
  BUS_NAME,
  LOCAL_HOME_ACCOUNT,
  type LocalPipewatch,
  startLocalPipewatch,
} from '../../../src/local/dev-server/start-local-pipewatch';
import { createLogger } from '../../../src/log/logger';

/*
 * What `pipewatch local` (npm start) runs for issue 16: the home account in us-east-1 and
 * us-west-2, the member account 111111111111 in us-west-2 with the role pipewatch-member trusting
 * the home account, its pipelines (a namesake of the home myPipeline among them), its forwarding
 * rule to the pipewatch bus and the bus's policy naming it; the channel page's pipeline panel lists
 * and drives every place's pipelines.
 */

const CENTRAL_BUS_ARN = `arn:aws:events:us-east-1:${LOCAL_HOME_ACCOUNT}:event-bus/${BUS_NAME}`;
let pipewatch: LocalPipewatch;
let aws: LocalAws;
let clock: ManualClock;
const clients: { destroy(): void }[] = [];

function client<T extends { destroy(): void }>(
  Client: new (config: object) => T,
  region: string,
  credentials: object = { ...aws.credentials },
): T {
  const made = new Client({ endpoint: aws.endpoint, region, credentials, maxAttempts: 1 });
  clients.push(made);
  return made;
}

async function pipelineNames(codePipeline: CodePipelineClient): Promise<string[]> {
  return ((await codePipeline.send(new ListPipelinesCommand({}))).pipelines ?? []).map((p) => p.name ?? '').sort();
}

async function page(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const base = pipewatch.url ?? '';
  const response = await fetch(`${base}api/${path}`, {
    ...(body === undefined
      ? {}
      : {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: new URL(base).origin },
          body: JSON.stringify(body),
        }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  clock = new ManualClock(Date.now());
  pipewatch = await startLocalPipewatch({ port: 0, clock, log: createLogger({ level: 'silent' }) });
  if (pipewatch.aws === undefined) throw new Error('not the local mode');
  aws = pipewatch.aws;
});
afterAll(async () => {
  for (const made of clients) made.destroy();
  await pipewatch.stop();
});

test('runs the home account in two regions and the member account in us-west-2', () => {
  expect(aws.places.map((place) => `${place.accountId} ${place.region}`)).toEqual([
    `${LOCAL_HOME_ACCOUNT} us-east-1`,
    `${LOCAL_HOME_ACCOUNT} ${LOCAL_SECOND_REGION}`,
    `${LOCAL_MEMBER_ACCOUNT} us-west-2`,
  ]);
});

test('the functions key assumes pipewatch-member and sees the member pipelines, the namesake its own', async () => {
  const answer = await client(STSClient, 'us-east-1').send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${LOCAL_MEMBER_ACCOUNT}:role/${LOCAL_MEMBER_ROLE_NAME}`,
      RoleSessionName: 'pipewatch-notify',
    }),
  );
  const member = client(CodePipelineClient, 'us-west-2', {
    accessKeyId: answer.Credentials?.AccessKeyId,
    secretAccessKey: answer.Credentials?.SecretAccessKey,
    sessionToken: answer.Credentials?.SessionToken,
  });
  expect(await pipelineNames(member)).toEqual(['myPipeline', 'payments-api']);
  const namesake = await member.send(new GetPipelineCommand({ name: 'myPipeline' }));
  const home = await client(CodePipelineClient, 'us-east-1').send(new GetPipelineCommand({ name: 'myPipeline' }));
  expect(namesake.pipeline?.stages?.map((s) => s.name)).toEqual(['Source', 'Build', 'Deploy']);
  expect(home.pipeline?.stages?.map((s) => s.name)).toEqual(['Source', 'Build', 'Approval', 'Prod']);
  expect(await pipelineNames(client(CodePipelineClient, LOCAL_SECOND_REGION))).toEqual(['edge-cache']);
});

test('the pipewatch bus policy names the member, whose default bus forwards to it', async () => {
  const bus = await client(EventBridgeClient, 'us-east-1').send(new DescribeEventBusCommand({ Name: BUS_NAME }));
  expect(JSON.parse(bus.Policy ?? '{}').Statement[0]).toMatchObject({
    Effect: 'Allow',
    Principal: { AWS: [`arn:aws:iam::${LOCAL_MEMBER_ACCOUNT}:root`] },
    Action: 'events:PutEvents',
    Resource: CENTRAL_BUS_ARN,
  });
  for (const place of aws.places.slice(1)) {
    const targets = (await place.eventBridge.handle('ListTargetsByRule', { Rule: LOCAL_MEMBER_FORWARD_RULE })) as {
      Targets: { Arn: string }[];
    };
    expect(targets.Targets.map((t) => t.Arn)).toEqual([CENTRAL_BUS_ARN]);
  }
});

test('the pipeline panel lists every place and starts the member namesake, not the home one', async () => {
  const { pipelines } = (await page('pipelines')) as { pipelines: { name: string }[] };
  const names = pipelines.map((p) => p.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'myPipeline',
      `${LOCAL_HOME_ACCOUNT}/${LOCAL_SECOND_REGION}/edge-cache`,
      `${LOCAL_MEMBER_ACCOUNT}/us-west-2/myPipeline`,
      `${LOCAL_MEMBER_ACCOUNT}/us-west-2/payments-api`,
    ]),
  );
  const homeRuns = async () =>
    (
      await client(CodePipelineClient, 'us-east-1').send(
        new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' }),
      )
    ).pipelineExecutionSummaries ?? [];
  const before = await homeRuns();
  const memberBus = aws.place(LOCAL_MEMBER_ACCOUNT, 'us-west-2').eventBridge;
  const { executionId } = await page('pipeline/start', { pipeline: `${LOCAL_MEMBER_ACCOUNT}/us-west-2/myPipeline` });
  const memberRuns = (await aws
    .place(LOCAL_MEMBER_ACCOUNT, 'us-west-2')
    .codePipeline.handle('ListPipelineExecutions', { pipelineName: 'myPipeline' })) as {
    pipelineExecutionSummaries: { pipelineExecutionId: string }[];
  };
  expect(memberRuns.pipelineExecutionSummaries.map((e) => e.pipelineExecutionId)).toEqual([executionId]);
  expect(await homeRuns()).toEqual(before);
  // Its events crossed to the pipewatch bus: delivered, none refused.
  await memberBus.settled();
  const forwarded = memberBus.deliveryLog.filter((record) => record.targetArn === CENTRAL_BUS_ARN);
  expect(forwarded.length).toBeGreaterThan(0);
  expect(forwarded.every((record) => record.ok)).toBe(true);
  const state = (await page(`pipelines`)) as {
    pipelines: { name: string; state: { latestExecution?: { id: string } } }[];
  };
  const shown = state.pipelines.find((p) => p.name === `${LOCAL_MEMBER_ACCOUNT}/us-west-2/myPipeline`);
  expect(shown?.state.latestExecution?.id).toBe(executionId);
});

test('the pipeline panel fails an action in the member place, and refuses an account and region it does not run', async () => {
  const member = aws.place(LOCAL_MEMBER_ACCOUNT, 'us-west-2').codePipeline;
  await page('pipeline/start', {
    pipeline: `${LOCAL_MEMBER_ACCOUNT}/us-west-2/payments-api`,
    failStage: 'Build',
    failAction: 'Build',
  });
  clock.advance(60_000);
  const state = (await member.handle('GetPipelineState', { name: 'payments-api' })) as {
    stageStates: { stageName: string; latestExecution?: { status: string } }[];
  };
  expect(state.stageStates.find((s) => s.stageName === 'Build')?.latestExecution?.status).toBe('Failed');
  const base = pipewatch.url ?? '';
  const refused = await fetch(`${base}api/pipeline/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(base).origin },
    body: JSON.stringify({ pipeline: '222222222222/eu-west-1/payments-api' }),
  });
  expect(refused.status).toBe(400);
  expect(await refused.json()).toMatchObject({ ok: false });
});

test('a member execution reaches the channel, read in the member account through the member role (local STS)', async () => {
  const deploys = { channel: 'C000DEPLOYS', user: 'U00000ALICE' };
  const base = pipewatch.url ?? '';
  const subscribed = await fetch(`${base}api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(base).origin },
    body: JSON.stringify({ ...deploys, text: '/pipewatch subscribe payments-api --allow-missing' }),
  });
  expect(subscribed.status).toBe(200);
  await page('pipeline/start', {
    pipeline: `${LOCAL_MEMBER_ACCOUNT}/us-west-2/payments-api`,
    failStage: 'Build',
    failAction: 'Build',
  });
  for (let second = 0; second < 60; second++) {
    clock.advance(1000);
    for (const place of aws.places) await place.eventBridge.settled();
    await aws.eventBridge.settled();
  }
  const slack = pipewatch.slack;
  if (slack === undefined) throw new Error('no local Slack');
  const messages = slack.workspace.messages(deploys.channel);
  const alert = JSON.stringify(messages.find((message) => message.text.startsWith('payments-api')));
  expect(alert).toContain(`${LOCAL_MEMBER_ACCOUNT} · us-west-2`);
  // The stages not yet reached come from GetPipeline in the member account (the events name only those that ran).
  expect(alert).toContain('Source ✓ · Build ✗ · Approval – · Prod –');
  expect(aws.sts.issued().map((session) => session.arn)).toContain(
    `arn:aws:sts::${LOCAL_MEMBER_ACCOUNT}:assumed-role/${LOCAL_MEMBER_ROLE_NAME}/pipewatch-notify`,
  );

  // Alice presses Retry: the Slack function retries the member's execution, in the member account.
  const message = messages.find((m) => m.text.startsWith('payments-api'));
  const member = aws.place(LOCAL_MEMBER_ACCOUNT, 'us-west-2').codePipeline;
  const buildRuns = async () =>
    (
      (await member.handle('ListActionExecutions', { pipelineName: 'payments-api' })) as {
        actionExecutionDetails: { stageName: string }[];
      }
    ).actionExecutionDetails.filter((d) => d.stageName === 'Build').length;
  const before = await buildRuns();
  const press = await fetch(`${base}api/action`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(base).origin },
    body: JSON.stringify({ ...deploys, messageTs: message?.ts, actionId: 'pipewatch.retry.failed' }),
  });
  expect(press.status).toBe(200);
  for (const place of aws.places) await place.eventBridge.settled();
  expect(await buildRuns()).toBe(before + 1);
  expect(aws.sts.issued().map((session) => session.arn)).toContain(
    `arn:aws:sts::${LOCAL_MEMBER_ACCOUNT}:assumed-role/${LOCAL_MEMBER_ROLE_NAME}/pipewatch-slack`,
  );
});
