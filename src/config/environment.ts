import { z } from 'zod';

/**
 * The environment of the deployed functions (serverless.yml sets these). It holds names and
 * identifiers only: secrets (Slack signing secret, bot token) live in SSM Parameter Store and
 * the environment names the parameters. A missing or malformed variable throws at cold start,
 * naming the variable, rather than failing on the first event.
 */
/** An optional variable that a deployment tool may set to the empty string when it has no value. */
function emptyAsUnset<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

const environmentSchema = z.object({
  /** DynamoDB table for event claims, execution records and click claims. */
  PIPEWATCH_TABLE: z.string().min(3),
  /** The pipewatch event bus, where subscription rules live. */
  PIPEWATCH_EVENT_BUS: z.string().min(1).default('pipewatch'),
  /** The notify function's ARN: the single target of every subscription rule. */
  PIPEWATCH_NOTIFY_FUNCTION_ARN: z.string().startsWith('arn:').optional(),
  /** SQS queue ARN for events EventBridge could not deliver to the notify function. */
  PIPEWATCH_DLQ_ARN: z.string().startsWith('arn:').optional(),
  /** SSM parameter names (SecureString) of the Slack secrets. */
  PIPEWATCH_SLACK_SIGNING_SECRET_PARAM: z.string().startsWith('/').optional(),
  PIPEWATCH_SLACK_BOT_TOKEN_PARAM: z.string().startsWith('/').optional(),
  /** Who may retry and approve: JSON (not a secret), or the SSM parameter that holds it. */
  PIPEWATCH_AUTHORIZATION: z.string().optional(),
  PIPEWATCH_AUTHORIZATION_PARAM: z.string().startsWith('/').optional(),
  /** The Slack Web API base URL; only the local mode and tests change it. */
  PIPEWATCH_SLACK_API_URL: z.url().optional(),
  /**
   * Slack bot user and bot ids, so Bolt makes no auth.test call at a cold start. serverless.yml
   * sets them from `--param` and leaves them empty when not given: empty means unset.
   */
  PIPEWATCH_SLACK_BOT_USER_ID: emptyAsUnset(z.string().regex(/^[UW][A-Z0-9]+$/, 'a Slack user id such as U0123ABCD')),
  PIPEWATCH_SLACK_BOT_ID: emptyAsUnset(z.string().regex(/^B[A-Z0-9]+$/, 'a Slack bot id such as B0123ABCD')),
  PIPEWATCH_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
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
  const result = environmentSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`pipewatch is not configured: ${problems.join('; ')}`);
  }
  return result.data;
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
