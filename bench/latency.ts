import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  DisableRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { notifyAppFromEnvironment } from '../src/app/notify-app';
import { slackAppFromEnvironment } from '../src/app/slack-app';
import { teamsAppFromEnvironment } from '../src/app/teams-app';
import { DynamoDbChannelAddresses } from '../src/aws/dynamodb-channel-addresses';
import { createTableInput } from '../src/aws/dynamodb-conversation-store';
import { type NotifyInput, notifyInputTemplate } from '../src/aws/notify-input';
import type { ChannelRef } from '../src/core/channels';
import { ManualClock, startLocalAws } from '../src/local/aws';
import { SAMPLE_PIPELINES_FILE } from '../src/local/aws/codepipeline/local-codepipeline';
import { signedSlackEvent } from '../src/local/channel/slack-requests';
import { blockActionsBody, startLocalSlack } from '../src/local/slack';
import { startLocalBotConnector } from '../src/local/teams/bot-connector';
import { startLocalIdentity } from '../src/local/teams/identity';
import { type ActivityParties, cardActionActivity, teamsEvent } from '../src/local/teams/signed-activity';
import type { TenantChange } from '../src/local/teams/types';
import { ACTION_IDS } from '../src/slack/action-ids';
import { CARD_VERBS } from '../src/teams/card-verbs';
import { clickPayload, type Stack } from '../test/integration/slack/harness';
import { executeActions } from '../test/integration/teams/teams-harness';
import {
  BUS,
  loadAverage,
  localClientConfig,
  packageNow,
  quantile,
  runNode,
  TABLE,
  teamsEnvironment,
  unzipBundle,
} from './handlers';
import { benchFunctionEnv, CountingLog, type MiddlewareClient, NOTIFY_ARN, PARAMS, POLICY, TEAM } from './issue15';

/**
 * What users feel, with the local AWS and the local Slack over loopback, through the composition
 * roots as deployed (notifyAppFromEnvironment, slackAppFromEnvironment) and the real SDK v3 clients:
 * - event → message on screen: an event put on the pipewatch bus (the local EventBridge's put) → matched by the channel's subscription rule → the
 *   notify function → the local Slack stores the post or update (its `change` event): the first
 *   event of an execution (the post) and the ones after it that change what the message shows
 *   (updates). The events are the simulator's, live: web-service runs on its manual clock, a second
 *   at a time; each event it puts on the default bus is put on the pipewatch bus by the bench (as
 *   the forwarding rule does) and timed from there, one at a time, each run on a fresh channel.
 *   Warm: the notify app in this process. Cold: a fresh `node` process per sample running the bundled
 *   notify handler (`serverless package`, as deployed), started when the rule's target is invoked,
 *   and a bare `node -e 0` started the same way in the same run: cold starts as a ratio to it.
 * - a button press: a signed Slack click on Retry (failed actions) of a failure message, through
 *   the Slack function: → its acknowledgement (the function's answer) and → the message updated in
 *   the local Slack ("Retried by …").
 * - Teams, the same warm figures: the card posted and updated in the local Bot Connector (its
 *   tenant's `change`), and a click on the failure card's Retry button (the invoke Teams sends for
 *   its Action.Execute, with a Bot Framework token the local identity signs) through the Teams
 *   function (teamsAppFromEnvironment): → its answer, → the reply in the card's thread that says who
 *   retried (Teams' audit of a press; the card itself moves on with the retried stage's events).
 * - DynamoDB and Slack Web API calls per event (every call of the clients, recorded by a middleware;
 *   every call the local Slack received).
 * PIPEWATCH_BENCH_N (warm samples per figure), PIPEWATCH_BENCH_COLD_RUNS (cold samples),
 * PIPEWATCH_BENCH_PACKAGE=<dir> (zips packaged earlier; else `serverless package` now, about a minute).
 */

