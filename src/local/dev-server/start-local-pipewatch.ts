// (local mode) `pipewatch local`: local AWS + the deployed setup + the real handlers + a local Slack and its channel page
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { type App, type Logger as BoltLogger, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { chatAppDepsFor } from '../../app/chat-app-deps';
import { notifyAppFromEnvironment } from '../../app/notify-app';
import { REDRIVE_INVOKE_SETTINGS, redriveAppFromEnvironment } from '../../app/redrive-app';
import { fullLog } from '../../app/run-announcer';
import { slackAppFromEnvironment } from '../../app/slack-app';
import { teamsAppFromEnvironment } from '../../app/teams-app';
import { awsErrorName } from '../../aws/aws-error-name';
import {
  awsClientConfig,
  createCodePipelineClient,
  createDynamoDbClient,
  createEventBridgeClient,
} from '../../aws/clients';
import { createTableInput } from '../../aws/dynamodb-conversation-store';
import { MemberRoles } from '../../aws/member-role';
import { FOLLOW_INPUT_TEMPLATE, FOLLOW_RULE_NAME, FOLLOW_RULE_PATTERN } from '../../aws/notify-input';
import { SecretParameters } from '../../aws/ssm-secrets';
import { ConfigurationError } from '../../config/environment';
import { type AuthorizationPolicy, parseAuthorizationPolicy } from '../../core/actions';
import type { ChatPlatform } from '../../core/channels';
import type { Logger } from '../../log/logger';
import { createSlackApp } from '../../slack/app/create-slack-app';
import type { SlackAppDeps } from '../../slack/app/deps';
import { SlackChatPoster } from '../../slack/slack-chat-poster';
import type { TeamsLambdaHandler } from '../../teams/app/create-teams-app';
import { type Clock, type LocalAws, startLocalAws } from '../aws';
import {
  CHANNEL_PAGE_PATH,
  type ChannelPageHandler,
  createChannelPage,
  lateFallback,
  placesPipelinePanel,
} from '../channel';
import type { TeamsPagePort, TeamsPageUser } from '../channel/teams-page-port';
import { type LocalSlack, SLACK_RATE_LIMITS, startLocalSlack } from '../slack';
import { DEFAULT_TEAM, type LocalBotConnector, startLocalBotConnector } from '../teams/bot-connector';
import { type LocalIdentity, startLocalIdentity } from '../teams/identity';
import { installationActivity, teamsEvent } from '../teams/signed-activity';
import {
  centralBusPolicy,
  forwardOtherPlaces,
  LOCAL_MEMBER_ACCOUNT,
  LOCAL_MEMBER_ROLE_NAME,
  localAccountsOptions,
} from './local-accounts';
import { type AwsTarget, chooseRunMode, type RunMode } from './run-mode';
import { type ScheduledRedrive, scheduleRedrive } from './scheduled-redrive';
import { serveTeamsMessages } from './teams-endpoint';

/** The repository's `local/` folder: editable pipeline definitions and authorization policy. */
export const LOCAL_DIR = path.resolve(__dirname, '../../../local');
export const LOCAL_PIPELINES_FILE = path.join(LOCAL_DIR, 'pipelines.json');
export const LOCAL_AUTHORIZATION_FILE = path.join(LOCAL_DIR, 'authorization.json');

/** `pipewatch-${stage}` as serverless.yml names things, with the stage `local`. */
export const LOCAL_STAGE = 'local';
export const BUS_NAME = `pipewatch-${LOCAL_STAGE}`;
/** The approval reminders' schedule group (serverless.yml: pipewatch-<stage>). */
const REMINDER_GROUP = `pipewatch-${LOCAL_STAGE}`;
export const FORWARD_RULE_NAME = `${BUS_NAME}-forward`;
export const TABLE_NAME = `${BUS_NAME}-state`;
export const SSM_PREFIX = `/pipewatch/${LOCAL_STAGE}`;
export const SIGNING_SECRET_PARAM = `${SSM_PREFIX}/slack/signing-secret`;
export const BOT_TOKEN_PARAM = `${SSM_PREFIX}/slack/bot-token`;

/** The local AWS's home account (startLocalAws's default): the central account pipewatch is deployed in. */
export const LOCAL_HOME_ACCOUNT = '000000000000';

export const TEAM_ID = 'T0000LOCAL';
/** The local people: their ids are what local/authorization.json lists. */
export const LOCAL_USERS = [
  { id: 'U00000ALICE', name: 'alice', realName: 'Alice', title: 'approver, can retry' },
  { id: 'U0000000BOB', name: 'bob', realName: 'Bob', title: 'developer: can retry, cannot approve' },
  { id: 'U00000CAROL', name: 'carol', realName: 'Carol', title: 'viewer: can neither retry nor approve' },
] as const;
/** The same people in Teams: Teams' ids and their Entra object ids, which local/authorization.json lists too. */
export const LOCAL_TEAMS_USERS = [
  {
    id: '29:local-alice',
    aadObjectId: 'aaaaaaaa-0000-4000-8000-00000000a11c',
    name: 'Alice',
    title: LOCAL_USERS[0].title,
  },
  { id: '29:local-bob', aadObjectId: 'bbbbbbbb-0000-4000-8000-000000000b0b', name: 'Bob', title: LOCAL_USERS[1].title },
  {
    id: '29:local-carol',
    aadObjectId: 'cccccccc-0000-4000-8000-0000000ca201',
    name: 'Carol',
    title: LOCAL_USERS[2].title,
  },
] as const;
export const TEAMS_APP_ID_PARAM = `${SSM_PREFIX}/teams/app-id`;
export const TEAMS_CLIENT_SECRET_PARAM = `${SSM_PREFIX}/teams/client-secret`;
export const TEAMS_TENANT_ID_PARAM = `${SSM_PREFIX}/teams/tenant-id`;
export const LOCAL_CHANNELS = [
  { id: 'C000DEPLOYS', name: 'deploys' },
  { id: 'C0000ALERTS', name: 'alerts' },
] as const;

export interface StartLocalPipewatchOptions {
  /** The channel page's port; 0 picks a free one. Default 3000. */
  port?: number;
  host?: string;
  /** Keeps buses, rules (subscriptions), pipelines, executions, the table, parameters and messages across restarts. */
  dataDir?: string;
  /** Pipelines to create (the simulator's definitions format). Default local/pipelines.json. */
  definitionsFile?: string;
  /** Who may retry and approve (the policy format of PIPEWATCH_AUTHORIZATION), read on every click. */
  authorizationFile?: string;
  /** Simulated pipelines run this many times faster than their nominal durations (ignored with `clock`). */
  speed?: number;
  /** The simulator's clock (a ManualClock in tests). */
  clock?: Clock;
  /** The local AWS endpoint's port; 0 (default) picks a free one. */
  awsPort?: number;
  log: Logger;
  /** Real Slack over Socket Mode instead of the local channel page. */
  slack?: { botToken: string; appToken: string } | undefined;
  /** `real`: the default credential chain's account and the deployed stack (needs `slack`); default `local`. */
  aws?: AwsTarget;
  /** For `aws: 'real'`: the deployed stack's bus, table and notify function; read from the environment otherwise. */
  env?: NodeJS.ProcessEnv;
}

export interface LocalPipewatch {
  /** The channel page (`http://127.0.0.1:3000/channel/`); undefined over Socket Mode. */
  url: string | undefined;
  /** The local AWS; undefined with `aws: 'real'`. */
  aws: LocalAws | undefined;
  /** The local Slack; undefined over Socket Mode. */
  slack: LocalSlack | undefined;
  mode: RunMode;
  /** The Web API base URL the handlers use: the local Slack's, or undefined for slack.com. */
  slackApiUrl: string | undefined;
  /** The local Teams (identity, Bot Connector, the Teams function); undefined over Socket Mode. */
  teams: LocalTeams | undefined;
  /** The redrive function, every five minutes of the local AWS's clock; undefined with `aws: 'real'`. */
  redrive: ScheduledRedrive | undefined;
  stop(): Promise<void>;
}

/** Teams on one machine: a local Microsoft identity, a local Bot Connector, the bot installed in a local team. */
export interface LocalTeams {
  readonly identity: LocalIdentity;
  readonly connector: LocalBotConnector;
  /** The Teams function, called with the event API Gateway would pass it. */
  readonly handler: TeamsLambdaHandler;
  /** What the channel page (and tests) use to act as a Teams person. */
  readonly port: TeamsPagePort;
}

/**
 * A notify function as the rules' target: a local Lambda ARN in the local account. As deployed, one per
 * platform (serverless.yml's `notify` and `notifyTeams`): Slack's subscriptions and the follow rule
 * target the first, Teams' the second.
 */
export function notifyFunctionArn(
  aws: Pick<LocalAws, 'region' | 'accountId'>,
  platform: ChatPlatform = 'slack',
): string {
  const name = platform === 'slack' ? 'notify' : 'notifyTeams';
  return `arn:aws:lambda:${aws.region}:${aws.accountId}:function:pipewatch-${LOCAL_STAGE}-${name}`;
}

/**
 * Starts pipewatch on one machine. Locally (the default): the local AWS with the resources
 * serverless.yml creates (the pipewatch bus, the forwarding rule on the default bus, the table, the
 * SSM parameters), the notify handler registered as the Lambda behind the subscription rules' target,
 * the Slack function (the same Lambda handler as deployed) behind a local Slack and its channel page.
 * With `slack` tokens the same Bolt app joins a real workspace over Socket Mode instead.
 */
export async function startLocalPipewatch(options: StartLocalPipewatchOptions): Promise<LocalPipewatch> {
  const log = options.log;
  const awsTarget = options.aws ?? 'local';
  const mode = chooseRunMode(
    {
      ...(options.env ?? {}),
      SLACK_BOT_TOKEN: options.slack?.botToken,
      SLACK_APP_TOKEN: options.slack?.appToken,
    },
    awsTarget,
  );
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log.warn('stopping: a part did not stop cleanly', { error });
      }
    }
    cleanups.length = 0;
  };

  try {
    const authorizationFile = options.authorizationFile ?? LOCAL_AUTHORIZATION_FILE;
    const policy = () => readPolicy(authorizationFile);
    const policyLocation = policyFileLocation(authorizationFile);
    // Fail at start, not at the first click, if the policy does not parse.
    await policy();

    if (mode.aws === 'real')
      return await startAgainstRealAws(mode, options, { policy, policyLocation }, cleanups, stop);

    // --- the local AWS and what serverless.yml creates in it -------------------------------------
    const aws = await startLocalAws({
      port: options.awsPort ?? 0,
      definitionsFile: options.definitionsFile ?? LOCAL_PIPELINES_FILE,
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.clock === undefined ? { speed: options.speed ?? 1 } : { clock: options.clock }),
      // An IAM user of her own (key `jane`, secret `jane`): an approval she answers with the AWS CLI
      // ("the console") is shown as hers, as AWS records its caller (README, Approvals nobody forgets).
      users: [LOCAL_CONSOLE_USER],
      // Two regions of the home account and a member account with its role (issue 16): buttons and
      // enrichment act in an event's own account and region.
      ...localAccountsOptions(LOCAL_HOME_ACCOUNT),
    });
    cleanups.push(() => aws.stop());
    const clients = localClients(aws);
    cleanups.push(() => clients.destroy());
    const notifyArn = notifyFunctionArn(aws);
    const notifyTeamsArn = notifyFunctionArn(aws, 'teams');
    const busArn = await createDeployedResources(clients, aws, notifyArn);
    await forwardOtherPlaces(aws, busArn);
    // Approval reminders' schedule group, as serverless.yml's ReminderScheduleGroup.
    await clients.scheduler.send(new CreateScheduleGroupCommand({ Name: REMINDER_GROUP }));
    log.info('local AWS ready', {
      endpoint: aws.endpoint,
      region: aws.region,
      bus: BUS_NAME,
      table: TABLE_NAME,
      places: aws.places.map((place) => `${place.accountId} ${place.region}`).join(', '),
      memberRole: `arn:aws:iam::${LOCAL_MEMBER_ACCOUNT}:role/${LOCAL_MEMBER_ROLE_NAME}`,
    });

    // --- Slack secrets: in the local SSM, as deployed (generated per run locally; never printed) ----
    const local = mode.slack.kind === 'local';
    const signingSecret = `local-${randomBytes(16).toString('hex')}`;
    const botToken =
      mode.slack.kind === 'socket' ? mode.slack.botToken : `xoxb-local-${randomBytes(12).toString('hex')}`;
    await putSecret(clients.ssm, SIGNING_SECRET_PARAM, signingSecret);
    await putSecret(clients.ssm, BOT_TOKEN_PARAM, botToken);
    const secrets = new SecretParameters({ client: clients.ssm });

    let slack: LocalSlack | undefined;
    let page: ChannelPageHandler | undefined;
    const slot = lateFallback();
    if (local) {
      slack = await startLocalSlack({
        port: options.port ?? 3000,
        host: options.host ?? '127.0.0.1',
        botToken: await secrets.get(BOT_TOKEN_PARAM),
        signingSecret: await secrets.get(SIGNING_SECRET_PARAM),
        teamId: TEAM_ID,
        teamDomain: 'pipewatch-local',
        channels: LOCAL_CHANNELS.map((c) => ({ ...c })),
        users: LOCAL_USERS.map((u) => ({ id: u.id, name: u.name, realName: u.realName })),
        fallback: slot.fallback,
        dataDir: options.dataDir,
        // Slack's documented limits, as a real workspace answers them (429 + Retry-After).
        rateLimits: SLACK_RATE_LIMITS,
      });
      const started = slack;
      cleanups.push(() => started.stop());
    }
    const slackApiUrl = slack?.apiUrl;

    // --- Teams: a local Microsoft identity and Bot Connector; the bot's identity in the local SSM ----
    const realTeams = mode.teams?.kind === 'real' ? mode.teams : undefined;
    const teams = local && realTeams === undefined ? await startLocalTeamsServices(clients.ssm, cleanups) : undefined;
    if (realTeams !== undefined) {
      // The bot's own registration, in the local SSM as deployed: tokens come from Microsoft.
      await putSecret(clients.ssm, TEAMS_APP_ID_PARAM, realTeams.appId);
      await putSecret(clients.ssm, TEAMS_CLIENT_SECRET_PARAM, realTeams.clientSecret);
      await putSecret(clients.ssm, TEAMS_TENANT_ID_PARAM, realTeams.tenantId);
    }

    // --- the notify function: the rules' target, composed as deployed (src/app/notify-app.ts) --------
    // The same environment serverless.yml gives the functions; the clients point at the local AWS.
    const environment: NodeJS.ProcessEnv = {
      AWS_REGION: aws.region,
      PIPEWATCH_TABLE: TABLE_NAME,
      PIPEWATCH_EVENT_BUS: BUS_NAME,
      PIPEWATCH_NOTIFY_FUNCTION_ARN: notifyArn,
      PIPEWATCH_REMINDER_SCHEDULE_GROUP: REMINDER_GROUP,
      PIPEWATCH_REMINDER_ROLE_ARN: `arn:aws:iam::${aws.accountId}:role/pipewatch-local-reminders`,
      PIPEWATCH_MEMBER_ROLE_NAME: LOCAL_MEMBER_ROLE_NAME,
      PIPEWATCH_SLACK_SIGNING_SECRET_PARAM: SIGNING_SECRET_PARAM,
      PIPEWATCH_SLACK_BOT_TOKEN_PARAM: BOT_TOKEN_PARAM,
      ...(slackApiUrl === undefined ? {} : { PIPEWATCH_SLACK_API_URL: slackApiUrl }),
      ...(slack === undefined
        ? {}
        : {
            PIPEWATCH_SLACK_BOT_ID: slack.workspace.botId,
            PIPEWATCH_SLACK_BOT_USER_ID: slack.workspace.botUserId,
            // The installation the Slack function answers (no auth.test at a cold start).
            PIPEWATCH_SLACK_TEAM_ID: TEAM_ID,
            PIPEWATCH_SLACK_APP_ID: slack.workspace.appId,
          }),
      ...(teams === undefined ? {} : teamsEnvironment(teams.identity)),
      ...(realTeams === undefined ? {} : teamsParameters()),
    };
    // As serverless.yml configures them: Lambda's two retries, six hours, then the DLQ (`pipewatch redrive`).
    const deadLetters = aws.sqs.createQueue(`${BUS_NAME}-dlq`);
    // The two notify functions, each its own container (caches, secrets) with its own ARN (its reminders).
    // notify reads the local AWS's time, as the redrive below does: the same as Date.now() under `npm start`,
    // and a test's manual clock, so that an approval's reminder and expiry follow the simulator's time.
    for (const [arn, name] of [
      [notifyArn, 'notify'],
      [notifyTeamsArn, 'notifyTeams'],
    ] as const) {
      const notify = notifyAppFromEnvironment(
        { ...environment, PIPEWATCH_NOTIFY_FUNCTION_ARN: arn },
        { clients, log: log.child({ function: name }), policy, now: () => aws.clock.now() },
      );
      aws.lambdas.register(
        arn,
        async (event) => {
          notify.prefetchSecrets();
          const outcome = await notify.handler(event);
          log.debug(name, { outcome });
          return outcome;
        },
        { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, onFailure: deadLetters.arn },
      );
      cleanups.push(() => aws.lambdas.unregister(arn));
    }
    // The Teams function's subscriptions (and snoozes) target Teams' notify, as deployed.
    const teamsEnvironmentOf = { ...environment, PIPEWATCH_NOTIFY_FUNCTION_ARN: notifyTeamsArn };
    // The redrive function (src/app/redrive-app.ts) on the local AWS's clock, as RedriveSchedule runs
    // it: the DLQ replayed through notify every five minutes, events aged by the simulator's time.
    const redrive = scheduleRedrive(
      redriveAppFromEnvironment(
        { ...environment, PIPEWATCH_DLQ_URL: deadLetters.url },
        { clients, log: log.child({ function: 'redrive' }), now: () => aws.clock.now() },
      ),
      aws.clock,
      log,
    );
    cleanups.push(async () => {
      redrive.stop();
      await redrive.settled();
    });

    // --- real Teams: the Teams function behind a loopback messaging endpoint, for a dev tunnel ------
    if (realTeams !== undefined) {
      const handler = teamsAppFromEnvironment(teamsEnvironmentOf, {
        clients,
        log: log.child({ function: 'teams' }),
        policy,
        policyLocation,
      });
      const endpoint = await serveTeamsMessages(handler, realTeams.port);
      cleanups.push(() => endpoint.stop());
      log.info(
        "Teams messaging endpoint ready: point a dev tunnel at it and set the tunnel URL as the bot's endpoint",
        {
          url: endpoint.url,
        },
      );
    }

    // --- the Slack function (src/app/slack-app.ts), policy from local/authorization.json ---------
    const slackLog = log.child({ function: 'slack' });
    if (slack !== undefined) {
      const handler = slackAppFromEnvironment(environment, { clients, log: slackLog, policy, policyLocation });
      const localTeams =
        teams === undefined
          ? undefined
          : await installLocalTeams(
              teams,
              teamsAppFromEnvironment(teamsEnvironmentOf, {
                clients,
                log: log.child({ function: 'teams' }),
                policy,
                policyLocation,
              }),
            );
      page = createChannelPage({
        slack,
        invokeSlack: handler,
        signingSecret: await secrets.get(SIGNING_SECRET_PARAM),
        users: LOCAL_USERS.map((u) => ({ id: u.id, name: u.name, title: u.title })),
        channels: LOCAL_CHANNELS.map((c) => ({ ...c })),
        // Every account and region: the home us-east-1 pipelines by name, the others as <account>/<region>/<name>.
        pipelines: placesPipelinePanel(aws.places),
        teamId: TEAM_ID,
        ...(localTeams === undefined ? {} : { teams: localTeams.port }),
      });
      slot.mount(page);
      const mounted = page;
      // Before the Slack server stops: the page's live streams would keep it open.
      cleanups.push(() => mounted.close());
      const url = `${slack.url}${CHANNEL_PAGE_PATH}`;
      log.info('local Slack ready', { url, channels: LOCAL_CHANNELS.map((c) => `#${c.name}`).join(' ') });
      if (localTeams !== undefined) {
        log.info('local Teams ready', {
          connector: localTeams.connector.url,
          channels: (DEFAULT_TEAM.channels ?? []).map((c) => c.name).join(' '),
        });
      }
      return { url, aws, slack, mode, slackApiUrl, teams: localTeams, redrive, stop };
    }

    const socket = mode.slack as Extract<RunMode['slack'], { kind: 'socket' }>;
    const deps = chatAppDepsFor({
      ...clients,
      region: aws.region,
      busName: BUS_NAME,
      notifyFunctionArn: notifyArn,
      tableName: TABLE_NAME,
      policy,
      policyLocation,
      log: slackLog,
      // `run` posts the execution's message at once and links to it, as the Slack function does.
      chat: new SlackChatPoster({ token: socket.botToken, log: fullLog(slackLog) }),
      // The member account's buttons act there, through the local STS, as with the local Slack.
      members: new MemberRoles({
        sts: () => clients.sts,
        roleName: LOCAL_MEMBER_ROLE_NAME,
        sessionName: 'pipewatch-slack',
        region: aws.region,
        log: slackLog,
      }),
    });
    await startSocketModeApp(socket, deps, log, cleanups);
    return { url: undefined, aws, slack: undefined, mode, slackApiUrl: undefined, teams: undefined, redrive, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The Bolt app over Socket Mode: the same listeners as the Lambda handler, with Bolt's
 * SocketModeReceiver (bundled with Bolt 5) holding a WebSocket opened with the app-level token.
 */
export function createSocketModeReceiver(appToken: string, logger?: BoltLogger): SocketModeReceiver {
  return new SocketModeReceiver({ appToken, ...(logger === undefined ? {} : { logger }), logLevel: LogLevel.INFO });
}

async function startSocketModeApp(
  socket: { botToken: string; appToken: string },
  deps: SlackAppDeps,
  log: Logger,
  cleanups: (() => Promise<void> | void)[],
): Promise<App> {
  const app = createSlackApp({
    receiver: createSocketModeReceiver(socket.appToken),
    bot: { botToken: socket.botToken },
    deps,
  });
  await app.start();
  cleanups.push(async () => {
    await app.stop();
  });
  log.info('connected to Slack over Socket Mode');
  return app;
}

/**
 * `--aws real` (with real Slack): nothing is created; subscriptions become rules on the deployed
 * bus targeting the deployed notify function, which posts to Slack itself. Only the Slack listeners
 * run here, with the default credential chain.
 */
async function startAgainstRealAws(
  mode: RunMode,
  options: StartLocalPipewatchOptions,
  { policy, policyLocation }: { policy: () => Promise<AuthorizationPolicy>; policyLocation: string },
  cleanups: (() => Promise<void> | void)[],
  stop: () => Promise<void>,
): Promise<LocalPipewatch> {
  const deployed = mode.deployed;
  if (deployed === undefined || mode.slack.kind !== 'socket')
    throw new ConfigurationError('--aws real needs real Slack');
  // The developer's own credentials and region, as the SDK's default chain finds them (profile, SSO, environment).
  const clients = {
    eventBridge: createEventBridgeClient(),
    codePipeline: createCodePipelineClient(),
    dynamo: createDynamoDbClient(),
  };
  cleanups.push(() => {
    for (const client of Object.values(clients)) client.destroy();
  });
  const deps = chatAppDepsFor({
    ...clients,
    busName: deployed.eventBus,
    notifyFunctionArn: deployed.notifyFunctionArn,
    tableName: deployed.table,
    policy,
    policyLocation,
    log: options.log.child({ function: 'slack' }),
  });
  options.log.info('using the deployed stack', { bus: deployed.eventBus, table: deployed.table });
  await startSocketModeApp(mode.slack, deps, options.log, cleanups);
  return {
    url: undefined,
    aws: undefined,
    slack: undefined,
    mode,
    slackApiUrl: undefined,
    teams: undefined,
    redrive: undefined,
    stop,
  };
}

interface LocalClients {
  /** The handlers' clients (the AWS SDK's), and what `serverless deploy` does here (CreateTable, PutParameter). */
  eventBridge: EventBridgeClient;
  codePipeline: CodePipelineClient;
  dynamo: DynamoDBClient;
  ssm: SSMClient;
  /** The redrive's: the DLQ, and notify invoked through the local AWS's Lambda Invoke. */
  sqs: SQSClient;
  lambda: LambdaClient;
  /** The notify function's triage reads (BatchGetBuilds, GetLogEvents) against the local CodeBuild and CloudWatch Logs. */
  codeBuild: CodeBuildClient;
  logs: CloudWatchLogsClient;
  scheduler: SchedulerClient;
  /** `status` and `subscribe`: the bus's rules quota from the local Service Quotas. */
  serviceQuotas: ServiceQuotasClient;
  /** Other accounts' member roles, assumed with the local STS (never the real one). */
  sts: STSClient;
  destroy(): void;
}

/** Who answers approvals "in the console" locally: `AWS_ACCESS_KEY_ID=jane AWS_SECRET_ACCESS_KEY=jane aws codepipeline …`. */
export const LOCAL_CONSOLE_USER = { userName: 'jane', accessKeyId: 'jane', secretAccessKey: 'jane' } as const;

/** Clients with an explicit endpoint and the local AWS's credentials: nothing reaches a real account. */
function localClients(aws: LocalAws): LocalClients {
  const config = {
    ...awsClientConfig({ region: aws.region }),
    endpoint: aws.endpoint,
    credentials: { ...aws.credentials },
  };
  const sdk = {
    eventBridge: new EventBridgeClient(config),
    codePipeline: new CodePipelineClient(config),
    dynamo: new DynamoDBClient(config),
    ssm: new SSMClient(config),
    sqs: new SQSClient(config),
    // As deployed: one attempt, waiting for notify (a replay that fails stays for the next run).
    lambda: new LambdaClient({
      ...awsClientConfig({ region: aws.region, ...REDRIVE_INVOKE_SETTINGS }),
      endpoint: aws.endpoint,
      credentials: { ...aws.credentials },
    }),
    codeBuild: new CodeBuildClient(config),
    logs: new CloudWatchLogsClient(config),
    scheduler: new SchedulerClient(config),
    serviceQuotas: new ServiceQuotasClient(config),
    sts: new STSClient(config),
  };
  return {
    ...sdk,
    destroy() {
      for (const client of Object.values(sdk)) client.destroy();
    },
  };
}

/**
 * The bus (with its policy for the other accounts), the forwarding rule on the default bus and the
 * table, as serverless.yml declares them; idempotent. Returns the bus's ARN.
 */
async function createDeployedResources(clients: LocalClients, aws: LocalAws, notifyArn: string): Promise<string> {
  let busArn = `arn:aws:events:${aws.region}:${aws.accountId}:event-bus/${BUS_NAME}`;
  try {
    const created = await clients.eventBridge.send(new CreateEventBusCommand({ Name: BUS_NAME }));
    busArn = created.EventBusArn ?? busArn;
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceAlreadyExistsException') throw error;
  }
  const policy = centralBusPolicy(aws, busArn);
  if (policy !== undefined) {
    await clients.eventBridge.send(new PutPermissionCommand({ EventBusName: BUS_NAME, Policy: policy }));
  }
  await clients.eventBridge.send(
    new PutRuleCommand({
      Name: FORWARD_RULE_NAME,
      Description: 'Forwards CodePipeline events to the pipewatch bus',
      EventBusName: 'default',
      EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }),
      State: 'ENABLED',
    }),
  );
  await clients.eventBridge.send(
    new PutTargetsCommand({
      Rule: FORWARD_RULE_NAME,
      EventBusName: 'default',
      Targets: [
        {
          Id: 'pipewatch-bus',
          Arn: busArn,
          RoleArn: `arn:aws:iam::${aws.accountId}:role/${BUS_NAME}-forward`,
        },
      ],
    }),
  );
  // The follow rule on the pipewatch bus (serverless.yml's FollowRule): later events of an execution
  // update the conversations it opened, whatever their subscriptions' filters say.
  await clients.eventBridge.send(
    new PutRuleCommand({
      Name: FOLLOW_RULE_NAME,
      Description: 'Updates the conversations that follow a CodePipeline execution',
      EventBusName: BUS_NAME,
      EventPattern: JSON.stringify(FOLLOW_RULE_PATTERN),
      State: 'ENABLED',
    }),
  );
  await clients.eventBridge.send(
    new PutTargetsCommand({
      Rule: FOLLOW_RULE_NAME,
      EventBusName: BUS_NAME,
      Targets: [{ Id: 'notify', Arn: notifyArn, InputTransformer: { InputTemplate: FOLLOW_INPUT_TEMPLATE } }],
    }),
  );
  try {
    await clients.dynamo.send(new CreateTableCommand(createTableInput(TABLE_NAME)));
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceInUseException') throw error;
  }
  // CreateTable answers while the table is CREATING, as DynamoDB does; use it once it is ACTIVE.
  await waitUntilTableExists(
    { client: clients.dynamo, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
    { TableName: TABLE_NAME },
  );
  return busArn;
}

