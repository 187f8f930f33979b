// (Slack adapter) the Bolt app: any receiver (Lambda now, Socket Mode / HTTP locally later), the same listeners
import { App, type Authorize, type Logger, LogLevel, type Receiver } from '@slack/bolt';
import type { SlackAppDeps, SlackAppLogger } from './deps';
import { InstallationResolver, installationMiddleware, type SlackInstallationConfig } from './installation';
import { registerListeners } from './listeners';
import { describeError } from './slack-errors';
import { UserGroupResolver } from './user-groups';

/**
 * One workspace's bot token with the bot's ids. With both ids Bolt makes no auth.test call;
 * without them it makes one per cold start (cached), never one per event.
 */
export interface SlackBotCredentials {
  readonly botToken: string;
  readonly botId?: string | undefined;
  readonly botUserId?: string | undefined;
}

export interface CreateSlackAppOptions {
  readonly receiver: Receiver;
  /** A single workspace's bot (the usual install), or Bolt's `authorize` for several. */
  readonly bot: SlackBotCredentials | { readonly authorize: Authorize<boolean> };
  readonly deps: SlackAppDeps;
  /** The Web API base URL (the local Slack's `apiUrl`); Slack's own by default. */
  readonly slackApiUrl?: string;
  /** Bolt's own log lines (receiver, listener errors); defaults to deps.log. */
  readonly boltLogger?: Logger;
  /**
   * The workspace and app a single workspace's bot serves (requests from any other are refused);
   * a team not given is learnt from auth.test once per cold start. With Bolt's `authorize` (several
   * workspaces), which installation may be served is that function's decision.
   */
  readonly installation?: SlackInstallationConfig;
}

const DEFAULT_GROUP_CACHE_TTL_MS = 60_000;

/**
 * Builds the Bolt App. `processBeforeResponse`: on Lambda the function may be frozen once it
 * has answered, so listeners finish before the HTTP response (they ack first and keep the
 * slow work short; answers go through response_url and the Web API).
 */
export function createSlackApp(options: CreateSlackAppOptions): App {
  const { deps } = options;
  const logger = options.boltLogger ?? boltLoggerOf(deps.log);
  const app = new App({
    receiver: options.receiver,
    ...('authorize' in options.bot
      ? { authorize: options.bot.authorize }
      : {
          token: options.bot.botToken,
          ...(options.bot.botId === undefined ? {} : { botId: options.bot.botId }),
          ...(options.bot.botUserId === undefined ? {} : { botUserId: options.bot.botUserId }),
        }),
    processBeforeResponse: true,
    logger,
    clientOptions: {
      ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
      // A listener has seconds, not minutes: one retry of a failed call at most.
      retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 500 },
      logger,
    },
  });
  const groups = new UserGroupResolver(deps.groupCacheTtlMs ?? DEFAULT_GROUP_CACHE_TTL_MS, deps.now ?? Date.now);
  const installation = options.installation ?? {};
  if (!('authorize' in options.bot)) {
    // Before every listener: a request from another workspace, org or app reaches none of them.
    app.use(installationMiddleware(new InstallationResolver(installation, deps.log), deps.log));
  }
  registerListeners(app, deps, groups, { appId: installation.appId });
  // After ack, a failure is logged and swallowed: Slack already has its 200, and an HTTP 500
  // now would only make it show a generic error on top of ours.
  app.error(async (error) => {
    deps.log.error('slack listener failed', { error: describeError(error.original ?? error) });
  });
  return app;
}

/** Bolt's Logger on top of pipewatch's: Bolt's debug chatter is dropped, the rest keeps its level. */
function boltLoggerOf(log: SlackAppLogger): Logger {
  let level = LogLevel.INFO;
  const text = (args: unknown[]) =>
    args.map((arg) => (typeof arg === 'string' ? arg : describeError(arg).message)).join(' ');
  return {
    debug: () => {},
    info: (...args: unknown[]) => log.info(text(args)),
    warn: (...args: unknown[]) => log.warn(text(args)),
    error: (...args: unknown[]) => log.error(text(args)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