const N = Number(process.env.PIPEWATCH_BENCH_N ?? 40);
const COLD_RUNS = Number(process.env.PIPEWATCH_BENCH_COLD_RUNS ?? 5);
const WARMUP = 3;
const ALICE = 'U00000ALICE';
const RECORD_RULE = 'pw-latency-record';
const CHANNELS = Array.from(
  { length: 2 * (N + WARMUP) + COLD_RUNS + 2 },
  (_, i) => `CLAT${String(i).padStart(6, '0')}`,
);
const TEAMS_CHANNELS = Array.from(
  { length: 2 * (N + WARMUP) },
  (_, i) => `19:${String(i).padStart(4, '0')}${'c'.repeat(28)}@thread.tacv2`,
);
const TEAMS_TEAM_ID = `19:${'f'.repeat(32)}@thread.tacv2`;
/** Alice in Teams: the policy names her by her Entra object id. */
const TEAMS_ALICE = { id: '29:alice', aadObjectId: 'aaaaaaaa-0000-4000-8000-00000000a11c', name: 'Alice' };
/** The issue 15 bench's policy, with Teams' Alice allowed what Slack's Alice is. */
const LATENCY_POLICY = {
  rules: POLICY.rules.map((rule) => ({
    ...rule,
    retry: [...rule.retry, TEAMS_ALICE.aadObjectId],
    approve: [...rule.approve, TEAMS_ALICE.aadObjectId],
  })),
};

/** The DynamoDB calls the clients made (operation names, in order of completion). */
const dynamoCalls: string[] = [];

/** The DynamoDB client with a middleware recording each call (one per operation called, whatever its retries). */
function counted<T extends MiddlewareClient>(client: T): T {
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      try {
        return await next(args);
      } finally {
        dynamoCalls.push((context.commandName ?? '?').replace(/Command$/, ''));
      }
    };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'pipewatchLatencyCount' });
  return client;
}

interface EventSample {
  /** Put → the local Slack's change (post or update); undefined when the event changed nothing on screen. */
  readonly ms: number | undefined;
  readonly change: 'posted' | 'updated' | undefined;
  /** The DynamoDB operations called, in order of completion. */
  readonly dynamoCalls: readonly string[];
  readonly chatCalls: number;
}

