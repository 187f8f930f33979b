// (slack) Slack's Block Kit and chat.postMessage limits in characters, which the renderer truncates to
/**
 * Slack's Block Kit and chat.postMessage limits, in characters (UTF-16 code
 * units, which are never fewer than what Slack counts, so staying under them
 * is safe). Sources: docs.slack.dev block and element reference pages and the
 * JSDoc of @slack/types; see /work/shared/reference/slack-limits.md.
 *
 * A message that breaks one of these is rejected whole (`invalid_blocks`), so
 * the renderer truncates to them instead of trusting event content.
 */
export const SLACK_LIMITS = {
  /** Blocks in one message (modals and Home tabs allow 100). */
  blocksPerMessage: 50,
  /** `text` of a header block (plain_text only). */
  headerText: 150,
  /** `text` of a section block. */
  sectionText: 3000,
  /** Items in a section's `fields`. */
  sectionFields: 10,
  /** Text of one item in a section's `fields`. */
  sectionFieldText: 2000,
  /** Items in a context block's `elements`. */
  contextElements: 10,
  /** Any plain_text or mrkdwn text object, e.g. a context element. */
  textObject: 3000,
  /** Elements in an actions block. */
  actionsElements: 25,
  /** A button's `text` (plain_text only). */
  buttonText: 75,
  /** A button's `action_id`. */
  actionId: 255,
  /** A button's `value`, sent back in the block_actions payload. */
  buttonValue: 2000,
  /** A button's `url`. */
  buttonUrl: 3000,
  /** A button's `accessibility_label`. */
  accessibilityLabel: 75,
  /** An option object's `value` (a select's option), sent back when it is chosen. */
  optionValue: 150,
  /** An option object's `text` (plain_text). */
  optionText: 75,
  /** A select's `placeholder` text. */
  placeholder: 150,
  /** Any `block_id`. */
  blockId: 255,
  /** The message's top-level `text`: Slack asks to "limit … to 4,000 characters". */
  messageText: 4000,
} as const;

export type SlackLimit = keyof typeof SLACK_LIMITS;
