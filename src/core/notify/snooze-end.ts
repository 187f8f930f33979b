// (core) a snooze's end on time: notify's call from the snooze's schedule (snooze-schedule.ts) --> the summary, once
import { channelLabel } from '../channels';
import type { NotifyDeps } from './notify-event';
import { postSnoozeSummary } from './quiet-subscriptions';
import type { SnoozeEndRequest } from './snooze-schedule';

export type SnoozeEndOutcome =
  /** The summary was posted (or the snooze swallowed nothing and was forgotten silently). */
  | { readonly status: 'ended'; readonly failures: number }
  /** Nothing to do: no snooze (already summarised: a repeated delivery, or by the next alert), or another one now. */
  | { readonly status: 'quiet' };

/**
 * The schedule's call at a snooze's end: the snooze must still be the one that ends at `until`
 * (not replaced by a later snooze, not ended early by unsnooze, whose summary follows the next
 * alert). Its summary is posted through the same claim as the lazy path (postSnoozeSummary), so a
 * repeated delivery, or an alert arriving at the same moment, posts it once: the first to claim
 * posts and deletes the snooze, the others find it claimed or gone. A failed post gives the claim
 * back and throws, for Lambda's retry.
 */
export async function notifySnoozeEnd(request: SnoozeEndRequest, deps: NotifyDeps): Promise<SnoozeEndOutcome> {
  const where = { channel: channelLabel(request.channel), pipeline: request.pipeline };
  if (deps.snoozes === undefined) {
    deps.log.error("a snooze's end, but notify has no snooze store", where);
    return { status: 'quiet' };
  }
  const snooze = await deps.snoozes.read(request.channel, request.pipeline);
  if (snooze === undefined || snooze.until !== request.until) {
    deps.log.info("a snooze's end with nothing to summarise: already summarised, replaced or ended early", {
      ...where,
      until: new Date(request.until).toISOString(),
      current: snooze === undefined ? undefined : new Date(snooze.until).toISOString(),
    });
    return { status: 'quiet' };
  }
  const posted = await postSnoozeSummary(request.channel, snooze, snooze.region, deps);
  return posted ? { status: 'ended', failures: snooze.swallowed.length } : { status: 'quiet' };
}
