import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { FOLLOW_INPUT_TEMPLATE } from '../../../src/aws/notify-input';

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
let template: { Resources: Record<string, Resource>; Outputs: Record<string, unknown> };

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), 'pipewatch-package-'));
  await promisify(execFile)(
    process.execPath,
    [
      path.join(root, 'node_modules/osls/bin/serverless.js'),
      'package',
      '--stage',
      'test',
      '--region',
      'eu-west-1',
      '--package',
      outDir,
    ],
    {
      cwd: root,
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'dummy', AWS_SECRET_ACCESS_KEY: 'dummy', SLS_TELEMETRY_DISABLED: '1' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  template = JSON.parse(readFileSync(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 180_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const resourcesOf = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const statementsOf = (role: string): Statement[] => {
  const policies = template.Resources[role]?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
};
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

test('three functions on nodejs22.x arm64; slack behind POST /slack/events, teams behind POST /api/messages', () => {
  const functions = resourcesOf('AWS::Lambda::Function');
  expect(functions.map(([name]) => name).sort()).toEqual([
    'NotifyLambdaFunction',
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

test('one Lambda permission for all of the bus’s rules', () => {
  const permissions = resourcesOf('AWS::Lambda::Permission')
    .map(([, r]) => r.Properties)
    .filter((p) => p.Principal === 'events.amazonaws.com');
  expect(permissions).toHaveLength(1);
  expect(text(permissions[0]?.SourceArn)).toContain(BUS_RULES);
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
    expect(text(s.Resource)).toMatch(/:codepipeline:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\*/);
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
  expect(statementsOf('NotifyRole').flatMap(actions)).not.toContain('dynamodb:DeleteItem');
  // Notify posts to Slack and to Teams: it reads the bot token and the three Teams parameters.
  expect(ssmParametersOf('NotifyRole')).toEqual([
    '/pipewatch/test/slack/bot-token',
    '/pipewatch/test/teams/app-id',
    '/pipewatch/test/teams/client-secret',
    '/pipewatch/test/teams/tenant-id',
  ]);
  expect(ssmParametersOf('SlackRole')).toEqual([
    '/pipewatch/test/authorization',
    '/pipewatch/test/slack/bot-token',
    '/pipewatch/test/slack/signing-secret',
  ]);
});

test('IAM, the teams role: its own log group, rules on the bus only, the Teams parameters only, no "*" but ListRules', () => {
  const statements = statementsOf('TeamsRole');
  expect(statements.length).toBeGreaterThan(0);
  for (const s of statements) {
    expect(s.Effect).toBe('Allow');
    for (const action of actions(s)) expect(action).not.toMatch(/\*/);
  }
  const granted = statements.flatMap(actions).sort();
  expect(granted).toEqual(
    [
      'codepipeline:GetPipeline',
      'codepipeline:GetPipelineState',
      'codepipeline:ListPipelines',
      'codepipeline:PutApprovalResult',
      'codepipeline:RetryStageExecution',
      'codepipeline:StartPipelineExecution',
      'codepipeline:StopPipelineExecution',
      'dynamodb:DeleteItem',
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
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'ssm:GetParameter',
    ].sort(),
  );
  // The codepipeline and events grants are the Slack function's, statement for statement.
  const slackLike = (role: string) =>
    statementsOf(role)
      .filter((s) => actions(s).some((a) => a.startsWith('events:') || a.startsWith('codepipeline:')))
      .map((s) => text(s));
  expect(slackLike('TeamsRole')).toEqual(slackLike('SlackRole'));
  // Stop and run act on the pipelines the stack is scoped to, as retry and approve do; notify never acts.
  for (const role of ['SlackRole', 'TeamsRole']) {
    const acting = statementsOf(role).filter((s) => actions(s).includes('codepipeline:StopPipelineExecution'));
    expect(acting).toHaveLength(1);
    const [statement] = acting;
    if (statement === undefined) throw new Error(`${role}: no statement grants StopPipelineExecution`);
    expect(actions(statement)).toEqual(
      expect.arrayContaining(['codepipeline:StartPipelineExecution', 'codepipeline:RetryStageExecution']),
    );
    // The packaged stack's `pipelines` parameter (here every pipeline: `*`), in this region and account.
    expect(text(statement.Resource)).toMatch(/:codepipeline:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\*/);
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
    '/pipewatch/test/teams/app-id',
    '/pipewatch/test/teams/client-secret',
    '/pipewatch/test/teams/tenant-id',
  ]);
});

// Bolt's absence from the notify bundle is checked on the bundle's inputs in test/integration/notify.
test('one zip per function', () => {
  for (const fn of ['notify', 'slack', 'teams']) {
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

test('notify is invoked asynchronously with Lambda’s retries and an on-failure destination: the DLQ, which is alarmed', () => {
  const [[, invokeConfig]] = resourcesOf('AWS::Lambda::EventInvokeConfig') as [[string, Resource]];
  expect(invokeConfig.Properties).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 });
  expect(text(invokeConfig.Properties.FunctionName)).toContain('NotifyLambdaFunction');
  expect(text(invokeConfig.Properties.DestinationConfig)).toContain('DeadLetterQueue');
  const sends = statementsOf('NotifyRole').filter((s) => actions(s).includes('sqs:SendMessage'));
  expect(sends).toHaveLength(1);
  expect(text(sends[0]?.Resource)).toContain('DeadLetterQueue');
  const [[, alarm]] = resourcesOf('AWS::CloudWatch::Alarm') as [[string, Resource]];
  expect(alarm.Properties).toMatchObject({
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: 0,
  });
  expect(text(alarm.Properties.Dimensions)).toContain('DeadLetterQueue');
});
