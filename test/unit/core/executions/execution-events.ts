import { DETAIL_TYPES, type Level, type PipelineEvent, parsePipelineEvent } from '../../../../src/core/events';

export const PIPELINE = 'myPipeline';
export const EXECUTION_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

export interface EventSpec {
  readonly level: Level;
  readonly state: string;
  /** Seconds after 2024-05-01T10:00:00Z. */
  readonly at: number;
  readonly id: string;
  readonly stage?: string;
  readonly action?: string;
  readonly category?: string;
  readonly attempt?: number;
  readonly summary?: string;
  readonly url?: string;
  readonly errorCode?: string;
  readonly retryAt?: number;
  readonly trigger?: Record<string, string>;
  /** Sends it as CodeStar Notifications do, with these `additionalAttributes`. */
  readonly codestar?: Record<string, unknown>;
}

export function timeAt(seconds: number): string {
  return new Date(Date.UTC(2024, 4, 1, 10, 0, 0) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** A real-shaped EventBridge event, parsed by the production parser. */
export function pipelineEvent(spec: EventSpec): PipelineEvent {
  return parsePipelineEvent(rawPipelineEvent(spec));
}

/** The same event as it arrives, before parsing (EventBridge, or CodeStar Notifications with `codestar`). */
export function rawPipelineEvent(spec: EventSpec): Record<string, unknown> {
  const detail: Record<string, unknown> = {
    pipeline: PIPELINE,
    'execution-id': EXECUTION_ID,
    'start-time': '2024-05-01T09:59:59.123Z',
    state: spec.state,
    version: 3,
  };
  if (spec.attempt !== undefined) detail['pipeline-execution-attempt'] = spec.attempt;
  if (spec.trigger) detail['execution-trigger'] = spec.trigger;
  if (spec.level !== 'pipeline') detail.stage = spec.stage ?? 'Build';
  if (spec.retryAt !== undefined) detail['stage-last-retry-attempt-time'] = timeAt(spec.retryAt);
  if (spec.level === 'action') {
    detail.action = spec.action ?? 'Build';
    detail.region = 'us-west-2';
    detail.type = {
      owner: 'AWS',
      provider: providerOf(spec.category ?? 'Build'),
      category: spec.category ?? 'Build',
      version: '1',
    };
    const result: Record<string, string> = {};
    if (spec.summary !== undefined) result['external-execution-summary'] = spec.summary;
    if (spec.url !== undefined) result['external-execution-url'] = spec.url;
    if (spec.errorCode !== undefined) result['error-code'] = spec.errorCode;
    if (Object.keys(result).length > 0) detail['execution-result'] = result;
  }
  if (spec.codestar !== undefined) {
    // No `id` in this envelope: the parser derives one from the content.
    return {
      detailType: DETAIL_TYPES[spec.level],
      source: 'aws.codepipeline',
      account: '123456789012',
      time: timeAt(spec.at),
      region: 'us-west-2',
      notificationRuleArn: 'arn:aws:codestar-notifications:us-west-2:123456789012:notificationrule/abc',
      resources: [`arn:aws:codepipeline:us-west-2:123456789012:${PIPELINE}`],
      additionalAttributes: spec.codestar,
      detail,
    };
  }
  return {
    version: '0',
    id: spec.id,
    'detail-type': DETAIL_TYPES[spec.level],
    source: 'aws.codepipeline',
    account: '123456789012',
    time: timeAt(spec.at),
    region: 'us-west-2',
    resources: [`arn:aws:codepipeline:us-west-2:123456789012:${PIPELINE}`],
    detail,
  };
}

function providerOf(category: string): string {
  return (
    { Source: 'CodeStarSourceConnection', Build: 'CodeBuild', Approval: 'Manual', Deploy: 'CodeDeploy' }[category] ??
    'Custom'
  );
}

let counter = 0;
function spec(level: Level, state: string, at: number, rest: Partial<EventSpec> = {}): EventSpec {
  counter += 1;
  return { level, state, at, id: `ev-${String(counter).padStart(3, '0')}`, ...rest };
}

const BUILD_URL = 'https://us-west-2.console.aws.amazon.com/codesuite/codebuild/projects/app/build/app:1/log';

/**
 * A whole execution: Source succeeds; Build fails, is retried (attempt 2) and
 * succeeds; Approval waits and is approved; Prod deploys. Many events share a
 * second, as they do in EventBridge, so ties are exercised.
 */
export function retriedExecutionSpecs(): EventSpec[] {
  counter = 0;
  const trigger = {
    'commit-id': 'a'.repeat(40),
    'commit-message': 'Fix the build\n\nbody',
    'branch-name': 'main',
    'author-display-name': 'Mary',
  };
  return [
    spec('pipeline', 'STARTED', 0, { attempt: 1, trigger }),
    spec('stage', 'STARTED', 0, { stage: 'Source', attempt: 1 }),
    spec('action', 'STARTED', 0, { stage: 'Source', action: 'Source', category: 'Source', attempt: 1 }),
    spec('action', 'SUCCEEDED', 1, {
      stage: 'Source',
      action: 'Source',
      category: 'Source',
      attempt: 1,
      summary: 'Fix the build',
    }),
    spec('stage', 'SUCCEEDED', 1, { stage: 'Source', attempt: 1 }),
    spec('stage', 'STARTED', 1, { stage: 'Build', attempt: 1 }),
    spec('action', 'STARTED', 1, { stage: 'Build', action: 'Build', attempt: 1 }),
    spec('action', 'FAILED', 5, {
      stage: 'Build',
      action: 'Build',
      attempt: 1,
      summary: 'Build terminated with state: FAILED',
      errorCode: 'JobFailed',
      url: BUILD_URL,
    }),
    spec('stage', 'FAILED', 5, { stage: 'Build', attempt: 1 }),
    spec('pipeline', 'FAILED', 5, { attempt: 1 }),
    // Retry: the stage resumes in the second it failed (automatic retry on failure can be that fast).
    spec('pipeline', 'RESUMED', 9, { attempt: 2 }),
    spec('stage', 'RESUMED', 5, { stage: 'Build', attempt: 2, retryAt: 5 }),
    spec('action', 'STARTED', 9, { stage: 'Build', action: 'Build', attempt: 2 }),
    spec('action', 'SUCCEEDED', 14, { stage: 'Build', action: 'Build', attempt: 2, summary: 'Build succeeded' }),
    spec('stage', 'SUCCEEDED', 14, { stage: 'Build', attempt: 2 }),
    spec('stage', 'STARTED', 14, { stage: 'Approval', attempt: 2 }),
    spec('action', 'STARTED', 14, { stage: 'Approval', action: 'ManualApproval', category: 'Approval', attempt: 2 }),
    spec('action', 'SUCCEEDED', 20, { stage: 'Approval', action: 'ManualApproval', category: 'Approval', attempt: 2 }),
    spec('stage', 'SUCCEEDED', 20, { stage: 'Approval', attempt: 2 }),
    spec('stage', 'STARTED', 20, { stage: 'Prod', attempt: 2 }),
    spec('action', 'STARTED', 20, { stage: 'Prod', action: 'Deploy', category: 'Deploy', attempt: 2 }),
    spec('action', 'SUCCEEDED', 31, { stage: 'Prod', action: 'Deploy', category: 'Deploy', attempt: 2 }),
    spec('stage', 'SUCCEEDED', 31, { stage: 'Prod', attempt: 2 }),
    spec('pipeline', 'SUCCEEDED', 31, { attempt: 2 }),
  ];
}

export const STAGE_ORDER = ['Source', 'Build', 'Approval', 'Prod'] as const;

/** The events of retriedExecutionSpecs, up to and including the one with `lastId`. */
export function eventsUntil(lastId: string): PipelineEvent[] {
  const specs = retriedExecutionSpecs();
  const end = specs.findIndex((s) => s.id === lastId);
  if (end === -1) throw new Error(`no event ${lastId}`);
  return specs.slice(0, end + 1).map(pipelineEvent);
}
