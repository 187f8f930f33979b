import { loadavg } from 'node:os';
import { compileEventPattern, EventPatternIndex } from '../src/core/patterns';
import { seededRandom } from '../src/local/aws/codepipeline/failure-injection';

/**
 * Pattern-matching throughput: a stream of real-shaped CodePipeline events
 * against 1 to 10,000 subscriptions of the shapes `subscribe` creates, through
 * EventPatternIndex (what the notify path would use locally), with a linear
 * scan of compiled patterns alongside for comparison. Deterministic: a seeded
 * generator, so runs compare.
 */

const PIPELINE_TYPE = 'CodePipeline Pipeline Execution State Change';
const STAGE_TYPE = 'CodePipeline Stage Execution State Change';
const ACTION_TYPE = 'CodePipeline Action Execution State Change';
const ALL_TYPES = [PIPELINE_TYPE, STAGE_TYPE, ACTION_TYPE];

const PIPELINE_STATES = ['STARTED', 'SUCCEEDED', 'FAILED', 'CANCELED', 'SUPERSEDED', 'STOPPING', 'STOPPED', 'RESUMED'];
const STAGE_STATES = ['STARTED', 'SUCCEEDED', 'FAILED', 'CANCELED', 'RESUMED', 'STOPPING', 'STOPPED'];
const ACTION_STATES = ['STARTED', 'SUCCEEDED', 'FAILED', 'CANCELED', 'ABANDONED'];
const STAGES: readonly { stage: string; action: string; category: string; provider: string }[] = [
  { stage: 'Source', action: 'Source', category: 'Source', provider: 'CodeStarSourceConnection' },
  { stage: 'Build', action: 'Build', category: 'Build', provider: 'CodeBuild' },
  { stage: 'Test', action: 'UnitTests', category: 'Test', provider: 'CodeBuild' },
  { stage: 'Approval', action: 'ManualApproval', category: 'Approval', provider: 'Manual' },
  { stage: 'Deploy', action: 'Deploy', category: 'Deploy', provider: 'CodeDeploy' },
  { stage: 'Deploy', action: 'DeployStack', category: 'Deploy', provider: 'CloudFormation' },
];
const TEAMS = ['api', 'web', 'data', 'infra', 'ml', 'mobile', 'billing', 'search', 'auth', 'ops'];
const ENVS = ['dev', 'staging', 'prod', 'perf'];

/** The simulator's seeded PRNG (mulberry32): runs compare. */
export const random = seededRandom;

function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function pipelineNames(count: number): string[] {
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) {
    names.push(`${TEAMS[i % TEAMS.length]}-service${Math.floor(i / TEAMS.length)}-${ENVS[i % ENVS.length]}`);
  }
  return names;
}

export function makeEvents(count: number, names: readonly string[], rand: () => number): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const pipeline = pick(rand, names);
    const region = pick(rand, ['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    const detailType = pick(rand, ALL_TYPES);
    const step = pick(rand, STAGES);
    const detail: Record<string, unknown> = {
      pipeline,
      'execution-id': `${(i * 7919).toString(16).padStart(8, '0')}-1234-5678-abcd-12345678abcd`,
      'start-time': '2024-05-01T10:00:00.000Z',
      version: 1 + (i % 30),
      'pipeline-execution-attempt': 1,
    };
    if (detailType === PIPELINE_TYPE) {
      detail.state = pick(rand, PIPELINE_STATES);
      detail['execution-trigger'] = { 'trigger-type': 'StartPipelineExecution', 'trigger-detail': 'arn:aws:sts::0:x' };
    } else if (detailType === STAGE_TYPE) {
      detail.stage = step.stage;
      detail.state = pick(rand, STAGE_STATES);
    } else {
      detail.stage = step.stage;
      detail.action = step.action;
      detail.state = pick(rand, ACTION_STATES);
      detail.region = region;
      detail.type = { owner: 'AWS', provider: step.provider, category: step.category, version: '1' };
    }
    events.push({
      version: '0',
      id: `event-${i}`,
      'detail-type': detailType,
      source: 'aws.codepipeline',
      account: '123456789012',
      time: '2024-05-01T10:00:00Z',
      region,
      resources: [`arn:aws:codepipeline:${region}:123456789012:${pipeline}`],
      detail,
    });
  }
  return events;
}

/** Subscriptions as `subscribe` creates them: mostly named pipelines, a few prefixes, a few dozen for all pipelines. */
export function makeSubscriptions(count: number, names: readonly string[], rand: () => number): unknown[] {
  const patterns: unknown[] = [];
  const everywhere = Math.min(40, Math.floor(count / 200));
  for (let i = 0; i < count; i++) {
    const pipeline = pick(rand, names);
    const shape = i < everywhere ? -1 : rand();
    if (shape === -1) {
      patterns.push(
        i % 2 === 0
          ? {
              source: ['aws.codepipeline'],
              'detail-type': [ACTION_TYPE],
              detail: { state: ['FAILED'], type: { category: ['Deploy', 'Build'] } },
            }
          : {
              source: ['aws.codepipeline'],
              'detail-type': [PIPELINE_TYPE],
              detail: { state: ['FAILED', 'SUCCEEDED'] },
            },
      );
    } else if (shape < 0.45) {
      patterns.push({
        source: ['aws.codepipeline'],
        'detail-type': [PIPELINE_TYPE],
        detail: { pipeline: [pipeline], state: ['FAILED'] },
      });
    } else if (shape < 0.75) {
      patterns.push({
        source: ['aws.codepipeline'],
        'detail-type': ALL_TYPES,
        detail: { pipeline: rand() < 0.5 ? [pipeline] : [pipeline, pick(rand, names)] },
      });
    } else if (shape < 0.87) {
      const step = pick(rand, STAGES);
      patterns.push({
        source: ['aws.codepipeline'],
        'detail-type': [ACTION_TYPE],
        detail: { pipeline: [pipeline], stage: [step.stage], action: [step.action], state: ['FAILED', 'SUCCEEDED'] },
      });
    } else if (shape < 0.97) {
      patterns.push({
        source: ['aws.codepipeline'],
        'detail-type': [STAGE_TYPE],
        detail: { pipeline: [pipeline], stage: [pick(rand, STAGES).stage] },
      });
    } else {
      patterns.push({
        source: ['aws.codepipeline'],
        'detail-type': [PIPELINE_TYPE],
        detail: { pipeline: [{ prefix: `${pick(rand, TEAMS)}-` }], state: ['FAILED'] },
      });
    }
  }
  return patterns;
}

