import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsClientConfig } from '../src/aws/clients';
import { createTableInput } from '../src/aws/dynamodb-conversation-store';
import { startLocalAws } from '../src/local/aws';
import { signedSlackEvent } from '../src/local/channel/slack-requests';
import { type LocalSlack, slashCommandBody, startLocalSlack } from '../src/local/slack';
import { type LocalBotConnector, startLocalBotConnector } from '../src/local/teams/bot-connector';
import { type LocalIdentity, startLocalIdentity } from '../src/local/teams/identity';
import { messageActivity, teamsEvent } from '../src/local/teams/signed-activity';

/**
 * The deployed artefacts: `serverless package` (osls + serverless-esbuild, as deployed) → zip sizes;
 * then each function's bundled JS, unzipped, in a fresh `node` process against loopback services
 * (local AWS for SSM, DynamoDB, EventBridge, CodePipeline; local Slack for the Web API and
 * response_url):
 * - cold start: node's own bootstrap (performance.now() when the child's first line runs, i.e. since
 *   performance.timeOrigin), `require` of the bundle, the first invocation (which reads the SSM
 *   secrets, builds the clients and makes the first AWS and Slack calls); total = process start →
 *   end of the first invocation. Median of COLD_RUNS processes.
 * - warm: WARM_EVENTS more invocations in the same process, one at a time: mean, p50, p99 (the
 *   samples of every run pooled).
 * notify: a pipeline STARTED event, then action events of the same execution (distinct event ids,
 * each one a new action, so each updates the message). redrive: a scheduled run that replays one
 * DLQ message through a notify stand-in on the local AWS (SQS + Lambda Invoke), then runs that find
 * the queue empty (one ReceiveMessage each). slack: a signed `/pipewatch list` first,
 * then `list` and `help` alternately, as API Gateway HTTP API (v2) events. teams: the same commands
 * in a personal chat, as activities signed by a local identity (whose JWKS the SDK fetches on the
 * first request), answered through a local Bot Connector with a token from the identity.
 *
 * PIPEWATCH_BENCH_PACKAGE=<dir> measures zips packaged earlier (e.g. before a change) instead of
 * packaging now.
 */

const COLD_RUNS = Number(process.env.PIPEWATCH_BENCH_COLD_RUNS ?? 5);
const WARM_EVENTS = Number(process.env.PIPEWATCH_BENCH_WARM_EVENTS ?? 200);
export const TABLE = 'pipewatch-bench';
export const BUS = 'pipewatch-bench';
const CHANNEL = 'C00000DEPLOY';
const USER = 'U00000ALICE';
export const PARAMS = {
  botToken: '/pipewatch/bench/slack/bot-token',
  signingSecret: '/pipewatch/bench/slack/signing-secret',
  teamsAppId: '/pipewatch/bench/teams/app-id',
  teamsClientSecret: '/pipewatch/bench/teams/client-secret',
  teamsTenantId: '/pipewatch/bench/teams/tenant-id',
};

/** The machine's load average (1, 5, 15 minutes), printed with every bench's figures. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** An SDK client's configuration for the local AWS: its endpoint, region and (test) credentials. */
export function localClientConfig(aws: {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}) {
  return { ...awsClientConfig({ region: aws.region }), endpoint: aws.endpoint, credentials: { ...aws.credentials } };
}

/** The Teams function's parameter names and the local identity's endpoints, as deployed. */
export function teamsEnvironment(
  params: { readonly teamsAppId: string; readonly teamsClientSecret: string; readonly teamsTenantId: string },
  identity: LocalIdentity,
): Record<string, string> {
  return {
    PIPEWATCH_TEAMS_APP_ID_PARAM: params.teamsAppId,
    PIPEWATCH_TEAMS_CLIENT_SECRET_PARAM: params.teamsClientSecret,
    PIPEWATCH_TEAMS_TENANT_ID_PARAM: params.teamsTenantId,
    PIPEWATCH_TEAMS_LOGIN_ENDPOINT: identity.loginEndpoint,
    PIPEWATCH_TEAMS_OPENID_METADATA_URL: identity.openIdMetadataUrl,
    PIPEWATCH_TEAMS_TOKEN_ISSUER: identity.tokenIssuer,
  };
}
/** The local Bot Connector's personal chat: a command there needs no mention and no thread. */
const PERSONAL_CHAT = 'a:1pipewatch-local-personal-chat';
const NOTIFY_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-bench-notify';
const root = path.join(__dirname, '..');
const run = promisify(execFile);

type Kind = 'notify' | 'slack' | 'teams' | 'redrive';
const KINDS: readonly Kind[] = ['notify', 'slack', 'teams', 'redrive'];
const DLQ = 'pipewatch-bench-dlq';

