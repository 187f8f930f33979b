// (local Slack) the trigger ids handed out with commands and clicks: views.open exchanges one, once, within 3 seconds
import { randomBytes } from 'node:crypto';

/** Slack: "Triggers expire in three seconds" and "may only be used once". */
export const TRIGGER_TTL_MS = 3000;

interface Trigger {
  userId: string | undefined;
  createdAt: number;
  used: boolean;
}

export type TriggerCheck = { ok: true; userId: string | undefined } | { ok: false; error: string };

/**
 * trigger_ids the local Slack handed out (with a slash command or a click). views.open exchanges one;
 * an unknown, expired or reused id fails with views.open's errors, so a handler that opens its
 * modal after slow work is caught locally.
 */
export class TriggerIds {
  private readonly triggers = new Map<string, Trigger>();
  private counter = 0;

  constructor(private readonly now: () => number) {}

  create(userId?: string): string {
    this.counter += 1;
    // Slack's shape: <digits>.<digits>.<hex>
    const id = `${Math.floor(this.now())}${this.counter}.${Math.floor(this.now() / 1000)}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { userId, createdAt: this.now(), used: false });
    return id;
  }

  exchange(id: string): TriggerCheck {
    const trigger = this.triggers.get(id);
    if (trigger === undefined) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.used) return { ok: false, error: 'exchanged_trigger_id' };
    if (this.now() - trigger.createdAt > TRIGGER_TTL_MS) return { ok: false, error: 'expired_trigger_id' };
    trigger.used = true;
    return { ok: true, userId: trigger.userId };
  }
}
