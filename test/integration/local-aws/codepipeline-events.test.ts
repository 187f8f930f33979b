import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type PipelineEvent, parsePipelineEvent } from '../../../src/core/events';
import { ManualClock } from '../../../src/local/aws/clock';
import { seededRandom } from '../../../src/local/aws/codepipeline/failure-injection';
import {
  LocalCodePipeline,
  type LocalCodePipelineOptions,
  SAMPLE_PIPELINES_FILE,
} from '../../../src/local/aws/codepipeline/local-codepipeline';

/*
 * Event-level tests at the simulator's own seam: the simulator is built with an `emit` that
 * captures entries (the local EventBridge is not in this suite), and driven through `handle`,
 * the same entry point the HTTP server calls. The API over HTTP with the SDK is tested in
 * codepipeline-api.test.ts.
 */

const REGION = 'us-west-2';
const ACCOUNT = '123456789012';

interface Harness {
  sim: LocalCodePipeline;
  clock: ManualClock;
  entries: PutEventsRequestEntry[];
  /** Every emitted entry as EventBridge delivers it, parsed by the core parser. */
  events(): PipelineEvent[];
  /** (level, stage, action, state) of each event, optionally of one execution. */
  seq(executionId?: string): string[][];
  call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T>;
  start(pipeline?: string): Promise<string>;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function harness(options: Partial<LocalCodePipelineOptions> = {}, clock = new ManualClock()): Harness {
  const entries: PutEventsRequestEntry[] = [];
  const sim = new LocalCodePipeline({
    region: REGION,
    accountId: ACCOUNT,
    clock,
    emit: (batch) => entries.push(...batch),
    ...options,
  });
  cleanups.push(() => sim.close());
  if (options.dataDir === undefined) sim.loadDefinitions(SAMPLE_PIPELINES_FILE);
  const events = () => entries.map((entry) => parsePipelineEvent(envelope(entry)));
  return {
    sim,
    clock,
    entries,
    events,
    seq: (executionId) =>
      events()
        .filter((e) => executionId === undefined || e.executionId === executionId)
        .map((e) => [e.level, e.level === 'pipeline' ? '' : e.stage, e.level === 'action' ? e.action : '', e.state]),
    call: async <T>(operation: string, input: Record<string, unknown>) => (await sim.handle(operation, input)) as T,
    async start(pipeline = 'myPipeline') {
      const out = (await sim.handle('StartPipelineExecution', { name: pipeline })) as { pipelineExecutionId: string };
      return out.pipelineExecutionId;
    },
  };
}

/** What EventBridge makes of a PutEvents entry. */
function envelope(entry: PutEventsRequestEntry) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: ACCOUNT,
    time: (entry.Time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: entry.Resources,
    detail: JSON.parse(entry.Detail ?? '{}'),
  };
}

function details(h: Harness): Record<string, unknown>[] {
  return h.entries.map((e) => JSON.parse(e.Detail ?? '{}') as Record<string, unknown>);
}

async function approvalToken(h: Harness, pipeline = 'myPipeline', stage = 'Approval'): Promise<string> {
  const state = await h.call<{
    stageStates: { stageName: string; actionStates: { latestExecution?: { token?: string } }[] }[];
  }>('GetPipelineState', { name: pipeline });
  const token = state.stageStates.find((s) => s.stageName === stage)?.actionStates[0]?.latestExecution?.token;
  if (token === undefined) throw new Error('no approval token');
  return token;
}

function approve(h: Harness, token: string, status: 'Approved' | 'Rejected' = 'Approved') {
  return h.call('PutApprovalResult', {
    pipelineName: 'myPipeline',
    stageName: 'Approval',
    actionName: 'Approval',
    token,
    result: { status, summary: `${status} by tester` },
  });
}

