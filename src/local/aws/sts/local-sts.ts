// (local AWS) STS AssumeRole, GetCallerIdentity --> roles per account (trust, ExternalId, session length) --> temporary keys that act as the role in its account until they expire on the local clock
import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-error';
import type { Clock } from '../clock';
import { accessDeniedMessage, type Identity, iamUniqueId, isAllowed, MEMBER_ROLE_ACTIONS } from '../identity';
import type { AwsCredentials } from '../sigv4';

/** A role of a local account, as IAM and its trust policy define it. */
export interface LocalRoleOptions {
  /** The account the role belongs to (12 digits); its sessions act there. */
  accountId: string;
  /** The role's name (`pipewatch-member`). */
  name: string;
  /** The accounts whose callers may assume it (the trust policy's `arn:aws:iam::<id>:root` principals). */
  trustedAccounts: readonly string[];
  /** The `sts:ExternalId` the trust policy requires; none by default. */
  externalId?: string;
  /** The role's MaxSessionDuration (3600 to 43200 s); 3600 as IAM's default. */
  maxSessionDurationSeconds?: number;
  /** What its sessions may do (IAM actions with wildcards); default MEMBER_ROLE_ACTIONS (deploy/member-account.yml). */
  allow?: readonly string[];
}

/** Temporary credentials and who they are, valid until `expiresAt` on the local AWS's clock. */
export interface StsSession {
  readonly credentials: AwsCredentials & { readonly sessionToken: string };
  readonly identity: Identity;
  /** Epoch ms on the local AWS's clock. */
  readonly expiresAt: number;
}

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ACCOUNT = /^\d{12}$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\u0021-\u007e]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const MIN_DURATION_S = 900;
const MAX_DURATION_S = 43_200;
const DEFAULT_DURATION_S = 3600;
/** AWS caps a session assumed with another role's session (role chaining) at one hour. */
const CHAINED_MAX_DURATION_S = 3600;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The local STS: AssumeRole and GetCallerIdentity over AWS's query protocol, answered in AWS's XML.
 * As STS: an unknown role, an untrusted caller, a missing or wrong ExternalId are all the same
 * AccessDenied (it never says that a role does not exist); a malformed request is a ValidationError.
 * The keys it issues are known to the SigV4 check (`session`) and act as the role in the role's
 * account, with the role's permissions, until their Expiration on the local AWS's clock.
 */
export class LocalSts {
  private readonly roles = new Map<string, Required<Omit<LocalRoleOptions, 'externalId'>> & { externalId?: string }>();
  private readonly sessions = new Map<string, StsSession>();

  constructor(
    private readonly clock: Clock,
    roles: readonly LocalRoleOptions[] = [],
  ) {
    for (const role of roles) this.addRole(role);
  }

  /** Adds (or replaces) a role; throws on a malformed one (a configuration mistake, at start). */
  addRole(role: LocalRoleOptions): void {
    const maxSession = role.maxSessionDurationSeconds ?? DEFAULT_DURATION_S;
    if (!ACCOUNT.test(role.accountId))
      throw new Error(`role ${role.name}: account id must be 12 digits, not ${role.accountId}`);
    if (!/^[\w+=,.@-]{1,64}$/.test(role.name))
      throw new Error(`role name ${JSON.stringify(role.name)} is not an IAM role name`);
    if (!Number.isInteger(maxSession) || maxSession < DEFAULT_DURATION_S || maxSession > MAX_DURATION_S) {
      throw new Error(`role ${role.name}: maxSessionDurationSeconds must be 3600 to 43200, not ${maxSession}`);
    }
    const wrong = role.trustedAccounts.filter((account) => !ACCOUNT.test(account));
    if (wrong.length > 0)
      throw new Error(`role ${role.name}: trusted accounts must be 12 digits, not ${wrong.join(', ')}`);
    this.roles.set(roleKey(role.accountId, role.name), {
      accountId: role.accountId,
      name: role.name,
      trustedAccounts: [...role.trustedAccounts],
      maxSessionDurationSeconds: maxSession,
      allow: role.allow ?? MEMBER_ROLE_ACTIONS,
      ...(role.externalId === undefined ? {} : { externalId: role.externalId }),
    });
  }

  /** The accounts that have roles (each needs a place to act in). */
  roleAccounts(): string[] {
    return [...new Set([...this.roles.values()].map((role) => role.accountId))];
  }

  /** Who assumed what so far (the sessions not yet forgotten), oldest first: the assumed-role ARN and its Expiration. */
  issued(): { arn: string; expiresAt: number }[] {
    return [...this.sessions.values()].map((session) => ({ arn: session.identity.arn, expiresAt: session.expiresAt }));
  }

  /** The session a temporary access key belongs to, expired or not (the caller tells ExpiredToken apart). */
  session(accessKeyId: string): StsSession | undefined {
    return this.sessions.get(accessKeyId);
  }

  /** Answers one STS action (its query parameters) for `caller`, as AWS's XML; throws AwsServiceError with STS's codes. */
  handle(params: URLSearchParams, caller: Identity, requestId: string): string {
    const action = params.get('Action') ?? '';
    if (action === 'GetCallerIdentity') {
      return response(
        action,
        `<Arn>${xml(caller.arn)}</Arn><UserId>${xml(caller.userId)}</UserId><Account>${caller.accountId}</Account>`,
        requestId,
      );
    }
    if (action === 'AssumeRole') return response(action, this.assumeRole(params, caller), requestId);
    throw new AwsServiceError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
  }

