import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig } from '../../../src/aws/clients';
import { MemberRoles } from '../../../src/aws/member-role';
import { PipelinePlaces } from '../../../src/aws/pipeline-places';
import type { Log } from '../../../src/core/ports';
import { type LocalAws, ManualClock, startLocalAws } from '../../../src/local/aws';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import {
  LOCAL_MEMBER_PIPELINES_FILE,
  LOCAL_MEMBER_ACCOUNT as MEMBER,
  LOCAL_MEMBER_ROLE_NAME as ROLE,
  LOCAL_MEMBER_REGION as WEST,
} from '../../../src/local/dev-server/local-accounts';

/*
 * Another account's pipelines through its member role, against the local AWS's STS and a second
 * account (its own myPipeline, a namesake of this account's): the real STSClient assumes the role,
 * the real CodePipelineClient signs with the session's key, and the local AWS answers as the
 * member account in its region. One AssumeRole per account while the credentials last; a refusal
 * is the reason, remembered a minute.
 */

const HOME = '000000000000';
let aws: LocalAws;
let clock: ManualClock;
let stsCalls: string[];
let warnings: string[];

const log: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => warnings.push(message),
  error: () => undefined,
};

async function start(role: { trustedAccounts?: string[]; externalId?: string } = {}): Promise<void> {
  clock = new ManualClock(Date.now());
  aws = await startLocalAws({
    port: 0,
    clock,
    accountId: HOME,
    definitionsFile: SAMPLE_PIPELINES_FILE,
    places: [{ accountId: MEMBER, region: WEST, definitionsFile: LOCAL_MEMBER_PIPELINES_FILE }],
    roles: [
      {
        accountId: MEMBER,
        name: ROLE,
        trustedAccounts: role.trustedAccounts ?? [HOME],
        ...(role.externalId === undefined ? {} : { externalId: role.externalId }),
      },
    ],
  });
}

function config() {
  return { ...awsClientConfig({ region: aws.region }), endpoint: aws.endpoint, credentials: { ...aws.credentials } };
}

