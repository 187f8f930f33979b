import { cpus } from 'node:os';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import {
  CodePipelineClient,
  GetPipelineStateCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { WebClient } from '@slack/web-api';
import { notifyAppFromEnvironment } from '../src/app/notify-app';
import { slackAppFromEnvironment } from '../src/app/slack-app';
import { createTableInput } from '../src/aws/dynamodb-conversation-store';
import { type NotifyInput, notifyInputTemplate } from '../src/aws/notify-input';
import { encodeButtonValue } from '../src/core/actions';
import { compileEventPattern } from '../src/core/patterns';
import type { Log } from '../src/core/ports';
import { parseSubscribeArguments, toEventPattern } from '../src/core/subscriptions';
import { ManualClock, startLocalAws } from '../src/local/aws';
import { SAMPLE_PIPELINES_FILE } from '../src/local/aws/codepipeline/local-codepipeline';
import { signedSlackEvent } from '../src/local/channel/slack-requests';
import {
  blockActionsBody,
  type LocalSlack,
  type SlackMessage,
  slashCommandBody,
  startLocalSlack,
  viewSubmissionBody,
} from '../src/local/slack';
import { ACTION_IDS } from '../src/slack/action-ids';
import { clickPayload, type Stack, viewSubmissionPayload } from '../test/integration/slack/harness';
import { BUS, PARAMS as HANDLERS_PARAMS, loadAverage, localClientConfig, quantile, TABLE } from './handlers';

/**
 * Issue 15's paths, in-process, through the composition roots as deployed (notifyAppFromEnvironment,
 * slackAppFromEnvironment: secrets and the policy from SSM, DynamoDB click claims and replay
 * protection) with the real SDK v3 clients over loopback to the local AWS (CodePipeline simulator on
 * a manual clock, CodeBuild, CloudWatch Logs, Scheduler, DynamoDB) and the local Slack. The clients
 * get one extra middleware that records each call (service, operation, start, end): AWS calls per
 * event and the triage reads' span come from it. The events are real: the simulator's, recorded
 * once by a rule whose target only records, then handed to the notify handler one at a time, each
 * variant on its own channel (a new conversation, so a failure reply reads its triage pack anew).
 * Variants are interleaved, after WARMUP rounds that are not counted.
 * - triage: the invocation that posts a failure reply, web-service failing after a success: in
 *   CodeBuild (UnitTests: the full pack), in CodeDeploy (commit and changes, no build), and the
 *   CodeBuild failure with notify deployed without the CodeBuild and Logs clients (no triage).
 * - quiet: nightly-data runs (every fifth failing) to a plain subscription, a `--transitions` one
 *   (only the events its rule matches) and a plain one in a channel where the pipeline is snoozed
 *   (`/pipewatch snooze`, through the Slack function).
 * - approvals: the invocation that posts the waiting-approval reply, with the reminder's schedule
 *   created and without reminders configured; then each reminder as the local Scheduler fires it
 *   (run one at a time, so that they do not share the CPU).
 * - stop and run: a signed click on Stop (the ack opens the modal), the modal's signed submission
 *   (StopPipelineExecution, message updated), a signed `/pipewatch run web-service`.
 */

const N = Number(process.env.PIPEWATCH_BENCH_N ?? 60);
const WARMUP = 5;
/** nightly-data runs replayed before the quiet subscriptions' counted ones. */
const QUIET_WARM_RUNS = 2;
export const TEAM = 'T0000LOCAL';
const ALICE = 'U00000ALICE';
const GROUP = 'pipewatch-bench';
export const NOTIFY_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-bench-notify';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/pipewatch-bench-reminders';
const RECORD_CHANNEL = 'CBENCHRECORD';
/** The handlers bench's names, and the authorization policy's parameter. */
export const PARAMS = { ...HANDLERS_PARAMS, authorization: '/pipewatch/bench/authorization' };
export const POLICY = { rules: [{ pipelines: ['*'], retry: [ALICE], approve: [ALICE], stop: [ALICE], run: [ALICE] }] };
/** Channels: one per variant and round of each section, plus the quiet section's three. */
const CHANNELS = Array.from({ length: 6 * (N + WARMUP) + 3 }, (_, i) => `CBENCH${String(i).padStart(5, '0')}`);

interface Call {
  readonly service: string;
  readonly operation: string;
  readonly start: number;
  readonly end: number;
}

/** The notify and Slack functions' environment as serverless.yml sets it, pointed at loopback (the bench's names). */
export function benchFunctionEnv(region: string, slack: LocalSlack): Record<string, string> {
  return {
    AWS_REGION: region,
    PIPEWATCH_TABLE: TABLE,
    PIPEWATCH_EVENT_BUS: BUS,
    PIPEWATCH_NOTIFY_FUNCTION_ARN: NOTIFY_ARN,
    PIPEWATCH_SLACK_BOT_TOKEN_PARAM: PARAMS.botToken,
    PIPEWATCH_SLACK_SIGNING_SECRET_PARAM: PARAMS.signingSecret,
    PIPEWATCH_AUTHORIZATION_PARAM: PARAMS.authorization,
    PIPEWATCH_SLACK_API_URL: slack.apiUrl,
    PIPEWATCH_SLACK_TEAM_ID: TEAM,
    PIPEWATCH_SLACK_BOT_ID: slack.workspace.botId,
    PIPEWATCH_SLACK_BOT_USER_ID: slack.workspace.botUserId,
  };
}

/** Every AWS call the clients made, in order of completion. */
const calls: Call[] = [];

/** The initialize-step middleware of an SDK v3 client, as far as recording needs it. */
type RecordingMiddleware = (
  next: (args: unknown) => Promise<unknown>,
  context: { clientName?: string; commandName?: string },
) => (args: unknown) => Promise<unknown>;

/** Any SDK v3 client: its middleware types are per client, so the middleware is passed as `never`. */
export interface MiddlewareClient {
  middlewareStack: { add(middleware: never, options: { step: 'initialize'; name: string }): void };
}

const recordCall: RecordingMiddleware = (next, context) => async (args) => {
  const start = performance.now();
  try {
    return await next(args);
  } finally {
    calls.push({
      service: (context.clientName ?? '?').replace(/Client$/, ''),
      operation: (context.commandName ?? '?').replace(/Command$/, ''),
      start,
      end: performance.now(),
    });
  }
};

/** The client with a middleware recording each call (one per operation called, whatever its retries). */
function recorded<T extends MiddlewareClient>(client: T): T {
  client.middlewareStack.add(recordCall as never, { step: 'initialize', name: 'pipewatchBenchRecord' });
  return client;
}

/** A log that keeps nothing but counts warnings and errors (the figures are void if any). */
export class CountingLog implements Log {
  warnings: string[] = [];
  errors: string[] = [];
  debug() {}
  info() {}
  warn(message: string) {
    this.warnings.push(message);
  }
  error(message: string) {
    this.errors.push(message);
  }
  /** The figures are void if the handlers logged a warning or an error: thrown. */
  assertQuiet(): void {
    if (this.errors.length === 0 && this.warnings.length === 0) return;
    throw new Error(
      `the handlers logged ${this.errors.length} errors, ${this.warnings.length} warnings: ${[...this.errors, ...this.warnings].slice(0, 5).join('; ')}`,
    );
  }
}

interface Sample {
  readonly ms: number;
  readonly calls: readonly Call[];
}

/** Times one call of `run` and the AWS calls made during it. */
async function sample(run: () => Promise<unknown>): Promise<Sample> {
  const before = calls.length;
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  return { ms, calls: calls.slice(before) };
}

export async function runIssue15Bench(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadAverage()}; n = ${N} per figure`);
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const aws = await startLocalAws({ port: 0, clock, definitionsFile: SAMPLE_PIPELINES_FILE });
  const slack = await startLocalSlack({
    port: 0,
    teamId: TEAM,
    channels: [{ id: RECORD_CHANNEL, name: 'record' }, ...CHANNELS.map((id, i) => ({ id, name: `bench-${i}` }))],
    users: [{ id: ALICE, name: 'alice', realName: 'Alice Approver' }],
  });
  const config = localClientConfig(aws);
  const clients = {
    dynamo: recorded(new DynamoDBClient(config)),
    codePipeline: recorded(new CodePipelineClient(config)),
    ssm: recorded(new SSMClient(config)),
    codeBuild: recorded(new CodeBuildClient(config)),
    logs: recorded(new CloudWatchLogsClient(config)),
    scheduler: recorded(new SchedulerClient(config)),
    eventBridge: recorded(new EventBridgeClient(config)),
  };
  const log = new CountingLog();
  try {
    await clients.ssm.send(
      new PutParameterCommand({ Name: PARAMS.botToken, Type: 'SecureString', Value: slack.botToken }),
    );
    await clients.ssm.send(
      new PutParameterCommand({ Name: PARAMS.signingSecret, Type: 'SecureString', Value: slack.signingSecret }),
    );
    await clients.ssm.send(
      new PutParameterCommand({ Name: PARAMS.authorization, Type: 'String', Value: JSON.stringify(POLICY) }),
    );
    await clients.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
    await clients.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
    await clients.scheduler.send(new CreateScheduleGroupCommand({ Name: GROUP }));

    // As serverless.yml sets them, pointed at loopback.
    const env = {
      ...benchFunctionEnv(aws.region, slack),
      PIPEWATCH_REMINDER_SCHEDULE_GROUP: GROUP,
      PIPEWATCH_REMINDER_ROLE_ARN: ROLE_ARN,
    };
    const now = () => clock.now();
    const notify = notifyAppFromEnvironment(env, { clients, log, now }).handler;
    // The same function deployed without the triage's clients, and without the reminders' schedule group.
    const { codeBuild: _codeBuild, logs: _logs, ...withoutTriage } = clients;
    const notifyNoTriage = notifyAppFromEnvironment(env, { clients: withoutTriage, log, now }).handler;
    const { PIPEWATCH_REMINDER_SCHEDULE_GROUP: _group, ...envNoReminders } = env;
    const notifyNoReminders = notifyAppFromEnvironment(envNoReminders, { clients, log, now }).handler;
    const slackHandler = slackAppFromEnvironment(env, { clients, log });

    // The rule target: records the simulator's events, or (the reminders) runs notify one invocation at a time.
    const recordedInputs: NotifyInput[] = [];
    const fired: Sample[] = [];
    let queue: Promise<unknown> = Promise.resolve();
    let target: 'record' | 'ignore' | 'reminders' = 'record';
    aws.lambdas.register(NOTIFY_ARN, async (input) => {
      if (target === 'record') recordedInputs.push(input as NotifyInput);
      // Only the reminders' schedules reach notify this way; the simulator's events were recorded before.
      if (target !== 'reminders' || typeof input !== 'object' || input === null || !('reminder' in input)) {
        return { status: 'ignored' };
      }
      const run = queue.then(() => sample(() => notify(input)));
      queue = run.catch(() => undefined);
      const result = await run;
      fired.push(result);
      return { status: 'fired' };
    });
    await clients.eventBridge.send(
      new PutRuleCommand({ Name: 'pw-bench-record', EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }) }),
    );
    await clients.eventBridge.send(
      new PutTargetsCommand({
        Rule: 'pw-bench-record',
        Targets: [
          {
            Id: 'notify',
            Arn: NOTIFY_ARN,
            InputTransformer: {
              InputPathsMap: {},
              InputTemplate: notifyInputTemplate({ platform: 'slack', workspace: TEAM, channel: RECORD_CHANNEL }),
            },
          },
        ],
      }),
    );

    const sim = aws.codePipeline;
    const start = async (pipeline: string): Promise<string> => {
      const { pipelineExecutionId } = await clients.codePipeline.send(
        new StartPipelineExecutionCommand({ name: pipeline }),
      );
      if (pipelineExecutionId === undefined) throw new Error('no execution id');
      return pipelineExecutionId;
    };
    const runFor = async (ms: number) => {
      for (let t = 0; t < ms; t += 1000) {
        clock.advance(1000);
        await aws.eventBridge.settled();
      }
    };
    const eventsOf = (executionId: string) =>
      recordedInputs.filter((input) => JSON.stringify(input.event).includes(executionId));
    let nextChannel = 0;
    const freshChannel = () => {
      const channel = CHANNELS[nextChannel++];
      if (channel === undefined) throw new Error('out of channels');
      return channel;
    };
    const onChannel = (input: NotifyInput, channel: string): NotifyInput => ({
      ...input,
      channel: { ...input.channel, channel },
    });
    const posts = (channel: string) =>
      slack.workspace
        .messages(channel)
        .reduce((n, message) => n + 1 + slack.workspace.threadReplies(channel, message.ts).length, 0);

    /** Hands an execution's events to `handler` on a new channel; the sample of the one invocation that posted `wanted`. */
    const replayUntilReply = async (
      handler: (input: unknown) => Promise<unknown>,
      events: readonly NotifyInput[],
      wanted: (text: string) => boolean,
    ): Promise<Sample> => {
      const channel = freshChannel();
      for (const input of events) {
        const before = replyTexts(slack, channel).length;
        const result = await sample(() => handler(onChannel(input, channel)));
        if (replyTexts(slack, channel).slice(before).some(wanted)) return result;
      }
      throw new Error(`no such reply on ${channel}: ${replyTexts(slack, channel).join(' | ').slice(0, 500)}`);
    };

    // ── Triage ──────────────────────────────────────────────────────────────────────────────
    // web-service succeeds once (the last success), then fails in Test/UnitTests (CodeBuild), then in Staging (CodeDeploy).
    sim.pushCommit('web-service', { message: 'Cache the catalogue', author: 'Mary Major' });
    await runFor(300_000);
    sim.injectFailure('web-service', 'Test', 'UnitTests', { mode: 'once' });
    const failedBuild = sim.pushCommit('web-service', { message: 'Refactor the pricing rules', author: 'John Doe' });
    await runFor(120_000);
    sim.injectFailure('web-service', 'Staging', 'Deploy', { mode: 'once', errorCode: 'JobFailed' });
    const failedDeploy = sim.pushCommit('web-service', { message: 'Bump the SDK', author: 'John Doe' });
    await runFor(300_000);
    const isFailure = (text: string) => /failed/i.test(text);
    const triage: Record<'codebuild' | 'codedeploy' | 'codebuild, no triage', Sample[]> = {
      codebuild: [],
      codedeploy: [],
      'codebuild, no triage': [],
    };
    for (let round = 0; round < WARMUP + N; round++) {
      const samples = [
        await replayUntilReply(notify, eventsOf(failedBuild), isFailure),
        await replayUntilReply(notify, eventsOf(failedDeploy), isFailure),
        await replayUntilReply(notifyNoTriage, eventsOf(failedBuild), isFailure),
      ];
      if (round < WARMUP) continue;
      triage.codebuild.push(samples[0] as Sample);
      triage.codedeploy.push(samples[1] as Sample);
      triage['codebuild, no triage'].push(samples[2] as Sample);
    }
    const lastBuildReply = replyTexts(slack, CHANNELS[nextChannel - 3] ?? '').join('\n');
    if (!lastBuildReply.includes('Failed phase') || !lastBuildReply.includes('Changes since the last success')) {
      throw new Error(`the CodeBuild failure's reply has no full triage pack: ${lastBuildReply.slice(0, 800)}`);
    }
    console.log('triage pack: the invocation that posts the failure reply (web-service, after a success)');
    for (const [name, samples] of Object.entries(triage)) report(`  ${name} failure`, samples);
    const spans = triage.codebuild.map((s) => ({ ms: triageSpan(s.calls), calls: [] }));
    report('  triage reads of the CodeBuild failure (first read start → last read end)', spans, { calls: false });
    const delta = (a: Sample[], b: Sample[]) => (mean(a) - mean(b)).toFixed(1);
    console.log(
      `  added by the triage: CodeBuild failure vs CodeDeploy failure ${delta(triage.codebuild, triage.codedeploy)} ms, ` +
        `vs the same failure without triage ${delta(triage.codebuild, triage['codebuild, no triage'])} ms (means)`,
    );

    // ── Quiet subscriptions ─────────────────────────────────────────────────────────────────
    // nightly-data runs (Source, Transform), every fifth one failing: the transitions post a few, the snooze none.
    const runs: string[] = [];
    for (let i = 0; i < QUIET_WARM_RUNS + N; i++) {
      if (i % 5 === 2) sim.injectFailure('nightly-data', 'Transform', 'Transform', { mode: 'once' });
      runs.push(await start('nightly-data'));
      await runFor(25_000);
    }
    target = 'ignore';
    const modes = ['plain', 'transitions', 'snoozed'] as const;
    const quietChannel = { plain: freshChannel(), transitions: freshChannel(), snoozed: freshChannel() };
    const patternOf = {
      plain: compileEventPattern(toEventPattern(parseSubscribeArguments(['nightly-data']).subscription)),
      transitions: compileEventPattern(
        toEventPattern(parseSubscribeArguments(['nightly-data', '--transitions']).subscription),
      ),
    };
    const snoozeAnswer = await slashCommand(slack, slackHandler, quietChannel.snoozed, 'snooze nightly-data 1d');
    if (!snoozeAnswer.includes('Snoozed')) throw new Error(`snooze: ${snoozeAnswer}`);
    const quiet: Record<(typeof modes)[number], Sample[]> = { plain: [], transitions: [], snoozed: [] };
    for (const [index, executionId] of runs.entries()) {
      for (const input of eventsOf(executionId)) {
        for (const mode of modes) {
          const pattern = mode === 'transitions' ? patternOf.transitions : patternOf.plain;
          if (!pattern.matches(input.event)) continue;
          const delivered: NotifyInput = {
            ...onChannel(input, quietChannel[mode]),
            ...(mode === 'transitions' ? { mode: 'transitions' as const } : {}),
          };
          const result = await sample(() => notify(delivered));
          if (index >= QUIET_WARM_RUNS) quiet[mode].push(result);
        }
      }
    }
    const counted = runs.length - QUIET_WARM_RUNS;
    console.log(
      `quiet subscriptions: per event delivered, ${counted} nightly-data runs (every fifth failing), each subscription on its own channel`,
    );
    for (const mode of modes) {
      report(
        `  ${mode === 'plain' ? 'plain subscription' : mode === 'transitions' ? '--transitions' : 'plain, snoozed'}`,
        quiet[mode],
        {
          extra: `${(total(quiet[mode]) / counted).toFixed(1)} ms per run; messages and replies posted ${posts(quietChannel[mode])} (${runs.length} runs)`,
        },
      );
    }

    // ── Approvals ───────────────────────────────────────────────────────────────────────────
    target = 'record';
    const waiting = await start('myPipeline');
    await runFor(90_000);
    target = 'ignore';
    const isApproval = (text: string) => text.includes('Approval needed');
    const approvals: Record<'with its reminder scheduled' | 'no reminders configured', Sample[]> = {
      'with its reminder scheduled': [],
      'no reminders configured': [],
    };
    for (let round = 0; round < WARMUP + N; round++) {
      const withReminder = await replayUntilReply(notify, eventsOf(waiting), isApproval);
      const without = await replayUntilReply(notifyNoReminders, eventsOf(waiting), isApproval);
      if (round < WARMUP) continue;
      approvals['with its reminder scheduled'].push(withReminder);
      approvals['no reminders configured'].push(without);
    }
    console.log('approvals: the invocation that posts the waiting-approval reply (expiry, approvers)');
    for (const [name, samples] of Object.entries(approvals)) report(`  ${name}`, samples);
    // The reminders fire: a week less an hour later, on the local Scheduler's clock, one per channel.
    // Just past the reminder's time (the approval's start + 7 days - 1 hour), before the approval expires.
    target = 'reminders';
    const { stageStates } = await clients.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
    const approvalStart = stageStates
      ?.find((stage) => stage.stageName === 'Approval')
      ?.actionStates?.[0]?.latestExecution?.lastStatusChange?.getTime();
    if (approvalStart === undefined) throw new Error('myPipeline is not waiting for its approval');
    clock.advance(Math.floor(approvalStart / 1000) * 1000 + 7 * 24 * 3_600_000 - 3_600_000 + 60_000 - clock.now());
    await aws.scheduler.settled();
    await queue;
    const reminded = fired.slice(WARMUP);
    const reminderPosts = CHANNELS.slice(0, nextChannel)
      .map((channel) => replyTexts(slack, channel).filter((text) => text.includes('Reminder: approval')).length)
      .reduce((a, b) => a + b, 0);
    report('  a reminder firing (Scheduler → notify)', reminded, {
      extra: `reminders posted ${reminderPosts} of ${WARMUP + N}`,
    });

    // ── Stop and run ────────────────────────────────────────────────────────────────────────
    target = 'ignore';
    const bot = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const slackOnly = { slack } as unknown as Stack;
    const stopSamples: Record<'Stop pressed → modal (ack)' | 'modal submitted → stopped (ack)', Sample[]> = {
      'Stop pressed → modal (ack)': [],
      'modal submitted → stopped (ack)': [],
    };
    const runSamples: Sample[] = [];
    for (let round = 0; round < WARMUP + N; round++) {
      const channel = freshChannel();
      const executionId = await start('myPipeline');
      clock.advance(10_000);
      const message = await stopMessage(slack, bot, channel, executionId, aws.region, aws.accountId);
      const views = slack.workspace.views().length;
      const press = await sample(async () => {
        const response = await slackHandler(
          signedSlackEvent(
            slack.signingSecret,
            blockActionsBody(clickPayload(slackOnly, message, ACTION_IDS.stop, ALICE)),
          ),
        );
        if (response.statusCode !== 200) throw new Error(`Stop press answered ${response.statusCode}`);
      });
      const opened = slack.workspace.views()[views];
      if (opened === undefined) throw new Error('the Stop press opened no modal');
      const submission = viewSubmissionPayload(slackOnly, opened, ALICE, {
        'pipewatch.stop.mode': {
          mode: {
            type: 'radio_buttons',
            selected_option: { text: { type: 'plain_text', text: 'abandon' }, value: 'abandon' },
          },
        },
        'pipewatch.stop.reason': { reason: { type: 'plain_text_input', value: 'a bad commit' } },
      });
      const submit = await sample(async () => {
        const response = await slackHandler(signedSlackEvent(slack.signingSecret, viewSubmissionBody(submission)));
        if (response.statusCode !== 200) throw new Error(`Stop submission answered ${response.statusCode}`);
      });
      const stopped = JSON.stringify(slack.workspace.message(channel, message.ts)?.blocks);
      if (!stopped.includes('Stopped (abandon)')) throw new Error(`not stopped: ${stopped.slice(0, 400)}`);
      const before = slack.workspace.ephemerals(channel, ALICE).length;
      const run = await sample(() => slashCommand(slack, slackHandler, channel, 'run web-service'));
      const answer = slack.workspace
        .ephemerals(channel, ALICE)
        .slice(before)
        .map((e) => e.text)
        .join(' ');
      if (!answer.includes('Started')) throw new Error(`run answered: ${answer}`);
      if (round < WARMUP) continue;
      stopSamples['Stop pressed → modal (ack)'].push(press);
      stopSamples['modal submitted → stopped (ack)'].push(submit);
      runSamples.push(run);
    }
    console.log(
      'stop and run: signed Slack requests through the Slack function (DynamoDB replay protection and click claims)',
    );
    for (const [name, samples] of Object.entries(stopSamples)) report(`  ${name}`, samples);
    report('  `/pipewatch run web-service` → answer', runSamples);

    log.assertQuiet();
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    for (const client of Object.values(clients)) client.destroy();
    await slack.stop();
    await aws.stop();
  }
}

