// (core) a waiting approval's window: when it expires (its start + the action's timeout, 7 days by default), when to remind, who may approve
import { createHash } from 'node:crypto';
import { type AuthorizationPolicy, selectorMatches } from '../actions';
import { type ChannelRef, channelLabel } from '../channels';
import type { ReminderSchedules } from '../ports';

/** What notify needs to show a waiting approval's window and to remind people of it. */
export interface ApprovalSettings {
  /** Who may approve in the pipeline (the authorization policy's `approve` ids, see approversFor). */
  approvers(pipeline: string): Promise<readonly Approver[]>;
  /** Whether the policy says `"selfApproval": false` for the pipeline (absent: not shown). */
  selfApprovalForbidden?(pipeline: string): Promise<boolean>;
  /** The action's `timeoutInMinutes` (GetPipeline), undefined for CodePipeline's default of 7 days. */
  timeoutMinutes(pipeline: string, stage: string, action: string): Promise<number | undefined>;
  /** How long before the expiry the reminder comes (0: no reminders). */
  readonly reminderLeadMinutes: number;
  /** Where reminders are scheduled; absent: the reminder is only posted by a render after its time. */
  readonly reminders?: ReminderSchedules;
}

/**
 * CodePipeline fails an approval nobody answered after its timeout: the action declaration's
 * `timeoutInMinutes` (5 to 86,400, manual approvals only), else 7 days (the user guide's
 * "approvals.html": "If no response is received within seven days, the action fails"). Neither
 * GetPipelineState nor ListActionExecutions has an expiry field: the expiry is the action's start
 * plus that timeout.
 */
export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;

/** The reminder comes this long before the expiry unless configured otherwise (0: no reminders). */
export const DEFAULT_REMINDER_LEAD_MINUTES = 60;

/**
 * A reminder render that runs this much before its time still counts as due: the scheduler and
 * the function do not share a clock, and a reminder a few seconds early is no harm.
 */
export const REMINDER_GRACE_MS = 60_000;

/** Someone the policy lets approve: a user or group id, with the name the policy gives it (`people`). */
export interface Approver {
  readonly id: string;
  readonly name?: string;
}

/** A waiting approval's window, as one render sees it. */
export interface ApprovalWindow {
  readonly stage: string;
  readonly action: string;
  /** ISO 8601, whole seconds. */
  readonly startedAt: string;
  readonly expiresAt: string;
  /** When the reminder is due; absent when reminders are off or the timeout is shorter than the lead. */
  readonly remindAt?: string;
  /** The lead the reminder announces ("expires in 1 hour"), in minutes. */
  readonly leadMinutes: number;
  /** GetPipelineState shows the action waiting (InProgress in this execution): only then is a reminder sent. */
  readonly confirmed: boolean;
  readonly approvers: readonly Approver[];
  /** `"selfApproval": false`: whoever started the change may not approve it (the reply says so). */
  readonly notByRequester?: boolean;
}

/** The action's start, cut to the second (events and the API disagree below that), plus its timeout. */
export function approvalExpiry(startedAt: string, timeoutMinutes: number | undefined): string {
  const start = Math.floor(Date.parse(startedAt) / 1000) * 1000;
  if (!Number.isFinite(start)) throw new RangeError(`Not a time: ${startedAt}`);
  const minutes = timeoutMinutes ?? DEFAULT_APPROVAL_TIMEOUT_MINUTES;
  return new Date(start + minutes * 60_000).toISOString();
}

/**
 * The reminder's time: `leadMinutes` before the expiry, in whole seconds. None when reminders are
 * off (a lead of 0) or when the lead is not shorter than the whole window (a 30-minute approval
 * with a one-hour lead: the approval's own reply is the reminder).
 */
export function reminderTime(startedAt: string, expiresAt: string, leadMinutes: number): string | undefined {
  if (!(leadMinutes > 0)) return undefined;
  const at = Date.parse(expiresAt) - leadMinutes * 60_000;
  if (at <= Math.floor(Date.parse(startedAt) / 1000) * 1000) return undefined;
  return new Date(Math.floor(at / 1000) * 1000).toISOString();
}

/** Whether the reminder is due at `now` (see REMINDER_GRACE_MS) and the approval has not expired yet. */
export function reminderDue(window: ApprovalWindow, now: number): boolean {
  if (window.remindAt === undefined || !window.confirmed) return false;
  return now + REMINDER_GRACE_MS >= Date.parse(window.remindAt) && now < Date.parse(window.expiresAt);
}

/**
 * EventBridge Scheduler's one-time expression, `at(yyyy-mm-ddThh:mm:ss)`, in UTC (the schedule's
 * default time zone).
 */
export function atExpression(time: string): string {
  const millis = Date.parse(time);
  if (!Number.isFinite(millis)) throw new RangeError(`Not a time: ${time}`);
  return `at(${new Date(millis).toISOString().slice(0, 19)})`;
}

/** "1 hour", "90 minutes", "2 hours", "1 day": how a lead reads in a reminder. */
export function leadPhrase(minutes: number): string {
  if (minutes % (24 * 60) === 0) return plural(minutes / (24 * 60), 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/**
 * Who may approve in the pipeline: every id under `approve` of the rules for it, in the policy's
 * order, once each, with the names of the policy's `people`.
 */
export function approversFor(policy: AuthorizationPolicy, pipeline: string): Approver[] {
  const seen = new Set<string>();
  const approvers: Approver[] = [];
  for (const rule of policy.rules) {
    if (!rule.pipelines.some((selector) => selectorMatches(selector, pipeline))) continue;
    for (const id of rule.approve) {
      if (seen.has(id)) continue;
      seen.add(id);
      const name = policy.people?.[id];
      approvers.push(name === undefined ? { id } : { id, name });
    }
  }
  return approvers;
}

/** What the reminder schedule hands the notify function: the conversation and the approval's reply. */
export interface ReminderRequest {
  readonly channel: ChannelRef;
  readonly pipeline: string;
  readonly executionId: string;
  /** The waiting approval's reply key, `approval:<stage>/<action>@<attempt>`. */
  readonly approval: string;
}

/**
 * The schedule's name, deterministic per (channel, execution, approval reply): creating it twice
 * is a conflict (already scheduled), and the reply's close deletes it by name. Within Scheduler's
 * `[0-9a-zA-Z-_.]{1,64}`.
 */
export function reminderScheduleName(request: ReminderRequest): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([channelLabel(request.channel), request.pipeline, request.executionId, request.approval]))
    .digest('hex')
    .slice(0, 40);
  return `pw-reminder-${hash}`;
}
