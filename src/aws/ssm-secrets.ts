// (adapter) SSM Parameter Store (SDK v3 SSMClient) --> secrets and settings of the handlers, cached per cold start
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigurationError, type Environment } from '../config/environment';
import { type AuthorizationPolicy, EMPTY_AUTHORIZATION_POLICY, parseAuthorizationPolicy } from '../core/actions';
import { awsErrorName } from './aws-error-name';
import { TtlCache } from './ttl-cache';

/** The named SSM parameter does not exist. */
export class MissingParameterError extends ConfigurationError {}

/** Reads a secret by its SSM parameter name. */
export interface SecretSource {
  get(name: string): Promise<string>;
}

export interface SecretParametersOptions {
  /** An SSM client (createSsmClient). */
  readonly client: SSMClient;
  /**
   * How long a value is reused. Five minutes: a warm Lambda makes no SSM call per event (SSM's
   * GetParameter default throughput is 40 TPS per account, shared by everything), yet a rotated
   * Slack token or an edited authorization policy reaches every instance within minutes.
   */
  readonly ttlMs?: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export const DEFAULT_SECRET_TTL_MS = 5 * 60_000;

/**
 * Secrets from SSM Parameter Store (SecureString, read WithDecryption), cached for the life of the
 * execution environment with a TTL. Concurrent first calls share one request. A failed read is not
 * cached, so the next call tries again. Values are never logged, and no error message contains one.
 */
export class SecretParameters implements SecretSource {
  private readonly client: SSMClient;
  private readonly cache: TtlCache<string, string>;

  constructor(options: SecretParametersOptions) {
    this.client = options.client;
    this.cache = new TtlCache(options.ttlMs ?? DEFAULT_SECRET_TTL_MS, options.now);
  }

  get(name: string): Promise<string> {
    return this.cache.get(name, (key) => this.fetch(key));
  }

  /** A setting that may be left out: undefined when its parameter does not exist (not cached: created later, it is read). */
  async getOptional(name: string): Promise<string | undefined> {
    try {
      return await this.get(name);
    } catch (error) {
      if (error instanceof MissingParameterError) return undefined;
      throw error;
    }
  }

  /** Drops every cached value (e.g. after a 401 from Slack suggests the token was rotated). */
  clear(): void {
    this.cache.clear();
  }

  private async fetch(name: string): Promise<string> {
    try {
      const output = await this.client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = output.Parameter?.Value;
      if (value === undefined) throw new ConfigurationError(`SSM parameter ${name} has no value`);
      return value;
    } catch (error) {
      if (error instanceof ConfigurationError) throw error;
      if (awsErrorName(error) === 'ParameterNotFound') {
        throw new MissingParameterError(
          `SSM parameter ${name} does not exist in this account and region — create it (SecureString) or fix the variable that names it`,
        );
      }
      // AccessDenied, throttling, KMS: the service's error, named, as the cause (it holds no value).
      const failure = new ConfigurationError(`cannot read SSM parameter ${name}: ${awsErrorName(error) ?? 'Error'}`);
      failure.cause = error;
      throw failure;
    }
  }
}

/**
 * Who may press which button: PIPEWATCH_AUTHORIZATION (inline JSON, it is not a secret) or the SSM
 * parameter named by PIPEWATCH_AUTHORIZATION_PARAM. Neither set means nobody may retry or approve
 * (EMPTY_AUTHORIZATION_POLICY); both set is refused rather than silently preferring one. A policy
 * that does not parse is a ConfigurationError naming the problem, so a typo fails loudly at the
 * first click instead of quietly denying everyone. Reading through `secrets` (cached with a TTL)
 * makes a policy edited in SSM take effect without a redeploy.
 */
export async function loadAuthorizationPolicy(
  env: Pick<Environment, 'PIPEWATCH_AUTHORIZATION' | 'PIPEWATCH_AUTHORIZATION_PARAM'>,
  secrets: SecretSource,
): Promise<AuthorizationPolicy> {
  const inline = env.PIPEWATCH_AUTHORIZATION;
  const parameter = env.PIPEWATCH_AUTHORIZATION_PARAM;
  if (inline !== undefined && parameter !== undefined) {
    throw new ConfigurationError(
      'pipewatch is not configured: set PIPEWATCH_AUTHORIZATION or PIPEWATCH_AUTHORIZATION_PARAM, not both',
    );
  }
  if (inline === undefined && parameter === undefined) return EMPTY_AUTHORIZATION_POLICY;
  const text = inline ?? (await secrets.get(parameter as string));
  const result = parseAuthorizationPolicy(text);
  if (!result.ok) {
    const source = inline === undefined ? ` (read from SSM parameter ${parameter})` : '';
    throw new ConfigurationError(`${result.message}${source}`);
  }
  return result.policy;
}

/**
 * Where loadAuthorizationPolicy reads the policy from, as a refused button names it: the SSM
 * parameter (how serverless.yml deploys it), the inline variable, or, with neither, where to put one.
 */
export function authorizationPolicyLocation(
  env: Pick<Environment, 'PIPEWATCH_AUTHORIZATION' | 'PIPEWATCH_AUTHORIZATION_PARAM'>,
): string {
  if (env.PIPEWATCH_AUTHORIZATION_PARAM !== undefined) return `the SSM parameter ${env.PIPEWATCH_AUTHORIZATION_PARAM}`;
  if (env.PIPEWATCH_AUTHORIZATION !== undefined) return 'the PIPEWATCH_AUTHORIZATION environment variable';
  return 'not configured: set PIPEWATCH_AUTHORIZATION_PARAM to the name of an SSM parameter';
}
