// (composition root) the notify function from its environment: AWS clients, secrets, one chat poster per platform
import type { STSClient } from '@aws-sdk/client-sts';
import {
  createCloudWatchLogsClient,
  createCodeBuildClient,
  createCodePipelineClient,
  createDynamoDbClient,
  createSchedulerClient,
  createSsmClient,
} from '../aws/clients';
import { SchedulerReminderSchedules } from '../aws/scheduler-reminders';
import { loadAuthorizationPolicy, SecretParameters } from '../aws/ssm-secrets';
import { ConfigurationError, type Environment, readEnvironment } from '../config/environment';
import type { PolicySource } from '../core/actions';
import type { NotifyOptions } from '../core/notify';
import type { Log } from '../core/ports';
import { createLogger } from '../log/logger';
import { BotTokenProvider } from '../teams/bot-token';
import { memberRolesFor } from './member-roles';
import { createNotifyHandler, type NotifyHandler, notifyDepsFor } from './notify/notify-handler';
import { accountOfArn } from './run-announcer';
import { teamsCredentials } from './teams/teams-settings';

export interface NotifyApp {
  readonly handler: NotifyHandler;
  /**
   * Starts reading the chat secrets now, so that on a cold start the SSM read overlaps the
   * DynamoDB calls before the first chat call awaits it; a failure surfaces there (and is retried).
   */
  prefetchSecrets(): void;
}

export interface NotifyAppOverrides {
  /** The AWS clients (built from the environment by default: endpoints, region, credentials). */
  readonly clients?: {
    readonly dynamo: ReturnType<typeof createDynamoDbClient>;
    readonly codePipeline: ReturnType<typeof createCodePipelineClient>;
    readonly ssm: ReturnType<typeof createSsmClient>;
    /** With both, failure replies carry their triage pack (built from the environment when `clients` is not given). */
    readonly codeBuild?: ReturnType<typeof createCodeBuildClient>;
    readonly logs?: ReturnType<typeof createCloudWatchLogsClient>;
    readonly scheduler?: ReturnType<typeof createSchedulerClient>;
    /** Other accounts' member roles are assumed with it (by default a client from the environment). */
    readonly sts?: STSClient;
  };
  readonly log?: Log;
  readonly now?: () => number;
  readonly options?: Partial<NotifyOptions>;
  /** The authorization policy (the local mode reads local/authorization.json); by default from the environment and SSM. */
  readonly policy?: PolicySource;
}

/**
 * The notify function as deployed (handlers/notify.ts) and as the local mode runs it: the table
 * from PIPEWATCH_TABLE, and a chat poster for each platform whose credentials are configured
 * (PIPEWATCH_SLACK_BOT_TOKEN_PARAM names the Slack bot token's SSM parameter). An install with
 * no platform configured cannot post anything and refuses to start, naming the variables.
 */