interface ChildResult {
  bootstrapMs: number;
  requireMs: number;
  firstInvocationMs: number;
  totalMs: number;
  warmMs: number[];
  outcomes: Record<string, number>;
}

export async function runHandlersBench(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const work = mkdtempSync(path.join(tmpdir(), 'pipewatch-bench-handlers-'));
  // Cold starts are CPU-bound: a busy machine (tests running alongside) inflates them.
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadAverage()}`);
  try {
    const packageDir = process.env.PIPEWATCH_BENCH_PACKAGE ?? (await packageNow(path.join(work, 'package')));
    const bundles: Record<Kind, string> = { notify: '', slack: '', teams: '', redrive: '' };
    for (const kind of KINDS) {
      const zip = path.join(packageDir, `${kind}.zip`);
      const dir = path.join(work, kind);
      bundles[kind] = await unzipBundle(packageDir, kind, dir);
      console.log(
        `${kind}.zip ${kb(statSync(zip).size)} (${kind}.js ${kb(statSync(bundles[kind]).size)}; files: ${listFiles(dir).join(', ')})`,
      );
    }
    await measure(work, bundles);
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The function's zip from `serverless package`, unzipped into `dir`: the path of its bundled handler. */
export async function unzipBundle(packageDir: string, kind: string, dir: string): Promise<string> {
  const zip = path.join(packageDir, `${kind}.zip`);
  mkdirSync(dir);
  await run('unzip', ['-q', zip, '-d', dir]).catch((error: unknown) => {
    throw new Error(`cannot unzip ${zip} (is \`unzip\` installed?)`, { cause: error });
  });
  return path.join(dir, 'handlers', `${kind}.js`);
}

