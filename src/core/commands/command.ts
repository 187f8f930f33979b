// (core) the commands a person can type, as data: subscribe, unsubscribe, list, status, help
import type { Subscription } from '../subscriptions';

export type CommandName = 'subscribe' | 'unsubscribe' | 'list' | 'status' | 'help';

/** What `unsubscribe` points at. An id-shaped word may also be a pipeline name: the handler tries the id first. */
export type UnsubscribeTarget =
  | { kind: 'all' }
  | { kind: 'id'; id: string; orSubscription?: Subscription }
  | { kind: 'subscription'; subscription: Subscription };

export type Command =
  | { kind: 'subscribe'; subscription: Subscription }
  | { kind: 'unsubscribe'; target: UnsubscribeTarget }
  | { kind: 'list' }
  | { kind: 'status'; pipeline: string }
  | { kind: 'help'; topic?: CommandName };
