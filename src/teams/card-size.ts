// (teams) the bot message size limit and how a rendered activity is measured against it
/**
 * The largest activity (the Bot Connector request body: `type`, `summary`,
 * the attachment and its card) pipewatch sends, in bytes as Teams counts
 * them. Microsoft: "The agent message size limit is 100 KB … an approximate
 * limit because it includes the message itself (text, image links, etc.),
 * @-mentions, and reactions encoded as UTF-16 … ensure that the size of the
 * message itself is within 80 KB"; over the limit the post fails with 413
 * `MessageSizeTooBig` (see /work/shared/reference/teams-notes.md). 80 KB is
 * taken as 80,000 bytes, leaving the rest of the 100 KB to what Teams adds
 * (reactions, the envelope).
 */
export const MAX_ACTIVITY_BYTES = 80_000;

/**
 * The size of an activity as Teams counts it: UTF-16, two bytes per code
 * unit, of its whole JSON text. An over-estimate on purpose: the JSON syntax,
 * property names and escapes (`\\`, `\"`, `\u0001`) are counted although
 * Teams may count only the message's content, and ASCII costs 2 bytes here
 * while UTF-8 on the wire spends 1. A non-BMP character (an emoji) is two code
 * units, 4 bytes, as in UTF-16. Never less than what Teams counts, so a card
 * under MAX_ACTIVITY_BYTES by this measure is under Teams' limit.
 */
export function activityBytes(activity: unknown): number {
  return (JSON.stringify(activity)?.length ?? 0) * 2;
}
