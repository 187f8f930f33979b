import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_REDRIVE_BUDGET_SECONDS,
  NOTIFY_TIMEOUT_SECONDS,
  REDRIVE_INTERVAL_MS,
} from '../../../src/app/redrive-app';
import { DynamoDbChannelAddresses } from '../../../src/aws/dynamodb-channel-addresses';
import { DynamoDbClickClaims } from '../../../src/aws/dynamodb-click-claims';
import { DynamoDbConversationStore } from '../../../src/aws/dynamodb-conversation-store';
import { DynamoDbQuietStore } from '../../../src/aws/dynamodb-quiet-store';
import { DynamoDbRequestReplays } from '../../../src/aws/dynamodb-request-replays';
import { DynamoDbRunRequesters } from '../../../src/aws/dynamodb-run-requesters';
import { FOLLOW_INPUT_TEMPLATE } from '../../../src/aws/notify-input';
import type { ChannelRef } from '../../../src/core/channels';
import type { ExecutionState } from '../../../src/core/executions';
import { snoozeScheduleName } from '../../../src/core/notify';
import type { StoredOutcome } from '../../../src/core/notify/transitions';

/**
 * `serverless package` (osls + serverless-esbuild) runs offline with dummy credentials; this reads
 * the CloudFormation template it generates and checks the deployed shape: functions, bus,
 * forwarding rule, table, one Lambda permission, DLQ, secrets by name, least-privilege IAM.
 */

const root = path.join(__dirname, '../../..');
type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
type Environment = { Variables: Record<string, unknown> };

let outDir: string;
let template: {
  Resources: Record<string, Resource>;
  Outputs: Record<string, unknown>;
  Conditions: Record<string, unknown>;
};
/** `serverless print` of `custom.pipelines` without the parameter, and with `pipelines='*'` given explicitly. */
let withoutPipelines: Osls;
let everyPipeline: Osls;

interface Osls {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** The repository's osls, offline with dummy credentials, stage `test` in eu-west-1. */
async function osls(...args: string[]): Promise<Osls> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'node_modules/osls/bin/serverless.js'), ...args, '--stage', 'test', '--region', 'eu-west-1'],
      {
        cwd: root,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'dummy',
          AWS_SECRET_ACCESS_KEY: 'dummy',
          SLS_TELEMETRY_DISABLED: '1',
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return { ok: true, stdout, stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), 'pipewatch-package-'));
  const [packaged, without, every] = await Promise.all([
    osls('package', '--package', outDir, '--param', 'pipelines=team-a-*'),
    osls('print', '--path', 'custom.pipelines'),
    osls('print', '--path', 'custom.pipelines', '--param', 'pipelines=*'),
  ]);
  if (!packaged.ok) throw new Error(`serverless package failed: ${packaged.stderr}${packaged.stdout}`);
  withoutPipelines = without;
  everyPipeline = every;
  template = JSON.parse(readFileSync(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 180_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const resourcesOf = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const statementsOf = (role: string): Statement[] => statementsIn(template, role);
/** A role's statements in the given template (the packaged one, or one printed with other params). */
const statementsIn = (of: typeof template, role: string): Statement[] => {
  const policies = of.Resources[role]?.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => resolveIf(s, of)));
};
/**
 * A statement as CloudFormation makes it: `Fn::If` on a condition of the `!Not [!Equals [a, b]]`
 * form evaluated, `AWS::NoValue` dropped (the grant for other accounts' member roles, below).
 */