export async function runLatencyBench(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  console.log(
    `node ${process.version}, ${cpus().length} CPUs, load average ${loadAverage()}; n = ${N} warm, ${COLD_RUNS} cold`,
  );
  const work = mkdtempSync(path.join(tmpdir(), 'pipewatch-bench-latency-'));
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const aws = await startLocalAws({ port: 0, clock, definitionsFile: SAMPLE_PIPELINES_FILE });
  const slack = await startLocalSlack({
    port: 0,
    teamId: TEAM,
    channels: CHANNELS.map((id, i) => ({ id, name: `latency-${i}` })),
    users: [{ id: ALICE, name: 'alice', realName: 'Alice Approver' }],
  });
  const identity = await startLocalIdentity({ port: 0 });
  const teamsRef = (channel: string): ChannelRef => ({ platform: 'teams', workspace: identity.tenantId, channel });
  // Limits off, as the local Slack's here: the simulator runs a pipeline's minutes in a fraction of a
  // real second, so a thread's updates would meet Teams' per-second limits that a real run never meets.
  const connector = await startLocalBotConnector({
    port: 0,
    identity,
    rateLimits: false,
    teams: [
      { id: TEAMS_TEAM_ID, name: 'Latency', channels: TEAMS_CHANNELS.map((id, i) => ({ id, name: `latency-${i}` })) },
    ],
  });
  const config = localClientConfig(aws);
  const clients = {
    dynamo: counted(new DynamoDBClient(config)),
    codePipeline: new CodePipelineClient(config),
    ssm: new SSMClient(config),
    eventBridge: new EventBridgeClient(config),
  };
  const log = new CountingLog();
  try {
    const put = (name: string, value: string, type: 'SecureString' | 'String' = 'SecureString') =>
      clients.ssm.send(new PutParameterCommand({ Name: name, Type: type, Value: value }));
    await put(PARAMS.botToken, slack.botToken);
    await put(PARAMS.signingSecret, slack.signingSecret);
    await put(PARAMS.authorization, JSON.stringify(LATENCY_POLICY), 'String');
    await put(PARAMS.teamsAppId, identity.clientId);
    await put(PARAMS.teamsClientSecret, identity.clientSecret);
    await put(PARAMS.teamsTenantId, identity.tenantId);
    await clients.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
    await clients.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
    const env = { ...benchFunctionEnv(aws.region, slack), ...teamsEnvironment(PARAMS, identity) };
    const notify = notifyAppFromEnvironment(env, { clients, log }).handler;
    const slackHandler = slackAppFromEnvironment(env, { clients, log });
    const teamsHandler = teamsAppFromEnvironment(env, { clients, log });
    // Each Teams channel's address, as the Teams function keeps it when the app is installed.
    const addresses = new DynamoDbChannelAddresses({ client: clients.dynamo, tableName: TABLE });
    for (const channel of TEAMS_CHANNELS) {
      await addresses.put(teamsRef(channel), {
        serviceUrl: connector.serviceUrl,
        conversationId: channel,
        tenantId: identity.tenantId,
        conversationType: 'channel',
      });
    }

    // The rule target: records the simulator's events, runs notify here (warm) or in a fresh process (cold).
    let target: (input: NotifyInput) => Promise<unknown> = async () => undefined;
    let invocations: Promise<unknown>[] = [];
    aws.lambdas.register(NOTIFY_ARN, (input) => {
      const run = target(input as NotifyInput);
      invocations.push(run.catch(() => undefined));
      return run;
    });
    await subscribe(clients.eventBridge, RECORD_RULE, { source: ['aws.codepipeline'] }, slackRef('CRECORD'), 'default');
    const start = async (pipeline: string): Promise<string> => {
      const { pipelineExecutionId } = await clients.codePipeline.send(
        new StartPipelineExecutionCommand({ name: pipeline }),
      );
      if (pipelineExecutionId === undefined) throw new Error('no execution id');
      return pipelineExecutionId;
    };

    // The simulator's events land on the default bus; the recording rule's target queues them, and
    // the bench puts each one on the pipewatch bus (as the forwarding rule does), where the channel's
    // subscription rule sends it to notify: one event at a time, timed from that put.
    const queued: NotifyInput[] = [];
    const record = async (input: NotifyInput) => {
      queued.push(input);
    };
    let notifyTarget: (input: NotifyInput) => Promise<unknown> = (input) => notify(input);
    target = async (input) => (input.rule === RECORD_RULE ? record(input) : notifyTarget(input));

    const next = { slack: 0, teams: 0 };
    const ruleOf = new Map<string, string>();
    /** A fresh channel subscribed to every CodePipeline event on the pipewatch bus (its rule disabled when done). */
    const freshChannel = async (platform: 'slack' | 'teams' = 'slack'): Promise<string> => {
      const index = next[platform]++;
      const channel = (platform === 'slack' ? CHANNELS : TEAMS_CHANNELS)[index];
      if (channel === undefined) throw new Error(`out of ${platform} channels`);
      const rule = `pw-latency-${platform}-${index}`;
      ruleOf.set(channel, rule);
      const ref = platform === 'slack' ? slackRef(channel) : teamsRef(channel);
      await subscribe(clients.eventBridge, rule, { source: ['aws.codepipeline'] }, ref, BUS);
      return channel;
    };
    const done = async (channel: string) =>
      clients.eventBridge.send(new DisableRuleCommand({ Name: ruleOf.get(channel), EventBusName: BUS }));

    /** Puts one event on the pipewatch bus; resolves when its invocations are over, with what the channel saw. */
    const deliver = async (input: NotifyInput, channel: string): Promise<EventSample> => {
      const event = input.event as {
        source: string;
        'detail-type': string;
        detail: unknown;
        resources: string[];
        time: string;
      };
      let change: { at: number; action: 'posted' | 'updated' } | undefined;
      const seen = (action: string) => {
        if (change === undefined)
          change = { at: performance.now(), action: action === 'posted' ? 'posted' : 'updated' };
      };
      const listener = (c: { type: string; action: string; channel: string }) => {
        if (c.type === 'message' && c.channel === channel) seen(c.action);
      };
      const teamsListener = (c: TenantChange) => {
        if (c.type === 'message' && c.conversationId === channel) seen(c.action);
      };
      slack.workspace.on('change', listener as never);
      connector.tenant.on('change', teamsListener);
      const dynamoBefore = dynamoCalls.length;
      const chatBefore = slack.workspace.calls.length + connector.tenant.calls.length;
      invocations = [];
      const putAt = performance.now();
      aws.eventBridge.putEventsInternal([
        {
          Source: event.source,
          DetailType: event['detail-type'],
          Detail: JSON.stringify(event.detail),
          Resources: event.resources,
          EventBusName: BUS,
          Time: new Date(event.time),
        },
      ]);
      await aws.eventBridge.idle();
      await Promise.all(invocations);
      slack.workspace.off('change', listener as never);
      connector.tenant.off('change', teamsListener);
      return {
        ms: change === undefined ? undefined : change.at - putAt,
        change: change?.action,
        dynamoCalls: dynamoCalls.slice(dynamoBefore),
        chatCalls: slack.workspace.calls.length + connector.tenant.calls.length - chatBefore,
      };
    };
    /** Runs the simulator `ms` on its clock, a second at a time, each new event delivered to `channel` (samples kept if `keep`). */
    const live = async (channel: string, ms: number, keep?: EventSample[]) => {
      for (let t = 0; t < ms; t += 1000) {
        clock.advance(1000);
        await aws.eventBridge.settled();
        for (const input of queued.splice(0)) {
          const s = await deliver(input, channel);
          keep?.push(s);
        }
      }
    };

    // ── Warm: web-service runs, each on a fresh channel ────────────────────────────────────────
    const warm: EventSample[] = [];
    for (let round = 0; round < WARMUP + N; round++) {
      const channel = await freshChannel();
      await start('web-service');
      await live(channel, 300_000, round >= WARMUP ? warm : undefined);
      await done(channel);
    }
    console.log('event put on the bus → message on screen, warm (notify in this process):');
    reportEvents(warm, 'Slack Web API');

    // ── A button press: Retry on the failure message of a web-service run failing in Test ────
    const press: { ack: number; updated: number }[] = [];
    const slackOnly = { slack } as unknown as Stack;
    for (let round = 0; round < WARMUP + N; round++) {
      const channel = await freshChannel();
      aws.codePipeline.injectFailure('web-service', 'Test', 'UnitTests', { mode: 'once' });
      await start('web-service');
      await live(channel, 120_000);
      const [message] = slack.workspace.messages(channel);
      if (message === undefined) throw new Error(`no failure message on ${channel}`);
      let updatedAt: number | undefined;
      const listener = (c: { type: string; action: string; channel: string; ts?: string }) => {
        if (updatedAt === undefined && c.type === 'message' && c.action === 'updated' && c.ts === message.ts) {
          updatedAt = performance.now();
        }
      };
      slack.workspace.on('change', listener as never);
      const body = blockActionsBody(clickPayload(slackOnly, message, ACTION_IDS.retryFailed, ALICE));
      const pressedAt = performance.now();
      const response = await slackHandler(signedSlackEvent(slack.signingSecret, body));
      const ackAt = performance.now();
      slack.workspace.off('change', listener as never);
      if (response.statusCode !== 200) throw new Error(`Retry press answered ${response.statusCode}`);
      if (updatedAt === undefined) throw new Error('the Retry press did not update the message');
      if (round >= WARMUP) press.push({ ack: ackAt - pressedAt, updated: updatedAt - pressedAt });
      // The retried stage runs on, shown in the channel, until the run is over.
      await live(channel, 300_000);
      await done(channel);
    }
    const stat = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms`;
    };
    console.log(
      `Retry pressed (signed Slack click, the Slack function in this process), n ${press.length}: ` +
        `→ acknowledgement ${stat(press.map((p) => p.ack))}; → message updated ${stat(press.map((p) => p.updated))}`,
    );

    // ── Teams: the same runs and the same press, each on a fresh Teams channel ───────────────
    const teamsWarm: EventSample[] = [];
    for (let round = 0; round < WARMUP + N; round++) {
      const channel = await freshChannel('teams');
      await start('web-service');
      await live(channel, 300_000, round >= WARMUP ? teamsWarm : undefined);
      await done(channel);
    }
    console.log(
      'Teams: event put on the bus → card on screen in the local Bot Connector, warm (notify in this process):',
    );
    reportEvents(teamsWarm, 'Bot Connector');
    const teamsPress: { ack: number; updated: number }[] = [];
    for (let round = 0; round < WARMUP + N; round++) {
      const channel = await freshChannel('teams');
      aws.codePipeline.injectFailure('web-service', 'Test', 'UnitTests', { mode: 'once' });
      await start('web-service');
      await live(channel, 120_000);
      const [card] = connector.tenant.messages(channel);
      const retry = executeActions(card).find((action) => action.verb === CARD_VERBS.retryFailed);
      if (card === undefined || retry === undefined) throw new Error(`no failure card with Retry on ${channel}`);
      // Teams shows who retried in the card's thread (the card itself moves on with the retried stage's events).
      let updatedAt: number | undefined;
      const listener = (c: TenantChange) => {
        if (updatedAt === undefined && c.type === 'message' && c.action === 'posted' && c.conversationId === channel) {
          updatedAt = performance.now();
        }
      };
      connector.tenant.on('change', listener);
      const parties: ActivityParties = {
        serviceUrl: connector.serviceUrl,
        tenantId: identity.tenantId,
        conversationId: channel,
        conversationType: 'channel',
        teamId: TEAMS_TEAM_ID,
        bot: { id: `28:${identity.clientId}`, name: 'pipewatch' },
        user: TEAMS_ALICE,
      };
      const click = cardActionActivity(parties, { activityId: card.id }, retry);
      const token = identity.signActivityToken({ appId: identity.clientId, serviceUrl: connector.serviceUrl });
      const pressedAt = performance.now();
      const response = await teamsHandler(teamsEvent(click, token));
      const ackAt = performance.now();
      connector.tenant.off('change', listener);
      if (response.statusCode !== 200) throw new Error(`Teams Retry press answered ${response.statusCode}`);
      if (updatedAt === undefined) throw new Error(`the Teams Retry press posted no reply: ${response.body}`);
      const audit = connector.tenant.threadReplies(channel, card.id).at(-1);
      if (!/retr/i.test(JSON.stringify(audit?.activity))) throw new Error('the reply after the press is not the retry');
      if (round >= WARMUP) teamsPress.push({ ack: ackAt - pressedAt, updated: updatedAt - pressedAt });
      await live(channel, 300_000);
      await done(channel);
    }
    console.log(
      `Teams: Retry pressed (a signed adaptiveCard/action invoke, the Teams function in this process), n ${teamsPress.length}: ` +
        `→ answer ${stat(teamsPress.map((p) => p.ack))}; → "retried by" reply in the card's thread ${stat(teamsPress.map((p) => p.updated))}`,
    );

    // ── Cold: the bundled notify handler in a fresh process per sample; bare node alongside ──
    if (COLD_RUNS > 0) {
      const packageDir = process.env.PIPEWATCH_BENCH_PACKAGE ?? (await packageNow(path.join(work, 'package')));
      const bundle = await unzipBundle(packageDir, 'notify', path.join(work, 'notify'));
      const childEnv: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        AWS_REGION: aws.region,
        AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
        AWS_ENDPOINT_URL: aws.endpoint,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        PIPEWATCH_TABLE: TABLE,
        PIPEWATCH_SLACK_BOT_TOKEN_PARAM: PARAMS.botToken,
        PIPEWATCH_SLACK_API_URL: slack.apiUrl,
        PIPEWATCH_LOG_LEVEL: 'error',
      };
      const childFile = path.join(work, 'cold-child.cjs');
      writeFileSync(childFile, COLD_CHILD);
      const coldNotify = async (input: NotifyInput) => {
        const inputFile = path.join(work, `input-${Date.now()}-${Math.random()}.json`);
        writeFileSync(inputFile, JSON.stringify(input));
        await runNode([childFile], { ...childEnv, BENCH_HANDLER: bundle, BENCH_INPUT_FILE: inputFile });
      };
      const cold: EventSample[] = [];
      const bare: number[] = [];
      for (let i = 0; i < COLD_RUNS; i++) {
        const started = performance.now();
        await runNode(['-e', '0'], { PATH: childEnv.PATH ?? '' });
        bare.push(performance.now() - started);
        // The run's first event posts the message in a fresh process; the rest of the run warm, unmeasured.
        const channel = await freshChannel();
        await start('web-service');
        notifyTarget = coldNotify;
        while (queued.length === 0) {
          clock.advance(1000);
          await aws.eventBridge.settled();
        }
        const [first] = queued.splice(0, 1);
        if (first === undefined) throw new Error('no event');
        cold.push(await deliver(first, channel));
        notifyTarget = (input) => notify(input);
        await live(channel, 300_000);
        await done(channel);
      }
      const coldMs = cold.map((s) => s.ms ?? Number.NaN).sort((a, b) => a - b);
      const bareMs = [...bare].sort((a, b) => a - b);
      const coldP50 = quantile(coldMs, 0.5);
      const bareP50 = quantile(bareMs, 0.5);
      console.log(
        `event put → message posted, cold (a fresh node process per sample running the bundled notify handler), n ${cold.length}: ` +
          `p50 ${coldP50.toFixed(1)} ms, p99 ${quantile(coldMs, 0.99).toFixed(1)} ms; ` +
          `bare \`node -e 0\` started the same way: p50 ${bareP50.toFixed(1)} ms; cold / bare ${(coldP50 / bareP50).toFixed(1)}x ` +
          `[cold: ${coldMs.map((ms) => ms.toFixed(0)).join(', ')}; bare: ${bareMs.map((ms) => ms.toFixed(0)).join(', ')}]`,
      );
    }
    log.assertQuiet();
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    for (const client of Object.values(clients)) client.destroy();
    await slack.stop();
    await connector.stop();
    await identity.stop();
    await aws.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** A rule on the bus whose one target is notify, with the channel in its InputTransformer (as subscribe makes it). */
