// (local mode) the accounts and regions `pipewatch local` runs: home 000000000000 in us-east-1 and us-west-2, member 111111111111 in us-west-2 (role pipewatch-member) --> their pipelines, forwarding rules and the central bus's policy
import path from 'node:path';
import type { LocalAws, LocalAwsOptions } from '../aws';

/** The repository's `local/` folder (as start-local-pipewatch.ts's LOCAL_DIR). */
const LOCAL_DIR = path.resolve(__dirname, '../../../local');

/** The home account's second region: its own pipelines, forwarded to the central bus in the home region. */
export const LOCAL_SECOND_REGION = 'us-west-2';
/** Another account, as deploy/member-account.yml sets one up: it forwards its events and lets pipewatch act there. */
export const LOCAL_MEMBER_ACCOUNT = '111111111111';
export const LOCAL_MEMBER_REGION = 'us-west-2';
/** serverless.yml's default memberRoleName, the role deploy/member-account.yml creates. */
export const LOCAL_MEMBER_ROLE_NAME = 'pipewatch-member';
/** The member's pipelines: its own myPipeline (a namesake of the home one, never touched by it) and payments-api. */
export const LOCAL_MEMBER_PIPELINES_FILE = path.join(LOCAL_DIR, 'member-pipelines.json');
/** The home account's pipelines in us-west-2. */
export const LOCAL_SECOND_REGION_PIPELINES_FILE = path.join(LOCAL_DIR, 'west-pipelines.json');
/** What member-account.yml's ForwardRule is called here (a rule on each other place's default bus). */
export const LOCAL_MEMBER_FORWARD_RULE = 'pipewatch-member-forward';

/**
 * The places and the role of `pipewatch local`, for startLocalAws: the home account (whatever its
 * id, 000000000000 by default) in a second region, and the member account with its role trusting
 * the home account.
 */
export function localAccountsOptions(homeAccountId: string): Required<Pick<LocalAwsOptions, 'places' | 'roles'>> {
  return {
    places: [
      { accountId: homeAccountId, region: LOCAL_SECOND_REGION, definitionsFile: LOCAL_SECOND_REGION_PIPELINES_FILE },
      { accountId: LOCAL_MEMBER_ACCOUNT, region: LOCAL_MEMBER_REGION, definitionsFile: LOCAL_MEMBER_PIPELINES_FILE },
    ],
    roles: [{ accountId: LOCAL_MEMBER_ACCOUNT, name: LOCAL_MEMBER_ROLE_NAME, trustedAccounts: [homeAccountId] }],
  };
}

/**
 * What member-account.yml does in each other place, done in the local AWS in-process (the member
 * account's own keys are not the local AWS's; idempotent): its ForwardRule on the place's default
 * bus, CodePipeline events to the central bus.
 */
export async function forwardOtherPlaces(aws: LocalAws, centralBusArn: string): Promise<void> {
  for (const place of aws.places.slice(1)) {
    await place.eventBridge.handle('PutRule', {
      Name: LOCAL_MEMBER_FORWARD_RULE,
      Description: 'Forwards CodePipeline events to the central pipewatch bus',
      EventBusName: 'default',
      EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }),
      State: 'ENABLED',
    });
    await place.eventBridge.handle('PutTargets', {
      Rule: LOCAL_MEMBER_FORWARD_RULE,
      EventBusName: 'default',
      Targets: [
        {
          Id: 'pipewatch-central-bus',
          Arn: centralBusArn,
          RoleArn: `arn:aws:iam::${place.accountId}:role/${LOCAL_MEMBER_FORWARD_RULE}`,
        },
      ],
    });
  }
}

/**
 * serverless.yml's EventBusPolicy for the other accounts of the local AWS (build/source-accounts-param.cjs's
 * shape): events:PutEvents on the central bus from each of them; undefined when there are none.
 */
export function centralBusPolicy(
  aws: Pick<LocalAws, 'accountId' | 'places'>,
  centralBusArn: string,
): string | undefined {
  const others = [...new Set(aws.places.map((place) => place.accountId))].filter((id) => id !== aws.accountId);
  if (others.length === 0) return undefined;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'pipewatch-source-accounts',
        Effect: 'Allow',
        Principal: { AWS: others.map((account) => `arn:aws:iam::${account}:root`) },
        Action: 'events:PutEvents',
        Resource: centralBusArn,
      },
    ],
  });
}
