// (slack) public API of the Slack renderer: Block Kit rendering, thread replies, escaping, limits, click outcomes
/** Public API of the Slack renderer (Block Kit). */
export { ACTION_IDS, INTERACTIVE_ACTION_IDS, type PipewatchActionId } from './action-ids';
export { type ActionOutcome, outcomeLine, slackUserMention, withOutcome, withoutActions } from './action-outcome';
export { ELLIPSIS, escapeMrkdwn, oneLine, truncate, truncatePlain, unescapeMrkdwn, wellFormed } from './escape';
export {
  BLOCKS_RESERVED_FOR_OUTCOME,
  FALLBACK_TEXT_MAX,
  type RenderBlockKitOptions,
  renderBlockKit,
} from './render-block-kit';
export { renderThreadReply } from './render-thread-reply';
export { slackDate } from './slack-date';
export { SLACK_LIMITS, type SlackLimit } from './slack-limits';
export type { SlackMessage } from './slack-message';
export { statusEmoji } from './status-emoji';