async function subscribe(
  eventBridge: EventBridgeClient,
  name: string,
  pattern: Record<string, unknown>,
  channel: ChannelRef,
  bus: string,
): Promise<void> {
  await eventBridge.send(new PutRuleCommand({ Name: name, EventBusName: bus, EventPattern: JSON.stringify(pattern) }));
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: name,
      EventBusName: bus,
      Targets: [
        {
          Id: 'notify',
          Arn: NOTIFY_ARN,
          InputTransformer: {
            InputPathsMap: {},
            InputTemplate: notifyInputTemplate(channel),
          },
        },
      ],
    }),
  );
}

function slackRef(channel: string): ChannelRef {
  return { platform: 'slack', workspace: TEAM, channel };
}

function reportEvents(samples: readonly EventSample[], chat: string): void {
  for (const action of ['posted', 'updated'] as const) {
    const ms = samples
      .filter((s) => s.change === action)
      .map((s) => s.ms ?? Number.NaN)
      .sort((a, b) => a - b);
    console.log(
      `  → message ${action}: p50 ${quantile(ms, 0.5).toFixed(1)} ms, p99 ${quantile(ms, 0.99).toFixed(1)} ms, n ${ms.length}`,
    );
  }
  const per = (pick: (s: EventSample) => number) =>
    (samples.reduce((sum, s) => sum + pick(s), 0) / samples.length).toFixed(2);
  const unchanged = samples.filter((s) => s.change === undefined).length;
  console.log(
    `  per event (${samples.length} events, ${unchanged} of them changing nothing on screen): ` +
      `DynamoDB calls ${per((s) => s.dynamoCalls.length)}, ${chat} calls ${per((s) => s.chatCalls)}`,
  );
  const byOperation = new Map<string, number>();
  for (const s of samples) for (const op of s.dynamoCalls) byOperation.set(op, (byOperation.get(op) ?? 0) + 1);
  console.log(
    `  DynamoDB per event, by operation: ${[...byOperation]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, n]) => `${op} ${(n / samples.length).toFixed(2)}`)
      .join(', ')}`,
  );
}

/** The cold child: plain CommonJS; requires the bundle, invokes it once with the rule target's input, exits. */
const COLD_CHILD = `'use strict';
const input = JSON.parse(require('node:fs').readFileSync(process.env.BENCH_INPUT_FILE, 'utf8'));
const { handler } = require(process.env.BENCH_HANDLER);
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 30000 };
handler(input, context).then(
  () => process.exit(0),
  (error) => { console.error(error); process.exit(1); },
);
`;
