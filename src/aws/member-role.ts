// (adapter) another account's member role (STS AssumeRole) --> temporary credentials for the SDK clients that read and act there, cached until near expiry
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { partitionOfRegion } from '../core/events';
import { PipelineApiError, UNREACHABLE_ACCOUNT } from '../core/port-errors';
import type { Log } from '../core/ports';
import { awsErrorName } from './aws-error-name';

/** What assuming the member roles needs (deploy/member-account.yml's role, the same name in every member account). */
export interface MemberRoleOptions {
  /** STS in the function's own region (createStsClient), asked for when the first role is assumed. */
  readonly sts: () => STSClient;
  /** The role's name in every member account: PIPEWATCH_MEMBER_ROLE_NAME (`--param memberRoleName`). */
  readonly roleName: string;
  /** Names the session in the member account's CloudTrail: which pipewatch function acted there. */
  readonly sessionName: string;
  /** The function's own region: the partition of the role's ARN (aws, aws-cn, aws-us-gov). */
  readonly region?: string;
  /** The sts:ExternalId the member roles require, if any: read when the first role is assumed. */
  readonly externalId?: () => Promise<string | undefined>;
  readonly log: Pick<Log, 'info' | 'warn'>;
  /** Epoch milliseconds (Date.now by default): how long a refusal is remembered. */
  readonly now?: () => number;
}

/** The credentials the SDK clients take: it caches them and asks again five minutes before they expire. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export type TemporaryCredentialsProvider = () => Promise<TemporaryCredentials>;

/** One hour: the member role's default maximum session (longer needs the role's MaxSessionDuration raised). */
const SESSION_SECONDS = 3600;
/**
 * A refused AssumeRole is answered from memory this long: an account that is not set up (no member
 * role, no grant) costs one STS call a minute per container, not one per event or click, and a
 * role deployed meanwhile is used within a minute.
 */
const REFUSAL_MEMORY_MS = 60_000;
/**
 * STS's answers that mean the role cannot be assumed from here until someone changes IAM or the
 * account's settings: told to the user as the reason. Throttling, 5xx and network failures are
 * not among them; they are thrown as they are, for the caller's retry.
 */
const REFUSALS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'RegionDisabledException',
  'ValidationError',
  'InvalidClientTokenId',
  'MalformedPolicyDocument',
]);
/** IAM's session name characters and length (AssumeRole's RoleSessionName). */
const SESSION_NAME_CHARACTERS = /[^\w+=,.@-]/g;

/**
 * The member role of each account, assumed on first use: one credentials provider per account,
 * shared by every region's clients there (the SDK caches the credentials until five minutes
 * before they expire, then the provider assumes the role again). A refusal becomes a
 * PipelineApiError whose message says which role, what STS answered, and how to set it up, so a
 * button answers with it and notify's enrichment logs it and shows what the events say.
 */
export class MemberRoles {
  readonly #options: MemberRoleOptions;
  readonly #providers = new Map<string, TemporaryCredentialsProvider>();
  readonly #now: () => number;
  #externalId: Promise<string | undefined> | undefined;
  #sts: STSClient | undefined;

  constructor(options: MemberRoleOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The role's ARN in `account`, in the function's own partition. */
  roleArn(account: string): string {
    return `arn:${partitionOfRegion(this.#options.region)}:iam::${account}:role/${this.#options.roleName}`;
  }

  /** Credentials for `account`'s member role, for an SDK client's `credentials`. */
  credentials(account: string): TemporaryCredentialsProvider {
    let provider = this.#providers.get(account);
    if (provider === undefined) {
      provider = this.#provider(account);
      this.#providers.set(account, provider);
    }
    return provider;
  }

  #provider(account: string): TemporaryCredentialsProvider {
    const roleArn = this.roleArn(account);
    let refused: { readonly until: number; readonly error: PipelineApiError } | undefined;
    return async () => {
      if (refused !== undefined && this.#now() < refused.until) throw refused.error;
      const externalId = await this.#readExternalId();
      try {
        this.#sts ??= this.#options.sts();
        const output = await this.#sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: this.#options.sessionName.replace(SESSION_NAME_CHARACTERS, '-').slice(0, 64),
            DurationSeconds: SESSION_SECONDS,
            ...(externalId === undefined ? {} : { ExternalId: externalId }),
          }),
        );
        const credentials = output.Credentials;
        if (
          credentials?.AccessKeyId === undefined ||
          credentials.SecretAccessKey === undefined ||
          credentials.SessionToken === undefined ||
          credentials.Expiration === undefined
        ) {
          throw new Error(`STS answered AssumeRole of ${roleArn} without credentials`);
        }
        refused = undefined;
        this.#options.log.info('member role assumed', { account, role: roleArn, expires: credentials.Expiration });
        return {
          accessKeyId: credentials.AccessKeyId,
          secretAccessKey: credentials.SecretAccessKey,
          sessionToken: credentials.SessionToken,
          expiration: credentials.Expiration,
        };
      } catch (error) {
        const code = awsErrorName(error);
        if (code === undefined || !REFUSALS.has(code)) throw error;
        const error_ = new PipelineApiError(
          UNREACHABLE_ACCOUNT,
          `pipewatch cannot act in account ${account}: STS refused to let it assume ${roleArn} (${code}). ` +
            'The account needs deploy/member-account.yml, and the pipewatch stack --param sourceAccounts naming it.',
        );
        refused = { until: this.#now() + REFUSAL_MEMORY_MS, error: error_ };
        this.#options.log.warn('member role refused', {
          account,
          role: roleArn,
          code,
          detail: error instanceof Error ? error.message.slice(0, 300) : undefined,
        });
        throw error_;
      }
    };
  }

  /** Read once (and again after a failed read). */
  #readExternalId(): Promise<string | undefined> {
    const read = this.#options.externalId;
    if (read === undefined) return Promise.resolve(undefined);
    this.#externalId ??= read().catch((error: unknown) => {
      this.#externalId = undefined;
      throw error;
    });
    return this.#externalId;
  }
}
