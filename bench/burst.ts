import { cpus } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDbChannelAddresses } from '../src/aws/dynamodb-channel-addresses';
import { createTableInput } from '../src/aws/dynamodb-conversation-store';
import {
  FOLLOW_INPUT_TEMPLATE,
  FOLLOW_RULE_NAME,
  FOLLOW_RULE_PATTERN,
  type NotifyInput,
  notifyInputTemplate,
} from '../src/aws/notify-input';
import { buildAlertMessage } from '../src/core/messages';
import { ChatDeliveryError } from '../src/core/notify/chat-delivery-error';
import type { ChannelRef } from '../src/core/subscriptions';
import { ManualClock, startLocalAws } from '../src/local/aws';
import { SAMPLE_PIPELINES_FILE } from '../src/local/aws/codepipeline/local-codepipeline';
import { SLACK_RATE_LIMITS, SlackRateLimiter, startLocalSlack } from '../src/local/slack';
import { startLocalBotConnector } from '../src/local/teams/bot-connector';
import { startLocalIdentity } from '../src/local/teams/identity';
import { TEAMS_RATE_LIMITS, TeamsRateLimiter } from '../src/local/teams/rate-limits';
import { SlackChatPoster } from '../src/slack/slack-chat-poster';
import { pipelineEvent, retriedExecutionSpecs } from '../test/unit/core/executions/execution-events';
import {
  type BurstWorkerAnswer,
  type BurstWorkerData,
  type BurstWorkerRequest,
  type BurstWorkerStats,
  countedClient,
} from './burst-worker';
import { loadAverage, localClientConfig, teamsEnvironment } from './handlers';
import { CountingLog } from './issue15';

/**
 * A burst at the chat platforms' rate limits: 20 executions of one pipeline run in the simulator, then
 * their 20 final events are put on the local bus at once, where 50 Slack channels and 50 Teams
 * channels subscribe to the pipeline: 1,000 deliveries per platform (50 channels x 20 executions),
 * plus the follow rule's 20. Each notify function (Slack's and Teams') runs from its composition root
 * in a worker thread of its own (NotifyContainer: the real app, its SDK clients over HTTP to the local
 * AWS), and the local Slack and Bot Connector have their rate limits on. Figures: the time
 * until every channel shows every execution's final state, against the bound the limits allow (the
 * same limiters, driven greedily on a simulated clock); messages per (channel, execution); events lost;
 * DynamoDB and chat calls per delivery.
 */

const CHANNELS = 50;
/**
 * Invocations running at once of each notify function: each function's reservation, as README's
 * Deploy suggests (`--param notifyConcurrency=20 --param notifyTeamsConcurrency=50`). Slack's 20 keep
 * its deliveries near their turn under the workspace's 10 posts a second while the rest wait in
 * Lambda's queue; Teams' 50 match its 50 sends a second per app. As deployed, Slack's subscriptions
 * and the follow rule target `notify`, Teams' `notifyTeams`. PIPEWATCH_BENCH_BURST_SLACK_CONCURRENCY
 * and PIPEWATCH_BENCH_BURST_TEAMS_CONCURRENCY change them.
 */
const SLACK_CONCURRENCY = Number(process.env.PIPEWATCH_BENCH_BURST_SLACK_CONCURRENCY ?? 20);
const TEAMS_CONCURRENCY = Number(process.env.PIPEWATCH_BENCH_BURST_TEAMS_CONCURRENCY ?? 50);
const EXECUTIONS = 20;
const PIPELINE = 'nightly-data';
const TEAM = 'T0000BURST';
const TABLE = 'pipewatch-burst';
const NOTIFY_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-burst-notify';
const NOTIFY_TEAMS_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-burst-notifyTeams';
const RECORD_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-burst-record';
const PARAMS = {
  botToken: '/pipewatch/burst/slack-bot-token',
  teamsAppId: '/pipewatch/burst/teams-app-id',
  teamsClientSecret: '/pipewatch/burst/teams-client-secret',
  teamsTenantId: '/pipewatch/burst/teams-tenant-id',
};
/** How often the run reports its progress (PIPEWATCH_BENCH_BURST_REPORT_MS, 10 s by default). */
const REPORT_MS = Number(process.env.PIPEWATCH_BENCH_BURST_REPORT_MS ?? 10_000);
/** Give up after this long (real time): what is not shown by then is counted as lost. */
const DEADLINE_MS = 10 * 60_000;

