import type { ChatPoster, ConversationStore } from '../../src/core/ports';

/**
 * The invocation died here (a Lambda timeout, a crash). Nothing in the use case should treat it as
 * an error to handle: a dead process handles nothing, and every call after it fails the same way.
 */
export class Crash extends Error {
  override readonly name = 'Crash';
}

/** One store or chat call of an invocation: `store.saveRendering`, `chat.post`, …; index: the invocation's n-th call. */
export interface Step {
  readonly name: string;
  readonly index: number;
}

/**
 * Where the invocation dies: before the call takes effect, after it took effect (its answer lost),
 * or not here. `fail`: the call fails (a DynamoDB or Slack error) and the invocation lives on.
 */
export type CrashPlan = (step: Step) => 'before' | 'after' | 'fail' | undefined;

/** An ordinary failure of one call (`fail` in a CrashPlan): the invocation handles it and lives on. */
export class InjectedFailure extends Error {
  override readonly name = 'InjectedFailure';
}

export interface MortalInvocation {
  readonly store: ConversationStore;
  readonly chat: ChatPoster;
  /** Where it died (`chat.post (after)`), if it did. */
  died(): string | undefined;
  /** It died between a post or reply that took effect and the write that records it. */
  diedWithAPostUnrecorded(): boolean;
}

const STORE_CALLS = [
  'claimEvent',
  'read',
  'writeState',
  'mergeAndLock',
  'acquireLock',
  'saveRendering',
  'releaseLock',
  'follow',
];
const CHAT_CALLS = ['post', 'update', 'reply', 'updateReply', 'findPost'];

/**
 * The store and chat of one invocation that dies where `plan` says: from then on every call throws
 * Crash, so nothing after it runs (no release, no clean-up), as when Lambda stops an invocation.
 */
export function mortal(store: ConversationStore, chat: ChatPoster, plan: CrashPlan): MortalInvocation {
  let calls = 0;
  let died: string | undefined;
  let unrecorded = false;
  let diedUnrecorded = false;
  const track = (name: string) => {
    if (name === 'chat.post' || name === 'chat.reply') unrecorded = true;
    if (name === 'store.saveRendering' || name === 'store.releaseLock') unrecorded = false;
  };
  const wrap = <T extends object>(target: T, label: string, names: readonly string[]): T => {
    const wrapped = Object.create(target) as Record<string, unknown>;
    for (const method of names) {
      const call = (target as Record<string, unknown>)[method];
      if (typeof call !== 'function') continue;
      const name = `${label}.${method}`;
      wrapped[method] = async (...args: unknown[]) => {
        if (died !== undefined) throw new Crash(`dead since ${died}`);
        const when = plan({ name, index: calls++ });
        if (when === 'fail') throw new InjectedFailure(`${name} failed (injected)`);
        if (when === undefined) {
          const result = await call.apply(target, args);
          track(name);
          return result;
        }
        died = `${name} (${when})`;
        if (when === 'after') {
          await call.apply(target, args);
          track(name);
        }
        diedUnrecorded = unrecorded;
        throw new Crash(`died at ${died}`);
      };
    }
    return wrapped as T;
  };
  return {
    store: wrap(store, 'store', STORE_CALLS),
    chat: wrap(chat, 'chat', CHAT_CALLS),
    died: () => died,
    diedWithAPostUnrecorded: () => diedUnrecorded,
  };
}