/** `serverless package` (osls + serverless-esbuild) into `outDir`, as deployed. */
export async function packageNow(outDir: string): Promise<string> {
  const started = performance.now();
  await run(
    process.execPath,
    [
      path.join(root, 'node_modules/osls/bin/serverless.js'),
      'package',
      '--stage',
      'bench',
      '--package',
      outDir,
      // Required by serverless.yml; the bench measures bundles, not IAM.
      '--param',
      'pipelines=*',
    ],
    {
      cwd: root,
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'dummy', AWS_SECRET_ACCESS_KEY: 'dummy', SLS_TELEMETRY_DISABLED: '1' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  console.log(`serverless package: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return outDir;
}

async function measure(work: string, bundles: Record<Kind, string>): Promise<void> {
  const aws = await startLocalAws({ port: 0 });
  const slack = await startLocalSlack({
    port: 0,
    channels: [{ id: CHANNEL, name: 'deploys' }],
    users: [{ id: USER, name: 'alice' }],
  });
  const identity = await startLocalIdentity({ port: 0 });
  const connector = await startLocalBotConnector({ port: 0, identity, rateLimits: false });
  const config = {
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const ssm = new SSMClient(config);
  const dynamo = new DynamoDBClient(config);
  const eventBridge = new EventBridgeClient(config);
  try {
    await ssm.send(new PutParameterCommand({ Name: PARAMS.botToken, Type: 'SecureString', Value: slack.botToken }));
    await ssm.send(
      new PutParameterCommand({ Name: PARAMS.signingSecret, Type: 'SecureString', Value: slack.signingSecret }),
    );
    for (const [name, value] of [
      [PARAMS.teamsAppId, identity.clientId],
      [PARAMS.teamsClientSecret, identity.clientSecret],
      [PARAMS.teamsTenantId, identity.tenantId],
    ] as const) {
      await ssm.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: value }));
    }
    await dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
    await eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
    // The redrive's side: its DLQ, and notify as a stand-in that succeeds (the bench measures the redrive).
    const dlq = aws.sqs.createQueue(DLQ);
    let replayed = 0;
    aws.lambdas.register(NOTIFY_ARN, async () => {
      replayed += 1;
      return { status: 'rendered' };
    });

    // Only what the deployed functions get (serverless.yml), pointed at loopback; nothing inherited.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: aws.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      PIPEWATCH_TABLE: TABLE,
      PIPEWATCH_SLACK_BOT_TOKEN_PARAM: PARAMS.botToken,
      PIPEWATCH_SLACK_API_URL: slack.apiUrl,
    };
    const slackEnv: Record<string, string> = {
      ...env,
      PIPEWATCH_EVENT_BUS: BUS,
      PIPEWATCH_NOTIFY_FUNCTION_ARN: NOTIFY_ARN,
      PIPEWATCH_SLACK_SIGNING_SECRET_PARAM: PARAMS.signingSecret,
    };

    const teamsEnv: Record<string, string> = {
      ...env,
      PIPEWATCH_EVENT_BUS: BUS,
      PIPEWATCH_NOTIFY_FUNCTION_ARN: NOTIFY_ARN,
      ...teamsEnvironment(PARAMS, identity),
    };
    const redriveEnv: Record<string, string> = {
      PATH: env.PATH ?? '',
      AWS_REGION: aws.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      PIPEWATCH_DLQ_URL: dlq.url,
      PIPEWATCH_NOTIFY_FUNCTION_ARN: NOTIFY_ARN,
      // As deployed: a run of up to 240 s, of which replays may start in the first 205.
      BENCH_REMAINING_MS: '240000',
    };
    const envOf: Record<Kind, Record<string, string>> = {
      notify: env,
      slack: slackEnv,
      teams: teamsEnv,
      redrive: redriveEnv,
    };

    const childFile = path.join(work, 'child.cjs');
    writeFileSync(childFile, CHILD);
    for (const kind of KINDS) {
      const results: ChildResult[] = [];
      for (let i = 0; i < COLD_RUNS; i++) {
        if (kind === 'redrive') aws.sqs.sendInternal(dlq.arn, deadLetter(slack.teamId));
        const events =
          kind === 'notify'
            ? notifyEvents(slack.teamId)
            : kind === 'slack'
              ? slackEvents(slack)
              : kind === 'teams'
                ? teamsEvents(identity, connector)
                : Array.from({ length: WARM_EVENTS + 1 }, () => ({}));
        const eventsFile = path.join(work, `${kind}-${i}-events.json`);
        const resultFile = path.join(work, `${kind}-${i}-result.json`);
        writeFileSync(eventsFile, JSON.stringify(events.slice(1)));
        await runChild(childFile, {
          ...envOf[kind],
          BENCH_HANDLER: bundles[kind],
          BENCH_FIRST_EVENT: JSON.stringify(events[0]),
          BENCH_EVENTS_FILE: eventsFile,
          BENCH_RESULT_FILE: resultFile,
        });
        results.push(JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult);
      }
      report(kind, results);
    }
    const ephemerals = slack.workspace.ephemerals(CHANNEL, USER).length;
    console.log(
      `check: local Slack received ${ephemerals} ephemeral answers (expected ${COLD_RUNS * (WARM_EVENTS + 1)})`,
    );
    const teamsAnswers = connector.tenant.messages(PERSONAL_CHAT).length;
    console.log(
      `check: local Bot Connector received ${teamsAnswers} answers (expected ${COLD_RUNS * (WARM_EVENTS + 1)})`,
    );
    console.log(
      `check: the redrive replayed ${replayed} messages (expected ${COLD_RUNS}), ${aws.sqs.messages(DLQ).length} left`,
    );
  } finally {
    ssm.destroy();
    dynamo.destroy();
    eventBridge.destroy();
    await slack.stop();
    await connector.stop();
    await identity.stop();
    await aws.stop();
  }
}

function runChild(childFile: string, env: Record<string, string>): Promise<void> {
  // The handlers' JSON log lines go to stdout, as on Lambda; they are not read here.
  // PIPEWATCH_BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to look inside a run.
  const nodeArgs = (process.env.PIPEWATCH_BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  return runNode([...nodeArgs, childFile], env);
}

/** A fresh `node` process with these arguments and only this environment; rejects unless it exits 0 (within 2 minutes). */
export function runNode(args: readonly string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill(), 120_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`node ${args.join(' ')} exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

/** The child: plain CommonJS, so that nothing but node itself runs before the bundle is required. */
const CHILD = `'use strict';
const bootstrapMs = performance.now();
const first = JSON.parse(process.env.BENCH_FIRST_EVENT);
const remaining = Number(process.env.BENCH_REMAINING_MS ?? 30000);
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => remaining };
const outcome = (result) => String(result && (result.status ?? result.statusCode));
const requireStart = performance.now();
const { handler } = require(process.env.BENCH_HANDLER);
const requireEnd = performance.now();
(async () => {
  const outcomes = {};
  const count = (result) => { const key = outcome(result); outcomes[key] = (outcomes[key] ?? 0) + 1; };
  count(await handler(first, context));
  const firstEnd = performance.now();
  const events = JSON.parse(require('node:fs').readFileSync(process.env.BENCH_EVENTS_FILE, 'utf8'));
  const warmMs = [];
  for (const event of events) {
    const start = performance.now();
    const result = await handler(event, context);
    warmMs.push(performance.now() - start);
    count(result);
  }
  require('node:fs').writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify({
    bootstrapMs, requireMs: requireEnd - requireStart, firstInvocationMs: firstEnd - requireEnd, totalMs: firstEnd, warmMs, outcomes,
  }));
  // Keep-alive sockets would hold the process open, as they do in a frozen Lambda.
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;

/** A pipeline STARTED event, then WARM_EVENTS action events of the same execution, as the rule's InputTransformer delivers them. */
function notifyEvents(workspace: string): unknown[] {
  const executionId = randomUUID();
  const base = Date.parse('2026-01-01T10:00:00Z');
  const envelope = (i: number, detailType: string, detail: Record<string, unknown>) => ({
    rule: 'pipewatch-bench',
    channel: { platform: 'slack', workspace, channel: CHANNEL },
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source: 'aws.codepipeline',
      account: '000000000000',
      time: new Date(base + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: 'us-east-1',
      resources: ['arn:aws:codepipeline:us-east-1:000000000000:myPipeline'],
      detail: { pipeline: 'myPipeline', 'execution-id': executionId, version: 1, ...detail },
    },
  });
  return [
    envelope(0, 'CodePipeline Pipeline Execution State Change', { state: 'STARTED' }),
    ...Array.from({ length: WARM_EVENTS }, (_, i) =>
      envelope(i + 1, 'CodePipeline Action Execution State Change', {
        stage: `Stage${Math.floor(i / 20)}`,
        action: `Action${i}`,
        state: i % 2 === 0 ? 'STARTED' : 'SUCCEEDED',
        region: 'us-east-1',
        type: { owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: '1' },
      }),
    ),
  ];
}

/** Lambda's on-failure destination record of a notify invocation, its event a second old (within the redrive's budget). */
function deadLetter(workspace: string): string {
  const [input] = notifyEvents(workspace) as [{ event: { time: string } }];
  input.event.time = new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return JSON.stringify({ version: '1.0', timestamp: new Date().toISOString(), requestPayload: input });
}

/** `/pipewatch list`, then list and help alternately: signed API Gateway v2 events, each with its own response_url. */
function slackEvents(slack: LocalSlack): unknown[] {
  return Array.from({ length: WARM_EVENTS + 1 }, (_, i) => {
    const body = slashCommandBody({
      text: i % 2 === 0 ? 'list' : 'help',
      teamId: slack.teamId,
      channelId: CHANNEL,
      userId: USER,
      responseUrl: slack.workspace.createResponseUrl(CHANNEL, USER),
      triggerId: slack.workspace.createTriggerId(USER),
    });
    return signedSlackEvent(slack.signingSecret, body);
  });
}

/** `list`, then list and help alternately, in the personal chat: signed activities as HTTP API v2 events. */
function teamsEvents(identity: LocalIdentity, connector: LocalBotConnector): unknown[] {
  const parties = {
    serviceUrl: connector.serviceUrl,
    tenantId: identity.tenantId,
    conversationId: PERSONAL_CHAT,
    conversationType: 'personal' as const,
    bot: { id: `28:${identity.clientId}`, name: 'pipewatch' },
    user: { id: '29:alice', aadObjectId: 'aaaaaaaa-0000-4000-8000-00000000a11c', name: 'Alice' },
  };
  return Array.from({ length: WARM_EVENTS + 1 }, (_, i) => {
    const activity = messageActivity(parties, i % 2 === 0 ? 'list' : 'help');
    return teamsEvent(
      activity,
      identity.signActivityToken({ appId: identity.clientId, serviceUrl: connector.serviceUrl }),
    );
  });
}

function report(kind: Kind, results: ChildResult[]): void {
  const med = (pick: (r: ChildResult) => number) => median(results.map(pick)).toFixed(1);
  console.log(
    `${kind} cold start (median of ${results.length} processes): node bootstrap ${med((r) => r.bootstrapMs)} ms, ` +
      `require ${med((r) => r.requireMs)} ms, first invocation ${med((r) => r.firstInvocationMs)} ms, ` +
      `total ${med((r) => r.totalMs)} ms  [totals: ${results.map((r) => r.totalMs.toFixed(0)).join(', ')}]`,
  );
  const warm = results.flatMap((r) => r.warmMs).sort((a, b) => a - b);
  const mean = warm.reduce((sum, ms) => sum + ms, 0) / warm.length;
  const outcomes: Record<string, number> = {};
  for (const r of results) for (const [key, n] of Object.entries(r.outcomes)) outcomes[key] = (outcomes[key] ?? 0) + n;
  console.log(
    `${kind} warm (${warm.length} events): mean ${mean.toFixed(2)} ms, p50 ${quantile(warm, 0.5).toFixed(2)} ms, ` +
      `p99 ${quantile(warm, 0.99).toFixed(2)} ms; outcomes ${JSON.stringify(outcomes)}`,
  );
}

/** The nearest-rank median. */
export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** Decimal kilobytes, as the issue's budgets (notify ≤ 400 KB, slack ≤ 800 KB) are written, and the bytes. */
function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} KB (${bytes} B)`;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}