const slackChannels = Array.from({ length: CHANNELS }, (_, i) => `CBURST${String(i).padStart(5, '0')}`);
const teamsChannels = Array.from(
  { length: CHANNELS },
  (_, i) => `19:${String(i).padStart(4, '0')}${'b'.repeat(28)}@thread.tacv2`,
);
const TEAMS_TEAM_ID = `19:${'e'.repeat(32)}@thread.tacv2`;

/** The bench's own SDK calls (setup), by service and by operation; the containers count theirs. */
const awsCalls = new Map<string, number>();
const awsOps = new Map<string, number>();
function counted<T extends { middlewareStack: { add(middleware: never, options: object): void } }>(client: T): T {
  return countedClient(client, (service, operation) => {
    awsCalls.set(service, (awsCalls.get(service) ?? 0) + 1);
    awsOps.set(`${service}.${operation}`, (awsOps.get(`${service}.${operation}`) ?? 0) + 1);
  });
}

/**
 * A notify function's container: its composition root (src/app/notify-app.ts, the real app with its
 * SDK clients over HTTP) in a worker thread, as Lambda runs a container on its own CPU, apart from the
 * AWS services and the chat platforms (here: the main thread's local AWS, Slack and Bot Connector).
 * Without it, the one process's event loop runs everything and its CPU, not the limits, sets the pace.
 */
class NotifyContainer {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly answers = new Map<number, (answer: BurstWorkerAnswer) => void>();