const FULL_RUN = [
  ['pipeline', '', '', 'STARTED'],
  ['stage', 'Source', '', 'STARTED'],
  ['action', 'Source', 'Source', 'STARTED'],
  ['action', 'Source', 'Source', 'SUCCEEDED'],
  ['stage', 'Source', '', 'SUCCEEDED'],
  ['stage', 'Build', '', 'STARTED'],
  ['action', 'Build', 'Build', 'STARTED'],
  ['action', 'Build', 'Build', 'SUCCEEDED'],
  ['stage', 'Build', '', 'SUCCEEDED'],
  ['stage', 'Approval', '', 'STARTED'],
  ['action', 'Approval', 'Approval', 'STARTED'],
  ['action', 'Approval', 'Approval', 'SUCCEEDED'],
  ['stage', 'Approval', '', 'SUCCEEDED'],
  ['stage', 'Prod', '', 'STARTED'],
  ['action', 'Prod', 'Deploy', 'STARTED'],
  ['action', 'Prod', 'Deploy', 'SUCCEEDED'],
  ['stage', 'Prod', '', 'SUCCEEDED'],
  ['pipeline', '', '', 'SUCCEEDED'],
];

describe('CodePipeline simulator events', () => {
  test('a full run emits the documented sequence, and every event parses with real fields', async () => {
    const h = harness();
    const id = await h.start();
    h.clock.advance(65_000); // Source 5 s + Build 60 s
    expect(h.seq().at(-1)).toEqual(['action', 'Approval', 'Approval', 'STARTED']);
    await approve(h, await approvalToken(h));
    h.clock.advance(90_000);
    expect(h.seq()).toEqual(FULL_RUN);

    const events = h.events();
    for (const event of events) {
      expect(event).toMatchObject({
        source: 'aws.codepipeline',
        executionId: id,
        pipeline: 'myPipeline',
        pipelineArn: `arn:aws:codepipeline:${REGION}:${ACCOUNT}:myPipeline`,
        pipelineVersion: 1,
        executionAttempt: 1,
        startTime: '2026-01-01T00:00:00.000Z',
        stateKnown: true,
      });
    }
    const started = events[0];
    expect(started?.level === 'pipeline' && started.trigger).toEqual({
      type: 'StartPipelineExecution',
      detail: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/local-user`,
    });
    // Times come from the clock: the build ends 65 s after the start.
    expect(events[7]?.time).toBe('2026-01-01T00:01:05Z');
    const buildDone = events[7];
    if (buildDone?.level !== 'action') throw new Error('expected an action event');
    expect(buildDone.actionType).toEqual({ owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: '1' });
    expect(buildDone.actionExecutionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(buildDone.actionRegion).toBe(REGION);
    expect(buildDone.inputArtifacts.map((a) => a.name)).toEqual(['SourceArtifact']);
    expect(buildDone.outputArtifacts[0]).toMatchObject({
      name: 'BuildArtifact',
      s3Location: {
        bucket: `codepipeline-${REGION}-${ACCOUNT}`,
        key: expect.stringMatching(/^myPipeline\/BuildArtif\//),
      },
    });
    expect(buildDone.executionResult?.externalExecutionUrl).toMatch(
      /^https:\/\/console\.aws\.amazon\.com\/codebuild\/home\?region=us-west-2#\/builds\/my-build%3A/,
    );
    // The Build action reads the artifact the Source action wrote.
    const sourceDone = events[3];
    if (sourceDone?.level !== 'action') throw new Error('expected an action event');
    expect(buildDone.inputArtifacts[0]?.s3Location).toEqual(sourceDone.outputArtifacts[0]?.s3Location);
    // The approval token never appears in an event.
    expect(h.entries.map((e) => e.Detail).join('')).not.toMatch(/token/i);
    // Pipeline-level events carry no result or reason.
    const pipelineDetails = details(h).filter((d) => d.stage === undefined);
    for (const d of pipelineDetails)
      expect(Object.keys(d).sort()).toEqual([
        'execution-id',
        'execution-trigger',
        'pipeline',
        'pipeline-execution-attempt',
        'start-time',
        'state',
        'version',
      ]);
  });

  test('a failing CodeBuild action: action, stage and pipeline FAILED; the action links to the build log', async () => {
    const h = harness();
    h.sim.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once' });
    const id = await h.start();
    h.clock.advance(65_000);
    expect(h.seq(id).slice(-3)).toEqual([
      ['action', 'Build', 'Build', 'FAILED'],
      ['stage', 'Build', '', 'FAILED'],
      ['pipeline', '', '', 'FAILED'],
    ]);
    const failed = h.events().at(-3);
    if (failed?.level !== 'action') throw new Error('expected an action event');
    expect(failed.executionResult).toMatchObject({
      errorCode: 'JobFailed',
      summary: { text: 'Build terminated with state: FAILED' },
      externalExecutionId: expect.stringMatching(/^my-build:/),
      externalExecutionUrl: expect.stringContaining('/codebuild/home?region=us-west-2#/builds/my-build%3A'),
    });
    expect(details(h).at(-1)).not.toHaveProperty('execution-result');
  });

  test('RetryStageExecution FAILED_ACTIONS: RESUMED events, attempt 2, stage-last-retry-attempt-time', async () => {
    const h = harness();
    h.sim.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once' });
    const id = await h.start();
    h.clock.advance(65_000);
    const before = h.entries.length;
    h.clock.advance(10_000);
    await h.call('RetryStageExecution', {
      pipelineName: 'myPipeline',
      stageName: 'Build',
      pipelineExecutionId: id,
      retryMode: 'FAILED_ACTIONS',
    });
    h.clock.advance(60_000);
    const after = h.events().slice(before);
    expect(after.map((e) => [e.level, e.state])).toEqual([
      ['pipeline', 'RESUMED'],
      ['stage', 'RESUMED'],
      ['action', 'STARTED'],
      ['action', 'SUCCEEDED'],
      ['stage', 'SUCCEEDED'],
      ['stage', 'STARTED'],
      ['action', 'STARTED'],
    ]);
    for (const event of after) expect(event.executionAttempt).toBe(2);
    const resumedStage = after[1];
    expect(resumedStage?.level === 'stage' && resumedStage.stageLastRetryAttemptTime).toBe('2026-01-01T00:01:15.000Z');
    // The retried Build action is a new action execution.
    const firstRun = h.events().find((e) => e.level === 'action' && e.stage === 'Build');
    const retried = after[2];
    if (firstRun?.level !== 'action' || retried?.level !== 'action') throw new Error('expected action events');
    expect(retried.actionExecutionId).not.toBe(firstRun.actionExecutionId);
  });

  test('parallel actions: a failed stage keeps its running action; ALL_ACTIONS waits for it, then reruns all', async () => {
    const h = harness();
    h.sim.injectFailure('web-service', 'Test', 'Lint', { mode: 'once', summary: 'lint errors' });
    const id = await h.start('web-service');
    h.clock.advance(3_000 + 20_000); // Source, then Lint (20 s) fails while UnitTests (30 s) runs
    expect(h.seq(id).slice(-5)).toEqual([
      ['action', 'Test', 'UnitTests', 'STARTED'],
      ['action', 'Test', 'Lint', 'STARTED'],
      ['action', 'Test', 'Lint', 'FAILED'],
      ['stage', 'Test', '', 'FAILED'],
      ['pipeline', '', '', 'FAILED'],
    ]);
    const retry = (retryMode: string) =>
      h.call('RetryStageExecution', {
        pipelineName: 'web-service',
        stageName: 'Test',
        pipelineExecutionId: id,
        retryMode,
      });
    await expect(retry('ALL_ACTIONS')).rejects.toMatchObject({ type: 'StageNotRetryableException' });
    h.clock.advance(10_000);
    expect(h.seq(id).at(-1)).toEqual(['action', 'Test', 'UnitTests', 'SUCCEEDED']);
    const before = h.entries.length;
    await retry('ALL_ACTIONS');
    h.clock.advance(30_000 + 40_000);
    expect(h.seq(id).slice(before - h.entries.length)).toEqual([
      ['pipeline', '', '', 'RESUMED'],
      ['stage', 'Test', '', 'RESUMED'],
      ['action', 'Test', 'UnitTests', 'STARTED'],
      ['action', 'Test', 'Lint', 'STARTED'],
      ['action', 'Test', 'Lint', 'SUCCEEDED'],
      ['action', 'Test', 'UnitTests', 'SUCCEEDED'],
      ['action', 'Test', 'Package', 'STARTED'],
      ['action', 'Test', 'Package', 'SUCCEEDED'],
      ['stage', 'Test', '', 'SUCCEEDED'],
      ['stage', 'Staging', '', 'STARTED'],
      ['action', 'Staging', 'Deploy', 'STARTED'],
    ]);
  });

  test('approval rejected: action FAILED with the summary, stage and pipeline FAILED', async () => {
    const h = harness();
    const id = await h.start();
    h.clock.advance(65_000);
    await approve(h, await approvalToken(h), 'Rejected');
    expect(h.seq(id).slice(-3)).toEqual([
      ['action', 'Approval', 'Approval', 'FAILED'],
      ['stage', 'Approval', '', 'FAILED'],
      ['pipeline', '', '', 'FAILED'],
    ]);
    const rejected = h.events().at(-3);
    expect(rejected?.level === 'action' && rejected.executionResult?.summary?.text).toBe('Rejected by tester');
  });

  test('an unanswered approval fails when it expires (7 days by default)', async () => {
    const h = harness();
    const id = await h.start();
    h.clock.advance(65_000);
    h.clock.advance(7 * 24 * 3600 * 1000 - 1);
    expect(h.seq(id).at(-1)).toEqual(['action', 'Approval', 'Approval', 'STARTED']);
    h.clock.advance(1);
    expect(h.seq(id).slice(-3)).toEqual([
      ['action', 'Approval', 'Approval', 'FAILED'],
      ['stage', 'Approval', '', 'FAILED'],
      ['pipeline', '', '', 'FAILED'],
    ]);
  });

  test('stop without abandon: STOPPING, the running action finishes, then STOPPED', async () => {
    const h = harness();
    const id = await h.start();
    h.clock.advance(10_000);
    await h.call('StopPipelineExecution', {
      pipelineName: 'myPipeline',
      pipelineExecutionId: id,
      reason: 'release freeze',
    });
    expect(h.seq(id).slice(-2)).toEqual([
      ['pipeline', '', '', 'STOPPING'],
      ['stage', 'Build', '', 'STOPPING'],
    ]);
    const stopping = h.events().at(-2);
    expect(stopping?.level === 'pipeline' && stopping.stopExecutionComments).toBe('release freeze');
    h.clock.advance(55_000);
    expect(h.seq(id).slice(-3)).toEqual([
      ['action', 'Build', 'Build', 'SUCCEEDED'],
      ['stage', 'Build', '', 'STOPPED'],
      ['pipeline', '', '', 'STOPPED'],
    ]);
    h.clock.runAll();
    expect(h.seq(id).at(-1)).toEqual(['pipeline', '', '', 'STOPPED']);
  });

  test('stop and abandon: the running action is ABANDONED at once', async () => {
    const h = harness();
    const id = await h.start();
    h.clock.advance(10_000);
    await h.call('StopPipelineExecution', { pipelineName: 'myPipeline', pipelineExecutionId: id, abandon: true });
    expect(h.seq(id).slice(-5)).toEqual([
      ['pipeline', '', '', 'STOPPING'],
      ['stage', 'Build', '', 'STOPPING'],
      ['action', 'Build', 'Build', 'ABANDONED'],
      ['stage', 'Build', '', 'STOPPED'],
      ['pipeline', '', '', 'STOPPED'],
    ]);
    const count = h.entries.length;
    h.clock.runAll();
    expect(h.entries).toHaveLength(count);
  });

  test('SUPERSEDED: a newer execution overtakes one waiting at a stage boundary', async () => {
    const h = harness();
    const a = await h.start(); // in Build from 5 s to 65 s
    h.clock.advance(6_000);
    const b = await h.start(); // Source done at 11 s, then waits for Build
    h.clock.advance(6_000);
    const c = await h.start(); // Source done at 17 s: B is superseded, C waits
    h.clock.advance(5_000);
    expect(h.seq(b)).toEqual([
      ['pipeline', '', '', 'STARTED'],
      ['stage', 'Source', '', 'STARTED'],
      ['action', 'Source', 'Source', 'STARTED'],
      ['action', 'Source', 'Source', 'SUCCEEDED'],
      ['stage', 'Source', '', 'SUCCEEDED'],
      ['pipeline', '', '', 'SUPERSEDED'],
    ]);
    const state = await h.call<{
      stageStates: { stageName: string; inboundExecution?: { pipelineExecutionId: string } }[];
    }>('GetPipelineState', { name: 'myPipeline' });
    expect(state.stageStates[1]?.inboundExecution?.pipelineExecutionId).toBe(c);
    h.clock.advance(65_000 - 17_000);
    expect(h.seq(c).slice(-2)).toEqual([
      ['stage', 'Build', '', 'STARTED'],
      ['action', 'Build', 'Build', 'STARTED'],
    ]);
    expect(h.seq(a).at(-1)).toEqual(['action', 'Approval', 'Approval', 'STARTED']);
  });

  test('redefining a pipeline cancels its running executions (CANCELED) and bumps the version', async () => {
    const h = harness();
    const id = await h.start();
    h.clock.advance(10_000);
    h.sim.definePipelines({
      pipelines: [
        {
          name: 'myPipeline',
          stages: [
            { name: 'Source', actions: [{ name: 'Source', category: 'Source' }] },
            { name: 'Build', actions: [{ name: 'Build', category: 'Build', durationSeconds: 1 }] },
          ],
        },
      ],
    });
    expect(h.seq(id).slice(-3)).toEqual([
      ['action', 'Build', 'Build', 'CANCELED'],
      ['stage', 'Build', '', 'CANCELED'],
      ['pipeline', '', '', 'CANCELED'],
    ]);
    const next = await h.start();
    expect(h.events().at(-1)?.pipelineVersion).toBe(2);
    h.clock.runAll();
    expect(h.seq(next).at(-1)).toEqual(['pipeline', '', '', 'SUCCEEDED']);
    // Loading the same definitions again changes nothing.
    h.sim.loadDefinitions(SAMPLE_PIPELINES_FILE);
    h.sim.loadDefinitions(SAMPLE_PIPELINES_FILE);
    const pipeline = await h.call<{ pipeline: { version: number } }>('GetPipeline', { name: 'myPipeline' });
    expect(pipeline.pipeline.version).toBe(3);
  });

  test('failure injection: always, once, probability (seeded), clearFailures', async () => {
    const outcome = async (h: Harness, pipeline = 'nightly-data') => {
      const id = await h.start(pipeline);
      h.clock.runAll();
      return h.seq(id).at(-1)?.[3];
    };
    const h = harness({ random: seededRandom(7) });
    h.sim.injectFailure('nightly-data', 'Transform', 'Transform', { mode: 'always', errorCode: 'ThrottlingError' });
    expect([await outcome(h), await outcome(h)]).toEqual(['FAILED', 'FAILED']);
    const failed = h.events().find((e) => e.level === 'action' && e.state === 'FAILED');
    expect(failed?.level === 'action' && failed.executionResult?.errorCode).toBe('ThrottlingError');
    h.sim.clearFailures('nightly-data');
    expect(await outcome(h)).toBe('SUCCEEDED');
    h.sim.injectFailure('nightly-data', 'Transform', 'Transform', { mode: 'once' });
    expect([await outcome(h), await outcome(h)]).toEqual(['FAILED', 'SUCCEEDED']);

    h.sim.injectFailure('nightly-data', 'Transform', 'Transform', { mode: 'probability', probability: 0.5 });
    const runs: string[] = [];
    for (let i = 0; i < 12; i++) runs.push((await outcome(h)) ?? '');
    const draws = seededRandom(7);
    expect(runs).toEqual(Array.from({ length: 12 }, () => (draws() < 0.5 ? 'FAILED' : 'SUCCEEDED')));
    expect(new Set(runs)).toEqual(new Set(['FAILED', 'SUCCEEDED']));
    h.sim.clearFailures();
    expect(await outcome(h)).toBe('SUCCEEDED');
    expect(() => h.sim.injectFailure('p', 's', 'a', { mode: 'probability', probability: 2 })).toThrow(
      /between 0 and 1/,
    );
  });

  test('persistence: a restart with the same data directory restores executions and resumes their timers', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pipewatch-codepipeline-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const clock = new ManualClock();
    const first = harness({ dataDir }, clock);
    first.sim.loadDefinitions(SAMPLE_PIPELINES_FILE);
    const id = await first.start();
    clock.advance(30_000); // half-way through Build
    first.sim.close();

    const second = harness({ dataDir }, clock);
    const state = await second.call<{
      stageStates: { stageName: string; latestExecution?: { pipelineExecutionId: string; status: string } }[];
    }>('GetPipelineState', { name: 'myPipeline' });
    expect(state.stageStates[1]).toMatchObject({
      stageName: 'Build',
      latestExecution: { pipelineExecutionId: id, status: 'InProgress' },
    });
    expect(second.entries).toHaveLength(0); // nothing is re-emitted on restore
    clock.advance(35_000);
    expect(second.seq(id)).toEqual(FULL_RUN.slice(7, 11));
    expect(second.events()[0]?.time).toBe('2026-01-01T00:01:05Z');
  });
});
