// (composition) the authorization policy, GetPipeline's approval timeouts and the reminder schedules --> NotifyDeps.approvals
import type { CodePipelinePipelineClient } from '../../aws/codepipeline-client';
import { TtlCache } from '../../aws/ttl-cache';
import { currentPolicy, type PolicySource, selfApprovalForbidden } from '../../core/actions';
import { type ApprovalSettings, approversFor } from '../../core/notify';
import type { ReminderSchedules } from '../../core/ports';

export interface ApprovalSettingsOptions {
  /** The authorization policy (SSM through the secrets' cache, or the local file). */
  readonly policy: PolicySource;
  readonly pipelines: Pick<CodePipelinePipelineClient, 'getApprovalTimeouts'>;
  readonly reminderLeadMinutes: number;
  readonly reminders?: ReminderSchedules;
  readonly now?: () => number;
}

/**
 * A waiting approval's approvers (the policy's `approve` ids for the pipeline) and timeout (its
 * declaration, one GetPipeline per pipeline every few minutes per warm container), and where
 * reminders are scheduled.
 */
export function approvalSettings(options: ApprovalSettingsOptions): ApprovalSettings {
  const timeouts = new TtlCache<string, ReadonlyMap<string, number>>(5 * 60_000, options.now ?? Date.now);
  return {
    approvers: async (pipeline) => approversFor(await currentPolicy(options.policy), pipeline),
    selfApprovalForbidden: async (pipeline) => selfApprovalForbidden(await currentPolicy(options.policy), pipeline),
    timeoutMinutes: async (pipeline, stage, action) =>
      (await timeouts.get(pipeline, (name) => options.pipelines.getApprovalTimeouts(name))).get(`${stage}/${action}`),
    reminderLeadMinutes: options.reminderLeadMinutes,
    ...(options.reminders === undefined ? {} : { reminders: options.reminders }),
  };
}