function resolveIf(statement: unknown, of: typeof template): Statement[] {
  const branches = (statement as { 'Fn::If'?: [string, unknown, unknown] })['Fn::If'];
  if (branches === undefined) return [statement as Statement];
  const condition = of.Conditions[branches[0]] as { 'Fn::Not': [{ 'Fn::Equals': [unknown, unknown] }] };
  const [left, right] = condition['Fn::Not'][0]['Fn::Equals'];
  const chosen = left !== right ? branches[1] : branches[2];
  return text(chosen) === text({ Ref: 'AWS::NoValue' }) ? [] : resolveIf(chosen, of);
}
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const text = (value: unknown) => JSON.stringify(value);
/** The SSM parameter names a role may read (`ssm:GetParameter` resources, after `parameter`), sorted. */
const ssmParametersOf = (role: string): string[] =>
  statementsOf(role)
    .filter((s) => actions(s).some((a) => a.startsWith('ssm:')))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
    .map((resource) => {
      const arn = text(resource);
      const name = /:parameter(\/[^"]*)"/.exec(arn)?.[1];
      if (name === undefined) throw new Error(`not an SSM parameter ARN: ${arn}`);
      return name;
    })
    .sort();
// CloudFormation's Fn::Sub placeholder for the bus name, as it stands in the template text.
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder, not a JS template.
const BUS_RULES = ':rule/${EventBus}/*';

test('five functions on nodejs22.x arm64; slack behind POST /slack/events, teams behind POST /api/messages', () => {
  const functions = resourcesOf('AWS::Lambda::Function');
  expect(functions.map(([name]) => name).sort()).toEqual([
    'NotifyLambdaFunction',
    'NotifyTeamsLambdaFunction',
    'RedriveLambdaFunction',
    'SlackLambdaFunction',
    'TeamsLambdaFunction',
  ]);
  for (const [, { Properties: fn }] of functions) {
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
  }
  const routes = resourcesOf('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
  expect(routes.map((route) => route.RouteKey).sort()).toEqual(['POST /api/messages', 'POST /slack/events']);
  // Each route to its own function (route → integration → function).
  const functionOf = (key: string) => {
    const integration = /"Ref":"(\w+)"/.exec(text(routes.find((route) => route.RouteKey === key)?.Target))?.[1];
    return integration === undefined ? undefined : template.Resources[integration]?.Properties.IntegrationUri;
  };
  expect(functionOf('POST /slack/events')).toEqual({ 'Fn::GetAtt': ['SlackLambdaFunction', 'Arn'] });
  expect(functionOf('POST /api/messages')).toEqual({ 'Fn::GetAtt': ['TeamsLambdaFunction', 'Arn'] });
  expect(text(template.Resources.TeamsLambdaFunction?.Properties.Role)).toContain('TeamsRole');
  expect(text(template.Outputs.TeamsMessagingEndpoint)).toMatch(
    /https:\/\/\$\{HttpApi\}\.execute-api\..*\/api\/messages"/,
  );
});

test('the pipewatch bus, one forwarding rule from the default bus, and one follow rule on the pipewatch bus', () => {
  const [[, bus]] = resourcesOf('AWS::Events::EventBus') as [[string, Resource]];
  expect(bus.Properties.Name).toBe('pipewatch-test');
  const rules = resourcesOf('AWS::Events::Rule').map(([, r]) => r.Properties);
  expect(rules).toHaveLength(2);
  const forward = rules.find((rule) => rule.EventBusName === 'default');
  expect(forward).toMatchObject({ EventPattern: { source: ['aws.codepipeline'] } });
  expect(text(forward?.Targets)).toContain('EventBus');
  // The follow rule: every CodePipeline event on the pipewatch bus to notify, with the follow input.
  const follow = rules.find((rule) => rule.Name === 'pipewatch-follow');
  expect(follow).toMatchObject({ EventBusName: { Ref: 'EventBus' }, EventPattern: { source: ['aws.codepipeline'] } });
  const [target] = (follow?.Targets ?? []) as Record<string, unknown>[];
  expect(text(target?.Arn)).toContain('NotifyLambdaFunction');
  expect(target?.InputTransformer).toEqual({ InputTemplate: FOLLOW_INPUT_TEMPLATE });
  expect(text(target?.DeadLetterConfig)).toContain('DeadLetterQueue');
});

test('one DynamoDB table, on demand, with TTL', () => {
  const tables = resourcesOf('AWS::DynamoDB::Table').map(([, r]) => r.Properties);
  expect(tables).toHaveLength(1);
  expect(tables[0]).toMatchObject({
    BillingMode: 'PAY_PER_REQUEST',
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
  });
});

test('one Lambda permission per notify function for all of the bus’s rules', () => {
  const permissions = resourcesOf('AWS::Lambda::Permission')
    .map(([, r]) => r.Properties)
    .filter((p) => p.Principal === 'events.amazonaws.com');
  expect(permissions.map((p) => text(p.FunctionName)).sort()).toEqual([
    text({ 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] }),
    text({ 'Fn::GetAtt': ['NotifyTeamsLambdaFunction', 'Arn'] }),
  ]);
  for (const permission of permissions) expect(text(permission.SourceArn)).toContain(BUS_RULES);
});

test('an SQS dead-letter queue that only the bus’s rules may write to', () => {
  expect(resourcesOf('AWS::SQS::Queue')).toHaveLength(1);
  const [[, policy]] = resourcesOf('AWS::SQS::QueuePolicy') as [[string, Resource]];
  expect(text(policy.Properties.PolicyDocument)).toContain(BUS_RULES);
});

test('secrets are read from SSM: the environment holds parameter names, never values', () => {
  const envs = resourcesOf('AWS::Lambda::Function').map(
    ([, r]) => (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
  );
  for (const variables of envs) {
    for (const [name, value] of Object.entries(variables)) {
      expect(name).not.toMatch(/TOKEN$|SECRET$/);
      if (name.endsWith('_PARAM')) expect(value).toMatch(/^\/pipewatch\/test\//);
      expect(text(value)).not.toMatch(/xox[bpa]-/);
    }
  }
  expect(envs.some((v) => 'PIPEWATCH_SLACK_SIGNING_SECRET_PARAM' in v)).toBe(true);
  // Teams: the function and notify (which posts to Teams too) get the three parameter names.
  const teamsParams = {
    PIPEWATCH_TEAMS_APP_ID_PARAM: '/pipewatch/test/teams/app-id',
    PIPEWATCH_TEAMS_CLIENT_SECRET_PARAM: '/pipewatch/test/teams/client-secret',
    PIPEWATCH_TEAMS_TENANT_ID_PARAM: '/pipewatch/test/teams/tenant-id',
  };
  const variablesOf = (fn: string): Record<string, unknown> => {
    const environment = template.Resources[fn]?.Properties.Environment as Environment | undefined;
    return environment?.Variables ?? {};
  };
  expect(variablesOf('TeamsLambdaFunction')).toMatchObject({
    ...teamsParams,
    PIPEWATCH_AUTHORIZATION_PARAM: '/pipewatch/test/authorization',
    PIPEWATCH_EVENT_BUS: 'pipewatch-test',
    // Not a secret; empty without --param teamsTenants.
    PIPEWATCH_TEAMS_ALLOWED_TENANTS: '',
  });
  expect(Object.keys(variablesOf('TeamsLambdaFunction'))).toEqual(
    expect.arrayContaining(['PIPEWATCH_TABLE', 'PIPEWATCH_NOTIFY_FUNCTION_ARN', 'PIPEWATCH_DLQ_ARN']),
  );
  expect(variablesOf('NotifyLambdaFunction')).toMatchObject(teamsParams);
  // notifyTeams is notify with another name: the same variables, but for its own ARN (its reminders).
  const { PIPEWATCH_NOTIFY_FUNCTION_ARN: notifyItself, ...notifyShared } = variablesOf('NotifyLambdaFunction');
  const { PIPEWATCH_NOTIFY_FUNCTION_ARN: notifyTeamsItself, ...notifyTeamsShared } =
    variablesOf('NotifyTeamsLambdaFunction');
  expect(notifyTeamsShared).toEqual(notifyShared);
  expect(text(notifyItself)).toMatch(/:function:pipewatch-test-notify"/);
  expect(text(notifyTeamsItself)).toMatch(/:function:pipewatch-test-notifyTeams"/);
  expect(Object.keys(variablesOf('SlackLambdaFunction')).filter((name) => name.includes('TEAMS'))).toEqual([]);
});

test('IAM: no wildcard action; rule management only on the pipewatch bus; CodePipeline only on the configured pipelines', () => {
  const roles = resourcesOf('AWS::IAM::Role').map(([name]) => name);
  const statements = roles.flatMap(statementsOf);
  expect(statements.length).toBeGreaterThan(0);
  for (const s of statements) {
    for (const action of actions(s)) expect(action).not.toMatch(/\*/);
  }
  const ruleManagement = [
    'events:PutRule',
    'events:DeleteRule',
    'events:PutTargets',
    'events:RemoveTargets',
    'events:TagResource',
  ];
  for (const s of statements.filter((st) => actions(st).some((a) => ruleManagement.includes(a)))) {
    expect(text(s.Resource)).toMatch(/:rule\/\$\{EventBus\}\/\*/);
  }
  for (const s of statements.filter((st) => actions(st).some((a) => a.startsWith('codepipeline:')))) {
    expect(text(s.Resource)).toMatch(/:codepipeline:\$\{AWS::Region\}:\$\{AWS::AccountId\}:/);
  }
  for (const s of statements.filter((st) => actions(st).some((a) => a.startsWith('ssm:')))) {
    expect(text(s.Resource)).toMatch(/parameter\/pipewatch\/test\//);
  }
  // Each function has its own role: notify cannot manage rules, slack cannot read executions it does not need.
  expect(
    statementsOf('NotifyRole')
      .flatMap(actions)
      .filter((a) => a.startsWith('events:')),
  ).toEqual([]);
  expect(statementsOf('NotifyRole').flatMap(actions)).not.toContain('codepipeline:PutApprovalResult');
  // DeleteItem alone, and only on snooze items (an ended snooze once its summary is posted).
  const notifyDeletes = statementsOf('NotifyRole').filter((s) => actions(s).includes('dynamodb:DeleteItem'));
  expect(notifyDeletes).toHaveLength(1);
  expect(actions(notifyDeletes[0] as Statement)).toEqual(['dynamodb:DeleteItem']);
  expect(notifyDeletes[0]?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['snooze#*'] } });
  // Notify posts to Slack and to Teams: it reads the bot token and the three Teams parameters,
  // and the policy (a waiting approval names who may approve).
  expect(ssmParametersOf('NotifyRole')).toEqual([
    '/pipewatch/test/authorization',
    '/pipewatch/test/member-external-id',
    '/pipewatch/test/slack/bot-token',
    '/pipewatch/test/teams/app-id',
    '/pipewatch/test/teams/client-secret',
    '/pipewatch/test/teams/tenant-id',
  ]);
  expect(ssmParametersOf('SlackRole')).toEqual([
    '/pipewatch/test/authorization',
    '/pipewatch/test/member-external-id',
    '/pipewatch/test/slack/bot-token',
    '/pipewatch/test/slack/signing-secret',
  ]);
});

test('IAM, the notify role’s triage reads: executions of the pipelines, builds of the projects, their /aws/codebuild logs; no "*"', () => {
  const statements = statementsOf('NotifyRole');
  const grantOf = (action: string) => {
    const found = statements.filter((s) => actions(s).includes(action));
    expect(found).toHaveLength(1);
    return found[0] as Statement;
  };
  const history = grantOf('codepipeline:ListPipelineExecutions');
  // Scoped like notify's other CodePipeline reads: the same statement, on the configured pipelines.
  expect(actions(history)).toEqual(expect.arrayContaining(['codepipeline:GetPipelineExecution']));
  expect(text(history.Resource)).toBe(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal.
    text({ 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:team-a-*' }),
  );
  const builds = grantOf('codebuild:BatchGetBuilds');
  expect(actions(builds)).toEqual(['codebuild:BatchGetBuilds']);
  // `codebuildProjects` defaults to the `pipelines` pattern (`team-a-*` in this package).
  expect(text(builds.Resource)).toBe(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal.
    text({ 'Fn::Sub': 'arn:${AWS::Partition}:codebuild:${AWS::Region}:${AWS::AccountId}:project/team-a-*' }),
  );
  const logs = grantOf('logs:GetLogEvents');
  expect(actions(logs)).toEqual(['logs:GetLogEvents']);
  expect(text(logs.Resource)).toBe(
    text({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal.
      'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/codebuild/team-a-*:*',
    }),
  );
  for (const s of statements) expect(text(s.Resource)).not.toContain('"*"');
  // Reads only: notify starts, stops and retries nothing, in CodeBuild or in CodePipeline.
  expect(statements.flatMap(actions).filter((a) => a.startsWith('codebuild:'))).toEqual(['codebuild:BatchGetBuilds']);
  expect(statements.flatMap(actions).filter((a) => /^codepipeline:(Start|Stop|Retry|Put)/.test(a))).toEqual([]);
});

test('IAM, the teams role: its own log group, rules on the bus only, the Teams parameters only, no "*" but ListRules', () => {
  const statements = statementsOf('TeamsRole');
  expect(statements.length).toBeGreaterThan(0);
  for (const s of statements) {
    expect(s.Effect).toBe('Allow');
    for (const action of actions(s)) expect(action).not.toMatch(/\*/);
  }
  const granted = [...new Set(statements.flatMap(actions))].sort();
  expect(granted).toEqual(
    [
      'codepipeline:GetPipeline',
      'codepipeline:GetPipelineExecution',
      'codepipeline:GetPipelineState',
      'codepipeline:ListActionExecutions',
      'codepipeline:ListPipelines',
      'codepipeline:PutApprovalResult',
      'codepipeline:RetryStageExecution',
      'codepipeline:StartPipelineExecution',
      'codepipeline:StopPipelineExecution',
      'dynamodb:DeleteItem',
      // `runby#` (who typed `run`, for "selfApproval": false) has a statement of its own, without UpdateItem.
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'events:DeleteRule',
      'events:DescribeRule',
      'events:ListRules',
      'events:ListTagsForResource',
      'events:ListTargetsByRule',
      'events:PutRule',
      'events:PutTargets',
      'events:RemoveTargets',
      'events:TagResource',
      'iam:PassRole',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'servicequotas:GetServiceQuota',
      'ssm:GetParameter',
    ].sort(),
  );
  // The codepipeline and events grants are the Slack function's, statement for statement.
  const slackLike = (role: string) =>
    statementsOf(role)
      .filter((s) => actions(s).some((a) => a.startsWith('events:') || a.startsWith('codepipeline:')))
      .map((s) => text(s));
  // But for the rules' target: each platform's own notify function.
  expect(slackLike('TeamsRole')).toEqual(
    slackLike('SlackRole').map((statement) =>
      statement.replace('"NotifyLambdaFunction"', '"NotifyTeamsLambdaFunction"'),
    ),
  );
  // Stop and run act on the pipelines the stack is scoped to, as retry and approve do; notify never acts.
  for (const role of ['SlackRole', 'TeamsRole']) {
    const acting = statementsOf(role).filter((s) => actions(s).includes('codepipeline:StopPipelineExecution'));
    expect(acting).toHaveLength(1);
    const [statement] = acting;
    if (statement === undefined) throw new Error(`${role}: no statement grants StopPipelineExecution`);
    expect(actions(statement)).toEqual(
      expect.arrayContaining(['codepipeline:StartPipelineExecution', 'codepipeline:RetryStageExecution']),
    );
    // The packaged stack's `pipelines` parameter (here `team-a-*`), in this region and account.
    expect(text(statement.Resource)).toMatch(/:codepipeline:\$\{AWS::Region\}:\$\{AWS::AccountId\}:team-a-\*/);
    expect(text(statement.Resource)).not.toContain('"*"');
  }
  for (const action of ['codepipeline:StopPipelineExecution', 'codepipeline:StartPipelineExecution']) {
    expect(statementsOf('NotifyRole').flatMap(actions)).not.toContain(action);
  }
  // "*" only where AWS offers no resource to name: ListRules (filtered by the bus in the request).
  for (const s of statements.filter((st) => text(st.Resource).includes('"*"'))) {
    expect(actions(s)).toEqual(['events:ListRules']);
  }
  for (const s of statements.filter((st) =>
    actions(st).some((a) => a.startsWith('events:') && a !== 'events:ListRules'),
  )) {
    expect(text(s.Resource)).toContain(BUS_RULES);
  }
  for (const s of statements.filter((st) => actions(st).some((a) => a.startsWith('dynamodb:')))) {
    expect(s.Resource).toEqual({ 'Fn::GetAtt': ['StateTable', 'Arn'] });
  }
  // DeleteItem alone, and only on channel address items (uninstall).
  const deletes = statements.filter((s) => actions(s).includes('dynamodb:DeleteItem'));
  expect(deletes).toHaveLength(1);
  expect(actions(deletes[0] as Statement)).toEqual(['dynamodb:DeleteItem']);
  expect(deletes[0]?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['address#*'] } });
  for (const s of statements.filter((st) => actions(st).some((a) => a.startsWith('logs:')))) {
    expect(text(s.Resource)).toMatch(/log-group:\/aws\/lambda\/pipewatch-test-teams:\*"/);
  }
  expect(ssmParametersOf('TeamsRole')).toEqual([
    '/pipewatch/test/authorization',
    '/pipewatch/test/member-external-id',
    '/pipewatch/test/teams/app-id',
    '/pipewatch/test/teams/client-secret',
    '/pipewatch/test/teams/tenant-id',
  ]);
});

test('IAM, the chat roles: GetServiceQuota on the bus\'s "Number of rules" quota only (events/L-244521F2); notify none', () => {
  for (const role of ['SlackRole', 'TeamsRole']) {
    const grants = statementsOf(role).filter((s) => actions(s).some((a) => a.startsWith('servicequotas:')));
    expect([role, grants.length]).toEqual([role, 1]);
    const [grant] = grants;
    if (grant === undefined) throw new Error(`${role}: no servicequotas grant`);
    expect(actions(grant)).toEqual(['servicequotas:GetServiceQuota']);
    expect(grant.Effect).toBe('Allow');
    expect(grant.Condition).toBeUndefined();
    expect(text(grant.Resource)).toBe(
      text({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal.
        'Fn::Sub': 'arn:${AWS::Partition}:servicequotas:${AWS::Region}:${AWS::AccountId}:events/L-244521F2',
      }),
    );
  }
  expect(
    statementsOf('NotifyRole')
      .flatMap(actions)
      .filter((a) => a.startsWith('servicequotas:')),
  ).toEqual([]);
});

/** The pipeline part of a CodePipeline ARN in the template: what follows the account (a name pattern). */
const pipelineOf = (resource: unknown): string => {
  const arn = text(resource);
  const pipeline = /:codepipeline:\$\{AWS::Region\}:\$\{AWS::AccountId\}:([^"]*)"/.exec(arn)?.[1];
  if (pipeline === undefined) throw new Error(`not a CodePipeline ARN: ${arn}`);
  return pipeline;
};
const resourcesOfStatement = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const ROLES = ['NotifyRole', 'SlackRole', 'TeamsRole'] as const;

test('pipelines: required at deploy, with a clear message; "*" only when given explicitly', () => {
  expect(withoutPipelines.ok).toBe(false);
  const refusal = `${withoutPipelines.stderr}${withoutPipelines.stdout}`;
  expect(refusal).toContain('--param pipelines is required');
  expect(refusal).toContain("--param pipelines='team-a-*'");
  expect(refusal).toContain("--param pipelines='*' for every pipeline of the account");
  // Explicitly every pipeline: allowed, and what the template then names.
  expect(everyPipeline.ok).toBe(true);
  expect(everyPipeline.stdout.trim()).toBe("'*'");
});

test('pipelines: the buttons and notify act on the deploy’s pattern only; "*" names only subscribe’s name checks', () => {
  // Packaged with --param pipelines=team-a-*.
  const acting = [
    'codepipeline:GetPipelineState',
    'codepipeline:RetryStageExecution',
    'codepipeline:PutApprovalResult',
    'codepipeline:GetPipelineExecution',
    'codepipeline:ListActionExecutions',
  ];
  for (const role of ROLES) {
    const statements = statementsOf(role).filter((s) => actions(s).some((a) => a.startsWith('codepipeline:')));
    expect([role, statements.length > 0]).toEqual([role, true]);
    for (const s of statements) {
      const pipelines = resourcesOfStatement(s).map(pipelineOf);
      if (actions(s).some((a) => acting.includes(a))) {
        expect([role, pipelines.every((p) => p === 'team-a-*' || p === 'team-a-*/*')]).toEqual([role, true]);
      }
      // Every pipeline of the account: only ListPipelines and GetPipeline, the names and declared
      // stages `subscribe` checks what people type against (subscriptions are not limited by it).
      if (pipelines.includes('*')) {
        expect([role, [...actions(s)].sort()]).toEqual([
          role,
          ['codepipeline:GetPipeline', 'codepipeline:ListPipelines'],
        ]);
      }
    }
  }
  expect(
    statementsOf('NotifyRole')
      .filter((s) => actions(s).some((a) => a.startsWith('codepipeline:')))
      .flatMap(resourcesOfStatement)
      .map(pipelineOf),
  ).toEqual(['team-a-*']);
});

test('events:PutTargets only with the platform’s notify function as the target (events:TargetArn), in both chat roles', () => {
  const notifyOf = { SlackRole: 'NotifyLambdaFunction', TeamsRole: 'NotifyTeamsLambdaFunction' } as const;
  for (const role of ['SlackRole', 'TeamsRole'] as const) {
    const puts = statementsOf(role).filter((s) => actions(s).includes('events:PutTargets'));
    expect(puts).toHaveLength(1);
    const [put] = puts as [Statement];
    expect(actions(put)).toEqual(['events:PutTargets']);
    expect(text(put.Resource)).toContain(BUS_RULES);
    expect(put.Condition).toEqual({
      'ForAllValues:ArnEquals': { 'events:TargetArn': [{ 'Fn::GetAtt': [notifyOf[role], 'Arn'] }] },
      // Without it a request naming no target ARN would pass ForAllValues vacuously.
      Null: { 'events:TargetArn': 'false' },
    });
  }
  // The ARN the rule store puts as every rule's target is that one: the functions' environment.
  for (const [fn, notify] of [
    ['SlackLambdaFunction', 'NotifyLambdaFunction'],
    ['TeamsLambdaFunction', 'NotifyTeamsLambdaFunction'],
  ] as const) {
    const environment = template.Resources[fn]?.Properties.Environment as Environment;
    expect(environment.Variables.PIPEWATCH_NOTIFY_FUNCTION_ARN).toEqual({ 'Fn::GetAtt': [notify, 'Arn'] });
  }
  // EventBridge may invoke each of the two, from the pipewatch bus's rules only.
  const permissions = resourcesOf('AWS::Lambda::Permission').map(([, r]) => r.Properties);
  for (const notify of Object.values(notifyOf)) {
    expect(permissions).toContainEqual({
      FunctionName: { 'Fn::GetAtt': [notify, 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: expect.objectContaining({ 'Fn::Sub': expect.stringContaining(BUS_RULES) }),
    });
  }
});

/** Every DynamoDB call an adapter makes, with the item's key, answered with nothing. */
function recordingDynamo(): { client: DynamoDBClient; calls: { action: string; key: string }[] } {
  const calls: { action: string; key: string }[] = [];
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const item = (command.input.Key ?? command.input.Item) as Record<string, { S?: string }> | undefined;
      calls.push({ action: `dynamodb:${command.constructor.name.replace(/Command$/, '')}`, key: item?.pk?.S ?? '' });
      return {};
    },
  };
  return { client: client as unknown as DynamoDBClient, calls };
}

const SLACK_CHANNEL: ChannelRef = { platform: 'slack', workspace: 'T0001', channel: 'C0001' };
const TEAMS_CHANNEL: ChannelRef = { platform: 'teams', workspace: 'tenant', channel: '19:abc@thread.tacv2' };
const CONVERSATION = { channel: SLACK_CHANNEL, pipeline: 'myPipeline', executionId: 'e-1' };
const STATE = {} as ExecutionState;
const OUTCOME = {
  state: 'FAILED',
  time: '2026-01-01T00:00:00Z',
  executionId: 'e-1',
  since: '2026-01-01T00:00:00Z',
} as StoredOutcome;

/**
 * What each function does with the table, through the adapters its composition root builds
 * (src/app/notify/notify-handler.ts, src/app/slack-app.ts, src/app/teams-app.ts, chat-app-deps.ts).
 */
/** `run` records who started an execution; an Approve under "selfApproval": false reads it. */
async function runRequesters(client: DynamoDBClient, channel: ChannelRef): Promise<void> {
  const requesters = new DynamoDbRunRequesters({ client, tableName: 't' });
  const execution = { pipeline: 'myPipeline', executionId: 'e-1' };
  await requesters.record(execution, { platform: channel.platform, workspace: channel.workspace, userId: 'U1' });
  await requesters.requester(execution);
}

const TABLE_USES: Record<(typeof ROLES)[number], (client: DynamoDBClient) => Promise<unknown>> = {
  // notifyEvent and notifyFollowers: every ConversationStore method; the Teams poster reads addresses.
  async NotifyRole(client) {
    const store = new DynamoDbConversationStore({ client, tableName: 't' });
    await store.claimEvent('event-1', SLACK_CHANNEL, 60);
    await store.read(CONVERSATION);
    await store.writeState(CONVERSATION, STATE, 1);
    await store.mergeAndLock(CONVERSATION, STATE, 1, 'owner', 1000);
    await store.acquireLock(CONVERSATION, 'owner', 1000);
    await store.saveRendering(CONVERSATION, 'owner', { renderedVersion: 1, replies: [] });
    await store.releaseLock(CONVERSATION, 'owner');
    await store.follow({ pipeline: 'myPipeline', executionId: 'e-1' }, { channel: SLACK_CHANNEL, rule: 'r' });
    await store.followers({ pipeline: 'myPipeline', executionId: 'e-1' });
    await new DynamoDbChannelAddresses({ client, tableName: 't' }).get(TEAMS_CHANNEL);
    // Quiet subscriptions: a transition's outcome, a snooze's swallowed failures and its summary.
    const quiet = new DynamoDbQuietStore({ client, tableName: 't' });
    await quiet.readOutcome({ channel: SLACK_CHANNEL, pipeline: 'myPipeline' });
    await quiet.replaceOutcome({ channel: SLACK_CHANNEL, pipeline: 'myPipeline' }, OUTCOME, undefined);
    await quiet.read(SLACK_CHANNEL, 'myPipeline');
    await quiet.swallow(SLACK_CHANNEL, 'myPipeline', 2, 'e-1', 'us-east-1');
    await quiet.claimSummary(SLACK_CHANNEL, 'myPipeline', 2, 1, 60_000);
    await quiet.releaseSummary(SLACK_CHANNEL, 'myPipeline', 2);
    await quiet.finishSummary(SLACK_CHANNEL, 'myPipeline', 2);
  },
  // A click's claim, a request's replay guard, a retry's note in the conversation (recordRetry),
  // `run`'s message (announceRun: follow, the run note, notify's render lock).
  async SlackRole(client) {
    await new DynamoDbClickClaims({ client, tableName: 't' }).claimClick('retry:x', 60);
    await new DynamoDbRequestReplays({ client, tableName: 't', keepSeconds: 360 }).firstUse('v0=abc', 1_700_000_000);
    const store = new DynamoDbConversationStore({ client, tableName: 't' });
    await store.read(CONVERSATION);
    await store.writeState(CONVERSATION, STATE, 1);
    await runsMessage(store, CONVERSATION);
    await snoozeCommands(client, SLACK_CHANNEL);
    await runRequesters(client, SLACK_CHANNEL);
  },
  // A click's claim, an activity's replay guard, the retry's note, the channel address kept on
  // install and command, forgotten on uninstall; snoozes.
  async TeamsRole(client) {
    await new DynamoDbClickClaims({ client, tableName: 't' }).claimClick('retry:x', 60);
    await new DynamoDbRequestReplays({ client, tableName: 't', keepSeconds: 360 }).firstUse('activity', 1_700_000_000);
    await snoozeCommands(client, TEAMS_CHANNEL);
    await runRequesters(client, TEAMS_CHANNEL);
    const store = new DynamoDbConversationStore({ client, tableName: 't' });
    await store.read({ ...CONVERSATION, channel: TEAMS_CHANNEL });
    await store.writeState({ ...CONVERSATION, channel: TEAMS_CHANNEL }, STATE, 1);
    await runsMessage(store, { ...CONVERSATION, channel: TEAMS_CHANNEL });
    const addresses = new DynamoDbChannelAddresses({ client, tableName: 't' });
    await addresses.put(TEAMS_CHANNEL, { serviceUrl: 'https://smba.example/' });
    // `run`'s card is posted to the channel's address, as notify posts.
    await addresses.get(TEAMS_CHANNEL);
    await addresses.delete(TEAMS_CHANNEL);
  },
};

/** What `run` does to post its execution's message (announceRun): follow, then notify's render under the lock. */
async function runsMessage(store: DynamoDbConversationStore, conversation: typeof CONVERSATION): Promise<void> {
  await store.follow(conversation, { channel: conversation.channel, rule: 'r' });
  await store.acquireLock(conversation, 'owner', 1000);
  await store.saveRendering(conversation, 'owner', { renderedVersion: 1, replies: [] });
  await store.releaseLock(conversation, 'owner');
}

/** `snooze`, `list` and `unsnooze` of a channel. */
async function snoozeCommands(client: DynamoDBClient, channel: ChannelRef): Promise<void> {
  const quiet = new DynamoDbQuietStore({ client, tableName: 't' });
  await quiet.snooze(channel, { pipeline: 'myPipeline', until: 2, since: 1, by: 'U1' });
  await quiet.list(channel);
  await quiet.endSnooze(channel, 'myPipeline', 1);
}

/** IAM's StringLike: `*` any run of characters, `?` one. */
const stringLike = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    's',
  ).test(value);

/** Whether the role's statements allow a DynamoDB action on the item with this key (Allow only; LeadingKeys). */
function tableAllows(role: string, action: string, key: string): boolean {
  return statementsOf(role).some((s) => {
    if (s.Effect !== 'Allow' || !actions(s).includes(action)) return false;
    const condition = s.Condition as Record<string, Record<string, string[]>>;
    const keys = condition['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? [];
    return keys.some((pattern) => stringLike(pattern, key));
  });
}

test('DynamoDB: every grant is per item kind (dynamodb:LeadingKeys), on the table only', () => {
  for (const role of ROLES) {
    const grants = statementsOf(role).filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
    expect([role, grants.length > 0]).toEqual([role, true]);
    for (const s of grants) {
      expect(s.Resource).toEqual({ 'Fn::GetAtt': ['StateTable', 'Arn'] });
      expect(Object.keys(s.Condition as object)).toEqual(['ForAllValues:StringLike']);
      expect(Object.keys((s.Condition as Record<string, object>)['ForAllValues:StringLike'] ?? {})).toEqual([
        'dynamodb:LeadingKeys',
      ]);
    }
  }
});

test('DynamoDB: each role allows what its function’s adapters do, and no item kind beyond', async () => {
  for (const role of ROLES) {
    const { client, calls } = recordingDynamo();
    await TABLE_USES[role](client);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls)
      expect([role, call, tableAllows(role, call.action, call.key)]).toEqual([role, call, true]);
  }
  const kinds = [
    'event#1#slack:T:C',
    'conv#slack:T:C#p#e',
    'follow#p#e',
    'address#teams:t:c',
    'click#k',
    'replay#s',
    'outcome#slack:T:C#p',
    'snooze#slack:T:C#p',
    'snoozes#slack:T:C',
    'runby#p#e',
  ];
  const writable = (role: string) =>
    kinds.filter((key) => ['dynamodb:PutItem', 'dynamodb:UpdateItem'].some((action) => tableAllows(role, action, key)));
  const readable = (role: string) => kinds.filter((key) => tableAllows(role, 'dynamodb:GetItem', key));
  const deletable = (role: string) => kinds.filter((key) => tableAllows(role, 'dynamodb:DeleteItem', key));
  // notify writes no click items (nor replay guards): the buttons' double-click protection is not its to forge.
  expect(writable('NotifyRole')).toEqual([
    'event#1#slack:T:C',
    'conv#slack:T:C#p#e',
    'follow#p#e',
    'outcome#slack:T:C#p',
    'snooze#slack:T:C#p',
    'snoozes#slack:T:C',
  ]);
  expect(readable('NotifyRole')).toEqual([
    'conv#slack:T:C#p#e',
    'follow#p#e',
    'address#teams:t:c',
    'outcome#slack:T:C#p',
    'snooze#slack:T:C#p',
  ]);
  // The Slack role writes click claims, replay guards, the retry note, `run`'s message and the channel
  // following it, and snoozes; no event claims, no addresses; it reads no followers.
  const snoozes = ['snooze#slack:T:C#p', 'snoozes#slack:T:C'];
  // Both chat roles put and get `runby#` (who typed `run`); notify never touches it.
  expect(writable('SlackRole')).toEqual([
    'conv#slack:T:C#p#e',
    'follow#p#e',
    'click#k',
    'replay#s',
    ...snoozes,
    'runby#p#e',
  ]);
  expect(readable('SlackRole')).toEqual(['conv#slack:T:C#p#e', ...snoozes, 'runby#p#e']);
  expect(writable('TeamsRole')).toEqual([
    'conv#slack:T:C#p#e',
    'follow#p#e',
    'address#teams:t:c',
    'click#k',
    'replay#s',
    ...snoozes,
    'runby#p#e',
  ]);
  expect(readable('TeamsRole')).toEqual(['conv#slack:T:C#p#e', 'address#teams:t:c', ...snoozes, 'runby#p#e']);
  expect(tableAllows('SlackRole', 'dynamodb:UpdateItem', 'runby#p#e')).toBe(false);
  // Following is an update (ADD to a set), never a put: a chat role cannot overwrite an execution's followers.
  for (const role of ['SlackRole', 'TeamsRole'])
    expect(tableAllows(role, 'dynamodb:PutItem', 'follow#p#e')).toBe(false);
  expect(deletable('NotifyRole')).toEqual(['snooze#slack:T:C#p']);
  expect(deletable('SlackRole')).toEqual([]);
  expect(deletable('TeamsRole')).toEqual(['address#teams:t:c']);
  // Put and update apart: notify creates event claims (PutItem) and never overwrites a conversation whole.
  expect(tableAllows('NotifyRole', 'dynamodb:PutItem', 'conv#slack:T:C#p#e')).toBe(false);
  expect(tableAllows('NotifyRole', 'dynamodb:UpdateItem', 'click#k')).toBe(false);
  expect(tableAllows('SlackRole', 'dynamodb:PutItem', 'conv#slack:T:C#p#e')).toBe(false);
});

// Bolt's absence from the notify bundle is checked on the bundle's inputs in test/integration/notify.
test('approval reminders: a schedule group, notify schedules only in it and passes only the reminder role, which may only invoke notify', () => {
  const [groups] = [resourcesOf('AWS::Scheduler::ScheduleGroup')];
  expect(groups.map(([name, r]) => [name, r.Properties.Name])).toEqual([['ReminderScheduleGroup', 'pipewatch-test']]);
  const notify = statementsOf('NotifyRole');
  const scheduling = notify.filter((s) => actions(s).some((a) => a.startsWith('scheduler:')));
  expect(scheduling.flatMap(actions).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
  for (const s of scheduling)
    expect(text(s.Resource)).toMatch(/:scheduler:\$\{AWS::Region\}:\$\{AWS::AccountId\}:schedule\/pipewatch-test\/\*"/);
  const passing = notify.filter((s) => actions(s).includes('iam:PassRole'));
  expect(passing).toEqual([
    {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': ['ReminderRole', 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    },
  ]);
  const role = template.Resources.ReminderRole?.Properties as {
    AssumeRolePolicyDocument: { Statement: { Principal: unknown; Condition: unknown }[] };
  };
  expect(role.AssumeRolePolicyDocument.Statement).toEqual([
    expect.objectContaining({
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    }),
  ]);
  const reminder = statementsOf('ReminderRole');
  expect(reminder.flatMap(actions)).toEqual(['lambda:InvokeFunction']);
  // Both notify functions, by name (each schedules its own reminders; Teams' snoozes end in notifyTeams).
  expect(text(reminder[0]?.Resource)).toMatch(/:function:pipewatch-test-notify"/);
  expect(text(reminder[0]?.Resource)).toMatch(/:function:pipewatch-test-notifyTeams"/);
  expect(text(reminder[0]?.Resource)).not.toMatch(/\*/);
  // notify knows its group, the role to pass, its own ARN (as the target) and the reminder's lead.
  const variables = (template.Resources.NotifyLambdaFunction?.Properties.Environment as Environment | undefined)
    ?.Variables;
  expect(variables).toMatchObject({
    PIPEWATCH_REMINDER_SCHEDULE_GROUP: { Ref: 'ReminderScheduleGroup' },
    PIPEWATCH_REMINDER_ROLE_ARN: { 'Fn::GetAtt': ['ReminderRole', 'Arn'] },
    PIPEWATCH_APPROVAL_REMINDER_MINUTES: '60',
    PIPEWATCH_AUTHORIZATION_PARAM: '/pipewatch/test/authorization',
  });
  expect(text(variables?.PIPEWATCH_NOTIFY_FUNCTION_ARN)).toMatch(/:function:pipewatch-test-notify"/);
});

test("snoozes' ends: the chat functions schedule only pw-snooze-* in the group and pass only the reminder role; their environment names both", () => {
  for (const role of ['SlackRole', 'TeamsRole']) {
    const statements = statementsOf(role);
    const scheduling = statements.filter((s) => actions(s).some((a) => a.startsWith('scheduler:')));
    expect(scheduling).toHaveLength(1);
    expect(scheduling.flatMap(actions).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
    // Only the snoozes' schedules (snoozeScheduleName's prefix): never an approval reminder's.
    expect(text(scheduling[0]?.Resource)).toMatch(
      /:scheduler:\$\{AWS::Region\}:\$\{AWS::AccountId\}:schedule\/pipewatch-test\/pw-snooze-\*"/,
    );
    expect(snoozeScheduleName(SLACK_CHANNEL, 'myPipeline')).toMatch(/^pw-snooze-[0-9a-f]{40}$/);
    expect(statements.filter((s) => actions(s).includes('iam:PassRole'))).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': ['ReminderRole', 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  }
  for (const [fn, notify] of [
    ['SlackLambdaFunction', 'NotifyLambdaFunction'],
    ['TeamsLambdaFunction', 'NotifyTeamsLambdaFunction'],
  ] as const) {
    const environment = template.Resources[fn]?.Properties.Environment as Environment | undefined;
    expect(environment?.Variables).toMatchObject({
      PIPEWATCH_REMINDER_SCHEDULE_GROUP: { Ref: 'ReminderScheduleGroup' },
      PIPEWATCH_REMINDER_ROLE_ARN: { 'Fn::GetAtt': ['ReminderRole', 'Arn'] },
      PIPEWATCH_NOTIFY_FUNCTION_ARN: { 'Fn::GetAtt': [notify, 'Arn'] },
    });
  }
});

test('one zip per function', () => {
  for (const fn of ['notify', 'notifyTeams', 'slack', 'teams', 'redrive']) {
    expect([fn, statSync(path.join(outDir, `${fn}.zip`)).size > 0]).toEqual([fn, true]);
  }
});

test('the Slack manifest asks for the command, interactivity and the scopes pipewatch uses, no more', () => {
  const manifest = parseYaml(readFileSync(path.join(root, 'slack/manifest.yml'), 'utf8'));
  expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/pipewatch']);
  expect(manifest.settings.interactivity.is_enabled).toBe(true);
  expect(manifest.oauth_config.scopes.bot.sort()).toEqual([
    'channels:history',
    'chat:write',
    'commands',
    'groups:history',
    'usergroups:read',
  ]);
});

/** A function's EventInvokeConfig (its asynchronous invocations: retries, event age, destinations). */
const invokeConfigOf = (fn: string): Record<string, unknown> | undefined =>
  resourcesOf('AWS::Lambda::EventInvokeConfig')
    .map(([, r]) => r.Properties)
    .find((p) => text(p.FunctionName) === text({ Ref: fn }));

test('both notify functions are invoked asynchronously with Lambda’s retries and an on-failure destination: the DLQ', () => {
  for (const fn of ['NotifyLambdaFunction', 'NotifyTeamsLambdaFunction']) {
    expect(invokeConfigOf(fn)).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } } },
    });
    expect(template.Resources[fn]?.Properties).toMatchObject({
      Timeout: NOTIFY_TIMEOUT_SECONDS,
      Role: { 'Fn::GetAtt': ['NotifyRole', 'Arn'] },
      Handler: 'handlers/notify.handler',
    });
  }
  // No reservation unless `--param notifyConcurrency` / `notifyTeamsConcurrency` asks for one.
  for (const [fn, condition] of [
    ['NotifyLambdaFunction', 'HasNotifyConcurrency'],
    ['NotifyTeamsLambdaFunction', 'HasNotifyTeamsConcurrency'],
  ] as const) {
    expect(template.Resources[fn]?.Properties.ReservedConcurrentExecutions).toEqual({
      'Fn::If': [condition, '', { Ref: 'AWS::NoValue' }],
    });
    expect(template.Conditions[condition]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  }
  // Logs: each function's own group, in the role they share.
  const logs = statementsOf('NotifyRole').filter((s) => actions(s).includes('logs:PutLogEvents'));
  expect(logs).toHaveLength(1);
  expect(text(logs[0]?.Resource)).toMatch(/log-group:\/aws\/lambda\/pipewatch-test-notify:\*"/);
  expect(text(logs[0]?.Resource)).toMatch(/log-group:\/aws\/lambda\/pipewatch-test-notifyTeams:\*"/);
  const sends = statementsOf('NotifyRole').filter((s) => actions(s).includes('sqs:SendMessage'));
  expect(sends).toHaveLength(1);
  expect(text(sends[0]?.Resource)).toContain('DeadLetterQueue');
  // The redrive waits for notify: its idea of notify's timeout is the template's.
  expect(template.Resources.NotifyLambdaFunction?.Properties.Timeout).toBe(NOTIFY_TIMEOUT_SECONDS);
});

test('the redrive function: every five minutes by EventBridge Scheduler (no rule on the default bus), never overlapping, not retried', () => {
  const schedules = resourcesOf('AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
  expect(schedules).toEqual([
    expect.objectContaining({
      ScheduleExpression: `rate(${REDRIVE_INTERVAL_MS / 60_000} minutes)`,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': ['RedriveLambdaFunction', 'Arn'] },
        RoleArn: { 'Fn::GetAtt': ['RedriveScheduleRole', 'Arn'] },
        Input: '{}',
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      },
    }),
  ]);
  // A run ends before the next one starts.
  const redrive = template.Resources.RedriveLambdaFunction?.Properties as Record<string, unknown>;
  expect(redrive.Timeout).toBeLessThan(REDRIVE_INTERVAL_MS / 1000);
  expect(invokeConfigOf('RedriveLambdaFunction')).toMatchObject({
    MaximumRetryAttempts: 0,
    MaximumEventAgeInSeconds: 60,
  });
  expect((redrive.Environment as Environment).Variables).toEqual({
    PIPEWATCH_DLQ_URL: { Ref: 'DeadLetterQueue' },
    PIPEWATCH_NOTIFY_FUNCTION_ARN: { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] },
    PIPEWATCH_REDRIVE_BUDGET_SECONDS: String(DEFAULT_REDRIVE_BUDGET_SECONDS),
  });
  // The schedule's role may invoke the redrive function and nothing else; only Scheduler, of this account, assumes it.
  const scheduleRole = template.Resources.RedriveScheduleRole?.Properties as Record<string, unknown>;
  expect(text(scheduleRole.AssumeRolePolicyDocument)).toContain('"Service":"scheduler.amazonaws.com"');
  expect(text(scheduleRole.AssumeRolePolicyDocument)).toContain('"aws:SourceAccount":{"Ref":"AWS::AccountId"}');
  expect(statementsOf('RedriveScheduleRole')).toEqual([
    { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['RedriveLambdaFunction', 'Arn'] } },
  ]);
});

test('IAM, the redrive role: its own log group, the DLQ (receive, delete, release), notify to invoke; nothing else', () => {
  const statements = statementsOf('RedriveRole');
  expect(statements.map((s) => [[...actions(s)].sort(), s.Resource])).toEqual([
    [
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      {
        'Fn::Sub': expect.stringMatching(/:log-group:\/aws\/lambda\/pipewatch-test-redrive:\*$/),
      },
    ],
    [
      ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'],
      { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
    ],
    [['lambda:InvokeFunction'], { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] }],
  ]);
  expect(statements.every((s) => s.Effect === 'Allow' && s.Condition === undefined)).toBe(true);
});

test('the alarm: the DLQ holding something for 15 periods of five minutes in a row; an hour’s outage does not page', () => {
  const alarms = resourcesOf('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
  expect(alarms).toHaveLength(1);
  const [alarm] = alarms as [Record<string, unknown>];
  const metrics = alarm.Metrics as {
    Id: string;
    Expression?: string;
    ReturnData: boolean;
    MetricStat?: { Metric: Record<string, unknown>; Period: number; Stat: string };
  }[];
  const stat = (id: string) => metrics.find((m) => m.Id === id)?.MetricStat;
  // Visible and hidden (a run replaying it): not ApproximateAgeOfOldestMessage, blind to a message received three times.
  for (const [id, metric] of [
    ['visible', 'ApproximateNumberOfMessagesVisible'],
    ['hidden', 'ApproximateNumberOfMessagesNotVisible'],
  ] as const) {
    expect(stat(id)).toEqual({
      Metric: {
        Namespace: 'AWS/SQS',
        MetricName: metric,
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      },
      Period: 300,
      Stat: 'Maximum',
    });
  }
  expect(metrics.filter((m) => m.ReturnData)).toEqual([
    expect.objectContaining({ Id: 'waiting', Expression: 'FILL(visible, 0) + FILL(hidden, 0)' }),
  ]);
  expect(alarm).toMatchObject({
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: 0,
    TreatMissingData: 'notBreaching',
  });
  const periods = alarm.DatapointsToAlarm as number;
  expect(alarm.EvaluationPeriods).toBe(periods);
  // An outage of D minutes keeps the DLQ holding something from its third minute (Lambda's two
  // retries) to the first run after it: at most D + 2 minutes, touching at most floor(spell / 5) + 2
  // periods. An hour (62 minutes) must stay under the alarm; 75 minutes must always reach it.
  const periodMinutes = 300 / 60;
  const touched = (spell: number) => Math.floor(spell / periodMinutes) + 2;
  expect(touched(60 + 2)).toBeLessThan(periods);
  expect(Math.ceil(75 / periodMinutes)).toBeGreaterThanOrEqual(periods);
  expect(text(alarm.AlarmActions)).toContain('HasAlarmTopic');
});

describe('--param sourceAccounts: other accounts forward to the bus; the functions assume their member role only', () => {
  /** `serverless print` of the resources with two accounts (and a member role name), and with an organization. */
  let accounts: typeof template;
  let organization: typeof template;
  let refused: Osls[];
  const resourcesWith = async (...params: string[]): Promise<typeof template> => {
    const printed = await osls(
      'print',
      '--format',
      'json',
      '--path',
      'resources',
      '--param',
      'pipelines=team-a-*',
      ...params,
    );
    if (!printed.ok) throw new Error(`serverless print failed: ${printed.stderr}${printed.stdout}`);
    return JSON.parse(printed.stdout);
  };
  const CHAT_AND_NOTIFY = ['NotifyRole', 'SlackRole', 'TeamsRole'];
  const assumes = (role: string, of: typeof template) =>
    statementsIn(of, role).filter((s) => actions(s).some((a) => a.startsWith('sts:')));

  beforeAll(async () => {
    [accounts, organization, ...refused] = await Promise.all([
      resourcesWith('--param', 'sourceAccounts=111111111111,222222222222', '--param', 'memberRoleName=pw-member'),
      resourcesWith('--param', 'sourceAccounts=o-a1b2c3d4e5'),
      osls('print', '--path', 'custom.sourceAccounts', '--param', 'pipelines=x', '--param', 'sourceAccounts=12345,o-x'),
      osls(
        'print',
        '--path',
        'custom.sourceAccounts',
        '--param',
        'pipelines=x',
        '--param',
        'sourceAccounts=111111111111,o-a1b2c3d4e5',
      ),
      osls(
        'print',
        '--path',
        'custom.memberRoleName',
        '--param',
        'pipelines=x',
        '--param',
        'sourceAccounts=111111111111',
        '--param',
        'memberRoleName=no role!',
      ),
    ]);
  }, 120_000);

  test('without the parameter: no bus policy and no sts:AssumeRole in any role', () => {
    expect(template.Resources.EventBus?.Properties.Policy).toEqual({
      'Fn::If': ['HasSourceAccounts', 'none', { Ref: 'AWS::NoValue' }],
    });
    expect(template.Conditions.HasSourceAccounts).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    for (const [role] of resourcesOf('AWS::IAM::Role')) {
      expect(text(statementsOf(role))).not.toContain('sts:AssumeRole"');
      expect(assumes(role, template)).toEqual([]);
    }
  });

  test('two accounts: the bus lets their root principals PutEvents on this bus only', () => {
    expect(accounts.Resources.EventBus?.Properties.Policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'pipewatch-source-accounts',
          Effect: 'Allow',
          Principal: {
            AWS: [
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
              { 'Fn::Sub': 'arn:${AWS::Partition}:iam::111111111111:root' },
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
              { 'Fn::Sub': 'arn:${AWS::Partition}:iam::222222222222:root' },
            ],
          },
          Action: 'events:PutEvents',
          Resource: {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
            'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/pipewatch-test',
          },
        },
      ],
    });
  });

  test('two accounts: notify, Slack and Teams may assume exactly those accounts’ member role; no other role may', () => {
    for (const role of CHAT_AND_NOTIFY) {
      expect(assumes(role, accounts)).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: [
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
            { 'Fn::Sub': 'arn:${AWS::Partition}:iam::111111111111:role/pw-member' },
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
            { 'Fn::Sub': 'arn:${AWS::Partition}:iam::222222222222:role/pw-member' },
          ],
        },
      ]);
    }
    const others = Object.entries(accounts.Resources)
      .filter(([name, r]) => r.Type === 'AWS::IAM::Role' && !CHAT_AND_NOTIFY.includes(name))
      .map(([name]) => name);
    expect(others.length).toBeGreaterThan(0);
    for (const role of others) expect(assumes(role, accounts)).toEqual([]);
  });

  test('an organization: any principal of it (aws:PrincipalOrgID) may PutEvents; the member role of its accounts only (aws:ResourceOrgID)', () => {
    const policy = organization.Resources.EventBus?.Properties.Policy as { Statement: Statement[] };
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Principal: '*',
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      }),
    ]);
    for (const role of CHAT_AND_NOTIFY) {
      expect(assumes(role, organization)).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
          Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/pipewatch-member' },
          Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
        },
      ]);
    }
  });

  test('the functions are told the member role’s name and where its ExternalId would be (an SSM parameter, never the value)', () => {
    for (const fn of [
      'NotifyLambdaFunction',
      'NotifyTeamsLambdaFunction',
      'SlackLambdaFunction',
      'TeamsLambdaFunction',
    ]) {
      const environment = template.Resources[fn]?.Properties.Environment as Environment;
      expect(environment.Variables.PIPEWATCH_MEMBER_ROLE_NAME).toBe('pipewatch-member');
      expect(environment.Variables.PIPEWATCH_MEMBER_EXTERNAL_ID_PARAM).toBe('/pipewatch/test/member-external-id');
    }
  });

  test('malformed values stop the command with a message naming them and what is expected', () => {
    const [notIds, mixed, badRole] = refused as [Osls, Osls, Osls];
    expect(notIds.ok).toBe(false);
    expect(notIds.stdout + notIds.stderr).toContain(
      '"12345", "o-x" are neither account ids nor organization ids. Name the accounts',
    );
    expect(mixed.ok).toBe(false);
    expect(mixed.stdout + mixed.stderr).toContain('mixes an organization with other values');
    expect(badRole.ok).toBe(false);
    expect(badRole.stdout + badRole.stderr).toContain('--param memberRoleName="no role!" is not an IAM role name');
  });
});

