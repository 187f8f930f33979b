import { DETAIL_TYPES, type PipelineEvent } from '../../../../src/core/events';
import { type ExecutionState, mergeEvent } from '../../../../src/core/executions';
import {
  ChatDeliveryError,
  ConversationContentionError,
  type NotifyDeps,
  type NotifyOutcome,
  notifyEvent,
} from '../../../../src/core/notify';
import type { ConversationKey } from '../../../../src/core/ports';
import type { ChannelRef } from '../../../../src/core/subscriptions';
import { InMemoryChat } from '../../../helpers/in-memory-chat';
import { InMemoryConversationStore } from '../../../helpers/in-memory-conversation-store';
import { InMemoryPipelineClient } from '../../../helpers/in-memory-pipeline-client';
import { MemoryLog } from '../../../helpers/memory-log';
import { type EventSpec, EXECUTION_ID, PIPELINE, timeAt } from '../executions/execution-events';

export const CHANNEL: ChannelRef = { platform: 'slack', workspace: 'T0001', channel: 'C0001' };
export const RULE = 'pw-abc-sub1';
export const KEY: ConversationKey = { channel: CHANNEL, pipeline: PIPELINE, executionId: EXECUTION_ID };

/** The raw EventBridge event of a spec, as pipelineEvent (execution-events.ts) builds it before parsing. */
export function rawEvent(spec: EventSpec): unknown {
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
    const category = spec.category ?? 'Build';
    detail.action = spec.action ?? 'Build';
    detail.region = 'us-west-2';
    detail.type = { owner: 'AWS', provider: PROVIDERS[category] ?? 'Custom', category, version: '1' };
    const result: Record<string, string> = {};
    if (spec.summary !== undefined) result['external-execution-summary'] = spec.summary;
    if (spec.url !== undefined) result['external-execution-url'] = spec.url;
    if (spec.errorCode !== undefined) result['error-code'] = spec.errorCode;
    if (Object.keys(result).length > 0) detail['execution-result'] = result;
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

const PROVIDERS: Readonly<Record<string, string>> = {
  Source: 'CodeStarSourceConnection',
  Build: 'CodeBuild',
  Approval: 'Manual',
  Deploy: 'CodeDeploy',
};

export interface Harness {
  store: InMemoryConversationStore;
  chat: InMemoryChat;
  pipelines: InMemoryPipelineClient;
  log: MemoryLog;
  deps: NotifyDeps;
  /** One delivery of a raw event (or of anything, to test malformed input). */
  notify(event: unknown): Promise<NotifyOutcome>;
  /** As EventBridge delivers: again after a transient failure (a throw), until it returns. */
  deliver(spec: EventSpec): Promise<NotifyOutcome>;
}

export function harness(options: { yieldPoint?: () => Promise<unknown>; pipelines?: InMemoryPipelineClient } = {}) {
  const store = new InMemoryConversationStore({ yieldPoint: options.yieldPoint });
  const chat = new InMemoryChat(options.yieldPoint);
  // No pipeline by default: the failure-details lookup fails (logged), so states are a function of the events.
  const pipelines = options.pipelines ?? new InMemoryPipelineClient();
  const log = new MemoryLog();
  let owners = 0;
  const deps: NotifyDeps = {
    conversations: store,
    chat,
    pipelines,
    log,
    now: () => 0,
    random: () => 0.5,
    sleep: async () => {
      await options.yieldPoint?.();
    },
    newOwner: () => `owner-${++owners}`,
  };
  const notify = (event: unknown) => notifyEvent({ rule: RULE, channel: CHANNEL, event }, deps);
  const deliver = async (spec: EventSpec) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await notify(rawEvent(spec));
      } catch (error) {
        const transient =
          error instanceof ConversationContentionError ||
          (error instanceof ChatDeliveryError && error.kind === 'transient');
        if (!transient || attempt >= 50) throw error;
      }
    }
  };
  return { store, chat, pipelines, log, deps, notify, deliver } satisfies Harness;
}

export function fold(events: readonly PipelineEvent[]): ExecutionState | undefined {
  return events.reduce<ExecutionState | undefined>(mergeEvent, undefined);
}

/** A state without what depends on how it was stored. */
export function content(state: ExecutionState | undefined): unknown {
  if (state === undefined) return undefined;
  const { version: _version, fetchedFailure: _fetched, ...rest } = state;
  return rest;
}