  constructor(data: BurstWorkerData) {
    const tsx = require.resolve('tsx/cjs/api');
    const file = path.join(__dirname, 'burst-worker.ts');
    this.worker = new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`, {
      eval: true,
      workerData: data,
    });
    this.worker.on('message', (answer: BurstWorkerAnswer) => {
      this.answers.get(answer.id)?.(answer);
      this.answers.delete(answer.id);
    });
    this.worker.on('error', (error) => console.log(`  a notify container failed: ${error.message}`));
  }

  private ask(request: (id: number) => BurstWorkerRequest): Promise<BurstWorkerAnswer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.answers.set(id, resolve);
      this.worker.postMessage(request(id));
    });
  }

  /** One invocation: its result, or its error thrown again (name and code kept) for Lambda's retry. */
  async invoke(input: unknown): Promise<unknown> {
    const answer = await this.ask((id) => ({ id, input }));
    if ('stats' in answer) throw new Error('a stats answer to an invocation');
    if (answer.ok) return answer.value;
    throw Object.assign(new Error(answer.error.message), {
      name: answer.error.name,
      ...(answer.error.code === undefined ? {} : { code: answer.error.code }),
    });
  }

  async stats(): Promise<BurstWorkerStats> {
    const answer = await this.ask((id) => ({ id, stats: true }));
    if (!('stats' in answer)) throw new Error('no stats');
    return answer.stats;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The earliest time the limits let `perKey` requests through for each of `keys`, all asked for at
 * once and each one again as soon as allowed: the limiter itself on a simulated clock (10 ms steps),
 * the keys with the most requests left asking first (asking in a fixed order instead lets the first
 * keys take the shared allowance while the last ones' own bursts are capped, which overstated
 * Slack's bound as 97 s: a burst's 1,000 posts were shown in 93 s).
 */
export function rateLimitBoundMs(
  admit: (key: string) => number | undefined,
  keys: readonly string[],
  perKey: number,
  clock: { now: number },
): number {
  const left = new Map(keys.map((key) => [key, perKey]));
  let last = 0;
  while (left.size > 0) {
    for (const [key, n] of [...left].sort((a, b) => b[1] - a[1])) {
      if (admit(key) !== undefined) continue;
      last = clock.now;
      if (n === 1) left.delete(key);
      else left.set(key, n - 1);
    }
    clock.now += 10;
  }
  return last;
}

export async function runBurstBench(): Promise<void> {
  // PIPEWATCH_BENCH_BURST_ONLY=teams (or slack): the other platform's channels do not subscribe, so the
  // one platform's deliveries have the machine to themselves.
  const only = process.env.PIPEWATCH_BENCH_BURST_ONLY;
  const burstSlack = only === 'teams' ? [] : slackChannels;
  const burstTeams = only === 'slack' ? [] : teamsChannels;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadAverage()}`);
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const aws = await startLocalAws({ port: 0, clock, definitionsFile: SAMPLE_PIPELINES_FILE });
  const slack = await startLocalSlack({
    port: 0,
    teamId: TEAM,
    channels: slackChannels.map((id, i) => ({ id, name: `burst-${i}` })),
    rateLimits: SLACK_RATE_LIMITS,
  });
  const identity = await startLocalIdentity({ port: 0 });
  // Teams' limits per thread and per app per tenant are the connector's default.
  const connector = await startLocalBotConnector({
    port: 0,
    identity,
    teams: [{ id: TEAMS_TEAM_ID, name: 'Burst', channels: teamsChannels.map((id, i) => ({ id, name: `burst-${i}` })) }],
  });
  const config = localClientConfig(aws);
  const clients = {
    dynamo: counted(new DynamoDBClient(config)),
    codePipeline: counted(new CodePipelineClient(config)),
    ssm: counted(new SSMClient(config)),
    eventBridge: counted(new EventBridgeClient(config)),
  };
  const log = new CountingLog();
  const stops: (() => Promise<void>)[] = [];
  const ticker = setInterval(() => undefined, 1_000);
  try {
    for (const [name, value] of [
      [PARAMS.botToken, slack.botToken],
      [PARAMS.teamsAppId, identity.clientId],
      [PARAMS.teamsClientSecret, identity.clientSecret],
      [PARAMS.teamsTenantId, identity.tenantId],
    ] as const) {
      await clients.ssm.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: value }));
    }
    await clients.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
    const env = {
      AWS_REGION: aws.region,
      PIPEWATCH_TABLE: TABLE,
      PIPEWATCH_SLACK_BOT_TOKEN_PARAM: PARAMS.botToken,
      PIPEWATCH_SLACK_API_URL: slack.apiUrl,
      ...teamsEnvironment(PARAMS, identity),
    };
    // The two notify functions (serverless.yml's notify and notifyTeams): one container each, each in
    // its own worker thread.
    const containerData: BurstWorkerData = {
      env,
      aws: { region: aws.region, endpoint: aws.endpoint, credentials: { ...aws.credentials } },
    };
    const containers = { slack: new NotifyContainer(containerData), teams: new NotifyContainer(containerData) };
    stops.push(
      () => containers.slack.stop(),
      () => containers.teams.stop(),
    );

    // ── The executions, recorded: their final events ────────────────────────────────────────
    const finals = new Map<string, NotifyInput>();
    aws.lambdas.register(RECORD_ARN, async (input) => {
      const event = (input as NotifyInput).event as { 'detail-type'?: string; detail?: Record<string, unknown> };
      if (
        event['detail-type'] === 'CodePipeline Pipeline Execution State Change' &&
        event.detail?.state === 'SUCCEEDED'
      ) {
        finals.set(String(event.detail['execution-id']), input as NotifyInput);
      }
      return { status: 'recorded' };
    });
    await putRule(clients.eventBridge, 'pw-burst-record', { source: ['aws.codepipeline'] }, RECORD_ARN, {
      InputPathsMap: {},
      InputTemplate: notifyInputTemplate({ platform: 'slack', workspace: TEAM, channel: 'record' }),
    });
    const executions: string[] = [];
    for (let i = 0; i < EXECUTIONS; i++) {
      const { pipelineExecutionId } = await clients.codePipeline.send(
        new StartPipelineExecutionCommand({ name: PIPELINE }),
      );
      if (pipelineExecutionId === undefined) throw new Error('no execution id');
      executions.push(pipelineExecutionId);
      for (let s = 0; s < 600 && !finals.has(pipelineExecutionId); s++) {
        clock.advance(1000);
        await aws.eventBridge.settled();
      }
      if (!finals.has(pipelineExecutionId)) throw new Error(`${pipelineExecutionId} did not succeed`);
    }

    console.log(`${EXECUTIONS} executions of ${PIPELINE} run and recorded`);
    // ── The subscriptions: 50 Slack and 50 Teams channels, the follow rule ───────────────────
    const slackRefs: ChannelRef[] = burstSlack.map((channel) => ({ platform: 'slack', workspace: TEAM, channel }));
    const teamsRefs: ChannelRef[] = burstTeams.map((channel) => ({
      platform: 'teams',
      workspace: identity.tenantId,
      channel,
    }));
    const addresses = new DynamoDbChannelAddresses({ client: clients.dynamo, tableName: TABLE });
    for (const ref of teamsRefs) {
      await addresses.put(ref, {
        serviceUrl: connector.serviceUrl,
        conversationId: ref.channel,
        tenantId: identity.tenantId,
        conversationType: 'channel',
      });
    }
    const refs = [...slackRefs, ...teamsRefs];
    for (const [i, ref] of refs.entries()) {
      await putRule(
        clients.eventBridge,
        `pw-burst-${i}`,
        { source: ['aws.codepipeline'], detail: { pipeline: [PIPELINE] } },
        ref.platform === 'teams' ? NOTIFY_TEAMS_ARN : NOTIFY_ARN,
        {
          InputPathsMap: {},
          InputTemplate: notifyInputTemplate(ref),
        },
      );
    }
    await putRule(clients.eventBridge, FOLLOW_RULE_NAME, FOLLOW_RULE_PATTERN, NOTIFY_ARN, {
      InputTemplate: FOLLOW_INPUT_TEMPLATE,
    });
    let invocations = 0;
    let failures = 0;
    const failureCodes = new Map<string, number>();
    // Lambda queues asynchronous invocations and runs them as each function's concurrency allows: one
    // process here, so at most its concurrency at a time per function (all of them at once only time out on
    // loopback's sockets).
    const pool = (container: NotifyContainer, concurrency: number) => {
      let running = 0;
      const waiting: (() => void)[] = [];
      return async (input: unknown) => {
        invocations++;
        if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
        running++;
        try {
          return await container.invoke(input);
        } catch (error) {
          failures++;
          const code = String((error as { code?: unknown }).code ?? (error as Error).name);
          if (!failureCodes.has(code))
            console.log(`  first ${code}: ${String((error as Error).message).slice(0, 300)}`);
          failureCodes.set(code, (failureCodes.get(code) ?? 0) + 1);
          throw error;
        } finally {
          running--;
          waiting.shift()?.();
        }
      };
    };
    aws.lambdas.register(NOTIFY_ARN, pool(containers.slack, SLACK_CONCURRENCY));
    aws.lambdas.register(NOTIFY_TEAMS_ARN, pool(containers.teams, TEAMS_CONCURRENCY));

    // ── The burst ─────────────────────────────────────────────────────────────────────────────
    slack.workspace.calls.length = 0;
    connector.tenant.clearCalls();
    awsCalls.clear();
    awsOps.clear();
    const shownSlack = (channel: string, execution: string) =>
      slack.workspace.messages(channel).filter((m) => JSON.stringify(m.blocks).includes(execution));
    const shownTeams = (channel: string, execution: string) =>
      connector.tenant
        .messages(channel)
        .filter((m) => m.replyToId === undefined && JSON.stringify(m.activity).includes(execution));
    const isFinal = (text: string) => /succeeded/i.test(text);
    const doneAt: { slack?: number; teams?: number } = {};
    // The pairs not shown in their final state yet: a poll stops at the first channel still behind,
    // each of its messages serialised once, so that the bench's own polling stays small next to what
    // it measures (it was a third of the process's CPU when it looked at every channel each time).
    const pending = {
      slack: new Map(burstSlack.map((channel) => [channel, new Set(executions)])),
      teams: new Map(burstTeams.map((channel) => [channel, new Set(executions)])),
    };
    const allShown = (platform: 'slack' | 'teams') => {
      for (const [channel, left] of pending[platform]) {
        const shown =
          platform === 'slack'
            ? slack.workspace
                .messages(channel)
                .map((m) => ({ about: JSON.stringify(m.blocks), final: isFinal(JSON.stringify(m)) }))
            : connector.tenant
                .messages(channel)
                .map((m) => ({ about: JSON.stringify(m.activity), final: isFinal(JSON.stringify(m)) }));
        for (const execution of left) {
          if (shown.some((m) => m.final && m.about.includes(execution))) left.delete(execution);
        }
        // One channel still behind answers the poll: the others are looked at once it is done.
        if (left.size > 0) return false;
        pending[platform].delete(channel);
      }
      return true;
    };
    const started = performance.now();
    let lastTick = Date.now();
    let lastReport = lastTick;
    aws.eventBridge.putEventsInternal(
      executions.map((execution) => {
        const event = (finals.get(execution) as NotifyInput).event as Record<string, unknown>;
        return {
          Source: String(event.source),
          DetailType: String(event['detail-type']),
          Detail: JSON.stringify(event.detail),
          Resources: event.resources as string[],
          Time: new Date(String(event.time)),
        };
      }),
    );
    // The local AWS's clock follows real time from here on, so that Lambda's retries come when they would.
    while (performance.now() - started < DEADLINE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = Date.now();
      clock.advance(now - lastTick);
      lastTick = now;
      for (const platform of ['slack', 'teams'] as const) {
        if (doneAt[platform] === undefined && allShown(platform)) doneAt[platform] = performance.now() - started;
      }
      if (doneAt.slack !== undefined && doneAt.teams !== undefined) break;
      if (now - lastReport >= REPORT_MS) {
        lastReport = now;
        const shown = (platform: 'slack' | 'teams') =>
          platform === 'slack'
            ? burstSlack.reduce((n, c) => n + slack.workspace.messages(c).length, 0)
            : burstTeams.reduce((n, c) => n + connector.tenant.messages(c).length, 0);
        console.log(
          `  ${((performance.now() - started) / 1000).toFixed(0)} s: ${invocations} invocations (${failures} failed), ` +
            `messages Slack ${shown('slack')}, Teams ${shown('teams')}`,
        );
      }
    }
    await aws.eventBridge.settled();

    // ── Figures ───────────────────────────────────────────────────────────────────────────────
    const boundClock = { now: 0 };
    const slackLimiter = new SlackRateLimiter(SLACK_RATE_LIMITS, () => boundClock.now);
    const slackBound = rateLimitBoundMs(
      (channel) => slackLimiter.admit('chat.postMessage', { channel }),
      burstSlack,
      EXECUTIONS,
      boundClock,
    );
    const teamsClock = { now: 0 };
    const teamsLimiter = new TeamsRateLimiter(TEAMS_RATE_LIMITS, () => teamsClock.now);
    const teamsBound = rateLimitBoundMs(
      (conversationId) => teamsLimiter.admit({ appId: identity.clientId, tenantId: identity.tenantId, conversationId }),
      burstTeams,
      EXECUTIONS,
      teamsClock,
    );

    const perPair = (platform: 'slack' | 'teams') => {
      const counts = new Map<number, number>();
      let lost = 0;
      for (const channel of platform === 'slack' ? burstSlack : burstTeams) {
        for (const execution of executions) {
          const n = (platform === 'slack' ? shownSlack(channel, execution) : shownTeams(channel, execution)).length;
          counts.set(n, (counts.get(n) ?? 0) + 1);
          if (n === 0) lost++;
        }
      }
      return { counts: [...counts].map(([n, pairs]) => `${pairs} pairs with ${n}`).join(', '), lost };
    };
    const deliveries = { slack: burstSlack.length * EXECUTIONS, teams: burstTeams.length * EXECUTIONS };
    const slackCalls = slack.workspace.calls;
    const teamsCalls = connector.tenant.calls.filter((c) => c.operation !== undefined);
    const byMethod = (calls: readonly { method: string; status: number }[]) => {
      const m = new Map<string, { ok: number; limited: number }>();
      for (const call of calls) {
        const entry = m.get(call.method) ?? { ok: 0, limited: 0 };
        if (call.status === 429) entry.limited++;
        else entry.ok++;
        m.set(call.method, entry);
      }
      return [...m].map(([method, { ok, limited }]) => `${method} ${ok} (+${limited} answered 429)`).join(', ');
    };
    const fmt = (ms: number | undefined) => (ms === undefined ? 'not reached' : `${(ms / 1000).toFixed(1)} s`);
    const ratio = (ms: number | undefined, bound: number) =>
      ms === undefined || bound === 0 ? '-' : `${(ms / bound).toFixed(2)}x`;
    console.log(
      `${EXECUTIONS} final events put at once; ${burstSlack.length} Slack + ${burstTeams.length} Teams channels subscribed: ` +
        `${deliveries.slack} + ${deliveries.teams} deliveries, + ${EXECUTIONS} follow deliveries; at most ${SLACK_CONCURRENCY} / ${TEAMS_CONCURRENCY} at once in Slack's / Teams' notify`,
    );
    console.log(
      `Slack: all shown after ${fmt(doneAt.slack)}; bound ${fmt(slackBound)} (chat.postMessage ` +
        `${SLACK_RATE_LIMITS.postPerChannel.perSecond}/s per channel burst ${SLACK_RATE_LIMITS.postPerChannel.burst}, ` +
        `${SLACK_RATE_LIMITS.postPerWorkspace.perSecond}/s per workspace burst ${SLACK_RATE_LIMITS.postPerWorkspace.burst}); ` +
        `ratio ${ratio(doneAt.slack, slackBound)}`,
    );
    console.log(
      `Teams: all shown after ${fmt(doneAt.teams)}; bound ${fmt(teamsBound)} (per thread 7/1 s, 8/2 s, 60/30 s, 1,800/h; ` +
        `${TEAMS_RATE_LIMITS.perApp.map((w) => `${w.limit}/${w.windowMs / 1000} s`).join(', ')} per app per tenant); ` +
        `ratio ${ratio(doneAt.teams, teamsBound)}`,
    );
    // The containers' calls and log, with the bench's own.
    let warnings = log.warnings.length;
    let errors = log.errors.length;
    for (const stats of await Promise.all([containers.slack.stats(), containers.teams.stats()])) {
      for (const [service, n] of Object.entries(stats.services))
        awsCalls.set(service, (awsCalls.get(service) ?? 0) + n);
      for (const [op, n] of Object.entries(stats.operations)) awsOps.set(op, (awsOps.get(op) ?? 0) + n);
      warnings += stats.warnings;
      errors += stats.errors;
    }
    const slackPairs = perPair('slack');
    const teamsPairs = perPair('teams');
    console.log(`messages per (channel, execution): Slack ${slackPairs.counts}; Teams ${teamsPairs.counts}`);
    console.log(`events lost: Slack ${slackPairs.lost}, Teams ${teamsPairs.lost}`);
    console.log(
      `notify invocations ${invocations} (failed ${failures}${
        failures === 0 ? '' : `: ${[...failureCodes].map(([c, n]) => `${c} ${n}`).join(', ')}`
      }), dead letters ${aws.eventBridge.deadLetters().length}; log: ${errors} errors, ${warnings} warnings`,
    );
    const all = deliveries.slack + deliveries.teams;
    const per = (calls: number, n: number) => (n === 0 ? '-' : (calls / n).toFixed(2));
    console.log(
      `per delivery (${all}): DynamoDB ${((awsCalls.get('DynamoDB') ?? 0) / all).toFixed(2)}, CodePipeline ${(
        (awsCalls.get('CodePipeline') ?? 0) / all
      ).toFixed(2)}, Slack calls ${per(slackCalls.length, deliveries.slack)} per Slack delivery, Teams calls ${per(
        teamsCalls.length,
        deliveries.teams,
      )} per Teams delivery`,
    );
    console.log(
      `AWS calls: ${[...awsOps]
        .sort((a, b) => b[1] - a[1])
        .map(([op, n]) => `${op} ${n}`)
        .join(', ')}`,
    );
    console.log(`Slack calls: ${byMethod(slackCalls)}`);
    console.log(`Teams calls: ${byMethod(teamsCalls.map((c) => ({ method: String(c.operation), status: c.status })))}`);
  } finally {
    clearInterval(ticker);
    for (const stop of stops) await stop();
    await aws.stop();
    await slack.stop();
    await connector.stop();
    await identity.stop();
  }
}

