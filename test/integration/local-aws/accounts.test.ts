import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetBuildsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import {
  CodePipelineClient,
  GetPipelineCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, type Credentials, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type LocalAws, type LocalAwsOptions, ManualClock, startLocalAws } from '../../../src/local/aws';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { CONSOLE_USER, type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

/*
 * The local AWS with two accounts and two regions, through the real SDK v3 clients over HTTP: the
 * home account 000000000000 in us-east-1 (the home place) and us-west-2, a member account
 * 111111111111 in us-west-2 whose role pipewatch-member trusts the home account. STS issues
 * temporary keys that act as the role in the member account; the signature's region and the
 * signer's account pick the place; the member's default bus forwards to the central bus when its
 * policy allows the member.
 */

const HOME = '000000000000';
const MEMBER = '111111111111';
const WEST = 'us-west-2';
const ROLE_ARN = `arn:aws:iam::${MEMBER}:role/pipewatch-member`;
const GUARDED_ROLE_ARN = `arn:aws:iam::${MEMBER}:role/pipewatch-guarded`;
const LONG_ROLE_ARN = `arn:aws:iam::${MEMBER}:role/pipewatch-long`;
const FOREIGN_ROLE_ARN = `arn:aws:iam::${MEMBER}:role/trusts-someone-else`;
const CENTRAL_BUS = 'pipewatch-central';
const CENTRAL_BUS_ARN = `arn:aws:events:us-east-1:${HOME}:event-bus/${CENTRAL_BUS}`;
const COLLECTOR_ARN = `arn:aws:lambda:us-east-1:${HOME}:function:central-collector`;

/** Two stages where the home's myPipeline has four: the namesake is another pipeline. */
const MEMBER_PIPELINES = {
  pipelines: [
    {
      name: 'myPipeline',
      stages: [
        { name: 'Source', actions: [{ name: 'Source', category: 'Source', durationSeconds: 5 }] },
        { name: 'Deploy', actions: [{ name: 'Deploy', category: 'Deploy', durationSeconds: 10 }] },
      ],
    },
    {
      name: 'payments-api',
      stages: [
        { name: 'Source', actions: [{ name: 'Source', category: 'Source', durationSeconds: 5 }] },
        { name: 'Build', actions: [{ name: 'Build', category: 'Build', durationSeconds: 20 }] },
      ],
    },
  ],
};
const WEST_PIPELINES = {
  pipelines: [
    {
      name: 'west-service',
      stages: [
        { name: 'Source', actions: [{ name: 'Source', category: 'Source', durationSeconds: 5 }] },
        { name: 'Deploy', actions: [{ name: 'Deploy', category: 'Deploy', durationSeconds: 5 }] },
      ],
    },
  ],
};

const TOPOLOGY: Pick<LocalAwsOptions, 'places' | 'roles'> = {
  places: [
    { accountId: HOME, region: WEST },
    { accountId: MEMBER, region: WEST },
  ],
  roles: [
    { accountId: MEMBER, name: 'pipewatch-member', trustedAccounts: [HOME] },
    { accountId: MEMBER, name: 'pipewatch-guarded', trustedAccounts: [HOME], externalId: 'pipewatch-x1' },
    { accountId: MEMBER, name: 'pipewatch-long', trustedAccounts: [HOME], maxSessionDurationSeconds: 43_200 },
    { accountId: MEMBER, name: 'trusts-someone-else', trustedAccounts: ['222222222222'] },
  ],
};

let local: LocalAwsClients;
let clock: ManualClock;
const collected: Record<string, unknown>[] = [];
const clients: { destroy(): void }[] = [];
/** What the local EventBridge logs (a refused forwarding is logged, as a failed invocation). */
const warnings: string[] = [];

/** A client of the local AWS with these keys, in this region (destroyed after all). */
function client<T extends { destroy(): void }>(
  Client: new (config: object) => T,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = { ...local.aws.credentials },
  region = 'us-east-1',
): T {
  const made = new Client({ endpoint: local.aws.endpoint, region, credentials, maxAttempts: 1 });
  clients.push(made);
  return made;
}

/** The keys STS answers, as a client takes them. */
function keys(credentials: Credentials | undefined): {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
} {
  return {
    accessKeyId: credentials?.AccessKeyId ?? '',
    secretAccessKey: credentials?.SecretAccessKey ?? '',
    sessionToken: credentials?.SessionToken ?? '',
  };
}

async function assumeMember(session = 'pipewatch-test') {
  const answer = await client(STSClient).send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: session }));
  return keys(answer.Credentials);
}

