// (local AWS) who signed a request --> its account, ARN and what it may do (`service:Operation` with IAM wildcards) --> AWS's AccessDenied wording
import { createHash } from 'node:crypto';
import { AwsServiceError } from './aws-error';

/**
 * A caller as IAM knows it: the account it acts in, its ARN and user id as GetCallerIdentity
 * answers them, and what it may do. The account's own keys (the default `test` key, the named
 * users) may do everything, as an administrator; an assumed role only what its policy allows.
 */
export interface Identity {
  readonly accountId: string;
  /** `arn:aws:iam::<account>:root`, `…:user/<name>` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  /** The account id for the root, `AIDA…` for a user, `AROA…:<session>` for an assumed role. */
  readonly userId: string;
  /** IAM actions (`codepipeline:GetPipeline`, `codepipeline:*`); undefined: every action. */
  readonly allow?: readonly string[];
  /** The ARN services record as the caller (approvals): named users and roles; undefined for the account's default key. */
  readonly callerArn?: string;
}

/**
 * What a member role may do by default: exactly the actions `deploy/member-account.yml`'s
 * MemberRole grants (test/unit/deploy/member-account.test.ts keeps the two in step), so a call the
 * template would refuse is refused here too. Resources are not checked.
 */
export const MEMBER_ROLE_ACTIONS: readonly string[] = [
  'codepipeline:GetPipeline',
  'codepipeline:GetPipelineExecution',
  'codepipeline:GetPipelineState',
  'codepipeline:ListActionExecutions',
  'codepipeline:ListPipelineExecutions',
  'codepipeline:ListPipelines',
  'codepipeline:PutApprovalResult',
  'codepipeline:RetryStageExecution',
  'codepipeline:StartPipelineExecution',
  'codepipeline:StopPipelineExecution',
  'codebuild:BatchGetBuilds',
  'logs:GetLogEvents',
];

/** Whether the identity's policy allows `action` (`service:Operation`); IAM matches actions case-insensitively. */
export function isAllowed(identity: Identity, action: string): boolean {
  if (identity.allow === undefined) return true;
  return identity.allow.some((pattern) => wildcard(pattern).test(action));
}

/**
 * Throws the service's AccessDenied unless the identity may do `action`, worded as IAM words a
 * refusal for want of an identity-based policy. `type` and `status` are the service's own
 * (AccessDeniedException 400 for most JSON services, 403 for Lambda and Scheduler).
 */
export function authorize(identity: Identity, action: string, type = 'AccessDeniedException', status = 400): void {
  if (isAllowed(identity, action)) return;
  throw new AwsServiceError(type, accessDeniedMessage(identity.arn, action), status);
}

export function accessDeniedMessage(arn: string, action: string, resource?: string): string {
  const on = resource === undefined ? '' : ` on resource: ${resource}`;
  return `User: ${arn} is not authorized to perform: ${action}${on} because no identity-based policy allows the ${action} action`;
}

/** An IAM pattern (`*` any run, `?` one character) as a RegExp: actions match case-insensitively (`i`), ARNs exactly (''). */
export function wildcard(pattern: string, flags = 'i'): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** An IAM unique id (`AIDA…` for a user, `AROA…` for a role): 17 characters derived from `seed`, the same across restarts. */
export function iamUniqueId(prefix: 'AIDA' | 'AROA', seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  return `${prefix}${[...digest.subarray(0, 17)].map((byte) => BASE32[byte % 32]).join('')}`;
}
