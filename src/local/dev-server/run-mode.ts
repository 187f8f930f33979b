// (local mode) environment + flags --> which Slack and which AWS `pipewatch local` talks to
import { ConfigurationError } from '../../config/environment';

/** Where AWS calls go: the local AWS on loopback (default), or the account of the default credential chain. */
export type AwsTarget = 'local' | 'real';

/**
 * The Slack side of a local run:
 * - `local`: the local Slack (Web API + channel page in the browser); the Slack function is invoked
 *   with signed HTTP requests, as API Gateway would invoke it, and the notify function posts to the
 *   local Web API.
 * - `socket`: a real workspace. The same Bolt app and listeners run behind Bolt's SocketModeReceiver
 *   (the app token opens the WebSocket), and the notify function posts to slack.com with the bot token.
 */
export type SlackTarget =
  | { readonly kind: 'local' }
  | { readonly kind: 'socket'; readonly botToken: string; readonly appToken: string };

/** With `--aws real`: the deployed stack's resources, which the local run uses instead of creating its own. */
export interface DeployedStack {
  readonly eventBus: string;
  readonly table: string;
  readonly notifyFunctionArn: string;
}

/**
 * The Teams side of a local run:
 * - `local`: a local Microsoft identity and Bot Connector, the bot installed in a local team shown on
 *   the channel page.
 * - `real`: a real tenant. The bot's app registration (TEAMS_APP_ID, TEAMS_CLIENT_SECRET,
 *   TEAMS_TENANT_ID) and the Teams function served on http://127.0.0.1:<port>/api/messages, which a
 *   dev tunnel makes the bot's messaging endpoint; notify posts to Teams with a real token.
 */
export type TeamsTarget =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'real';
      readonly appId: string;
      readonly clientSecret: string;
      readonly tenantId: string;
      /** Where the messaging endpoint listens (TEAMS_PORT, default 3978, the Bot Framework's usual port). */
      readonly port: number;
    };

export interface RunMode {
  readonly slack: SlackTarget;
  /** Teams beside Slack (`local` unless the bot's registration is in the environment). */
  readonly teams?: TeamsTarget;
  readonly aws: AwsTarget;
  /** Set when `aws` is `real`. */
  readonly deployed?: DeployedStack;
}

/**
 * Decides the run mode from the environment and `--aws`:
 * - SLACK_BOT_TOKEN and SLACK_APP_TOKEN both set → Socket Mode in a real workspace; one without the
 *   other is refused (a half-configured real Slack must not silently fall back to the local page).
 * - `--aws real` needs real Slack: subscriptions created there target the deployed notify function,
 *   which posts with the bot token from SSM, never to the local page. It also needs the deployed stack's
 *   names (PIPEWATCH_EVENT_BUS, PIPEWATCH_TABLE, PIPEWATCH_NOTIFY_FUNCTION_ARN: `npx serverless info`).
 * - Otherwise everything is local.
 */
export function chooseRunMode(env: NodeJS.ProcessEnv, aws: AwsTarget = 'local'): RunMode {
  const botToken = nonEmpty(env.SLACK_BOT_TOKEN);
  const appToken = nonEmpty(env.SLACK_APP_TOKEN);
  if ((botToken === undefined) !== (appToken === undefined)) {
    const missing = botToken === undefined ? 'SLACK_BOT_TOKEN' : 'SLACK_APP_TOKEN';
    throw new ConfigurationError(
      `real Slack needs both SLACK_BOT_TOKEN (xoxb-…) and SLACK_APP_TOKEN (xapp-…); ${missing} is not set`,
    );
  }
  if (botToken !== undefined && !botToken.startsWith('xoxb-')) {
    throw new ConfigurationError('SLACK_BOT_TOKEN must be a bot token (xoxb-…)');
  }
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    throw new ConfigurationError(
      'SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope',
    );
  }
  const slack: SlackTarget =
    botToken !== undefined && appToken !== undefined ? { kind: 'socket', botToken, appToken } : { kind: 'local' };
  const teams = chooseTeams(env);
  // Left out when local (the default), as `teams` is optional.
  const withTeams = teams.kind === 'real' ? { teams } : {};
  if (aws === 'local') return { slack, aws, ...withTeams };

  if (slack.kind === 'local') {
    throw new ConfigurationError(
      '--aws real needs real Slack (SLACK_BOT_TOKEN and SLACK_APP_TOKEN): the deployed notify function posts to Slack, not to the local channel page',
    );
  }
  const names = {
    PIPEWATCH_EVENT_BUS: nonEmpty(env.PIPEWATCH_EVENT_BUS),
    PIPEWATCH_TABLE: nonEmpty(env.PIPEWATCH_TABLE),
    PIPEWATCH_NOTIFY_FUNCTION_ARN: nonEmpty(env.PIPEWATCH_NOTIFY_FUNCTION_ARN),
  };
  const missing = Object.entries(names)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `--aws real uses the deployed stack: set ${missing.join(', ')} (see the outputs of \`npx serverless info --verbose\`)`,
    );
  }
  return {
    slack,
    aws,
    ...withTeams,
    deployed: {
      eventBus: names.PIPEWATCH_EVENT_BUS as string,
      table: names.PIPEWATCH_TABLE as string,
      notifyFunctionArn: names.PIPEWATCH_NOTIFY_FUNCTION_ARN as string,
    },
  };
}

/** Real Teams when the bot's registration is given: all three variables, or none (a half-set one is refused). */
function chooseTeams(env: NodeJS.ProcessEnv): TeamsTarget {
  const given = {
    TEAMS_APP_ID: nonEmpty(env.TEAMS_APP_ID),
    TEAMS_CLIENT_SECRET: nonEmpty(env.TEAMS_CLIENT_SECRET),
    TEAMS_TENANT_ID: nonEmpty(env.TEAMS_TENANT_ID),
  };
  const missing = Object.entries(given)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length === 3) return { kind: 'local' };
  if (missing.length > 0) {
    throw new ConfigurationError(
      `real Teams needs TEAMS_APP_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID (the bot's app registration); ${missing.join(', ')} not set`,
    );
  }
  const port = Number(nonEmpty(env.TEAMS_PORT) ?? 3978);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ConfigurationError(`TEAMS_PORT must be a port number, not ${env.TEAMS_PORT}`);
  }
  return {
    kind: 'real',
    appId: given.TEAMS_APP_ID as string,
    clientSecret: given.TEAMS_CLIENT_SECRET as string,
    tenantId: given.TEAMS_TENANT_ID as string,
    port,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
