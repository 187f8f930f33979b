import fc from 'fast-check';
import {
  type AuthorizationPolicy,
  authorize,
  EMPTY_AUTHORIZATION_POLICY,
  parseAuthorizationPolicy,
} from '../../../../src/core/actions';

const POLICY_JSON = JSON.stringify({
  rules: [
    { pipelines: ['myPipeline', 'api-*'], retry: ['U123', 'S0GROUP'], approve: ['U456', 'S0APPROVERS'] },
    { pipelines: ['*'], retry: ['S0ONCALL'] },
  ],
});

function policyOf(json: string): AuthorizationPolicy {
  const parsed = parseAuthorizationPolicy(json);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.policy;
}

describe('parseAuthorizationPolicy', () => {
  it('reads rules from JSON text, with absent lists as empty', () => {
    expect(parseAuthorizationPolicy(POLICY_JSON)).toEqual({
      ok: true,
      policy: {
        rules: [
          { pipelines: ['myPipeline', 'api-*'], retry: ['U123', 'S0GROUP'], approve: ['U456', 'S0APPROVERS'] },
          { pipelines: ['*'], retry: ['S0ONCALL'], approve: [] },
        ],
      },
    });
  });

  it.each([
    ['not JSON', '{rules:', /PIPEWATCH_AUTHORIZATION is not valid JSON/],
    ['a misspelt key', { rules: [{ pipelines: ['*'], aprove: ['U1'] }] }, /rules\.0: .*aprove/],
    [
      'no pipelines',
      { rules: [{ pipelines: [], approve: ['U1'] }] },
      /rules\.0\.pipelines: name at least one pipeline/,
    ],
    ['a star inside a name', { rules: [{ pipelines: ['a*b'] }] }, /rules\.0\.pipelines\.0: expected a pipeline name/],
    ['everyone', { rules: [{ pipelines: ['*'], retry: ['*'] }] }, /"\*" \(everyone\) is not supported/],
    ['an empty id', { rules: [{ pipelines: ['*'], approve: [''] }] }, /rules\.0\.approve\.0/],
    ['no rules key', {}, /rules: /],
  ])('refuses %s, saying where', (_name, input, message) => {
    const result = parseAuthorizationPolicy(input);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('stop and run permissions', () => {
  const policy = policyOf(
    JSON.stringify({
      rules: [
        { pipelines: ['myPipeline'], retry: ['U1'], approve: ['U1'], stop: ['U2', 'S0ONCALL'], run: ['U3'] },
        { pipelines: ['api-*'], run: ['U1'] },
      ],
    }),
  );
  const user = (id: string, groups: string[] = []) => ({ id, groups });

  it('reads `stop` and `run`; a policy without them stays valid and grants neither', () => {
    expect(policy.rules[0]).toMatchObject({ stop: ['U2', 'S0ONCALL'], run: ['U3'] });
    const old = policyOf(JSON.stringify({ rules: [{ pipelines: ['*'], retry: ['U1'], approve: ['U1'] }] }));
    expect(old.rules[0]?.stop).toBeUndefined();
    for (const action of ['stop', 'run'] as const) {
      const decision = authorize({ policy: old, action, pipeline: 'myPipeline', user: user('U1') });
      expect(decision.allowed).toBe(false);
      expect(decision.reason).toContain(`"${action}" ids for it`);
    }
  });

  it('each list grants its own action only: retry or approve grants no stop or run, and the reverse', () => {
    const may = (action: 'retry' | 'approve' | 'stop' | 'run', who: ReturnType<typeof user>, pipeline = 'myPipeline') =>
      authorize({ policy, action, pipeline, user: who }).allowed;
    expect([may('stop', user('U1')), may('run', user('U1'))]).toEqual([false, false]);
    expect([may('stop', user('U2')), may('retry', user('U2')), may('run', user('U2'))]).toEqual([true, false, false]);
    expect(may('stop', user('U9', ['S0ONCALL']))).toBe(true);
    expect([may('run', user('U3')), may('stop', user('U3'))]).toEqual([true, false]);
    expect([may('run', user('U1'), 'api-orders'), may('run', user('U3'), 'api-orders')]).toEqual([true, false]);
  });

  it('a refusal says what is denied and where an admin fixes it', () => {
    const denied = authorize({
      policy,
      action: 'run',
      pipeline: 'myPipeline',
      user: user('U1'),
      policyLocation: 'local/authorization.json',
    });
    expect(denied.reason).toBe(
      'You are not allowed to start executions in pipeline myPipeline: ask an admin to add your user id or one of your groups to "run" of a rule for it in the authorization policy (local/authorization.json).',
    );
    const nobody = authorize({ policy, action: 'stop', pipeline: 'web', user: user('U2') });
    expect(nobody.reason).toMatch(/^Nobody may stop executions in pipeline web: .*"stop": \["<user or group id>"\]/);
  });

  it.each([
    ['everyone may stop', { rules: [{ pipelines: ['*'], stop: ['*'] }] }, /rules\.0\.stop\.0: "\*" \(everyone\)/],
    ['a misspelt run', { rules: [{ pipelines: ['*'], runs: ['U1'] }] }, /rules\.0: .*runs/],
  ])('refuses %s', (_name, input, message) => {
    const result = parseAuthorizationPolicy(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('authorize', () => {
  const policy = policyOf(POLICY_JSON);

  it('allows a listed user, naming the rule', () => {
    const decision = authorize({
      policy,
      action: 'approve',
      pipeline: 'api-orders',
      user: { id: 'U456', groups: [], displayName: 'Mary' },
    });

    expect(decision).toEqual({
      allowed: true,
      reason: 'Mary (U456) may approve in pipeline api-orders: rule 0 (myPipeline, api-*) lists user U456.',
      rule: { index: 0, pipelines: ['myPipeline', 'api-*'], matchedId: 'U456', via: 'user' },
    });
  });

  it('allows through a group, and rules add up', () => {
    expect(
      authorize({ policy, action: 'retry', pipeline: 'other', user: { id: 'U9', groups: ['S0ONCALL'] } }),
    ).toMatchObject({
      allowed: true,
      rule: { index: 1, via: 'group', matchedId: 'S0ONCALL' },
    });
  });

  it('uses the approve list for reject', () => {
    expect(
      authorize({ policy, action: 'reject', pipeline: 'myPipeline', user: { id: 'U9', groups: ['S0APPROVERS'] } })
        .allowed,
    ).toBe(true);
    expect(
      authorize({ policy, action: 'reject', pipeline: 'myPipeline', user: { id: 'U123', groups: [] } }).allowed,
    ).toBe(false);
  });

  it('refuses an approval where no approvers are configured, naming where the policy lives', () => {
    const decision = authorize({
      policy,
      action: 'approve',
      pipeline: 'billing',
      user: { id: 'U456', groups: [] },
      policyLocation: 'the SSM parameter /pipewatch/prod/authorization',
    });

    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe(
      'Nobody may approve or reject in pipeline billing: no rule of the authorization policy (the SSM parameter /pipewatch/prod/authorization) lists "approve" ids for it. ' +
        'Add one, e.g. {"pipelines": ["billing"], "approve": ["<user or group id>"]}.',
    );
  });

  it('without a location, says "the authorization policy" and names no environment variable', () => {
    const decision = authorize({ policy, action: 'approve', pipeline: 'billing', user: { id: 'U456', groups: [] } });

    expect(decision.reason).toContain('no rule of the authorization policy lists "approve" ids');
    expect(decision.reason).not.toContain('PIPEWATCH_');
  });

  it('refuses a retry with no rule at all (secure default)', () => {
    const decision = authorize({
      policy: EMPTY_AUTHORIZATION_POLICY,
      action: 'retry',
      pipeline: 'myPipeline',
      user: { id: 'U123', groups: [] },
    });

    expect(decision.allowed).toBe(false);
    expect(decision.reason).toMatch(/Nobody may retry failed stages in pipeline myPipeline.*the authorization policy/);
  });

  it('refuses a user not listed, saying what to ask for', () => {
    const decision = authorize({
      policy,
      action: 'approve',
      pipeline: 'myPipeline',
      user: { id: 'U123', groups: ['S0GROUP'] },
      policyLocation: 'local/authorization.json',
    });

    expect(decision).toEqual({
      allowed: false,
      reason:
        'You are not allowed to approve in pipeline myPipeline: ask an admin to add your user id or one of your groups to "approve" of a rule for it in the authorization policy (local/authorization.json).',
    });
  });

  it('matches prefixes and exact names only', () => {
    const user = { id: 'U123', groups: [] };
    expect(authorize({ policy, action: 'retry', pipeline: 'api-', user }).allowed).toBe(true);
    expect(authorize({ policy, action: 'retry', pipeline: 'myPipeline2', user }).allowed).toBe(false);
    expect(authorize({ policy, action: 'retry', pipeline: 'xapi-1', user }).allowed).toBe(false);
  });
});

describe('authorize (property)', () => {
  const id = fc.oneof(fc.constantFrom('U123', 'S0GROUP', '*', ''), fc.string());
  const user = fc.record({ id, groups: fc.array(id, { maxLength: 4 }) });
  const action = fc.constantFrom('retry' as const, 'approve' as const, 'reject' as const);

  it('never allows anything with an empty policy', () => {
    fc.assert(
      fc.property(user, action, fc.string(), (who, what, pipeline) => {
        expect(authorize({ policy: { rules: [] }, action: what, pipeline, user: who }).allowed).toBe(false);
      }),
    );
  });

  it('never allows anything with rules that list nobody', () => {
    const listless = fc.array(
      fc.record({ pipelines: fc.array(fc.constantFrom('*', 'api-*', 'myPipeline'), { minLength: 1 }) }).map((rule) => ({
        ...rule,
        retry: [],
        approve: [],
      })),
    );
    fc.assert(
      fc.property(listless, user, action, fc.string(), (rules, who, what, pipeline) => {
        expect(authorize({ policy: { rules }, action: what, pipeline, user: who }).allowed).toBe(false);
      }),
    );
  });

  it('allows only users or groups the applicable list names', () => {
    const policy = policyOf(POLICY_JSON);
    fc.assert(
      fc.property(user, action, fc.constantFrom('myPipeline', 'api-x', 'other'), (who, what, pipeline) => {
        const decision = authorize({ policy, action: what, pipeline, user: who });
        if (decision.allowed) expect([who.id, ...who.groups]).toContain(decision.rule?.matchedId);
      }),
    );
  });
});