/** The texts of the thread replies in a channel, oldest first. */
function replyTexts(slack: LocalSlack, channel: string): string[] {
  return slack.workspace
    .messages(channel)
    .flatMap((message) => slack.workspace.threadReplies(channel, message.ts))
    .map((reply) => `${reply.text ?? ''} ${JSON.stringify(reply.blocks ?? [])}`);
}

/** `/pipewatch <text>` typed by Alice in `channel`, signed; the ephemeral answers it produced. */
async function slashCommand(
  slack: LocalSlack,
  handler: ReturnType<typeof slackAppFromEnvironment>,
  channel: string,
  text: string,
): Promise<string> {
  const before = slack.workspace.ephemerals(channel, ALICE).length;
  const body = slashCommandBody({
    text,
    teamId: TEAM,
    channelId: channel,
    userId: ALICE,
    responseUrl: slack.workspace.createResponseUrl(channel, ALICE),
    triggerId: slack.workspace.createTriggerId(ALICE),
  });
  const response = await handler(signedSlackEvent(slack.signingSecret, body));
  if (response.statusCode !== 200) throw new Error(`/pipewatch ${text} answered ${response.statusCode}`);
  return slack.workspace
    .ephemerals(channel, ALICE)
    .slice(before)
    .map((answer) => answer.text)
    .join('\n');
}

