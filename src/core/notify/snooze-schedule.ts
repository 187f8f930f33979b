// (core) a snooze's end on time: the one-time schedule set with the snooze (command or button) and removed by unsnooze; notify's call at the end is snooze-end.ts
import { createHash } from 'node:crypto';
import { type ChannelRef, channelLabel } from '../channels';
import type { Log, ReminderSchedules, Snooze, SnoozeStore } from '../ports';

/** What a snooze's schedule hands notify at its end (src/aws/notify-input.ts checks it: snoozeEndInputSchema). */
export interface SnoozeEndRequest {
  readonly channel: ChannelRef;
  readonly pipeline: string;
  /** The snooze's end (ms since the epoch): a snooze replaced or ended early no longer ends then, and is left alone. */
  readonly until: number;
}

/** The ports that set and end snoozes (the chat functions: commands and the Snooze button). */
export interface SnoozeSetter {
  readonly snoozes: SnoozeStore;
  /** Where the end's schedule is made (EventBridge Scheduler); absent: the summary waits for the next alert. */
  readonly snoozeSchedules?: ReminderSchedules | undefined;
  readonly log: Pick<Log, 'info' | 'warn'>;
}

/**
 * The schedule's name, one per (channel, pipeline): a new snooze replaces the schedule of the one
 * it replaces, and unsnooze deletes it by name. Within Scheduler's `[0-9a-zA-Z-_.]{1,64}`; the
 * `pw-snooze-` prefix is what the chat functions' IAM policy allows them to touch.
 */
export function snoozeScheduleName(channel: ChannelRef, pipeline: string): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([channelLabel(channel), pipeline]))
    .digest('hex')
    .slice(0, 40);
  return `pw-snooze-${hash}`;
}

/** The schedule's time: the end rounded up to the second (Scheduler's `at()` has no milliseconds), never early. */
export function snoozeEndTime(until: number): string {
  return new Date(Math.ceil(until / 1000) * 1000).toISOString();
}

/**
 * Stores the snooze (replacing one running), then schedules its end: the schedule of a replaced
 * snooze is deleted first (creating over it would conflict), then the new one is created. A
 * schedule that cannot be made is logged and costs only the summary's timing: the next alert about
 * the pipeline posts it (the lazy path in snoozeGate).
 */
export async function startSnooze(
  setter: SnoozeSetter,
  channel: ChannelRef,
  snooze: Omit<Snooze, 'swallowed'>,
): Promise<{ readonly scheduled: boolean }> {
  await setter.snoozes.snooze(channel, snooze);
  const schedules = setter.snoozeSchedules;
  if (schedules === undefined) return { scheduled: false };
  const name = snoozeScheduleName(channel, snooze.pipeline);
  const request: SnoozeEndRequest = { channel, pipeline: snooze.pipeline, until: snooze.until };
  try {
    await schedules.delete(name);
    await schedules.create(name, snoozeEndTime(snooze.until), {
      snoozeEnd: {
        channel: { platform: channel.platform, workspace: channel.workspace, channel: channel.channel },
        pipeline: request.pipeline,
        until: request.until,
      },
    });
    return { scheduled: true };
  } catch (error) {
    setter.log.warn("could not schedule the snooze's end: its summary follows the next alert instead", {
      channel: channelLabel(channel),
      pipeline: snooze.pipeline,
      schedule: name,
      error: error instanceof Error ? error.message : String(error),
    });
    return { scheduled: false };
  }
}

/** Deletes the snooze's schedule (unsnooze); a failure is logged: the schedule then finds the snooze ended and does nothing. */
export async function cancelSnoozeSchedule(setter: SnoozeSetter, channel: ChannelRef, pipeline: string): Promise<void> {
  if (setter.snoozeSchedules === undefined) return;
  const name = snoozeScheduleName(channel, pipeline);
  try {
    await setter.snoozeSchedules.delete(name);
  } catch (error) {
    setter.log.warn("could not delete the snooze's schedule: it will find the snooze ended and do nothing", {
      channel: channelLabel(channel),
      pipeline,
      schedule: name,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