/** The error an SDK call rejects with (its name, status and message), or a failure if it resolves. */
async function refusal(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to be refused');
}

async function pipelineNames(codePipeline: CodePipelineClient): Promise<string[]> {
  const answer = await codePipeline.send(new ListPipelinesCommand({}));
  return (answer.pipelines ?? []).map((p) => p.name ?? '').sort();
}

/** Lets every place's deliveries run (forwarding crosses from the member's bus to the central bus). */
async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    for (const place of local.aws.places) await place.eventBridge.settled();
  }
}

beforeAll(async () => {
  jest.spyOn(console, 'warn').mockImplementation((message: unknown) => {
    warnings.push(String(message));
  });
  clock = new ManualClock(Date.now());
  local = await startLocalAwsWithClients({ clock, definitionsFile: SAMPLE_PIPELINES_FILE, ...TOPOLOGY });
  local.aws.place(MEMBER, WEST).codePipeline.definePipelines(MEMBER_PIPELINES);
  local.aws.place(HOME, WEST).codePipeline.definePipelines(WEST_PIPELINES);
  // The central bus, a rule that hands its events to a collector, as the subscriptions' rules do.
  await local.eventBridge.send(new CreateEventBusCommand({ Name: CENTRAL_BUS }));
  await local.eventBridge.send(
    new PutRuleCommand({
      Name: 'collect',
      EventBusName: CENTRAL_BUS,
      EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }),
    }),
  );
  await local.eventBridge.send(
    new PutTargetsCommand({ Rule: 'collect', EventBusName: CENTRAL_BUS, Targets: [{ Id: 'c', Arn: COLLECTOR_ARN }] }),
  );
  local.aws.lambdas.register(COLLECTOR_ARN, async (event) => {
    collected.push(event as Record<string, unknown>);
  });
  // member-account.yml's ForwardRule on the member's default bus (set up in the member account itself).
  const memberBus = local.aws.place(MEMBER, WEST).eventBridge;
  await memberBus.handle('PutRule', {
    Name: 'pipewatch-forward',
    EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }),
  });
  await memberBus.handle('PutTargets', {
    Rule: 'pipewatch-forward',
    Targets: [{ Id: 'central', Arn: CENTRAL_BUS_ARN, RoleArn: `arn:aws:iam::${MEMBER}:role/pipewatch-forward` }],
  });
});
afterAll(async () => {
  for (const made of clients) made.destroy();
  await local.stop();
  jest.restoreAllMocks();
});
beforeEach(() => {
  collected.length = 0;
});

