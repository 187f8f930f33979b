// (slack) AlertTriage --> the failure reply's triage blocks: commit, changes since the last success, failed phase, the log tail as a code block; escaped, within Slack's limits
import type { KnownBlock } from '@slack/types';
import { type AlertTriage, oneLine, shortExecutionId, shortRevisionId, webUrl } from '../core/messages';
import { tailWithin } from '../core/triage';
import { sectionBlock } from './blocks';
import { escapeMrkdwn, truncate } from './escape';
import { SLACK_LIMITS } from './slack-limits';

/** One line of the commit, phase or changes section at most this long (escaped), links aside. */
const LINE_MAX = 300;
const FENCE = '```';
/** Zero-width space: breaks a run of backticks in a log line, which would otherwise close the code block. */
const ZWSP = '\u200b';

/**
 * The triage pack as blocks: the commit (short id linking to it, first line, author), the changes
 * since the last success (a compare link, or the two short ids), the failed build phase with a link
 * to the full log, and the log's last lines in a code block. Every text from the pack is escaped
 * (`&`, `<`, `>`: a log line's `<!channel>` or `<@U…>` shows as text and notifies nobody), links are
 * only http(s) URLs, and the code block keeps the newest lines that fit a section (3,000 characters).
 */
export function triageBlocks(triage: AlertTriage | undefined): KnownBlock[] {
  if (triage === undefined) return [];
  const lines: string[] = [];
  const { commit, changes, build } = triage;
  if (commit !== undefined) {
    const id = link(commit.url, escapeMrkdwn(shortRevisionId(commit.id)));
    const message = commit.message === undefined ? '' : ` ${escapeMrkdwn(cut(commit.message))}`;
    const author = commit.author === undefined ? '' : ` by ${escapeMrkdwn(cut(commit.author))}`;
    lines.push(`*Commit* ${id}${message}${author}`);
  }
  if (changes !== undefined) {
    const from = escapeMrkdwn(shortRevisionId(changes.fromId));
    const to = escapeMrkdwn(shortRevisionId(changes.toId));
    const since = escapeMrkdwn(shortExecutionId(changes.sinceExecutionId));
    lines.push(
      changes.fromId === changes.toId
        ? `*Changes since the last success* none: execution ${since} ran the same revision ${from}`
        : `*Changes since the last success* ${link(changes.compareUrl, `${from}…${to}`)} (execution ${since})`,
    );
  }
  if (build !== undefined) {
    const phase =
      build.phase === undefined
        ? `*Build* ${escapeMrkdwn(cut(build.buildId))}`
        : `*Failed phase* ${escapeMrkdwn(build.phase)}${build.phaseStatus === undefined || build.phaseStatus === 'FAILED' ? '' : ` (${escapeMrkdwn(build.phaseStatus)})`}${build.phaseMessage === undefined ? '' : `: ${escapeMrkdwn(cut(build.phaseMessage))}`}`;
    const full = webUrl(build.logUrl);
    lines.push(full === undefined ? phase : `${phase} · ${link(full, 'Full log')}`);
  }
  const blocks: KnownBlock[] = lines.length === 0 ? [] : [sectionBlock(lines.join('\n'))];
  const tail = build === undefined ? undefined : logBlock(build.logLines);
  if (tail !== undefined) blocks.push(tail);
  return blocks;
}

/** The log lines in a code block: the newest that fit in a section, a note of how many were left out. */
export function logBlock(logLines: readonly string[]): KnownBlock | undefined {
  if (logLines.length === 0) return undefined;
  const escaped = logLines.map(codeLine);
  // The fences, their line breaks, and room for the note of left-out lines.
  const budget = SLACK_LIMITS.sectionText - (2 * FENCE.length + 2) - 40;
  const fit = tailWithin(escaped, budget, (line) => line.length + 1);
  const shown = fit.lines.map((line) => truncate(line, budget));
  const note = fit.omitted > 0 ? `_${fit.omitted} earlier line${fit.omitted === 1 ? '' : 's'} not shown_\n` : '';
  return sectionBlock(`${note}${FENCE}\n${shown.join('\n')}\n${FENCE}`);
}

/** A log line inside a code block: escaped, a run of backticks broken up, never empty (Slack drops blank lines' width). */
function codeLine(line: string): string {
  return escapeMrkdwn(line).replace(/`(?=`)/g, `\`${ZWSP}`) || ' ';
}

/** An mrkdwn link `<url|text>` (text already escaped), or the text alone without a web URL. */
function link(url: string | undefined, escapedText: string): string {
  const href = webUrl(url);
  if (href === undefined) return escapedText;
  const safe = href.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return `<${safe}|${escapedText}>`;
}

function cut(text: string): string {
  return truncate(oneLine(text), LINE_MAX);
}
