// (core) text shortenings of the alert builders: short ids, first lines, ARN ends, web-only URLs, safe truncation
/** Small text shortenings shared by the alert builders. Output stays raw (no escaping). */

/** A moment as people read it in chat, to the minute: `2026-12-07 21:15 UTC`. */
export function utcMinute(millis: number): string {
  return `${new Date(millis).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The first 8 characters of an execution id: enough to tell executions apart in a channel. */
export function shortExecutionId(executionId: string): string {
  return executionId.slice(0, 8);
}

/** A git SHA shortened as git does (7 characters); other revision ids (S3 versions, ...) are kept whole. */
export function shortRevisionId(id: string): string {
  return /^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(id) ? id.slice(0, 7) : id;
}

/** The subject line of a commit message. */
export function firstLine(text: string): string {
  return (text.split(/\r?\n/, 1)[0] ?? '').trim();
}

/**
 * The readable end of an ARN: `arn:aws:sts::123456789012:assumed-role/Admin/my-user`
 * becomes `assumed-role/Admin/my-user`. Not an ARN: unchanged.
 */
export function arnResource(value: string): string {
  const parts = value.split(':');
  return value.startsWith('arn:') && parts.length >= 6 ? parts.slice(5).join(':') : value;
}

/**
 * Only web links become links: event content must not smuggle `javascript:` or `file:` URLs into a
 * button. True for an absolute http or https URL with a host.
 */
export function isWebUrl(value: string): boolean {
  return webUrl(value) !== undefined;
}

/**
 * A web link as the link builders hand it on: normalised by the URL parser (`https:/host` becomes
 * `https://host/`, a lone surrogate becomes `%EF%BF%BD`), so that what a button opens is what was
 * checked. Undefined for anything but an absolute http or https URL with a host. Never throws.
 */
export function webUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.hostname === '' ? undefined : url.href;
  } catch {
    return undefined;
  }
}

/**
 * At most `max` UTF-16 code units, ending in "…" when cut, never splitting a
 * surrogate pair (half an emoji is not valid UTF-8 on the wire).
 */
export function truncateText(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - ellipsis.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${ellipsis}`.slice(0, max);
}

/** Lone surrogates (from a broken client) replaced by U+FFFD, as String.prototype.toWellFormed does (ES2024). */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Runs of whitespace (line breaks included) as one space, trimmed: for one-line places such as a title. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** How far past a cut the segmenter looks, so a grapheme that straddles the cut is seen whole. */
const GRAPHEME_LOOKAHEAD = 64;

/**
 * The last grapheme boundary at or before `index`. Segmenting from the start is what makes
 * boundaries exact (a flag is a pair of regional indicators, only countable from the start); it
 * costs O(index), not O(text): callers cut at a platform's limit, not at the input's size.
 */
export function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  let boundary = 0;
  for (const { index: offset } of segmenter().segment(text.slice(0, index + GRAPHEME_LOOKAHEAD))) {
    if (offset > index) break;
    boundary = offset;
  }
  return boundary;
}

let cachedSegmenter: Intl.Segmenter | undefined;

function segmenter(): Intl.Segmenter {
  cachedSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return cachedSegmenter;
}