describe('STS', () => {
  it('answers GetCallerIdentity for the home key, a named user and an assumed role', async () => {
    const root = await client(STSClient).send(new GetCallerIdentityCommand({}));
    expect(root).toMatchObject({ Account: HOME, Arn: `arn:aws:iam::${HOME}:root`, UserId: HOME });
    const jane = await client(STSClient, { ...CONSOLE_USER }).send(new GetCallerIdentityCommand({}));
    expect(jane).toMatchObject({ Account: HOME, Arn: `arn:aws:iam::${HOME}:user/jane` });
    expect(jane.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const member = await client(STSClient, await assumeMember('who-am-i')).send(new GetCallerIdentityCommand({}));
    expect(member.Account).toBe(MEMBER);
    expect(member.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/pipewatch-member/who-am-i`);
    expect(member.UserId).toMatch(/^AROA[A-Z2-7]{17}:who-am-i$/);
  });

  it('issues temporary keys for a trusted caller, valid for an hour by default on the local clock', async () => {
    const answer = await client(STSClient).send(
      new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'pipewatch-notify' }),
    );
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(answer.Credentials?.SecretAccessKey?.length).toBe(40);
    expect(answer.Credentials?.SessionToken?.length).toBeGreaterThan(100);
    expect(answer.Credentials?.Expiration?.getTime()).toBe(Math.floor((clock.now() + 3_600_000) / 1000) * 1000);
    expect(answer.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/pipewatch-member/pipewatch-notify`);
    expect(answer.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:pipewatch-notify$/);
  });

  it('refuses an untrusted caller and an unknown role with the same AccessDenied', async () => {
    const sts = client(STSClient);
    const untrusted = await refusal(
      sts.send(new AssumeRoleCommand({ RoleArn: FOREIGN_ROLE_ARN, RoleSessionName: 's' + 'x' })),
    );
    expect(untrusted).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${HOME}:root is not authorized to perform: sts:AssumeRole on resource: ${FOREIGN_ROLE_ARN}`,
    });
    const unknownArn = `arn:aws:iam::${MEMBER}:role/no-such-role`;
    const unknown = await refusal(sts.send(new AssumeRoleCommand({ RoleArn: unknownArn, RoleSessionName: 'sx' })));
    expect(unknown).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${HOME}:root is not authorized to perform: sts:AssumeRole on resource: ${unknownArn}`,
    });
  });

  it('requires the ExternalId a role asks for: missing or wrong is AccessDenied', async () => {
    const sts = client(STSClient);
    const base = { RoleArn: GUARDED_ROLE_ARN, RoleSessionName: 'guarded' };
    expect((await refusal(sts.send(new AssumeRoleCommand(base)))).name).toBe('AccessDenied');
    expect((await refusal(sts.send(new AssumeRoleCommand({ ...base, ExternalId: 'pipewatch-x2' })))).name).toBe(
      'AccessDenied',
    );
    const right = await sts.send(new AssumeRoleCommand({ ...base, ExternalId: 'pipewatch-x1' }));
    expect(right.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/pipewatch-guarded/guarded`);
  });

  it('answers ValidationError for a malformed ARN, session name or duration, and a duration over the role maximum', async () => {
    const sts = client(STSClient);
    const cases: [ConstructorParameters<typeof AssumeRoleCommand>[0], string][] = [
      [{ RoleArn: 'pipewatch-member-without-arn', RoleSessionName: 'ok' }, 'Request ARN is invalid'],
      [
        { RoleArn: ROLE_ARN, RoleSessionName: 'has space' },
        "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      ],
      [
        { RoleArn: ROLE_ARN, RoleSessionName: 'ok', DurationSeconds: 600 },
        "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      ],
      [
        { RoleArn: ROLE_ARN, RoleSessionName: 'ok', DurationSeconds: 7200 },
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      ],
    ];
    for (const [input, message] of cases) {
      expect(await refusal(sts.send(new AssumeRoleCommand(input)))).toEqual({
        name: 'ValidationError',
        status: 400,
        message,
      });
    }
    const long = await sts.send(
      new AssumeRoleCommand({ RoleArn: LONG_ROLE_ARN, RoleSessionName: 'ok', DurationSeconds: 7200 }),
    );
    expect(long.Credentials?.Expiration?.getTime()).toBe(Math.floor((clock.now() + 7_200_000) / 1000) * 1000);
  });
});

describe('temporary keys', () => {
  it('act in the member account: its pipelines, and a namesake that is not the home one', async () => {
    const member = client(CodePipelineClient, await assumeMember(), WEST);
    expect(await pipelineNames(member)).toEqual(['myPipeline', 'payments-api']);
    const namesake = await member.send(new GetPipelineCommand({ name: 'myPipeline' }));
    expect(namesake.pipeline?.stages?.map((s) => s.name)).toEqual(['Source', 'Deploy']);
    const before = await local.codePipeline.send(new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' }));
    const started = await member.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
    const memberRuns = await member.send(new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' }));
    expect(memberRuns.pipelineExecutionSummaries?.map((e) => e.pipelineExecutionId)).toContain(
      started.pipelineExecutionId,
    );
    // The home's myPipeline never saw it.
    const after = await local.codePipeline.send(new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' }));
    expect(after.pipelineExecutionSummaries).toEqual(before.pipelineExecutionSummaries);
    // Recorded as started by the role's session, as CodePipeline records its caller.
    const run = local.aws.place(MEMBER, WEST).codePipeline;
    const state = (await run.handle('GetPipelineExecution', {
      pipelineName: 'myPipeline',
      pipelineExecutionId: started.pipelineExecutionId,
    })) as { pipelineExecution: { trigger: { triggerDetail: string } } };
    expect(state.pipelineExecution.trigger.triggerDetail).toBe(
      `arn:aws:sts::${MEMBER}:assumed-role/pipewatch-member/pipewatch-test`,
    );
  });

  it('reach CodeBuild BatchGetBuilds and Logs GetLogEvents (the triage reads)', async () => {
    const member = await assumeMember();
    const builds = await client(CodeBuildClient, member, WEST).send(
      new BatchGetBuildsCommand({ ids: ['payments-api:none'] }),
    );
    expect(builds.buildsNotFound).toEqual(['payments-api:none']);
    const logs = await refusal(
      client(CloudWatchLogsClient, member, WEST).send(
        new GetLogEventsCommand({ logGroupName: '/aws/codebuild/payments-api', logStreamName: 'none' }),
      ),
    );
    expect(logs.name).toBe('ResourceNotFoundException');
  });

  it('are refused by every other service with its AccessDenied', async () => {
    const member = await assumeMember('forbidden');
    const who = `arn:aws:sts::${MEMBER}:assumed-role/pipewatch-member/forbidden`;
    const calls: [string, () => Promise<unknown>, string][] = [
      [
        'events:ListRules',
        () => client(EventBridgeClient, member, WEST).send(new ListRulesCommand({})),
        'AccessDeniedException',
      ],
      [
        'ssm:GetParameter',
        () => client(SSMClient, member, WEST).send(new GetParameterCommand({ Name: '/pipewatch/x' })),
        'AccessDeniedException',
      ],
      [
        'dynamodb:ListTables',
        () => client(DynamoDBClient, member, WEST).send(new ListTablesCommand({})),
        'AccessDeniedException',
      ],
      [
        'sqs:ListQueues',
        () => client(SQSClient, member, WEST).send(new ListQueuesCommand({})),
        'AccessDeniedException',
      ],
      [
        'lambda:InvokeFunction',
        () => client(LambdaClient, member, WEST).send(new InvokeCommand({ FunctionName: COLLECTOR_ARN })),
        'AccessDeniedException',
      ],
      [
        'scheduler:GetSchedule',
        () => client(SchedulerClient, member, WEST).send(new GetScheduleCommand({ Name: 'x' })),
        'AccessDeniedException',
      ],
      [
        'servicequotas:GetServiceQuota',
        () =>
          client(ServiceQuotasClient, member, WEST).send(
            new GetServiceQuotaCommand({ ServiceCode: 'events', QuotaCode: 'L-244521F2' }),
          ),
        'AccessDeniedException',
      ],
      [
        'sts:AssumeRole',
        () =>
          client(STSClient, member, WEST).send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'chain' })),
        'AccessDenied',
      ],
    ];
    for (const [action, call, name] of calls) {
      const refused = await refusal(call());
      expect({ action, name: refused.name }).toEqual({ action, name });
      expect(refused.message).toContain(`User: ${who} is not authorized to perform: ${action}`);
    }
  });

  it('without their session token, or with another, are an unknown token', async () => {
    const member = await assumeMember();
    const other = await assumeMember('other');
    const noToken = { accessKeyId: member.accessKeyId, secretAccessKey: member.secretAccessKey };
    const wrongToken = { ...member, sessionToken: other.sessionToken };
    for (const credentials of [noToken, wrongToken]) {
      const refused = await refusal(client(CodePipelineClient, credentials, WEST).send(new ListPipelinesCommand({})));
      expect(refused).toEqual({
        name: 'UnrecognizedClientException',
        status: 403,
        message: 'The security token included in the request is invalid.',
      });
      expect((await refusal(client(STSClient, credentials).send(new GetCallerIdentityCommand({})))).name).toBe(
        'InvalidClientTokenId',
      );
    }
  });

  it('expire at their Expiration on the local clock', async () => {
    const sts = client(STSClient);
    const answer = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'short', DurationSeconds: 900 }),
    );
    const member = client(CodePipelineClient, keys(answer.Credentials), WEST);
    clock.advance(899_000);
    expect(await pipelineNames(member)).toEqual(['myPipeline', 'payments-api']);
    clock.advance(1_000);
    expect(await refusal(member.send(new ListPipelinesCommand({})))).toEqual({
      name: 'ExpiredTokenException',
      status: 400,
      message: 'The security token included in the request is expired',
    });
    const identity = await refusal(client(STSClient, keys(answer.Credentials)).send(new GetCallerIdentityCommand({})));
    expect(identity.name).toBe('ExpiredToken');
  });
});

describe('places', () => {
  it('answer the home account by the signature region: us-west-2 is not us-east-1, an unknown region is the home place', async () => {
    expect(await pipelineNames(local.codePipeline)).toEqual(['myPipeline', 'nightly-data', 'web-service']);
    expect(await pipelineNames(client(CodePipelineClient, undefined, WEST))).toEqual(['west-service']);
    expect(await pipelineNames(client(CodePipelineClient, undefined, 'eu-west-1'))).toEqual([
      'myPipeline',
      'nightly-data',
      'web-service',
    ]);
  });

  it('have their own default bus, and emit events with their account and region', async () => {
    const west = client(EventBridgeClient, undefined, WEST);
    const bus = await west.send(new DescribeEventBusCommand({}));
    expect(bus.Arn).toBe(`arn:aws:events:${WEST}:${HOME}:event-bus/default`);
    const emitted: Record<string, unknown>[] = [];
    const place = local.aws.place(HOME, WEST);
    const stop = place.codePipeline.onTransition((transition) =>
      emitted.push(transition.entry as Record<string, unknown>),
    );
    place.codePipeline.startExecution('west-service');
    stop();
    expect(emitted.length).toBeGreaterThan(0);
    const received: Record<string, unknown>[] = [];
    const arn = `arn:aws:lambda:${WEST}:${HOME}:function:west-collector`;
    local.aws.lambdas.register(arn, async (event) => {
      received.push(event as Record<string, unknown>);
    });
    await west.send(
      new PutRuleCommand({ Name: 'west', EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }) }),
    );
    await west.send(new PutTargetsCommand({ Rule: 'west', Targets: [{ Id: 'w', Arn: arn }] }));
    place.codePipeline.startExecution('west-service');
    await settle();
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((event) => event.account === HOME && event.region === WEST)).toBe(true);
    local.aws.lambdas.unregister(arn);
  });
});

describe('forwarding to the central bus', () => {
  async function runMemberPipeline(): Promise<string> {
    const member = client(CodePipelineClient, await assumeMember(), WEST);
    const started = await member.send(new StartPipelineExecutionCommand({ name: 'payments-api' }));
    clock.advance(30_000);
    await settle();
    return started.pipelineExecutionId ?? '';
  }

  it('is refused while the central bus policy does not name the member: nothing delivered, a failed invocation', async () => {
    const memberBus = local.aws.place(MEMBER, WEST).eventBridge;
    const deadBefore = memberBus.deadLetters().length;
    warnings.length = 0;
    await runMemberPipeline();
    expect(collected).toEqual([]);
    expect(warnings[0]).toBe(
      `[local-eventbridge] forwarding refused: Not authorized: the policy of ${CENTRAL_BUS_ARN} does not allow account ${MEMBER} to put events on it.`,
    );
    const refused = memberBus.deadLetters().slice(deadBefore);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ targetArn: CENTRAL_BUS_ARN, attempts: 1 });
    expect(refused[0]?.error).toContain(`does not allow account ${MEMBER}`);
  });

  it('delivers once PutPermission names the member, keeping the event account and region', async () => {
    await local.eventBridge.send(
      new PutPermissionCommand({
        EventBusName: CENTRAL_BUS,
        Action: 'events:PutEvents',
        Principal: MEMBER,
        StatementId: 'member-111',
      }),
    );
    const described = await local.eventBridge.send(new DescribeEventBusCommand({ Name: CENTRAL_BUS }));
    expect(JSON.parse(described.Policy ?? '{}')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'member-111',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${MEMBER}:root` },
          Action: 'events:PutEvents',
          Resource: CENTRAL_BUS_ARN,
        },
      ],
    });
    const executionId = await runMemberPipeline();
    const ours = collected.filter(
      (event) => (event.detail as { 'execution-id'?: string })['execution-id'] === executionId,
    );
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((event) => event.account === MEMBER && event.region === WEST)).toBe(true);
    expect(ours.map((event) => (event.detail as { pipeline: string }).pipeline)).toContain('payments-api');

    await local.eventBridge.send(new RemovePermissionCommand({ EventBusName: CENTRAL_BUS, StatementId: 'member-111' }));
    expect((await local.eventBridge.send(new DescribeEventBusCommand({ Name: CENTRAL_BUS }))).Policy).toBeUndefined();
  });

  it('accepts a whole policy document (serverless.yml EventBusPolicy) and refuses a statement with an unknown id', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'pipewatch-source-accounts',
          Effect: 'Allow',
          Principal: { AWS: [`arn:aws:iam::${MEMBER}:root`] },
          Action: 'events:PutEvents',
          Resource: CENTRAL_BUS_ARN,
        },
      ],
    };
    await local.eventBridge.send(
      new PutPermissionCommand({ EventBusName: CENTRAL_BUS, Policy: JSON.stringify(policy) }),
    );
    await runMemberPipeline();
    expect(collected.some((event) => event.account === MEMBER)).toBe(true);
    const missing = await refusal(
      local.eventBridge.send(new RemovePermissionCommand({ EventBusName: CENTRAL_BUS, StatementId: 'nope' })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    await local.eventBridge.send(
      new RemovePermissionCommand({ EventBusName: CENTRAL_BUS, RemoveAllPermissions: true }),
    );
  });

  it('needs no policy from another region of the same account', async () => {
    const westBus = local.aws.place(HOME, WEST).eventBridge;
    await westBus.handle('PutRule', {
      Name: 'to-central',
      EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }),
    });
    await westBus.handle('PutTargets', { Rule: 'to-central', Targets: [{ Id: 'central', Arn: CENTRAL_BUS_ARN }] });
    local.aws.place(HOME, WEST).codePipeline.startExecution('west-service');
    clock.advance(10_000);
    await settle();
    expect(collected.some((event) => event.account === HOME && event.region === WEST)).toBe(true);
  });
});

