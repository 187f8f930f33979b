import type { ExecutionState } from '../../src/core/executions';
import type {
  ConversationKey,
  ConversationRecord,
  ConversationRendering,
  ConversationStore,
  Follower,
  LockedRecord,
  MergeAndLockResult,
  PendingPost,
  PipelineExecutionRef,
  PostedReply,
  PutExecutionResult,
} from '../../src/core/ports';
import type { ChannelRef } from '../../src/core/subscriptions';

interface StoredConversation {
  state?: ExecutionState;
  version?: number;
  messageId?: string;
  renderedVersion: number;
  replies: readonly PostedReply[];
  messageFingerprint?: string;
  pendingPosts?: readonly PendingPost[];
  lock?: { owner: string; expiresAt: number };
}

export interface InMemoryConversationStoreOptions {
  now?: () => number;
  /**
   * Awaited before each operation takes effect: a test passes a fast-check scheduler here so that
   * concurrent invocations interleave in any order, each operation staying atomic (as DynamoDB's are).
   */
  yieldPoint?: () => Promise<unknown>;
}

/**
 * ConversationStore in memory with DynamoDB's semantics: every write conditional and atomic,
 * reads consistent, claims and locks expiring. A real class implementing the port (the DynamoDB
 * adapter is tested against dynalite with the same expectations).
 */
export class InMemoryConversationStore implements ConversationStore {
  readonly claims = new Map<string, number>();
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly follows = new Map<string, Follower[]>();
  /** followers() calls, for assertions (one read per event on the follow path). */
  followerReads = 0;
  private readonly now: () => number;
  private readonly yieldPoint: () => Promise<unknown>;
  /** Successful state writes, for assertions. */
  writes = 0;
  conflicts = 0;
  /** mergeAndLock and acquireLock calls, and the locks mergeAndLock took in its first write: for assertions. */
  mergeAndLockCalls = 0;
  acquireLockCalls = 0;
  locksTakenWithMerge = 0;
  /** saveRendering calls (a step recorded before the next chat call, or a post recorded as begun). */
  saveRenderingCalls = 0;

  constructor(options: InMemoryConversationStoreOptions = {}) {
    this.now = options.now ?? (() => Date.parse('2026-01-01T00:00:00Z'));
    this.yieldPoint = options.yieldPoint ?? (() => Promise.resolve());
  }

  async claimEvent(eventId: string, channel: ChannelRef, ttlSeconds: number): Promise<boolean> {
    await this.yieldPoint();
    const key = JSON.stringify([eventId, channel.platform, channel.workspace, channel.channel]);
    const expiresAt = this.claims.get(key);
    if (expiresAt !== undefined && expiresAt > this.now()) return false;
    this.claims.set(key, this.now() + ttlSeconds * 1000);
    return true;
  }

  async read(key: ConversationKey): Promise<ConversationRecord | undefined> {
    await this.yieldPoint();
    return this.snapshot(key);
  }

  /** The record as stored now, without a yield point: for assertions. */
  snapshot(key: ConversationKey): ConversationRecord | undefined {
    const stored = this.conversations.get(keyOf(key));
    if (stored?.state === undefined || stored.version === undefined) return undefined;
    return structuredClone({
      state: { ...stored.state, version: stored.version },
      version: stored.version,
      ...(stored.messageId === undefined ? {} : { messageId: stored.messageId }),
      renderedVersion: stored.renderedVersion,
      replies: stored.replies,
      ...(stored.messageFingerprint === undefined ? {} : { messageFingerprint: stored.messageFingerprint }),
      ...(stored.pendingPosts === undefined || stored.pendingPosts.length === 0
        ? {}
        : { pendingPosts: structuredClone(stored.pendingPosts) }),
    });
  }

  async writeState(
    key: ConversationKey,
    state: ExecutionState,
    expectedVersion: number | undefined,
  ): Promise<PutExecutionResult> {
    await this.yieldPoint();
    const stored = this.conversations.get(keyOf(key));
    if (stored?.version !== expectedVersion) {
      this.conflicts += 1;
      return { ok: false, reason: 'version-conflict' };
    }
    return { ok: true, version: this.store(key, stored, state, expectedVersion) };
  }

  private store(
    key: ConversationKey,
    stored: StoredConversation | undefined,
    state: ExecutionState,
    expectedVersion: number | undefined,
  ): number {
    const version = (expectedVersion ?? 0) + 1;
    const next: StoredConversation = stored ?? { renderedVersion: 0, replies: [] };
    next.state = structuredClone({ ...state, version });
    next.version = version;
    this.conversations.set(keyOf(key), next);
    this.writes += 1;
    return version;
  }