/** Runs `work` over the events until at least `minMs` has passed; returns events per second and matches per event. */
function measure(events: readonly unknown[], work: (event: unknown) => number, minMs: number) {
  let processed = 0;
  let matched = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  do {
    for (const event of events) matched += work(event);
    processed += events.length;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  } while (elapsedMs < minMs);
  return { perSecond: (processed / elapsedMs) * 1000, matchesPerEvent: matched / processed };
}

function heapUsed(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The median of `runs` measurements: robust to another process taking the core for part of one run. */
function median(runs: number, measureOnce: () => number): number {
  const results: number[] = [];
  for (let i = 0; i < runs; i++) results.push(measureOnce());
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)] ?? 0;
}

const RUNS = 3;

const format = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export async function runPatternBench(): Promise<void> {
  const rand = random(20240501);
  const names = pipelineNames(2000);
  const events = makeEvents(5000, names, rand);
  const rows: string[][] = [];
  const loadBefore = loadavg();

  for (const count of [1, 100, 1000, 10_000]) {
    const patterns = makeSubscriptions(count, names, random(count));
    const build = () => {
      const index = new EventPatternIndex<number>();
      patterns.forEach((pattern, i) => {
        index.add(`s${i}`, pattern, i);
      });
      return index;
    };
    let index = build();
    const buildMs = median(RUNS, () => {
      const buildStart = process.hrtime.bigint();
      index = build();
      return Number(process.hrtime.bigint() - buildStart) / 1e6;
    });
    let matchesPerEvent = 0;
    const indexedPerSecond = median(RUNS, () => {
      const run = measure(events, (event) => index.match(event).length, 1000);
      matchesPerEvent = run.matchesPerEvent;
      return run.perSecond;
    });

    const compiled = patterns.map((pattern) => compileEventPattern(pattern));
    // The scan is only for comparison; keep its run short where it is slow.
    const scan = measure(
      count > 1000 ? events.slice(0, 500) : events,
      (event) => {
        let n = 0;
        for (const pattern of compiled) if (pattern.matches(event)) n++;
        return n;
      },
      count > 1000 ? 300 : 500,
    );
    // A benchmark of wrong answers is worthless: the index must agree with the scan.
    for (const event of events.slice(0, count > 1000 ? 50 : 200)) {
      const expected = compiled.flatMap((pattern, i) => (pattern.matches(event) ? [i] : []));
      if (JSON.stringify(index.match(event)) !== JSON.stringify(expected)) {
        throw new Error(`index and scan disagree at ${count} subscriptions`);
      }
    }
    rows.push([
      format(count),
      format(buildMs, 1),
      format(indexedPerSecond),
      format(scan.perSecond),
      format(matchesPerEvent, 2),
    ]);
  }

  const header = ['subscriptions', 'index build ms', 'events/s (index)', 'events/s (scan)', 'matches/event'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ');
  console.log(
    `Event-pattern matching: ${format(events.length)} CodePipeline events, ${format(names.length)} pipelines`,
  );
  console.log(
    `Index build and events/s (index): median of ${RUNS} runs (each events/s run >= 1 s); scan: one run. ` +
      `Load average at start ${loadBefore.map((n) => n.toFixed(2)).join(', ')}, at end ${loadavg()
        .map((n) => n.toFixed(2))
        .join(', ')}.`,
  );
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));

  const patterns = makeSubscriptions(10_000, names, random(10_000));
  const before = heapUsed();
  if (before === undefined) {
    console.log('Heap: run with --expose-gc (npm run bench does) to measure memory.');
    return;
  }
  const compiled = patterns.map((pattern) => compileEventPattern(pattern));
  const afterCompiled = heapUsed() ?? before;
  const index = new EventPatternIndex<number>();
  patterns.forEach((pattern, i) => {
    index.add(`s${i}`, pattern, i);
  });
  const afterIndex = heapUsed() ?? afterCompiled;
  const mb = (bytes: number) => `${format(bytes / 1024 / 1024, 1)} MB`;
  console.log(`Heap, 10,000 subscriptions compiled one by one: ${mb(afterCompiled - before)}`);
  console.log(
    `Heap, EventPatternIndex of the same 10,000 (${format(index.layout().distinct)} distinct patterns): ${mb(afterIndex - afterCompiled)}`,
  );
  // Keep both alive until measured.
  if (compiled.length + index.size === 0) console.log('');
}
