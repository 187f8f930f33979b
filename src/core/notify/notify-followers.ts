// (core) the follow rule's event --> the channels following its execution (one read) --> notifyParsedEvent for each
import { channelLabel } from '../channels';
import type { LogFields } from '../ports';
import { type NotifyDeps, type NotifyOutcome, notifyParsedEvent, parsedOrLogged } from './notify-event';

/** What the follow rule's target delivers: every CodePipeline event on the bus. */
export interface FollowRequest {
  /** The follow rule's name, for the log. */
  readonly rule: string;
  readonly event: unknown;
}

export type FollowOutcome =
  | { readonly status: 'invalid-event' }
  /** No channel has a conversation about the execution: dropped after one read, nothing posted. */
  | { readonly status: 'not-followed' }
  /** Each follower's outcome, by channel. */
  | { readonly status: 'followed'; readonly outcomes: readonly { channel: string; outcome: NotifyOutcome }[] };

/**
 * follow rule --> notifyFollowers --> notifyParsedEvent per follower
 *
 * A message follows its execution: once a subscription's filter opened a channel's conversation
 * about an execution (and made the channel a follower, see notifyParsedEvent), every later event
 * of that execution updates it, whatever the filter says. One shared rule on the bus delivers every
 * CodePipeline event here; an execution nobody follows costs this invocation and one read.
 *
 * Each follower goes through the same claim, merge and lease as a subscription's delivery, so an
 * event that reaches a channel both ways is shown once. A follower that fails does not stop the
 * others; the first failure is thrown after all have run, so the platform retries the event (the
 * followers already done are duplicates then, and cost a claim each).
 */
export async function notifyFollowers(request: FollowRequest, deps: NotifyDeps): Promise<FollowOutcome> {
  const started = deps.now();
  const event = parsedOrLogged(request.event, deps.log, { rule: request.rule });
  if (event === undefined) return { status: 'invalid-event' };
  const followers = await deps.conversations.followers({ pipeline: event.pipeline, executionId: event.executionId });
  const context: LogFields = {
    rule: request.rule,
    pipeline: event.pipeline,
    executionId: event.executionId,
    eventId: event.eventId,
  };
  if (followers.length === 0) {
    deps.log.debug('no channel follows the execution', context);
    return { status: 'not-followed' };
  }
  const settled = await Promise.allSettled(
    followers.map((follower) =>
      notifyParsedEvent(event, { rule: follower.rule, channel: follower.channel, via: 'follow' }, deps, started),
    ),
  );
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return {
    status: 'followed',
    outcomes: followers.map((follower, index) => ({
      channel: channelLabel(follower.channel),
      outcome: (settled[index] as PromiseFulfilledResult<NotifyOutcome>).value,
    })),
  };
}
