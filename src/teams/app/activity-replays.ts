// (teams) a replayed activity refused: each accepted activity's id remembered (a conditional write) for as long as its token is accepted
import { createHash } from 'node:crypto';
import type { IActivityContext } from '@microsoft/teams.apps';
import { describeError } from '../../core/errors';
import { type InboundActivity, rootConversationId, tenantOf } from '../teams-context';
import type { TeamsAppLogger } from './create-teams-app';
import { refuseRequest, requestScope } from './request-scope';

/**
 * The activities already accepted. Structurally the DynamoDB adapter of Slack's replay check
 * (src/aws/dynamodb-request-replays.ts: `replay#<key>` items, a conditional put with a TTL).
 */
export interface ActivityReplays {
  /**
   * True the first time a key is seen (remembered until `timestampSeconds` plus the store's keep
   * time), false every later time. A failure throws: the activity is refused.
   */
  firstUse(key: string, timestampSeconds: number): Promise<boolean>;
}

/** The Teams SDK (as the Bot Framework specifies) accepts a token up to five minutes past its `exp`. */
export const TOKEN_CLOCK_SKEW_SECONDS = 5 * 60;

/** How long after its token's `exp` an activity is remembered: the skew, and a minute for clocks apart. */
export const ACTIVITY_REPLAY_KEEP_SECONDS = TOKEN_CLOCK_SKEW_SECONDS + 60;

export const TEAMS_REPLAY_CHECK_FAILED =
  'pipewatch could not check that this request was not a replay, so it did nothing. Try again in a moment.';

/**
 * A Bot Framework token is a bearer token valid for about an hour, for any activity: it signs
 * neither the body nor the activity id. A captured request (token and body) sent again within
 * the token's lifetime therefore validates. Teams gives every activity its own id, so the first
 * delivery of an id in a conversation is remembered until the token expires (plus the skew) and
 * every later one refused with 401 and logged. Runs as the SDK's first middleware: after the JWT
 * check, so only authenticated activities are remembered, and before any listener acts.
 */
export function refuseReplays(replays: ActivityReplays, log: TeamsAppLogger) {
  return async (context: IActivityContext) => {
    const activity = context.activity as InboundActivity;
    const what = activityKind(activity);
    const expiresAt = requestScope.getStore()?.tokenExpiresAt;
    if (expiresAt === undefined) {
      // jsonwebtoken accepts a token without `exp` forever; the Bot Framework always sets one.
      log.warn('refused a Teams request: its token has no expiry', { activity: what });
      return refuseRequest({ status: 401, reason: 'no-expiry' });
    }
    let first: boolean;
    try {
      first = await replays.firstUse(replayKey(activity), expiresAt);
    } catch (error) {
      log.error('could not check a Teams activity against replays: refused', {
        activity: what,
        error: describeError(error),
      });
      // A command is told so (as Slack tells it); anything else gets 503 and nothing is done.
      if (activity.type !== 'message') return refuseRequest({ status: 503, reason: 'replay-check-failed' });
      await context.send({ type: 'message', text: TEAMS_REPLAY_CHECK_FAILED, textFormat: 'plain' });
      return undefined;
    }
    if (!first) {
      log.warn('refused a replayed Teams activity', { reason: 'replay', activity: what, tokenExpiresAt: expiresAt });
      return refuseRequest({ status: 401, reason: 'replay' });
    }
    return context.next();
  };
}

/** The activity's id in its conversation and tenant (message ids are unique per conversation only), hashed. */
export function replayKey(activity: InboundActivity): string {
  const conversation = rootConversationId(activity.conversation?.id ?? '');
  const digest = createHash('sha256')
    .update(JSON.stringify([tenantOf(activity) ?? '', conversation, activity.id ?? '']))
    .digest('hex');
  return `teams:${digest}`;
}

/** For the log: `message`, `invoke/adaptiveCard/action`, `installationUpdate`… */
function activityKind(activity: InboundActivity & { readonly name?: string }): string {
  const type = String(activity.type ?? 'unknown').slice(0, 40);
  return type === 'invoke' ? `invoke/${String(activity.name ?? '').slice(0, 60)}` : type;
}