async function putSecret(ssm: SSMClient, name: string, value: string): Promise<void> {
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));
}

/** The policy file as a refused button names it: relative to where pipewatch was started when inside it. */
export function policyFileLocation(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** Read on every click, so an edit of the file applies at once. */
async function readPolicy(file: string): Promise<AuthorizationPolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read the authorization policy ${file}: ${(error as Error).message}`);
  }
  const result = parseAuthorizationPolicy(text);
  if (!result.ok) throw new ConfigurationError(`${file}: ${result.message}`);
  return result.policy;
}

interface LocalTeamsServices {
  readonly identity: LocalIdentity;
  readonly connector: LocalBotConnector;
}

/** The identity and the Bot Connector on loopback; the bot's app id, secret and tenant in the local SSM, as deployed. */
async function startLocalTeamsServices(
  ssm: SSMClient,
  cleanups: (() => Promise<void> | void)[],
): Promise<LocalTeamsServices> {
  const identity = await startLocalIdentity({ port: 0, clientSecret: `local~${randomBytes(12).toString('hex')}` });
  cleanups.push(() => identity.stop());
  const connector = await startLocalBotConnector({ port: 0, identity });
  cleanups.push(() => connector.stop());
  await putSecret(ssm, TEAMS_APP_ID_PARAM, identity.clientId);
  await putSecret(ssm, TEAMS_CLIENT_SECRET_PARAM, identity.clientSecret);
  await putSecret(ssm, TEAMS_TENANT_ID_PARAM, identity.tenantId);
  return { identity, connector };
}

/** The Teams parameters' names, as serverless.yml gives them to the functions. */
function teamsParameters(): NodeJS.ProcessEnv {
  return {
    PIPEWATCH_TEAMS_APP_ID_PARAM: TEAMS_APP_ID_PARAM,
    PIPEWATCH_TEAMS_CLIENT_SECRET_PARAM: TEAMS_CLIENT_SECRET_PARAM,
    PIPEWATCH_TEAMS_TENANT_ID_PARAM: TEAMS_TENANT_ID_PARAM,
  };
}

/** The same, with Microsoft's endpoints on loopback (the local identity). */
function teamsEnvironment(identity: LocalIdentity): NodeJS.ProcessEnv {
  return {
    ...teamsParameters(),
    PIPEWATCH_TEAMS_LOGIN_ENDPOINT: identity.loginEndpoint,
    PIPEWATCH_TEAMS_OPENID_METADATA_URL: identity.openIdMetadataUrl,
    PIPEWATCH_TEAMS_TOKEN_ISSUER: identity.tokenIssuer,
    PIPEWATCH_TEAMS_GRAPH_URL: identity.graphUrl,
  };
}

/**
 * The bot installed in the local team, as a person would add the app: an installationUpdate for each
 * channel, so the conversation addresses exist as after a real install; and the port the channel
 * page acts through (activities signed by the local identity, sent to the Teams function).
 */
async function installLocalTeams(services: LocalTeamsServices, handler: TeamsLambdaHandler): Promise<LocalTeams> {
  const { identity, connector } = services;
  const users = LOCAL_TEAMS_USERS.map((user) => ({ ...user }));
  const installer = users[0] as TeamsPageUser;
  const teamPort: TeamsPagePort = {
    tenant: connector.tenant,
    users,
    team: {
      id: DEFAULT_TEAM.id,
      name: DEFAULT_TEAM.name,
      channels: (DEFAULT_TEAM.channels ?? []).map((channel) => ({ id: channel.id, name: channel.name })),
    },
    parties(conversationId, user) {
      const conversation = connector.tenant.conversation(conversationId);
      return {
        serviceUrl: connector.serviceUrl,
        tenantId: identity.tenantId,
        conversationId,
        conversationType: conversation?.type ?? 'channel',
        ...(conversation?.teamId === undefined ? {} : { teamId: conversation.teamId }),
        bot: { id: `28:${identity.clientId}`, name: 'pipewatch' },
        user: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
      };
    },
    async send(activity) {
      const token = identity.signActivityToken({ appId: identity.clientId, serviceUrl: connector.serviceUrl });
      const answer = await handler(teamsEvent(activity, token));
      return { statusCode: answer.statusCode ?? 200, body: typeof answer.body === 'string' ? answer.body : '' };
    },
  };
  for (const channel of teamPort.team.channels) {
    const answer = await teamPort.send(installationActivity(teamPort.parties(channel.id, installer), 'add'));
    if (answer.statusCode !== 200) throw new Error(`installing the local Teams bot answered ${answer.statusCode}`);
  }
  return { identity, connector, handler, port: teamPort };
}