describe('persistence', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pipewatch-accounts-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps a member place pipelines, executions, rules and the central bus policy across restarts', async () => {
    const options = { port: 0, dataDir, clock: new ManualClock(Date.now()), ...TOPOLOGY };
    let aws: LocalAws = await startLocalAws(options);
    const executionId = (() => {
      const member = aws.place(MEMBER, WEST);
      member.codePipeline.definePipelines(MEMBER_PIPELINES);
      return member.codePipeline.startExecution('payments-api');
    })();
    await aws.eventBridge.handle('CreateEventBus', { Name: CENTRAL_BUS });
    await aws.eventBridge.handle('PutPermission', {
      EventBusName: CENTRAL_BUS,
      Action: 'events:PutEvents',
      Principal: MEMBER,
      StatementId: 'member',
    });
    await aws.place(MEMBER, WEST).eventBridge.handle('PutRule', { Name: 'kept', EventPattern: '{"source":["x"]}' });
    await aws.stop();

    aws = await startLocalAws(options);
    try {
      const member = aws.place(MEMBER, WEST);
      const runs = (await member.codePipeline.handle('ListPipelineExecutions', { pipelineName: 'payments-api' })) as {
        pipelineExecutionSummaries: { pipelineExecutionId: string }[];
      };
      expect(runs.pipelineExecutionSummaries.map((e) => e.pipelineExecutionId)).toEqual([executionId]);
      expect(await member.eventBridge.handle('DescribeRule', { Name: 'kept' })).toMatchObject({ Name: 'kept' });
      const central = (await aws.eventBridge.handle('DescribeEventBus', { Name: CENTRAL_BUS })) as { Policy?: string };
      expect(central.Policy).toContain(`arn:aws:iam::${MEMBER}:root`);
      // The home place's state is where it always was: the member's is apart.
      const home = (await aws.codePipeline.handle('ListPipelines', {})) as { pipelines: unknown[] };
      expect(home.pipelines).toEqual([]);
    } finally {
      await aws.stop();
    }
  });
});