/** A message with pipewatch's Stop button for a running execution, posted as the bot. */
async function stopMessage(
  slack: LocalSlack,
  bot: WebClient,
  channel: string,
  executionId: string,
  region: string,
  account: string,
): Promise<SlackMessage> {
  const value = encodeButtonValue({ v: 1, kind: 'stop', pipeline: 'myPipeline', executionId, region, account });
  const posted = await bot.chat.postMessage({
    channel,
    text: 'myPipeline: running',
    blocks: [
      { type: 'section', block_id: 'head', text: { type: 'mrkdwn', text: '*myPipeline*: running' } },
      {
        type: 'actions',
        block_id: 'buttons',
        elements: [{ type: 'button', action_id: ACTION_IDS.stop, value, text: { type: 'plain_text', text: 'Stop…' } }],
      },
    ],
  });
  const message = slack.workspace.message(channel, posted.ts ?? '');
  if (message === undefined) throw new Error('message not posted');
  return message;
}

const TRIAGE_READS = new Set([
  'GetPipelineExecution',
  'ListActionExecutions',
  'ListPipelineExecutions',
  'BatchGetBuilds',
  'GetLogEvents',
]);

/** From the first triage read's start to the last one's end (they overlap: three run together, then the build's two). */
function triageSpan(sampleCalls: readonly Call[]): number {
  const reads = sampleCalls.filter((call) => TRIAGE_READS.has(call.operation));
  if (reads.length === 0) return Number.NaN;
  return Math.max(...reads.map((c) => c.end)) - Math.min(...reads.map((c) => c.start));
}

