// (core) the commands a person can type, as data: subscribe, unsubscribe, list, status, run, help
import type { Subscription } from '../subscriptions';

export type CommandName = 'subscribe' | 'unsubscribe' | 'list' | 'status' | 'run' | 'snooze' | 'unsnooze' | 'help';

/**
 * What `unsubscribe` points at. One word of letters and digits is read as an id first; it may
 * also be a pipeline's name (`unsubscribe myPipeline`), which the handler tries next.
 */
export type UnsubscribeTarget =
  | { kind: 'all' }
  | { kind: 'id'; id: string; orSubscription?: Subscription }
  | { kind: 'subscription'; subscription: Subscription };

export type Command =
  /** `allowMissing`: the names need not exist in the account (`--allow-missing`). */
  | { kind: 'subscribe'; subscription: Subscription; allowMissing: boolean }
  | { kind: 'unsubscribe'; target: UnsubscribeTarget }
  | { kind: 'list' }
  /** A pipeline's state; without a pipeline, the pipewatch bus's rules against its quota. */
  | { kind: 'status'; pipeline?: string }
  /** Mute a pipeline in this channel for `durationMs` (`snooze myPipeline 2h`). */
  | { kind: 'snooze'; pipeline: string; durationMs: number }
  /** End this channel's snooze of a pipeline (`snooze myPipeline off`, `unsnooze myPipeline`). */
  | { kind: 'unsnooze'; pipeline: string }
  | { kind: 'run'; pipeline: string }
  | { kind: 'help'; topic?: CommandName };
