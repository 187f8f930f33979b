// (slack) AlertMessage --> the thread reply that notifies people: a failure (links) or a waiting approval (buttons), else none
import type { KnownBlock } from '@slack/types';
import type { AlertMessage } from '../core/messages';
import { alertButtons } from './alert-buttons';
import { approvalLine } from './approval-line';
import { actionsBlock, sectionBlock } from './blocks';
import { escapeMrkdwn, oneLine, truncate } from './escape';
import { FALLBACK_TEXT_MAX } from './render-block-kit';
import { triageBlocks } from './render-triage';
import { SLACK_LIMITS } from './slack-limits';
import type { SlackMessage } from './slack-message';

/**
 * The reply in the execution's thread that notifies people: the alert itself
 * is updated in place, which Slack does not notify. Only a failure (what
 * broke, where to read more) and a waiting approval (its buttons) get one;
 * anything else returns undefined.
 */
export function renderThreadReply(message: AlertMessage): SlackMessage | undefined {
  const waiting = message.actions.some((action) => action.kind === 'approve');
  if (waiting) return reply(`:raised_hand: *${escapeMrkdwn(oneLine(message.title))}*`, message, 'all');
  if (message.approval?.reminderLeadMinutes !== undefined) {
    return reply(`:alarm_clock: *${escapeMrkdwn(oneLine(message.title))}*`, message, 'links');
  }
  if (message.status.known && message.status.severity === 'error') {
    const error = message.facts.find((fact) => fact.label === 'Error');
    const code = error === undefined ? '' : `\n*Error* ${escapeMrkdwn(oneLine(error.value))}`;
    return reply(`:x: *${escapeMrkdwn(oneLine(message.title))}*${code}`, message, 'links');
  }
  return undefined;
}

function reply(headline: string, message: AlertMessage, buttons: 'all' | 'links'): SlackMessage {
  // The headline is cut apart from the summary so that the error code stays visible.
  const blocks: KnownBlock[] = [sectionBlock(truncate(headline, SLACK_LIMITS.sectionText))];
  if (message.summary !== undefined && message.summary.trim() !== '') {
    blocks.push(sectionBlock(escapeMrkdwn(message.summary)));
  }
  // A failure's triage pack: the commit, changes since the last success, the failed phase and the log's end.
  if (buttons === 'links') blocks.push(...triageBlocks(message.triage));
  if (message.approval !== undefined) blocks.push(sectionBlock(approvalLine(message.approval)));
  const actions = actionsBlock(alertButtons(message, buttons));
  if (actions !== undefined) blocks.push(actions);
  return { text: truncate(escapeMrkdwn(oneLine(message.title)), FALLBACK_TEXT_MAX), blocks };
}
