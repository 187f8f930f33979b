import type { ApprovalWindow } from '../../src/core/notify';

/**
 * The window of the approval ev-017 waits for (stateUntil('ev-017'): stage Approval, action
 * ManualApproval), started 2026-01-01 10:00 UTC with CodePipeline's 7 days and a one-hour reminder.
 */
export function approvalWindow(approvers: ApprovalWindow['approvers']): ApprovalWindow {
  return {
    stage: 'Approval',
    action: 'ManualApproval',
    startedAt: '2026-01-01T10:00:00.000Z',
    expiresAt: '2026-01-08T10:00:00.000Z',
    remindAt: '2026-01-08T09:00:00.000Z',
    leadMinutes: 60,
    confirmed: true,
    approvers,
  };
}
