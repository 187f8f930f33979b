import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { ManualClock } from '../../../src/local/aws/clock';
import {
  BUS_NAME,
  LOCAL_CHANNELS,
  LOCAL_TEAMS_USERS,
  LOCAL_USERS,
  type LocalPipewatch,
  notifyFunctionArn,
  startLocalPipewatch,
} from '../../../src/local/dev-server/start-local-pipewatch';
import { messageActivity } from '../../../src/local/teams/signed-activity';
import { createLogger } from '../../../src/log/logger';

/*
 * `pipewatch local` with Teams beside Slack: the local identity and Bot Connector start with it, the
 * bot is installed in the local team (addresses stored by the real Teams function), and one run can
 * alert a Slack channel and a Teams channel at once. No browser: the page's own test drives that.
 */

let pipewatch: LocalPipewatch;
let clock: ManualClock;

beforeAll(async () => {
  clock = new ManualClock();
  pipewatch = await startLocalPipewatch({ port: 0, clock, log: createLogger({ level: 'silent' }) });
});
afterAll(async () => {
  await pipewatch.aws?.eventBridge.settled();
  await pipewatch.stop();
});

async function runFor(ms: number): Promise<void> {
  const eventBridge = pipewatch.aws?.eventBridge;
  for (let t = 0; t < ms; t += 1000) {
    clock.advance(1000);
    await eventBridge?.settled();
  }
}

test('the bot is installed in the local team; a run alerts a Slack channel and a Teams channel at once', async () => {
  const teams = pipewatch.teams;
  const slack = pipewatch.slack;
  if (teams === undefined || slack === undefined || pipewatch.aws === undefined) throw new Error('no local Teams');
  const [, deployments] = teams.port.team.channels;
  if (deployments === undefined) throw new Error('no second channel');
  const bob = teams.port.users[1];
  if (bob === undefined) throw new Error('no bob');
  expect(teams.port.users.map((user) => user.aadObjectId)).toEqual(LOCAL_TEAMS_USERS.map((user) => user.aadObjectId));

  // Teams: subscribe #deployments by mention.
  const post = teams.connector.tenant.postUserMessage(
    deployments.id,
    bob.id,
    '<at>pipewatch</at> subscribe myPipeline FAILED',
  );
  const answer = await teams.port.send(
    messageActivity(teams.port.parties(deployments.id, bob), 'subscribe myPipeline FAILED', { id: post.id }),
  );
  expect(answer.statusCode).toBe(200);
  const replies = teams.connector.tenant.threadReplies(deployments.id, post.id);
  expect(replies.map((reply) => String(reply.activity.text)).join('\n')).toMatch(/Subscribed this channel/);

  // Slack: subscribe #deploys through the channel page's composer (a signed slash command).
  const [deploys] = LOCAL_CHANNELS;
  const [alice] = LOCAL_USERS;
  const page = await fetch(`${pipewatch.url}api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(String(pipewatch.url)).origin },
    body: JSON.stringify({ user: alice.id, channel: deploys.id, text: '/pipewatch subscribe myPipeline FAILED' }),
  });
  expect(page.status).toBe(200);

  // Each platform's subscription targets its own notify function, as serverless.yml deploys them.
  expect(await targetsByPlatform()).toEqual({
    slack: [notifyFunctionArn(pipewatch.aws)],
    teams: [notifyFunctionArn(pipewatch.aws, 'teams')],
  });

  // One failing run: one Slack message and one Teams card.
  pipewatch.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
  await startRun();
  await runFor(70_000);
  const cards = teams.connector.tenant
    .messages(deployments.id)
    .filter((message) => message.replyToId === undefined && JSON.stringify(message.activity).includes('AdaptiveCard'));
  expect(cards).toHaveLength(1);
  expect(JSON.stringify(cards[0]?.activity)).toMatch(/Source ✓ · Build ✗/);
  const slackMessages = slack.workspace
    .messages(deploys.id)
    .filter((message) => JSON.stringify(message.blocks).includes('Build'));
  expect(slackMessages).toHaveLength(1);
});

async function startRun(): Promise<void> {
  const { CodePipelineClient } = await import('@aws-sdk/client-codepipeline');
  const aws = pipewatch.aws;
  if (aws === undefined) throw new Error('no local AWS');
  const client = new CodePipelineClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { ...aws.credentials },
  });
  try {
    await client.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
  } finally {
    client.destroy();
  }
}

/** The subscription rules' target ARNs on the pipewatch bus, by the platform their input names. */
async function targetsByPlatform(): Promise<Record<string, string[]>> {
  const aws = pipewatch.aws;
  if (aws === undefined) throw new Error('no local AWS');
  const client = new EventBridgeClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { ...aws.credentials },
  });
  try {
    const bus = BUS_NAME;
    const { Rules = [] } = await client.send(new ListRulesCommand({ EventBusName: bus }));
    const byPlatform: Record<string, string[]> = {};
    for (const rule of Rules) {
      const { Targets = [] } = await client.send(new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: bus }));
      for (const target of Targets) {
        const platform = /"platform":\s*"(\w+)"/.exec(target.InputTransformer?.InputTemplate ?? '')?.[1];
        if (platform !== undefined) byPlatform[platform] = [...(byPlatform[platform] ?? []), String(target.Arn)];
      }
    }
    return byPlatform;
  } finally {
    client.destroy();
  }
}
