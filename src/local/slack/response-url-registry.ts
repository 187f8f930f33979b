// (local Slack) the response URLs handed out, each usable 5 times within 30 minutes, as Slack allows
import { randomBytes } from 'node:crypto';

/** Slack: "These responses can be sent up to 5 times within 30 minutes of receiving the payload." */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

export interface ResponseUrlTarget {
  id: string;
  channelId: string;
  userId: string;
  /** The message the interaction came from; absent for slash commands (nothing to replace). */
  messageTs: string | undefined;
  createdAt: number;
  uses: number;
}

export type ResponseUrlClaim = { ok: true; target: ResponseUrlTarget } | { ok: false; status: number; error: string };

/** The response URLs handed out, with their use count and age. */
export class ResponseUrlRegistry {
  private readonly targets = new Map<string, ResponseUrlTarget>();

  constructor(private readonly now: () => number) {}

  create(channelId: string, userId: string, messageTs?: string): ResponseUrlTarget {
    const id = randomBytes(12).toString('hex');
    const target = { id, channelId, userId, messageTs, createdAt: this.now(), uses: 0 };
    this.targets.set(id, target);
    return target;
  }

  get(id: string): ResponseUrlTarget | undefined {
    return this.targets.get(id);
  }

  /**
   * Counts one use. The error names are this emulator's (Slack documents the rule, not the codes);
   * the 404 makes Bolt's `respond()` throw, as it does against Slack for a dead URL.
   */
  claim(id: string): ResponseUrlClaim {
    const target = this.targets.get(id);
    if (target === undefined) return { ok: false, status: 404, error: 'no_such_url' };
    if (this.now() - target.createdAt > RESPONSE_URL_TTL_MS) return { ok: false, status: 404, error: 'expired_url' };
    if (target.uses >= RESPONSE_URL_MAX_USES) return { ok: false, status: 404, error: 'used_url' };
    target.uses += 1;
    return { ok: true, target };
  }
}