export function notifyAppFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  overrides: NotifyAppOverrides = {},
): NotifyApp {
  const environment = readEnvironment(env);
  const tableName = environment.PIPEWATCH_TABLE;
  const slackTokenParam = environment.PIPEWATCH_SLACK_BOT_TOKEN_PARAM;
  const teamsConfigured =
    environment.PIPEWATCH_TEAMS_APP_ID_PARAM !== undefined &&
    environment.PIPEWATCH_TEAMS_CLIENT_SECRET_PARAM !== undefined &&
    environment.PIPEWATCH_TEAMS_TENANT_ID_PARAM !== undefined;
  if (slackTokenParam === undefined && !teamsConfigured) {
    throw new ConfigurationError(
      'pipewatch is not configured: no chat platform to post to (set PIPEWATCH_SLACK_BOT_TOKEN_PARAM for Slack, or PIPEWATCH_TEAMS_APP_ID_PARAM, PIPEWATCH_TEAMS_CLIENT_SECRET_PARAM and PIPEWATCH_TEAMS_TENANT_ID_PARAM for Teams)',
    );
  }
  const log = overrides.log ?? createLogger({ level: environment.PIPEWATCH_LOG_LEVEL, fields: { function: 'notify' } });
  const clients = overrides.clients ?? {
    dynamo: createDynamoDbClient(),
    codePipeline: createCodePipelineClient(),
    ssm: createSsmClient(),
    codeBuild: createCodeBuildClient(),
    logs: createCloudWatchLogsClient(),
  };
  const secrets = new SecretParameters({ client: clients.ssm });
  // Asked at each chat call through the secrets' cache; the Slack client is rebuilt when the token changes.
  const slackToken = slackTokenParam === undefined ? undefined : () => secrets.get(slackTokenParam);
  const teams = teamsConfigured ? teamsTokens(environment, secrets) : undefined;
  const region = env.AWS_REGION;
  // The approvers a waiting approval names, read through the secrets' cache like the chat functions'.
  const policy = overrides.policy ?? (() => loadAuthorizationPolicy(environment, secrets));
  const group = environment.PIPEWATCH_REMINDER_SCHEDULE_GROUP;
  const role = environment.PIPEWATCH_REMINDER_ROLE_ARN;
  const self = environment.PIPEWATCH_NOTIFY_FUNCTION_ARN;
  const account = self === undefined ? undefined : accountOfArn(self);
  const reminders =
    group === undefined || role === undefined || self === undefined
      ? undefined
      : new SchedulerReminderSchedules({
          client: clients.scheduler ?? createSchedulerClient(),
          groupName: group,
          targetArn: self,
          roleArn: role,
        });
  const handler = createNotifyHandler(
    notifyDepsFor({
      dynamo: clients.dynamo,
      tableName,
      codePipeline: clients.codePipeline,
      ...(clients.codeBuild === undefined ? {} : { codeBuild: clients.codeBuild }),
      ...(clients.logs === undefined ? {} : { logs: clients.logs }),
      ...(region === undefined || region === '' ? {} : { region }),
      // The function's own account (from its ARN): an execution of another account says where it runs.
      ...(account === undefined ? {} : { account }),
      // Another account's executions: read there through its member role (PIPEWATCH_MEMBER_ROLE_NAME).
      ...memberRolesFor(environment, { secrets, log, sessionName: 'pipewatch-notify', region, sts: clients.sts }),
      ...(slackToken === undefined
        ? {}
        : {
            slack: {
              token: slackToken,
              ...(environment.PIPEWATCH_SLACK_API_URL === undefined
                ? {}
                : { slackApiUrl: environment.PIPEWATCH_SLACK_API_URL }),
            },
          }),
      ...(teams === undefined ? {} : { teams: { token: teams.token } }),
      log,
      ...(overrides.now === undefined ? {} : { now: overrides.now }),
      ...(overrides.options === undefined ? {} : { options: overrides.options }),
      approvals: {
        policy,
        reminderLeadMinutes: environment.PIPEWATCH_APPROVAL_REMINDER_MINUTES,
        ...(reminders === undefined ? {} : { reminders }),
      },
    }),
  );
  return {
    handler,
    prefetchSecrets() {
      // Handled here so that an invocation that never chats (a duplicate) leaves no unhandled rejection.
      slackToken?.().catch(() => undefined);
    },
  };
}

/**
 * The bot's outbound token for the Teams poster: its tenant and credentials from SSM (read once the
 * first post needs them), then client credentials against its tenant, cached until near expiry.
 */
function teamsTokens(environment: Environment, secrets: SecretParameters) {
  const credentials = teamsCredentials(environment, secrets);
  let provider: Promise<BotTokenProvider> | undefined;
  const tokens = () => {
    provider ??= credentials.identity().then(
      ({ tenantId }) =>
        new BotTokenProvider({
          tenantId,
          credentials: credentials.client,
          ...(environment.PIPEWATCH_TEAMS_LOGIN_ENDPOINT === undefined
            ? {}
            : { loginEndpoint: environment.PIPEWATCH_TEAMS_LOGIN_ENDPOINT }),
        }),
      (error: unknown) => {
        provider = undefined;
        throw error;
      },
    );
    return provider;
  };
  return { token: async (options?: { readonly rejected?: string }) => (await tokens()).token(options) };
}
