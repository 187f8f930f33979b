import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, type Tags } from 'yaml';
import { MEMBER_ROLE_ACTIONS } from '../../../src/local/aws';

/**
 * deploy/member-account.yml, read as CloudFormation reads it (its short-form intrinsic functions as
 * their long form), checked for what a member account gives the central pipewatch: one forwarding
 * rule to the central bus, and one role that only the central functions may assume, allowed exactly
 * what those functions do with their own account's pipelines. The central side's grants come from
 * serverless.yml, so the two cannot drift apart unnoticed.
 */

const root = path.join(__dirname, '../../..');

/** CloudFormation's short forms (`!Ref x` → `{Ref: x}`, `!Sub …` → `{'Fn::Sub': …}`), for the yaml parser. */
const CFN_TAGS: Tags = ['Ref', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'Select', 'Join', 'Split'].flatMap((name) => {
  const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
  const wrap = (value: unknown) =>
    name === 'GetAtt' && typeof value === 'string' ? { [key]: value.split('.') } : { [key]: value };
  return (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    ...(collection === 'scalar' ? {} : { collection }),
    resolve: (value: unknown) =>
      wrap(
        typeof value === 'object' && value !== null && 'toJSON' in value
          ? (value as { toJSON(): unknown }).toJSON()
          : value,
      ),
  }));
}) as Tags;

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: unknown;
};
type Resource = { Type: string; Condition?: string; Properties: Record<string, unknown> };
const readCloudFormation = (file: string) =>
  parseYaml(readFileSync(path.join(root, file), 'utf8'), { customTags: CFN_TAGS }) as {
    Parameters: Record<string, { Type: string; Default?: string; AllowedPattern?: string }>;
    Conditions: Record<string, unknown>;
    Resources: Record<string, Resource>;
    Outputs: Record<string, unknown>;
  };

const member = readCloudFormation('deploy/member-account.yml');
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const statementsOf = (resource: Resource) =>
  (resource.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
const text = (value: unknown) => JSON.stringify(value);

test('three resources: the forwarding rule on the default bus, its role, and the member role', () => {
  expect(Object.fromEntries(Object.entries(member.Resources).map(([name, r]) => [name, r.Type]))).toEqual({
    ForwardRule: 'AWS::Events::Rule',
    ForwardRole: 'AWS::IAM::Role',
    MemberRole: 'AWS::IAM::Role',
  });
});

test('the forwarding rule sends every CodePipeline event of the region to the central bus, with a role of this account', () => {
  const rule = member.Resources.ForwardRule?.Properties;
  expect(rule?.EventBusName).toBe('default');
  expect(rule?.EventPattern).toEqual({ source: ['aws.codepipeline'] });
  expect(rule?.State).toBe('ENABLED');
  expect(rule?.Targets).toEqual([
    { Id: 'pipewatch-central-bus', Arn: { Ref: 'CentralBusArn' }, RoleArn: { 'Fn::GetAtt': ['ForwardRole', 'Arn'] } },
  ]);
});

test('the forwarding role: EventBridge of this account only, PutEvents on the central bus only', () => {
  const role = member.Resources.ForwardRole as Resource;
  expect(role.Properties.AssumeRolePolicyDocument).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ],
  });
  expect(statementsOf(role)).toEqual([
    { Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'CentralBusArn' } },
  ]);
});

test('the member role: its name is the parameter the central stack assumes by; trusted by the central roles only, ExternalId when given', () => {
  const role = member.Resources.MemberRole as Resource;
  expect(role.Properties.RoleName).toEqual({ Ref: 'MemberRoleName' });
  expect(member.Parameters.MemberRoleName?.Default).toBe('pipewatch-member');
  expect(role.Condition).toBe('CreatesRole');
  expect(role.Properties.AssumeRolePolicyDocument).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'CentralRoleArns' } },
        Action: 'sts:AssumeRole',
        Condition: {
          'Fn::If': [
            'HasExternalId',
            { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
            { Ref: 'AWS::NoValue' },
          ],
        },
      },
    ],
  });
  expect(member.Parameters.CentralRoleArns?.Type).toBe('CommaDelimitedList');
  expect(member.Conditions.HasExternalId).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ExternalId' }, ''] }] });
});

