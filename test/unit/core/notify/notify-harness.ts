import type { PipelineEvent } from '../../../../src/core/events';
import { type ExecutionState, mergeEvent } from '../../../../src/core/executions';
import type { AlertMessage } from '../../../../src/core/messages';
import {
  ChatDeliveryError,
  ConversationContentionError,
  type NotifyDeps,
  type NotifyOutcome,
  notifyEvent,
  RenderPendingError,
} from '../../../../src/core/notify';
import type { ConversationKey } from '../../../../src/core/ports';
import type { ChannelRef } from '../../../../src/core/subscriptions';
import { InMemoryChat } from '../../../helpers/in-memory-chat';
import { InMemoryConversationStore } from '../../../helpers/in-memory-conversation-store';
import { InMemoryPipelineClient } from '../../../helpers/in-memory-pipeline-client';
import { MemoryLog } from '../../../helpers/memory-log';
import { type EventSpec, EXECUTION_ID, PIPELINE, rawPipelineEvent } from '../executions/execution-events';

export const CHANNEL: ChannelRef = { platform: 'slack', workspace: 'T0001', channel: 'C0001' };
export const RULE = 'pw-abc-sub1';
export const KEY: ConversationKey = { channel: CHANNEL, pipeline: PIPELINE, executionId: EXECUTION_ID };

/** The raw event of a spec, as pipelineEvent (execution-events.ts) parses it. */
export const rawEvent = rawPipelineEvent;

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

export function harness(
  options: { yieldPoint?: () => Promise<unknown>; pipelines?: InMemoryPipelineClient; canFindPosts?: boolean } = {},
) {
  const store = new InMemoryConversationStore({ yieldPoint: options.yieldPoint });
  const chat = new InMemoryChat(options.yieldPoint, { canFindPosts: options.canFindPosts ?? true });
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
          error instanceof RenderPendingError ||
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

/** What a message shows: all of it but the newest event's id and time ("updated at"). */
export function shows(message: AlertMessage | undefined): unknown {
  if (message === undefined) return undefined;
  const { eventId: _eventId, time: _time, ...rest } = message;
  return rest;
}