  /**
   * As the DynamoDB adapter does it, in the same atomic steps: one write of the state and the lock
   * when the version is as expected and the lock free; failing that, after a yield point (another
   * writer or a release may come between), the state alone, telling whether the lock was held then.
   */
  async mergeAndLock(
    key: ConversationKey,
    state: ExecutionState,
    expectedVersion: number | undefined,
    owner: string,
    leaseMs: number,
  ): Promise<MergeAndLockResult> {
    await this.yieldPoint();
    this.mergeAndLockCalls += 1;
    const stored = this.conversations.get(keyOf(key));
    const lock = stored?.lock;
    const free = lock === undefined || lock.owner === owner || lock.expiresAt <= this.now();
    if (stored?.version === expectedVersion && free) {
      const version = this.store(key, stored, state, expectedVersion);
      const taken = this.conversations.get(keyOf(key));
      if (taken !== undefined) taken.lock = { owner, expiresAt: this.now() + leaseMs };
      this.locksTakenWithMerge += 1;
      const record = this.snapshot(key);
      if (record === undefined) throw new Error('no record after its write');
      const tookOver = lock !== undefined && lock.owner !== owner;
      return { ok: true, version, lock: { status: 'taken', record: tookOver ? { ...record, tookOver } : record } };
    }
    const written = await this.writeState(key, state, expectedVersion);
    if (!written.ok) return written;
    const now = this.conversations.get(keyOf(key))?.lock;
    const held = now !== undefined && now.owner !== owner && now.expiresAt > this.now();
    return { ok: true, version: written.version, lock: { status: held ? 'held' : 'free' } };
  }

  async acquireLock(key: ConversationKey, owner: string, leaseMs: number): Promise<LockedRecord | undefined> {
    await this.yieldPoint();
    this.acquireLockCalls += 1;
    const stored = this.conversations.get(keyOf(key));
    if (stored?.version === undefined) return undefined;
    const lock = stored.lock;
    if (lock !== undefined && lock.owner !== owner && lock.expiresAt > this.now()) return undefined;
    stored.lock = { owner, expiresAt: this.now() + leaseMs };
    const record = this.snapshot(key);
    if (record === undefined || lock === undefined || lock.owner === owner) return record;
    return { ...record, tookOver: true };
  }

  async saveRendering(key: ConversationKey, owner: string, rendering: ConversationRendering): Promise<boolean> {
    this.saveRenderingCalls += 1;
    await this.yieldPoint();
    const stored = this.conversations.get(keyOf(key));
    if (stored?.lock?.owner !== owner) return false;
    save(stored, rendering);
    return true;
  }

  async releaseLock(
    key: ConversationKey,
    owner: string,
    rendering?: ConversationRendering,
  ): Promise<ConversationRecord | undefined> {
    await this.yieldPoint();
    const stored = this.conversations.get(keyOf(key));
    if (stored?.lock?.owner !== owner) return undefined;
    if (rendering !== undefined) save(stored, rendering);
    delete stored.lock;
    return this.snapshot(key);
  }

  async follow(execution: PipelineExecutionRef, follower: Follower): Promise<void> {
    await this.yieldPoint();
    const key = JSON.stringify([execution.pipeline, execution.executionId]);
    const current = this.follows.get(key) ?? [];
    if (!current.some((entry) => JSON.stringify(entry) === JSON.stringify(follower))) {
      this.follows.set(key, [...current, structuredClone(follower)]);
    }
  }

  async followers(execution: PipelineExecutionRef): Promise<readonly Follower[]> {
    await this.yieldPoint();
    this.followerReads += 1;
    const all = this.follows.get(JSON.stringify([execution.pipeline, execution.executionId])) ?? [];
    const byChannel = new Map<string, Follower>();
    for (const follower of all) {
      const channel = JSON.stringify(follower.channel);
      const kept = byChannel.get(channel);
      if (kept === undefined || follower.rule < kept.rule) byChannel.set(channel, follower);
    }
    return structuredClone([...byChannel.values()]);
  }

  /** Who holds the lock now, for assertions. */
  lockOf(key: ConversationKey): { owner: string; expiresAt: number } | undefined {
    return this.conversations.get(keyOf(key))?.lock;
  }
}

function save(stored: StoredConversation, rendering: ConversationRendering): void {
  if (rendering.messageId !== undefined) stored.messageId = rendering.messageId;
  stored.renderedVersion = rendering.renderedVersion;
  stored.replies = structuredClone(rendering.replies);
  if (rendering.messageFingerprint !== undefined) stored.messageFingerprint = rendering.messageFingerprint;
  stored.pendingPosts = structuredClone(rendering.pendingPosts ?? []);
}

function keyOf(key: ConversationKey): string {
  return JSON.stringify([
    key.channel.platform,
    key.channel.workspace,
    key.channel.channel,
    key.pipeline,
    key.executionId,
  ]);
}