describe('--param notifyConcurrency, notifyTeamsConcurrency: what each notify function reserves', () => {
  const printed = async (path: string, ...params: string[]) =>
    osls('print', '--format', 'json', '--path', path, '--param', 'pipelines=team-a-*', ...params);
  let functions: Osls;
  let conditions: Osls;
  let refusals: Osls[];

  beforeAll(async () => {
    const both = ['--param', 'notifyConcurrency=20', '--param', 'notifyTeamsConcurrency=100'];
    [functions, conditions, ...refusals] = await Promise.all([
      printed('functions', ...both),
      printed('resources.Conditions', ...both),
      printed('custom.notifyConcurrency', '--param', 'notifyConcurrency=lots'),
      printed('custom.notifyTeamsConcurrency', '--param', 'notifyTeamsConcurrency=0'),
    ]);
  }, 120_000);

  test('given, each notify function reserves its own; the chat functions and the redrive reserve nothing', () => {
    expect(functions.ok).toBe(true);
    const parsed = JSON.parse(functions.stdout) as Record<string, { reservedConcurrency?: unknown }>;
    expect(parsed.notify?.reservedConcurrency).toEqual({
      'Fn::If': ['HasNotifyConcurrency', '20', { Ref: 'AWS::NoValue' }],
    });
    expect(parsed.notifyTeams?.reservedConcurrency).toEqual({
      'Fn::If': ['HasNotifyTeamsConcurrency', '100', { Ref: 'AWS::NoValue' }],
    });
    for (const fn of ['slack', 'teams', 'redrive']) expect(parsed[fn]?.reservedConcurrency).toBeUndefined();
    const printedConditions = JSON.parse(conditions.stdout);
    expect(printedConditions.HasNotifyConcurrency).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['20', ''] }] });
    expect(printedConditions.HasNotifyTeamsConcurrency).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['100', ''] }] });
  });

  test('not a whole number from 1 to 10000: the command stops, saying so', () => {
    for (const refusal of refusals) {
      expect(refusal.ok).toBe(false);
      expect(refusal.stdout + refusal.stderr).toMatch(
        /--param notify(Teams)?Concurrency=".+" is not a number of invocations/,
      );
    }
  });
});