test('the member role may do exactly what the central functions do with pipelines, on the named ones only', () => {
  const statements = statementsOf(member.Resources.MemberRole as Resource);
  const pipelineGrants = statements.filter((s) => actions(s).some((a) => a.startsWith('codepipeline:')));
  expect(pipelineGrants).toHaveLength(2);
  expect(pipelineGrants[0]?.Resource).toEqual([
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
    { 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:*:${AWS::AccountId}:${Pipelines}' },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
    { 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:*:${AWS::AccountId}:${Pipelines}/*' },
  ]);
  // The central roles' CodePipeline actions on their named pipelines (serverless.yml); the
  // account-wide reads `subscribe` checks names with (ListPipelines, GetPipeline on `*`) apart.
  const central = readCloudFormation('serverless.yml') as unknown as {
    resources: { Resources: Record<string, Resource> };
  };
  const centralActions = ['NotifyRole', 'SlackRole', 'TeamsRole'].flatMap((name) =>
    statementsOf(central.resources.Resources[name] as Resource)
      // The sts:AssumeRole item is a `${file(…)}` variable in serverless.yml, not a statement yet.
      .filter((s) => typeof s === 'object' && !text(s.Resource).endsWith(':*"}'))
      .flatMap(actions)
      .filter((a) => a.startsWith('codepipeline:')),
  );
  expect(actions(pipelineGrants[0] as Statement).sort()).toEqual([...new Set(centralActions)].sort());
  expect(actions(pipelineGrants[0] as Statement)).not.toContain('codepipeline:ListPipelines');
  // `subscribe --account --region` checks names as the chat roles do at home: the same two reads on `*`.
  expect(pipelineGrants[1]).toEqual({
    Effect: 'Allow',
    Action: ['codepipeline:ListPipelines', 'codepipeline:GetPipeline'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
    Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:*:${AWS::AccountId}:*' },
  });
  const chatNameReads = ['SlackRole', 'TeamsRole'].map((name) =>
    statementsOf(central.resources.Resources[name] as Resource).find((s) =>
      actions(s).includes('codepipeline:ListPipelines'),
    ),
  );
  for (const reads of chatNameReads)
    expect(actions(reads as Statement)).toEqual(actions(pipelineGrants[1] as Statement));
});

test('the triage reads: BatchGetBuilds and GetLogEvents on the named CodeBuild projects (default: the pipelines pattern)', () => {
  const statements = statementsOf(member.Resources.MemberRole as Resource);
  const projects = { 'Fn::If': ['HasCodeBuildProjects', { Ref: 'CodeBuildProjects' }, { Ref: 'Pipelines' }] };
  expect(statements.filter((s) => !actions(s).some((a) => a.startsWith('codepipeline:')))).toEqual([
    {
      Effect: 'Allow',
      Action: 'codebuild:BatchGetBuilds',
      Resource: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
        'Fn::Sub': ['arn:${AWS::Partition}:codebuild:*:${AWS::AccountId}:project/${Projects}', { Projects: projects }],
      },
    },
    {
      Effect: 'Allow',
      Action: 'logs:GetLogEvents',
      Resource: {
        'Fn::Sub': [
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
          'arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:/aws/codebuild/${Projects}:*',
          { Projects: projects },
        ],
      },
    },
  ]);
});

test('no wildcard action and no resource of another account anywhere in the template', () => {
  for (const resource of Object.values(member.Resources).filter((r) => r.Type === 'AWS::IAM::Role')) {
    for (const statement of statementsOf(resource)) {
      for (const action of actions(statement)) expect(action).toMatch(/^[a-z]+:[A-Za-z]+$/);
      const resources = text(statement.Resource);
      expect(resources).not.toBe('"*"');
      if (resources.includes(':codepipeline:') || resources.includes(':codebuild:'))
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation placeholder.
        expect(resources).toContain('${AWS::AccountId}');
    }
  }
});

test('the parameters refuse what is not a bus ARN, a pipeline pattern or a role name', () => {
  const matches = (parameter: string, value: string) =>
    new RegExp(member.Parameters[parameter]?.AllowedPattern ?? '(?!)').test(value);
  expect(matches('CentralBusArn', 'arn:aws:events:us-east-1:999999999999:event-bus/pipewatch-prod')).toBe(true);
  expect(matches('CentralBusArn', 'arn:aws-cn:events:cn-north-1:999999999999:event-bus/pipewatch-prod')).toBe(true);
  expect(matches('CentralBusArn', 'arn:aws:sqs:us-east-1:999999999999:queue')).toBe(false);
  expect(matches('Pipelines', 'team-a-*')).toBe(true);
  expect(matches('Pipelines', 'a/b')).toBe(false);
  expect(matches('MemberRoleName', 'pipewatch-member')).toBe(true);
  expect(matches('MemberRoleName', 'no role')).toBe(false);
});

test("the local AWS's member role may do exactly what the template's role may (its actions, whatever the resources)", () => {
  const granted = statementsOf(member.Resources.MemberRole as Resource).flatMap(actions);
  expect([...MEMBER_ROLE_ACTIONS].sort()).toEqual([...new Set(granted)].sort());
});
