// (config) process.env of the deployed functions --> a checked Environment; a missing or bad variable throws at cold start
import * as z from '../core/zod';

/**
 * The environment of the deployed functions (serverless.yml sets these). It holds names and
 * identifiers only: secrets (Slack signing secret, bot token) live in SSM Parameter Store and
 * the environment names the parameters. A missing or malformed variable throws at cold start,
 * naming the variable, rather than failing on the first event.
 */
/** An optional variable that a deployment tool may set to the empty string when it has no value. */
function emptyAsUnset<T extends z.ZodMiniType>(schema: T) {
  return z.pipe(
    z.transform((value: unknown) => (value === '' ? undefined : value)),
    z.optional(schema),
  );
}

const environmentSchema = z.object({
  /** DynamoDB table for event claims, execution records and click claims. */
  PIPEWATCH_TABLE: z.string().check(z.minLength(3)),
  /** The pipewatch event bus, where subscription rules live. */
  PIPEWATCH_EVENT_BUS: z._default(z.string().check(z.minLength(1)), 'pipewatch'),
  /** The notify function's ARN: the single target of every subscription rule. */
  PIPEWATCH_NOTIFY_FUNCTION_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** SQS queue ARN for events EventBridge could not deliver to the notify function. */
  PIPEWATCH_DLQ_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** SSM parameter names (SecureString) of the Slack secrets. */
  PIPEWATCH_SLACK_SIGNING_SECRET_PARAM: z.optional(z.string().check(z.startsWith('/'))),
  PIPEWATCH_SLACK_BOT_TOKEN_PARAM: z.optional(z.string().check(z.startsWith('/'))),
  /** Who may retry and approve: JSON (not a secret), or the SSM parameter that holds it. */
  PIPEWATCH_AUTHORIZATION: z.optional(z.string()),
  PIPEWATCH_AUTHORIZATION_PARAM: z.optional(z.string().check(z.startsWith('/'))),
  /** The Slack Web API base URL; only the local mode and tests change it. */
  PIPEWATCH_SLACK_API_URL: z.optional(z.url()),
  /** Minutes before a waiting approval expires that its thread gets a reminder (0: none). */
  PIPEWATCH_APPROVAL_REMINDER_MINUTES: z._default(
    z.pipe(
      z.string().check(z.regex(/^\d{1,5}$/, 'a whole number of minutes, e.g. 60 (0: no reminders)')),
      z.transform(Number),
    ),
    60,
  ),
  /** The EventBridge Scheduler group of the reminders and the role Scheduler invokes notify with. */
  PIPEWATCH_REMINDER_SCHEDULE_GROUP: emptyAsUnset(z.string().check(z.regex(/^[0-9a-zA-Z\-_.]{1,64}$/))),
  PIPEWATCH_REMINDER_ROLE_ARN: emptyAsUnset(z.string().check(z.startsWith('arn:'))),
  /**
   * Other accounts' pipelines are read and acted on through this role of theirs
   * (deploy/member-account.yml, `--param memberRoleName`); unset: they are shown, not acted on.
   */
  PIPEWATCH_MEMBER_ROLE_NAME: emptyAsUnset(
    z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name such as pipewatch-member')),
  ),
  /** The SSM parameter (SecureString) of the sts:ExternalId the member roles require; absent parameter: none. */
  PIPEWATCH_MEMBER_EXTERNAL_ID_PARAM: emptyAsUnset(z.string().check(z.startsWith('/'))),
  /**
   * Slack bot user and bot ids, so Bolt makes no auth.test call at a cold start. serverless.yml
   * sets them from `--param` and leaves them empty when not given: empty means unset.
   */
  PIPEWATCH_SLACK_BOT_USER_ID: emptyAsUnset(
    z.string().check(z.regex(/^[UW][A-Z0-9]+$/, 'a Slack user id such as U0123ABCD')),
  ),
  PIPEWATCH_SLACK_BOT_ID: emptyAsUnset(z.string().check(z.regex(/^B[A-Z0-9]+$/, 'a Slack bot id such as B0123ABCD'))),
  /**
   * The Slack app (`api_app_id`) and workspace (`team_id`) the Slack function serves: requests from
   * any other are refused. Without the team, the bot token's auth.test names it once per cold start;
   * without the app id, only the workspace is bound. Not secrets; empty means unset.
   */
  PIPEWATCH_SLACK_APP_ID: emptyAsUnset(z.string().check(z.regex(/^A[A-Z0-9]+$/, 'a Slack app id such as A0123ABCD'))),
  PIPEWATCH_SLACK_TEAM_ID: emptyAsUnset(
    z.string().check(z.regex(/^T[A-Z0-9]+$/, 'a Slack workspace (team) id such as T0123ABCD')),
  ),
  /** SSM parameter names of the Teams bot's app id, client secret and tenant id (its Entra app registration). */
  PIPEWATCH_TEAMS_APP_ID_PARAM: emptyAsUnset(z.string().check(z.startsWith('/'))),
  PIPEWATCH_TEAMS_CLIENT_SECRET_PARAM: emptyAsUnset(z.string().check(z.startsWith('/'))),
  PIPEWATCH_TEAMS_TENANT_ID_PARAM: emptyAsUnset(z.string().check(z.startsWith('/'))),
  /** Tenants besides the bot's own whose Teams activities are served: comma-separated ids (not secret). */
  PIPEWATCH_TEAMS_ALLOWED_TENANTS: emptyAsUnset(z.string()),
  /**
   * Microsoft's endpoints, changed only by the local mode and tests (a local identity on loopback):
   * the login endpoint (`{endpoint}/{tenant}/oauth2/v2.0/token`), the Bot Framework's OpenID
   * metadata (inbound tokens' keys) and the inbound tokens' issuer.
   */
  /**
   * Whether the authorization policy may name Entra groups for Teams people: each click then asks
   * Microsoft Graph (checkMemberGroups; GroupMember.Read.All with admin consent). Off by default.
   */
  PIPEWATCH_TEAMS_GRAPH_GROUPS: z._default(z.enum(['true', 'false', '']), 'false'),
  /** Microsoft Graph's base URL; only the local mode and tests change it. */
  PIPEWATCH_TEAMS_GRAPH_URL: emptyAsUnset(z.url()),
  PIPEWATCH_TEAMS_LOGIN_ENDPOINT: emptyAsUnset(z.url()),
  PIPEWATCH_TEAMS_OPENID_METADATA_URL: emptyAsUnset(z.url()),
  PIPEWATCH_TEAMS_TOKEN_ISSUER: emptyAsUnset(z.string().check(z.minLength(1))),
  PIPEWATCH_LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
});

