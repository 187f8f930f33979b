// (core) decision + approver + platform + comment --> PutApprovalResult's summary: "Approved by Mary in Slack: …", ≤ 512 units; the same form for a stop's reason
import { truncateText, wellFormed } from '../messages/text-helpers';
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
  return decisionNote(decision, approver, platformName, comment, MAX_APPROVAL_SUMMARY_LENGTH);
}

/**
 * "<Done> by <who> in <platform>[: <comment>]", at most `max` UTF-16 code units: what CodePipeline
 * records of a decision made in chat (an approval's summary, a stop's reason).
 */
export function decisionNote(
  done: string,
  who: string,
  platformName: string,
  comment: string | undefined,
  max: number,
): string {
  const head = `${done} by ${who} in ${platformName}`;
  const note = comment?.trim();
  return truncateText(wellFormed(note ? `${head}: ${note}` : head), max);
}
