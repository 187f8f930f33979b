// (slack) a handled click --> "Retried by <@U…> at …" appended under the alert, and the acting buttons removed once decided
import type { ActionsBlock, KnownBlock } from '@slack/types';
import { INTERACTIVE_ACTION_IDS } from './action-ids';
import { contextLine } from './blocks';
import { escapeMrkdwn } from './escape';
import { slackDate } from './slack-date';
import { SLACK_LIMITS } from './slack-limits';

/** Who did what with a button, shown under the alert once the click was handled. */
export interface ActionOutcome {
  /** Past tense, e.g. "Retried", "Approved", "Rejected". */
  readonly verb: string;
  /** The Slack user id of who pressed the button, e.g. U012ABCDEF (W… for Enterprise Grid). */
  readonly userId: string;
  /** When it happened; omitted, no time is shown. */
  readonly at?: string | Date;
  /** False when the CodePipeline call failed; the line then reads as a warning. Default true. */
  readonly ok?: boolean;
  /** A short addition, e.g. the approval comment or the error. */
  readonly detail?: string;
}

/** Slack user ids: U… or, on Enterprise Grid, W…. Anything else must not become `<@…>`. */
const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;

/** `<@U123>` for a valid user id; anything else as inert text, since it came from outside. */
export function slackUserMention(userId: string): string {
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : 'an unknown user';
}

/** The mrkdwn line, e.g. ":white_check_mark: Retried by <@U123> at <!date^…>". */
export function outcomeLine(outcome: ActionOutcome): string {
  const emoji = outcome.ok === false ? ':warning:' : ':white_check_mark:';
  const at = outcome.at === undefined ? '' : ` at ${slackDate(outcome.at)}`;
  const detail =
    outcome.detail === undefined || outcome.detail.trim() === '' ? '' : `: ${escapeMrkdwn(outcome.detail)}`;
  return `${emoji} ${escapeMrkdwn(outcome.verb)} by ${slackUserMention(outcome.userId)}${at}${detail}`;
}

/**
 * The blocks with the outcome appended as a context line, for `chat.update`
 * after a click. The renderer leaves room for it; blocks from elsewhere that
 * are already at Slack's maximum lose their last block instead of the update
 * failing.
 */
export function withOutcome(blocks: readonly KnownBlock[], outcome: ActionOutcome): KnownBlock[] {
  return [...blocks.slice(0, SLACK_LIMITS.blocksPerMessage - 1), contextLine(outcomeLine(outcome))];
}

/**
 * The blocks without the buttons that act (retry, approve, reject), e.g. once
 * an approval is decided: Slack has no disabled buttons, and a second click
 * would only fail. Link buttons (console, logs) stay; an actions block left
 * empty is removed, since Slack rejects an empty one.
 */
export function withoutActions(blocks: readonly KnownBlock[]): KnownBlock[] {
  const kept: KnownBlock[] = [];
  for (const block of blocks) {
    if (block.type !== 'actions') {
      kept.push(block);
      continue;
    }
    const elements = block.elements.filter((element) => !isInteractive(element));
    if (elements.length > 0) kept.push({ ...block, elements } satisfies ActionsBlock);
  }
  return kept;
}

function isInteractive(element: ActionsBlock['elements'][number]): boolean {
  return (
    'action_id' in element && typeof element.action_id === 'string' && INTERACTIVE_ACTION_IDS.has(element.action_id)
  );
}