export type Environment = z.infer<typeof environmentSchema>;

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** Reads and checks the environment; throws ConfigurationError naming each bad variable. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return checked(environmentSchema, env);
}

/**
 * The scheduled redrive function's environment (serverless.yml's `redrive`): the DLQ to read, the
 * notify function to replay it through, and how old an event may be to be replayed unattended. It
 * has no table and no chat platform, so it is checked on its own.
 */
const redriveEnvironmentSchema = z.object({
  /** The notify function's dead-letter queue, by URL (CloudFormation's Ref of the queue). */
  PIPEWATCH_DLQ_URL: z.url(),
  PIPEWATCH_NOTIFY_FUNCTION_ARN: z.string().check(z.startsWith('arn:')),
  /** Seconds: an event older than this is left in the DLQ for a person. Empty means the default. */
  PIPEWATCH_REDRIVE_BUDGET_SECONDS: emptyAsUnset(
    z.pipe(
      z.string().check(z.regex(/^[1-9][0-9]{0,6}$/, 'a whole number of seconds')),
      z.transform((text: string) => Number(text)),
    ),
  ),
  PIPEWATCH_LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
});

export type RedriveEnvironment = z.infer<typeof redriveEnvironmentSchema>;

export function readRedriveEnvironment(env: NodeJS.ProcessEnv = process.env): RedriveEnvironment {
  return checked(redriveEnvironmentSchema, env);
}

function checked<T extends z.ZodMiniType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`pipewatch is not configured: ${problems.join('; ')}`);
  }
  return result.data as z.infer<T>;
}

/** The same, requiring variables one function cannot work without. */
export function requireEnvironment<K extends keyof Environment>(
  keys: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): Environment & { [P in K]-?: NonNullable<Environment[P]> } {
  const environment = readEnvironment(env);
  const missing = keys.filter((key) => environment[key] === undefined);
  if (missing.length > 0) {
    throw new ConfigurationError(`pipewatch is not configured: ${missing.join(', ')} must be set`);
  }
  return environment as Environment & { [P in K]-?: NonNullable<Environment[P]> };
}
