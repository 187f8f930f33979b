import {
  type AuthorizationPolicy,
  parseAuthorizationPolicy,
  selfApprovalForbidden,
  selfApprovalRefusal,
} from '../../../../src/core/actions';

const policy = (selfApproval?: boolean, pipelines = ['api-*']): AuthorizationPolicy => ({
  rules: [
    { pipelines, retry: [], approve: ['U1', 'U2'], ...(selfApproval === undefined ? {} : { selfApproval }) },
    { pipelines: ['*'], retry: ['U9'], approve: [] },
  ],
  identities: { U1: ['OctoCat', 'alice@example.com'] },
});
const alice = { id: 'U1', groups: [] };
const bob = { id: 'U2', groups: [], email: 'Bob@Example.com' };
const slack = { platform: 'slack' as const, workspace: 'T1', channel: 'C1' };

describe('the policy', () => {
  test('selfApproval is an optional boolean per rule; identities map user ids to author identities', () => {
    const parsed = parseAuthorizationPolicy(
      '{"rules":[{"pipelines":["api-*"],"approve":["U1"],"selfApproval":false}],"identities":{"U1":["octocat"]}}',
    );
    expect(parsed).toEqual({
      ok: true,
      policy: {
        rules: [{ pipelines: ['api-*'], retry: [], approve: ['U1'], selfApproval: false }],
        identities: { U1: ['octocat'] },
      },
    });
  });

  test('a selfApproval that is not a boolean, or an empty identity, is a clear error', () => {
    const wrong = parseAuthorizationPolicy('{"rules":[{"pipelines":["a"],"selfApproval":"no"}]}');
    expect(wrong).toMatchObject({ ok: false, message: expect.stringContaining('rules.0.selfApproval') });
    const empty = parseAuthorizationPolicy('{"rules":[],"identities":{"U1":[""]}}');
    expect(empty).toMatchObject({ ok: false, message: expect.stringContaining('identities.U1.0') });
  });

  test('any rule for the pipeline saying false forbids it; other pipelines and true do not', () => {
    expect(selfApprovalForbidden(policy(false), 'api-orders')).toBe(true);
    expect(selfApprovalForbidden(policy(false), 'web')).toBe(false);
    expect(selfApprovalForbidden(policy(true), 'api-orders')).toBe(false);
    expect(selfApprovalForbidden(policy(), 'api-orders')).toBe(false);
  });
});

describe('selfApprovalRefusal', () => {
  const refusal = (
    user: typeof alice | typeof bob,
    requester: Parameters<typeof selfApprovalRefusal>[0]['requester'],
  ) => selfApprovalRefusal({ policy: policy(false), pipeline: 'api-orders', user, channel: slack, requester });

  test('the chat user who ran it, on the same platform and workspace', () => {
    const run = { platform: 'slack', workspace: 'T1', userId: 'U1' };
    expect(refusal(alice, { run })).toBe(
      'You started this change (`run api-orders`): the policy asks someone else to approve it. Nothing was changed.',
    );
    expect(refusal(bob, { run })).toBeUndefined();
    expect(refusal(alice, { run: { ...run, workspace: 'T2' } })).toBeUndefined();
    expect(refusal(alice, { run: { ...run, platform: 'teams' } })).toBeUndefined();
  });

  test("the trigger's author, by id, name or e-mail, without regard to case, through identities or the user's e-mail", () => {
    expect(refusal(alice, { author: { authorId: 'octocat' } })).toContain('the commit that triggered it is by octocat');
    expect(refusal(alice, { author: { authorName: 'Mary', authorEmail: 'ALICE@example.com' } })).toContain(
      'by ALICE@example.com',
    );
    expect(refusal(bob, { author: { authorEmail: 'bob@example.com' } })).toContain('by bob@example.com');
    expect(refusal(bob, { author: { authorId: 'octocat' } })).toBeUndefined();
  });

  test('an unknown requester, or a policy that allows it, is no refusal', () => {
    expect(refusal(alice, {})).toBeUndefined();
    expect(
      selfApprovalRefusal({
        policy: policy(true),
        pipeline: 'api-orders',
        user: alice,
        requester: { author: { authorId: 'octocat' } },
      }),
    ).toBeUndefined();
  });
});