/**
 * The Slack poster alone against the limits: 50 channels x 20 posts, all at once, each a post as
 * notify makes it (429s waited out within the call up to its budget, 20 s, which Lambda's 30 s timeout
 * bounds). What is not posted within the budget is what Lambda's retry would have to post a minute later.
 */
export async function runSlackPosterBurst(): Promise<void> {
  const slack = await startLocalSlack({
    port: 0,
    teamId: TEAM,
    channels: slackChannels.map((id, i) => ({ id, name: `burst-${i}` })),
    rateLimits: SLACK_RATE_LIMITS,
  });
  try {
    const chat = new SlackChatPoster({ token: slack.botToken, slackApiUrl: slack.apiUrl });
    const spec = retriedExecutionSpecs()[7];
    if (spec === undefined) throw new Error('no execution spec');
    const message = buildAlertMessage(pipelineEvent(spec));
    const started = performance.now();
    let lastPostedMs = 0;
    const outcomes = await Promise.all(
      slackChannels.flatMap((channel) =>
        Array.from({ length: EXECUTIONS }, (_, i) =>
          chat.post({ platform: 'slack', workspace: TEAM, channel }, { ...message, title: `run ${i}` }).then(
            () => {
              lastPostedMs = performance.now() - started;
              return 'posted';
            },
            (error: unknown) => (error instanceof ChatDeliveryError ? error.code : String(error)),
          ),
        ),
      ),
    );
    const count = (what: string) => outcomes.filter((o) => o === what).length;
    const others = [...new Set(outcomes)]
      .filter((o) => o !== 'posted' && o !== 'ratelimited')
      .map((o) => `${o} ${count(o)}`);
    const limited = slack.workspace.callsTo('chat.postMessage').filter((c) => c.status === 429).length;
    // What the limits let through within the poster's 20 s, the same limiter driven greedily on a simulated clock.
    const clock = { now: 0 };
    const limiter = new SlackRateLimiter(SLACK_RATE_LIMITS, () => clock.now);
    let allowed = 0;
    const left = new Map(slackChannels.map((channel) => [channel, EXECUTIONS]));
    for (; clock.now <= 20_000; clock.now += 10) {
      for (const [channel, n] of left) {
        if (n === 0 || limiter.admit('chat.postMessage', { channel }) !== undefined) continue;
        allowed++;
        left.set(channel, n - 1);
      }
    }
    console.log(
      `Slack poster alone, ${outcomes.length} posts at once: ${count('posted')} posted (the last after ${(lastPostedMs / 1000).toFixed(1)} s; the limits allow ${allowed} within 20 s), ` +
        `${count('ratelimited')} given up as ratelimited after the poster's 20 s budget (left to Lambda's retry)${others.length === 0 ? '' : `, other failures: ${others.join(', ')}`}; ${limited} answers 429`,
    );
  } finally {
    await slack.stop();
  }
}

async function putRule(
  client: EventBridgeClient,
  name: string,
  pattern: unknown,
  arn: string,
  transformer: { InputPathsMap?: Record<string, string>; InputTemplate: string },
): Promise<void> {
  await client.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
  await client.send(
    new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'notify', Arn: arn, InputTransformer: transformer }] }),
  );
}
