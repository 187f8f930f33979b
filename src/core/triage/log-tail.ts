// (core) CloudWatch Logs events --> the last N lines of a build log, each bounded; and the newest lines that fit a renderer's budget
import { TRIAGE_LOG_LINES, truncateText, wellFormed } from '../messages';

/** The longest log line kept (a minified bundle or a base64 blob can be one line of megabytes). */
export const MAX_LOG_LINE = 500;

/**
 * The last `count` lines of a log given as its events' messages, oldest first. One event may hold
 * several lines (and CodeBuild's end in a line break): each is split, `\r` dropped, a trailing empty
 * line dropped, every line cut to MAX_LOG_LINE characters, control characters but tabs shown as U+FFFD.
 */
export function logTail(messages: readonly string[], count: number = TRIAGE_LOG_LINES): string[] {
  const lines: string[] = [];
  for (const message of messages) {
    const parts = message.split(/\r\n|\r|\n/);
    if (parts.length > 1 && parts.at(-1) === '') parts.pop();
    lines.push(...parts);
  }
  // slice(-0) would be every line.
  return count <= 0 ? [] : lines.slice(-count).map(cleanLine);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** ANSI colour and cursor codes (jest, npm): ESC [ … letter. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

function cleanLine(line: string): string {
  // ANSI colour codes (jest, npm) are noise in chat: removed before the remaining controls are marked.
  const plain = wellFormed(line).replace(ANSI, '').replace(CONTROL, '\ufffd');
  return truncateText(plain.trimEnd(), MAX_LOG_LINE);
}

/**
 * The newest lines whose rendered cost (`cost(line)` each) fits in `budget`, oldest first, and how
 * many older ones were left out. A tail keeps its end: the failure is usually in the last lines.
 * If not even the newest line fits, it is returned alone for the caller to cut.
 */
export function tailWithin(
  lines: readonly string[],
  budget: number,
  cost: (line: string) => number,
): { readonly lines: readonly string[]; readonly omitted: number } {
  let used = 0;
  let first = lines.length;
  while (first > 0) {
    const next = cost(lines[first - 1] ?? '');
    if (used + next > budget) break;
    used += next;
    first -= 1;
  }
  if (first === lines.length && lines.length > 0) first = lines.length - 1;
  return { lines: lines.slice(first), omitted: first };
}
