// (composition) the environment's member role settings --> MemberRoles (STS AssumeRole into other accounts), or none
import type { STSClient } from '@aws-sdk/client-sts';
import { createStsClient } from '../aws/clients';
import { MemberRoles } from '../aws/member-role';
import type { SecretParameters } from '../aws/ssm-secrets';
import type { Environment } from '../config/environment';
import type { Log } from '../core/ports';

export interface MemberRoleEnvironment {
  readonly PIPEWATCH_MEMBER_ROLE_NAME?: string | undefined;
  readonly PIPEWATCH_MEMBER_EXTERNAL_ID_PARAM?: string | undefined;
}

/**
 * Other accounts' member roles (ChatAdapters' and NotifyAdapters' `members`) when PIPEWATCH_MEMBER_ROLE_NAME names one (serverless.yml always
 * does; whether the function may assume it is IAM's answer, `--param sourceAccounts`), with the
 * ExternalId from its SSM parameter when that exists. The STS client is made when first needed:
 * a single-account install never builds it. `sessionName` is the function (CloudTrail's "who").
 */
export function memberRolesFor(
  environment: Pick<Environment, keyof MemberRoleEnvironment>,
  options: {
    readonly secrets: Pick<SecretParameters, 'getOptional'>;
    readonly log: Pick<Log, 'info' | 'warn'>;
    readonly sessionName: string;
    readonly region?: string | undefined;
    readonly now?: () => number;
    /** The STS client (the local mode's points at the local AWS); by default one from the environment. */
    readonly sts?: STSClient | undefined;
  },
): { readonly members?: MemberRoles } {
  const roleName = environment.PIPEWATCH_MEMBER_ROLE_NAME;
  if (roleName === undefined) return {};
  const externalIdParam = environment.PIPEWATCH_MEMBER_EXTERNAL_ID_PARAM;
  const members = new MemberRoles({
    sts: options.sts === undefined ? createStsClient : () => options.sts as STSClient,
    roleName,
    sessionName: options.sessionName,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(externalIdParam === undefined ? {} : { externalId: () => options.secrets.getOptional(externalIdParam) }),
    log: options.log,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return { members };
}
