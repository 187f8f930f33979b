import type { ApprovalStatus } from '../ports';

/** PutApprovalResult's `result.summary` limit. */
export const MAX_APPROVAL_SUMMARY_LENGTH = 512;

export interface ApprovalSummaryInput {
  readonly decision: ApprovalStatus;
  readonly approver: string;
  readonly platformName: string;
  readonly comment?: string;
}

/**
 * "Approved by Mary Major in Slack: ship it", at most 512 UTF-16 code units
 * (the API's limit; code points are never more than code units, so it holds
 * either way). It records in CodePipeline who decided, from where.
 */
export function approvalSummary({ decision, approver, platformName, comment }: ApprovalSummaryInput): string {
  const head = `${decision} by ${approver} in ${platformName}`;
  const note = comment?.trim();
  return truncateText(wellFormed(note ? `${head}: ${note}` : head), MAX_APPROVAL_SUMMARY_LENGTH);
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
