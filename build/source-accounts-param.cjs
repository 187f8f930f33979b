// serverless.yml's other accounts: whose default buses may forward CodePipeline events to the
// pipewatch bus (the bus's resource policy), and whose member role (deploy/member-account.yml) the
// functions may assume to act on their pipelines (sts:AssumeRole, that role only).
//   --param sourceAccounts=111111111111,222222222222   AWS account ids, comma-separated
//   --param sourceAccounts=o-a1b2c3d4e5                 an AWS Organizations id: every account of it
//   --param memberRoleName=pipewatch-member             the member role's name (the default)
// Absent or empty: no bus policy and no sts:AssumeRole, the single-account deployment.
// A malformed value stops `serverless package` and `serverless deploy` with a message saying so;
// test/integration/deploy/serverless-package.test.ts checks the policy, the grant and the refusals.
'use strict';

const ACCOUNT = /^\d{12}$/;
const ORGANIZATION = /^o-[a-z0-9]{10,32}$/;
/** IAM's role name characters and length. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const DEFAULT_MEMBER_ROLE = 'pipewatch-member';

const HOW =
  'Name the accounts whose CodePipeline events the pipewatch bus receives: ' +
  '--param sourceAccounts=111111111111,222222222222 (12-digit AWS account ids, comma-separated), ' +
  'or --param sourceAccounts=o-a1b2c3d4e5 (one AWS Organizations id), not both. See the README, Many accounts.';

/** An error osls prints as its message alone (it prints a JS resolver's error by its stack). */
const { refusal, param } = require('./pipelines-param.cjs');

/**
 * `--param sourceAccounts` parsed: `{ accounts: [...] }`, `{ organization: 'o-…' }` or `{}` (none).
 * Throws a refusal naming the value and what is expected.
 */
function parseSourceAccounts(value) {
  if (value === '' || value === undefined) return {};
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string') throw refusal(`--param sourceAccounts=${JSON.stringify(value)} is not a list. ${HOW}`);
  const items = value.split(',').map((item) => item.trim());
  const wrong = items.filter((item) => !ACCOUNT.test(item) && !ORGANIZATION.test(item));
  if (wrong.length > 0) {
    throw refusal(
      `--param sourceAccounts: ${wrong.map((item) => JSON.stringify(item)).join(', ')} ` +
        `${wrong.length === 1 ? 'is neither an account id nor an organization id' : 'are neither account ids nor organization ids'}. ${HOW}`,
    );
  }
  const organizations = items.filter((item) => ORGANIZATION.test(item));
  if (organizations.length > 0) {
    if (items.length > 1)
      throw refusal(`--param sourceAccounts=${value} mixes an organization with other values. ${HOW}`);
    return { organization: organizations[0] };
  }
  return { accounts: [...new Set(items)] };
}

async function sourceAccounts(resolveVariable) {
  return parseSourceAccounts(await param(resolveVariable, 'sourceAccounts', ''));
}

async function memberRoleName(resolveVariable) {
  const value = await param(resolveVariable, 'memberRoleName', DEFAULT_MEMBER_ROLE);
  if (typeof value !== 'string' || !ROLE_NAME.test(value)) {
    throw refusal(
      `--param memberRoleName=${JSON.stringify(value)} is not an IAM role name (1 to 64 of A-Z a-z 0-9 + = , . @ _ -). ` +
        `Default: ${DEFAULT_MEMBER_ROLE}, the role deploy/member-account.yml creates.`,
    );
  }
  return value;
}

/** Removes the property or list item it stands for (CloudFormation's AWS::NoValue, returned by Fn::If). */
const NONE = { 'Fn::If': ['HasSourceAccounts', 'none', { Ref: 'AWS::NoValue' }] };

/** `--param sourceAccounts` normalised ('' when none): the template's HasSourceAccounts condition reads it. */
async function list({ resolveVariable }) {
  const source = await sourceAccounts(resolveVariable);
  return source.organization ?? (source.accounts ?? []).join(',');
}

/**
 * The pipewatch bus's resource policy (AWS::Events::EventBus Policy): events:PutEvents on this bus
 * only, from the listed accounts, or from any principal of the organization (aws:PrincipalOrgID).
 */
async function busPolicy({ resolveVariable }) {
  const source = await sourceAccounts(resolveVariable);
  if (source.accounts === undefined && source.organization === undefined) return NONE;
  const busName = await resolveVariable('self:custom.busName');
  const bus = { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${busName}` };
  const statement =
    source.organization === undefined
      ? {
          Sid: 'pipewatch-source-accounts',
          Effect: 'Allow',
          Principal: {
            AWS: source.accounts.map((account) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:root` })),
          },
          Action: 'events:PutEvents',
          Resource: bus,
        }
      : {
          Sid: 'pipewatch-source-organization',
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: bus,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': source.organization } },
        };
  return { Version: '2012-10-17', Statement: [statement] };
}

/**
 * The chat and notify roles' one statement for other accounts: sts:AssumeRole on the member role
 * of each listed account (or of any account of the organization: aws:ResourceOrgID), nothing else.
 */
async function assumeMemberRole({ resolveVariable }) {
  const source = await sourceAccounts(resolveVariable);
  if (source.accounts === undefined && source.organization === undefined) return NONE;
  const role = await memberRoleName(resolveVariable);
  if (source.organization !== undefined) {
    return {
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${role}` },
      Condition: { StringEquals: { 'aws:ResourceOrgID': source.organization } },
    };
  }
  return {
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Resource: source.accounts.map((account) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:role/${role}` })),
  };
}

module.exports = {
  list,
  busPolicy,
  assumeMemberRole,
  memberRoleName: ({ resolveVariable }) => memberRoleName(resolveVariable),
  parseSourceAccounts,
};
