import { parseAuthorizationPolicy } from '../../../../src/core/actions';
import {
  type ApprovalWindow,
  approvalExpiry,
  approversFor,
  atExpression,
  leadPhrase,
  reminderDue,
  reminderScheduleName,
  reminderTime,
  threadReplies,
} from '../../../../src/core/notify';
import { approvalWindow } from '../../../helpers/approval-window';
import { stateUntil } from '../../teams/card-helpers';
import { STAGE_ORDER } from '../executions/execution-events';

describe('approvalExpiry', () => {
  it('is the start, cut to the second, plus 7 days by default', () => {
    expect(approvalExpiry('2026-01-01T10:00:00.750Z', undefined)).toBe('2026-01-08T10:00:00.000Z');
  });
  it('uses the action’s timeoutInMinutes when it declares one', () => {
    expect(approvalExpiry('2026-01-01T10:00:00Z', 90)).toBe('2026-01-01T11:30:00.000Z');
  });
  it('refuses what is not a time', () => {
    expect(() => approvalExpiry('yesterday', undefined)).toThrow(RangeError);
  });
});

describe('reminderTime and atExpression', () => {
  it('an hour before the expiry, as a one-time at() expression in UTC', () => {
    const at = reminderTime('2026-01-01T10:00:00Z', '2026-01-08T10:00:00.000Z', 60);
    expect(at).toBe('2026-01-08T09:00:00.000Z');
    expect(atExpression(at ?? '')).toBe('at(2026-01-08T09:00:00)');
  });
  it('none when reminders are off, or when the lead is not shorter than the whole window', () => {
    expect(reminderTime('2026-01-01T10:00:00Z', '2026-01-08T10:00:00Z', 0)).toBeUndefined();
    expect(reminderTime('2026-01-01T10:00:00Z', '2026-01-01T10:30:00Z', 60)).toBeUndefined();
    expect(reminderTime('2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z', 60)).toBeUndefined();
    expect(reminderTime('2026-01-01T10:00:00Z', '2026-01-01T11:00:01Z', 60)).toBe('2026-01-01T10:00:01.000Z');
  });
  it('cuts to whole seconds, as the expression has them', () => {
    expect(atExpression('2026-03-04T05:06:07.999Z')).toBe('at(2026-03-04T05:06:07)');
    expect(() => atExpression('soon')).toThrow(RangeError);
  });
  it('reads the lead in words', () => {
    expect([60, 1, 90, 120, 1440].map(leadPhrase)).toEqual(['1 hour', '1 minute', '90 minutes', '2 hours', '1 day']);
  });
});

describe('reminderDue', () => {
  const window: ApprovalWindow = {
    stage: 'Approval',
    action: 'Approval',
    startedAt: '2026-01-01T10:00:00.000Z',
    expiresAt: '2026-01-08T10:00:00.000Z',
    remindAt: '2026-01-08T09:00:00.000Z',
    leadMinutes: 60,
    confirmed: true,
    approvers: [],
  };
  const at = (time: string) => Date.parse(time);
  it('from its time (a minute’s grace for clocks apart) until the expiry', () => {
    expect(reminderDue(window, at('2026-01-08T08:58:59Z'))).toBe(false);
    expect(reminderDue(window, at('2026-01-08T08:59:00Z'))).toBe(true);
    expect(reminderDue(window, at('2026-01-08T09:59:59Z'))).toBe(true);
    expect(reminderDue(window, at('2026-01-08T10:00:00Z'))).toBe(false);
  });
  it('never while CodePipeline does not confirm the approval waits, nor without a reminder time', () => {
    expect(reminderDue({ ...window, confirmed: false }, at('2026-01-08T09:30:00Z'))).toBe(false);
    const { remindAt: _none, ...without } = window;
    expect(reminderDue(without, at('2026-01-08T09:30:00Z'))).toBe(false);
  });
});

describe('reminderScheduleName', () => {
  const request = {
    channel: { platform: 'slack' as const, workspace: 'T1', channel: 'C1' },
    pipeline: 'myPipeline',
    executionId: 'e-1',
    approval: 'approval:Approval/Approval@1',
  };
  it('is deterministic, within Scheduler’s name rules, and differs per approval attempt and channel', () => {
    const name = reminderScheduleName(request);
    expect(name).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
    expect(reminderScheduleName({ ...request })).toBe(name);
    expect(reminderScheduleName({ ...request, approval: 'approval:Approval/Approval@2' })).not.toBe(name);
    expect(reminderScheduleName({ ...request, channel: { ...request.channel, channel: 'C2' } })).not.toBe(name);
  });
});

describe('the policy: approvers and their names (people)', () => {
  const parsed = parseAuthorizationPolicy({
    rules: [
      { pipelines: ['api-*'], approve: ['U1', 'S1'] },
      { pipelines: ['*'], approve: ['U1', 'aaaaaaaa-0000-4000-8000-00000000a11c'] },
      { pipelines: ['web'], approve: ['U9'] },
    ],
    people: { 'aaaaaaaa-0000-4000-8000-00000000a11c': 'Alice Example' },
  });
  it('parses names per id', () => {
    expect(parsed.ok).toBe(true);
  });
  it('lists the approve ids of the pipeline’s rules once each, in order, named where the policy names them', () => {
    if (!parsed.ok) throw new Error(parsed.message);
    expect(approversFor(parsed.policy, 'api-orders')).toEqual([
      { id: 'U1' },
      { id: 'S1' },
      { id: 'aaaaaaaa-0000-4000-8000-00000000a11c', name: 'Alice Example' },
    ]);
    expect(approversFor({ rules: [] }, 'api-orders')).toEqual([]);
  });
  it('refuses people that are not names', () => {
    expect(parseAuthorizationPolicy({ rules: [], people: { U1: '' } })).toMatchObject({ ok: false });
  });
});

describe('threadReplies with the approval’s window', () => {
  const state = stateUntil('ev-017');
  const window = approvalWindow([{ id: 'U1' }]);
  const view = { stageOrder: STAGE_ORDER, approval: window };
  it('the waiting approval’s reply carries its expiry and approvers', () => {
    const [reply] = threadReplies(state, { ...view, now: Date.parse('2026-01-02T00:00:00Z') });
    expect(reply?.key).toMatch(/^approval:/);
    expect(reply?.message.approval).toEqual({ expiresAt: window.expiresAt, approvers: [{ id: 'U1' }] });
  });
  it('the reminder only once the approval’s reply is up and its time has come, without the approval buttons', () => {
    const key = threadReplies(state, view)[0]?.key ?? '';
    const due = Date.parse('2026-01-08T09:00:00Z');
    expect(threadReplies(state, { ...view, now: due }).map((reply) => reply.key)).toEqual([key]);
    const early = threadReplies(state, { ...view, now: due - 5 * 60_000 }, [key]);
    expect(early.map((reply) => reply.key)).toEqual([key]);
    const replies = threadReplies(state, { ...view, now: due }, [key]);
    expect(replies.map((reply) => reply.key)).toEqual([key, key.replace('approval:', 'reminder:')]);
    const reminder = replies[1]?.message;
    expect(reminder?.title).toMatch(/^Reminder: approval ManualApproval in .* expires in 1 hour$/);
    expect(reminder?.approval?.reminderLeadMinutes).toBe(60);
    expect(reminder?.actions.map((action) => action.kind)).not.toContain('approve');
  });
});
