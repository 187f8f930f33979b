// (slack) AlertMessage --> renderBlockKit --> Block Kit text + blocks for chat.postMessage / chat.update; escaped, within limits
import type { KnownBlock } from '@slack/types';
import type { AlertFact, AlertMessage } from '../core/messages';
import { type ActionOutcome, outcomeLine } from './action-outcome';
import { alertButtons } from './alert-buttons';
import { actionsBlock, contextBlock, contextLine, fieldSections, headerBlock, sectionBlock } from './blocks';
import { escapeMrkdwn, truncate } from './escape';
import { slackDate } from './slack-date';
import { SLACK_LIMITS } from './slack-limits';
import type { SlackMessage } from './slack-message';
import { statusEmoji } from './status-emoji';

export interface RenderBlockKitOptions {
  /** Who pressed a button and what came of it, shown as the last line (see also withOutcome). */
  readonly actedBy?: ActionOutcome;
  /** A line of pipewatch's own, e.g. "Superseded by a newer execution"; escaped like event content. */
  readonly note?: string;
}

/**
 * Blocks kept free for a line added later (withOutcome after a click), so
 * that updating a message never has to drop its content.
 */
export const BLOCKS_RESERVED_FOR_OUTCOME = 1;

/**
 * The notification text is a preview, not the message: a title and the first
 * line of the summary are what a person reads there. Far below Slack's 4,000.
 */
export const FALLBACK_TEXT_MAX = 500;

/** Facts whose value tells what started the execution, shown in the context line (and not as a field). */
const ORIGIN_FACT_LABELS = ['Commit', 'Trigger', 'Revision'];

/**
 * AlertMessage --> renderBlockKit --> chat.postMessage / chat.update
 *
 * The alert as a Block Kit message: header, status, summary, facts, context
 * (execution, origin, time), buttons. Every text from the event is escaped
 * and every limit is met by truncating with '…'; it never throws, whatever
 * the event said.
 *
 * @example
 * const { text, blocks } = renderBlockKit(buildAlertMessage(event));
 * await client.chat.postMessage({ channel, text, blocks });
 */
export function renderBlockKit(message: AlertMessage, options: RenderBlockKitOptions = {}): SlackMessage {
  const head: KnownBlock[] = [headerBlock(message.title), sectionBlock(statusLine(message))];
  if (message.summary !== undefined && message.summary.trim() !== '') {
    head.push(sectionBlock(escapeMrkdwn(message.summary)));
  }

  const tail: KnownBlock[] = [];
  const context = contextBlock(contextLines(message));
  if (context !== undefined) tail.push(context);
  const actions = actionsBlock(alertButtons(message));
  if (actions !== undefined) tail.push(actions);
  if (options.note !== undefined && options.note.trim() !== '') tail.push(contextLine(escapeMrkdwn(options.note)));
  if (options.actedBy !== undefined) tail.push(contextLine(outcomeLine(options.actedBy)));

  const room = SLACK_LIMITS.blocksPerMessage - BLOCKS_RESERVED_FOR_OUTCOME - head.length - tail.length;
  // The origin (commit, trigger) is shown once: in the context line, not again as a field.
  const origin = originFact(message);
  const facts = fieldSections(
    message.facts.filter((fact) => fact !== origin),
    factField,
    room,
  );

  return { text: fallbackText(message), blocks: [...head, ...facts, ...tail] };
}

/** Label and value cut before escaping the value whole, so a 1 MB value costs no more than a short one. */
function factField(fact: AlertFact): string {
  const value =
    fact.value.length > SLACK_LIMITS.sectionFieldText
      ? fact.value.slice(0, SLACK_LIMITS.sectionFieldText + 1)
      : fact.value;
  return `*${escapeMrkdwn(fact.label)}*\n${escapeMrkdwn(value)}`;
}

function statusLine(message: AlertMessage): string {
  return `${statusEmoji(message)} *${escapeMrkdwn(message.status.label)}*`;
}

/** Each part cut on its own, so a long commit message cannot push the time (a token that must stay whole) out. */
function contextLines(message: AlertMessage): string[] {
  const part = (label: string, value: string) => truncate(`${label} ${escapeMrkdwn(value)}`, SLACK_LIMITS.textObject);
  const lines = [part('Execution', message.executionId)];
  const origin = originFact(message);
  if (origin !== undefined) lines.push(part(origin.label, origin.value));
  lines.push(slackDate(message.time));
  return lines;
}

/** The fact that tells what started the execution, shown in the context line. */
function originFact(message: AlertMessage): AlertFact | undefined {
  return message.facts.find((fact) => ORIGIN_FACT_LABELS.includes(fact.label));
}

function fallbackText(message: AlertMessage): string {
  const summary = message.summary?.split(/\r?\n/, 1)[0]?.trim();
  const text = summary ? `${message.title}: ${summary}` : message.title;
  return truncate(
    escapeMrkdwn(text.replace(/\s+/g, ' ').trim()),
    Math.min(FALLBACK_TEXT_MAX, SLACK_LIMITS.messageText),
  );
}