function total(samples: readonly Sample[]): number {
  return samples.reduce((sum, s) => sum + s.ms, 0);
}

function mean(samples: readonly Sample[]): number {
  return total(samples) / samples.length;
}

/** One line: mean, p50, p99, n; then the AWS calls per invocation, by operation (and service). */
function report(label: string, samples: readonly Sample[], options: { calls?: boolean; extra?: string } = {}): void {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const line =
    `${label}: mean ${mean(samples).toFixed(2)} ms, p50 ${quantile(sorted, 0.5).toFixed(2)} ms, ` +
    `p99 ${quantile(sorted, 0.99).toFixed(2)} ms, n ${samples.length}`;
  console.log(options.extra === undefined ? line : `${line}; ${options.extra}`);
  if (options.calls === false) return;
  const byOperation = new Map<string, number>();
  for (const s of samples) {
    for (const call of s.calls) {
      const key = `${call.service}.${call.operation}`;
      byOperation.set(key, (byOperation.get(key) ?? 0) + 1);
    }
  }
  const perEvent = (n: number) => (n / samples.length).toFixed(2).replace(/\.?0+$/, '');
  const total = [...byOperation.values()].reduce((a, b) => a + b, 0);
  const dynamo = [...byOperation.entries()].filter(([k]) => k.startsWith('DynamoDB.')).reduce((a, [, n]) => a + n, 0);
  const list = [...byOperation.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key} ${perEvent(n)}`)
    .join(', ');
  console.log(`    AWS calls per event ${perEvent(total)} (DynamoDB ${perEvent(dynamo)}): ${list || 'none'}`);
}