describe('configuration', () => {
  it('refuses a malformed place, a place given twice and a role whose account has no place, with a clear error', async () => {
    await expect(startLocalAws({ port: 0, places: [{ accountId: '1111', region: WEST }] })).rejects.toThrow(
      'account id must be 12 digits, not 1111',
    );
    await expect(startLocalAws({ port: 0, places: [{ accountId: MEMBER, region: 'west' }] })).rejects.toThrow(
      '"west" is not a region name',
    );
    await expect(
      startLocalAws({
        port: 0,
        places: [
          { accountId: MEMBER, region: WEST },
          { accountId: MEMBER, region: WEST },
        ],
      }),
    ).rejects.toThrow(`the place ${MEMBER} ${WEST} is configured twice`);
    await expect(
      startLocalAws({ port: 0, roles: [{ accountId: MEMBER, name: 'pipewatch-member', trustedAccounts: [HOME] }] }),
    ).rejects.toThrow(`roles of account ${MEMBER}: give the account a place (options.places) to act in`);
    await expect(
      startLocalAws({
        port: 0,
        places: [{ accountId: MEMBER, region: WEST }],
        roles: [{ accountId: MEMBER, name: 'pipewatch-member', trustedAccounts: ['home'] }],
      }),
    ).rejects.toThrow('role pipewatch-member: trusted accounts must be 12 digits, not home');
  });
});

describe('the wire', () => {
  it('answers STS in its XML: an unsigned request is a MissingAuthenticationToken ErrorResponse', async () => {
    const response = await fetch(local.aws.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/xml');
    const requestId = response.headers.get('x-amzn-requestid');
    expect(await response.text()).toBe(
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
        '<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error>' +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  });
});