/** The STS client MemberRoles asks for, counting AssumeRole calls. */
function countingSts(): STSClient {
  const sts = new STSClient(config());
  sts.middlewareStack.add(
    (next, context) => async (args) => {
      stsCalls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countAssumeRole' },
  );
  return sts;
}

function placesWith(externalId?: string): PipelinePlaces {
  return new PipelinePlaces({
    codePipeline: new CodePipelineClient(config()),
    region: aws.region,
    account: HOME,
    members: new MemberRoles({
      sts: countingSts,
      roleName: ROLE,
      sessionName: 'pipewatch-notify',
      region: aws.region,
      ...(externalId === undefined ? {} : { externalId: async () => externalId }),
      log,
      now: () => clock.now(),
    }),
  });
}

beforeEach(() => {
  stsCalls = [];
  warnings = [];
});
afterEach(async () => {
  jest.useRealTimers();
  await aws.stop();
});

test('another account’s pipeline is read there with the member role; this account’s namesake is another pipeline', async () => {
  await start();
  const places = placesWith();
  const member = places.pipelines({ account: MEMBER, region: WEST });
  expect(await member.getPipelineStageNames('myPipeline')).toEqual(['Source', 'Build', 'Deploy']);
  expect(await places.pipelines({ account: HOME, region: aws.region }).getPipelineStageNames('myPipeline')).toEqual([
    'Source',
    'Build',
    'Approval',
    'Prod',
  ]);
  // The same client for the same place, and one AssumeRole for every call made with it.
  expect(places.pipelines({ account: MEMBER, region: WEST })).toBe(member);
  await member.getPipelineState('myPipeline');
  await member.listPipelineExecutions('myPipeline');
  expect(stsCalls).toEqual(['AssumeRoleCommand']);
  // Acting there: the member's execution, started and stopped through the role.
  const { pipelineExecutionId } = (await aws
    .place(MEMBER, WEST)
    .codePipeline.handle('StartPipelineExecution', { name: 'myPipeline' })) as { pipelineExecutionId: string };
  await member.stopPipelineExecution({
    pipeline: 'myPipeline',
    executionId: String(pipelineExecutionId),
    abandon: true,
    reason: 'test',
  });
  const stopped = await member.getPipelineExecution({
    pipeline: 'myPipeline',
    executionId: String(pipelineExecutionId),
  });
  expect(stopped.status).toMatch(/^Stop/);
  expect(stsCalls).toEqual(['AssumeRoleCommand']);
});

test('credentials five minutes from expiry are replaced: the role is assumed again', async () => {
  await start();
  const places = placesWith();
  const member = places.pipelines({ account: MEMBER, region: WEST });
  await member.getPipelineStageNames('myPipeline');
  expect(stsCalls).toHaveLength(1);
  // 56 minutes on, for the SDK (which compares the expiry with Date) and the local AWS alike.
  const later = Date.now() + 56 * 60_000;
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
  jest.setSystemTime(later);
  clock.advance(56 * 60_000);
  await member.getPipelineState('myPipeline');
  expect(stsCalls).toHaveLength(2);
});

test('a role that does not trust this account: refused with the reason, remembered a minute, nothing read here', async () => {
  await start({ trustedAccounts: ['222222222222'] });
  const places = placesWith();
  const member = places.pipelines({ account: MEMBER, region: WEST });
  const refusal = {
    name: 'PipelineApiError',
    code: 'PipewatchAccountUnreachable',
    message: expect.stringContaining(
      `STS refused to let it assume arn:aws:iam::${MEMBER}:role/${ROLE} (AccessDenied)`,
    ) as unknown,
  };
  await expect(member.getPipelineState('myPipeline')).rejects.toMatchObject(refusal);
  await expect(
    member.retryStageExecution({ pipeline: 'myPipeline', executionId: 'x', stage: 'Build', mode: 'FAILED_ACTIONS' }),
  ).rejects.toMatchObject(refusal);
  expect(stsCalls).toEqual(['AssumeRoleCommand']);
  expect(warnings).toEqual(['member role refused']);
  clock.advance(61_000);
  await expect(member.getPipelineState('myPipeline')).rejects.toMatchObject(refusal);
  expect(stsCalls).toHaveLength(2);
});

test('a role that requires an ExternalId: assumed with it, refused without it', async () => {
  await start({ externalId: 'pw-7f3a' });
  await expect(
    placesWith('pw-7f3a').pipelines({ account: MEMBER, region: WEST }).getPipelineStageNames('myPipeline'),
  ).resolves.toEqual(['Source', 'Build', 'Deploy']);
  await expect(
    placesWith().pipelines({ account: MEMBER, region: WEST }).getPipelineStageNames('myPipeline'),
  ).rejects.toMatchObject({ code: 'PipewatchAccountUnreachable' });
  await expect(
    placesWith('wrong').pipelines({ account: MEMBER, region: WEST }).getPipelineStageNames('myPipeline'),
  ).rejects.toMatchObject({ code: 'PipewatchAccountUnreachable' });
});

test('without member roles, another account is refused as before, and no STS call is made', async () => {
  await start();
  const places = new PipelinePlaces({
    codePipeline: new CodePipelineClient(config()),
    region: aws.region,
    account: HOME,
  });
  await expect(
    places.pipelines({ account: MEMBER, region: WEST }).getPipelineState('myPipeline'),
  ).rejects.toMatchObject({
    message: expect.stringContaining(`pipewatch does not act in account ${MEMBER}`) as unknown,
  });
  expect(places.builds({ account: MEMBER, region: WEST })).toBeUndefined();
  expect(stsCalls).toEqual([]);
  // A started execution in the home account is untouched by any of it.
  const home = new CodePipelineClient(config());
  await expect(home.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }))).resolves.toMatchObject({
    pipelineExecutionId: expect.any(String) as unknown,
  });
  home.destroy();
});