  private assumeRole(params: URLSearchParams, caller: Identity): string {
    const roleArn = params.get('RoleArn');
    const sessionName = params.get('RoleSessionName');
    const externalId = params.get('ExternalId');
    const durationText = params.get('DurationSeconds');
    const duration = durationText === null ? DEFAULT_DURATION_S : Number(durationText);
    const problems = [
      lengthProblem(roleArn, 'roleArn', 20, 2048),
      lengthProblem(sessionName, 'roleSessionName', 2, 64) ??
        (SESSION_NAME.test(sessionName ?? '')
          ? undefined
          : patternProblem(sessionName, 'roleSessionName', '[\\w+=,.@-]*')),
      externalId === null
        ? undefined
        : (lengthProblem(externalId, 'externalId', 2, 1224) ??
          (EXTERNAL_ID.test(externalId) ? undefined : patternProblem(externalId, 'externalId', '[\\w+=,.@:\\/-]*'))),
      durationText === null
        ? undefined
        : !Number.isInteger(duration)
          ? `Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`
          : duration < MIN_DURATION_S
            ? `Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${MIN_DURATION_S}`
            : duration > MAX_DURATION_S
              ? `Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to ${MAX_DURATION_S}`
              : undefined,
    ].filter((problem): problem is string => problem !== undefined);
    if (problems.length > 0) {
      const count = problems.length === 1 ? '1 validation error' : `${problems.length} validation errors`;
      throw new AwsServiceError('ValidationError', `${count} detected: ${problems.join('; ')}`);
    }
    const arn = roleArn ?? '';
    const session = sessionName ?? '';
    const parsed = ROLE_ARN.exec(arn);
    if (parsed === null) throw new AwsServiceError('ValidationError', 'Request ARN is invalid');
    const [, accountId = '', name = ''] = parsed;
    const denied = new AwsServiceError(
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
      403,
    );
    if (!isAllowed(caller, 'sts:AssumeRole')) {
      throw new AwsServiceError('AccessDenied', accessDeniedMessage(caller.arn, 'sts:AssumeRole', arn), 403);
    }
    const role = this.roles.get(roleKey(accountId, name));
    if (role === undefined || !role.trustedAccounts.includes(caller.accountId)) throw denied;
    if (role.externalId !== undefined && externalId !== role.externalId) throw denied;
    const chained = caller.arn.startsWith('arn:aws:sts::');
    if (chained && duration > CHAINED_MAX_DURATION_S) {
      throw new AwsServiceError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    if (duration > role.maxSessionDurationSeconds) {
      throw new AwsServiceError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }

    const now = this.clock.now();
    this.forgetExpired(now);
    const roleId = iamUniqueId('AROA', `${role.accountId}/${role.name}`);
    const assumedArn = `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${session}`;
    const credentials = {
      accessKeyId: `ASIA${randomId(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(240).toString('base64')}`,
    };
    const expiresAt = now + duration * 1000;
    this.sessions.set(credentials.accessKeyId, {
      credentials,
      identity: {
        accountId: role.accountId,
        arn: assumedArn,
        userId: `${roleId}:${session}`,
        allow: role.allow,
        callerArn: assumedArn,
      },
      expiresAt,
    });
    return [
      '<Credentials>',
      `<AccessKeyId>${credentials.accessKeyId}</AccessKeyId>`,
      `<SecretAccessKey>${xml(credentials.secretAccessKey)}</SecretAccessKey>`,
      `<SessionToken>${xml(credentials.sessionToken)}</SessionToken>`,
      `<Expiration>${new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>`,
      '</Credentials>',
      `<AssumedRoleUser><AssumedRoleId>${xml(`${roleId}:${session}`)}</AssumedRoleId><Arn>${xml(assumedArn)}</Arn></AssumedRoleUser>`,
    ].join('');
  }

  /** Sessions expired for more than a day are forgotten (until then a request with them is ExpiredToken). */
  private forgetExpired(now: number): void {
    for (const [key, session] of this.sessions) {
      if (session.expiresAt + 86_400_000 < now) this.sessions.delete(key);
    }
  }
}

/** STS's error document (awsQuery): what the SDK reads the error code and message from. */
export function errorDocument(error: AwsServiceError, requestId: string): string {
  return [
    `<ErrorResponse xmlns="${STS_NAMESPACE}">`,
    `<Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${xml(error.type)}</Code><Message>${xml(error.message)}</Message></Error>`,
    `<RequestId>${requestId}</RequestId>`,
    '</ErrorResponse>',
  ].join('');
}

/** The signature refusals (named as the JSON services name them) under the codes STS answers them with. */
export function stsAuthError(error: AwsServiceError): AwsServiceError {
  const code: Record<string, string> = {
    UnrecognizedClientException: 'InvalidClientTokenId',
    InvalidSignatureException: 'SignatureDoesNotMatch',
    IncompleteSignatureException: 'IncompleteSignature',
    MissingAuthenticationTokenException: 'MissingAuthenticationToken',
    ExpiredTokenException: 'ExpiredToken',
  };
  const mapped = code[error.type];
  return mapped === undefined ? error : new AwsServiceError(mapped, error.message, error.status);
}

function response(action: string, result: string, requestId: string): string {
  return [
    `<${action}Response xmlns="${STS_NAMESPACE}">`,
    `<${action}Result>${result}</${action}Result>`,
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`,
    `</${action}Response>`,
  ].join('');
}

function lengthProblem(value: string | null, member: string, min: number, max: number): string | undefined {
  if (value === null) return `Value null at '${member}' failed to satisfy constraint: Member must not be null`;
  if (value.length < min) {
    return `Value '${value}' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`;
  }
  if (value.length > max) {
    return `Value '${value}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
  }
  return undefined;
}

function patternProblem(value: string | null, member: string, pattern: string): string {
  return `Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`;
}

function roleKey(accountId: string, name: string): string {
  return `${accountId}/${name}`;
}

function randomId(length: number): string {
  return [...randomBytes(length)].map((byte) => BASE32[byte % 32]).join('');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
