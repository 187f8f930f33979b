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
// CloudFormation's Fn::Sub placeholder for the bus name, as it stands in the template text.
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder, not a JS template.
const BUS_RULES = ':rule/${EventBus}/*';

test('two functions on nodejs22.x arm64; the slack function behind POST /slack/events', () => {
  const functions = resourcesOf('AWS::Lambda::Function').map(([, r]) => r.Properties);
  expect(functions).toHaveLength(2);
  for (const fn of functions) {
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
  }
  const routes = resourcesOf('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
  expect(routes).toEqual(['POST /slack/events']);
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
});

// Bolt's absence from the notify bundle is checked on the bundle's inputs in test/integration/notify.
test('one zip per function', () => {
  const notifyZip = statSync(path.join(outDir, 'notify.zip'));
  const slackZip = statSync(path.join(outDir, 'slack.zip'));
  expect(notifyZip.size).toBeGreaterThan(0);
  expect(slackZip.size).toBeGreaterThan(0);
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
