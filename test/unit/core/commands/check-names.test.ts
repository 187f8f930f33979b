import { type AccountNames, judgeNames } from '../../../../src/core/commands/run/check-names';
import { type FilterSubscription, parseSubscriptionArguments } from '../../../../src/core/subscriptions';

/*
 * judgeNames is pure: what the account says (AccountNames, as lookUpNames gathers it) and what
 * was typed --> refuse with the nearest name, or subscribe with notes.
 */

const PIPELINES = ['myPipeline', 'nightly-data', 'web-service'];
const MY_STAGES = ['Source', 'Build', 'Approval', 'Prod'];
const NOTHING_SUBSCRIBED = 'Nothing was subscribed. Add `--allow-missing` to subscribe to a name before it exists.';

function filter(text: string): FilterSubscription {
  const subscription = parseSubscriptionArguments(text.split(' '));
  if (subscription.kind !== 'filter') throw new Error('not a filter subscription');
  return subscription;
}

function account(
  named: Record<string, 'exists' | 'missing' | 'unknown'>,
  rest: Omit<AccountNames, 'named'> = { pipelines: PIPELINES },
): AccountNames {
  return { named: new Map(Object.entries(named)), ...rest };
}

describe('a named pipeline', () => {
  test('that exists: subscribed, nothing to note', () => {
    expect(judgeNames(filter('myPipeline FAILED'), account({ myPipeline: 'exists' }), false)).toEqual({
      ok: true,
      notes: [],
    });
  });

  test('mistyped: refused with the nearest name (case-insensitive, so a case slip is caught too)', () => {
    expect(judgeNames(filter('myPipline FAILED'), account({ myPipline: 'missing' }), false)).toEqual({
      ok: false,
      reason: `There is no pipeline \`myPipline\` in this account and region: did you mean \`myPipeline\`?\n${NOTHING_SUBSCRIBED}`,
    });
    expect(judgeNames(filter('mypipeline'), account({ mypipeline: 'missing' }), false)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('did you mean `myPipeline`?'),
    });
  });

  test('nothing close: refused, listing a few existing names, nearest first', () => {
    const many = account(
      { 'api-ordres-service': 'missing' },
      { pipelines: [...PIPELINES, 'api-orders', 'api-users', 'api-payments', 'billing'] },
    );
    expect(judgeNames(filter('api-ordres-service'), many, false)).toEqual({
      ok: false,
      reason: [
        'There is no pipeline `api-ordres-service` in this account and region.',
        'Its pipelines include `web-service`, `api-orders`, `api-users`, `api-payments`, `myPipeline` and 2 more.',
        NOTHING_SUBSCRIBED,
      ].join('\n'),
    });
    expect(judgeNames(filter('noSuchPipeline FAILED'), account({ noSuchPipeline: 'missing' }), false)).toEqual({
      ok: false,
      reason: [
        'There is no pipeline `noSuchPipeline` in this account and region.',
        'Its pipelines include `myPipeline`, `nightly-data` and `web-service`.',
        NOTHING_SUBSCRIBED,
      ].join('\n'),
    });
  });

  test('in an account with no pipelines: refused, saying so', () => {
    expect(judgeNames(filter('myPipeline'), account({ myPipeline: 'missing' }, { pipelines: [] }), false)).toEqual({
      ok: false,
      reason: [
        'There is no pipeline `myPipeline` in this account and region.',
        'It has no pipelines yet.',
        NOTHING_SUBSCRIBED,
      ].join('\n'),
    });
  });

  test('missing per GetPipeline while the list could not be read: refused, without a list', () => {
    const verdict = judgeNames(filter('myPipline'), account({ myPipline: 'missing' }, {}), false);
    expect(verdict).toEqual({
      ok: false,
      reason: `There is no pipeline \`myPipline\` in this account and region.\n${NOTHING_SUBSCRIBED}`,
    });
  });

  test('several names: each missing one is named once', () => {
    const verdict = judgeNames(
      filter('myPipeline,myPipline,zzz-unknown'),
      account({ myPipeline: 'exists', myPipline: 'missing', 'zzz-unknown': 'missing' }),
      false,
    );
    expect(verdict.ok ? '' : verdict.reason).toBe(
      [
        'There is no pipeline `myPipline` in this account and region: did you mean `myPipeline`?',
        'There is no pipeline `zzz-unknown` in this account and region.',
        'Its pipelines include `web-service`, `myPipeline` and `nightly-data`.',
        NOTHING_SUBSCRIBED,
      ].join('\n'),
    );
  });

  test('--allow-missing: subscribed, with a note', () => {
    expect(judgeNames(filter('new-service FAILED'), account({ 'new-service': 'missing' }), true)).toEqual({
      ok: true,
      notes: ['Pipeline `new-service` does not exist yet: subscribed anyway (`--allow-missing`).'],
    });
    expect(judgeNames(filter('a-new,b-new'), account({ 'a-new': 'missing', 'b-new': 'missing' }), true)).toEqual({
      ok: true,
      notes: ['Pipelines `a-new` and `b-new` do not exist yet: subscribed anyway (`--allow-missing`).'],
    });
  });

  test('CodePipeline could not be asked: subscribed as typed, saying the name was not checked', () => {
    const failure = 'CodePipeline answered AccessDeniedException';
    expect(judgeNames(filter('myPipeline FAILED'), account({ myPipeline: 'unknown' }, { failure }), false)).toEqual({
      ok: true,
      notes: [
        'Could not check pipeline `myPipeline` (CodePipeline answered AccessDeniedException): subscribed as typed.',
      ],
    });
  });
});

describe('a prefix or `*`', () => {
  test('a prefix that matches a pipeline: subscribed, nothing to note', () => {
    expect(judgeNames(filter('web-* FAILED'), account({}), false)).toEqual({ ok: true, notes: [] });
  });

  test('a prefix that matches nothing yet: subscribed, with a note (with or without --allow-missing)', () => {
    const note = 'No pipeline starts with `api-` yet: this subscription applies as soon as one does.';
    expect(judgeNames(filter('api-* FAILED'), account({}), false)).toEqual({ ok: true, notes: [note] });
    expect(judgeNames(filter('api-* FAILED'), account({}), true)).toEqual({ ok: true, notes: [note] });
  });

  test('the list could not be read: subscribed, saying the prefix was not checked', () => {
    expect(judgeNames(filter('api-*'), account({}, { failure: 'CodePipeline could not be reached' }), false)).toEqual({
      ok: true,
      notes: [
        'Could not check the pipelines starting with `api-` (CodePipeline could not be reached): subscribed as typed.',
      ],
    });
  });

  test('`*` alone is never checked', () => {
    expect(judgeNames(filter('* FAILED'), account({}, {}), false)).toEqual({ ok: true, notes: [] });
  });
});

describe('--stage', () => {
  const stageFacts = (facts: Partial<NonNullable<AccountNames['stage']>>) => ({
    found: false,
    checked: ['myPipeline'],
    known: MY_STAGES,
    covered: 1,
    complete: true,
    ...facts,
  });

  test('declared by the pipeline: subscribed', () => {
    const facts = account({ myPipeline: 'exists' }, { pipelines: PIPELINES, stage: stageFacts({ found: true }) });
    expect(judgeNames(filter('myPipeline --stage Build'), facts, false)).toEqual({ ok: true, notes: [] });
  });

  test('mistyped: refused with the nearest stage; a case slip too (patterns are case-sensitive)', () => {
    const facts = account({ myPipeline: 'exists' }, { pipelines: PIPELINES, stage: stageFacts({}) });
    expect(judgeNames(filter('myPipeline FAILED --stage Biuld'), facts, false)).toEqual({
      ok: false,
      reason: `Pipeline \`myPipeline\` has no stage \`Biuld\`: did you mean \`Build\`?\n${NOTHING_SUBSCRIBED}`,
    });
    expect(judgeNames(filter('myPipeline --stage build'), facts, false)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('did you mean `Build`?'),
    });
  });

  test('nothing close: refused, listing the stages', () => {
    const facts = account({ myPipeline: 'exists' }, { pipelines: PIPELINES, stage: stageFacts({}) });
    expect(judgeNames(filter('myPipeline --stage Integration'), facts, false)).toEqual({
      ok: false,
      reason: `Pipeline \`myPipeline\` has no stage \`Integration\`. Its stages: \`Source\`, \`Build\`, \`Approval\` and \`Prod\`.\n${NOTHING_SUBSCRIBED}`,
    });
  });

  test('several pipelines, none declares it: refused, naming them', () => {
    const facts = account(
      {},
      {
        pipelines: PIPELINES,
        stage: stageFacts({ checked: ['myPipeline', 'web-service'], known: [...MY_STAGES, 'Test'], covered: 2 }),
      },
    );
    expect(judgeNames(filter('myPipeline,web-service --stage Tset'), facts, false)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^None of `myPipeline` and `web-service` has a stage `Tset`: did you mean `Test`\?/,
      ),
    });
  });

  test('--allow-missing: subscribed, with a note', () => {
    const facts = account({ myPipeline: 'exists' }, { pipelines: PIPELINES, stage: stageFacts({}) });
    expect(judgeNames(filter('myPipeline --stage Canary'), facts, true)).toEqual({
      ok: true,
      notes: ['Pipeline `myPipeline` has no stage `Canary`: subscribed anyway (`--allow-missing`).'],
    });
  });

  test('more pipelines covered than were read: subscribed, with a note that says so and the nearest stage', () => {
    const facts = account({}, { pipelines: PIPELINES, stage: stageFacts({ covered: 37, complete: false }) });
    expect(judgeNames(filter('* FAILED --stage Biuld'), facts, false)).toEqual({
      ok: true,
      notes: [
        'Stage `Biuld` is not in the 1 pipeline checked of the 37 this subscription covers: subscribed anyway. Did you mean `Build`?',
      ],
    });
  });

  test('no stage could be read: subscribed as typed, saying the stage was not checked', () => {
    const failure = 'CodePipeline answered ThrottlingException';
    const none = account({ myPipeline: 'exists' }, { failure, stage: stageFacts({ checked: [], known: [] }) });
    const unasked = account({ myPipeline: 'unknown' }, { failure });
    for (const facts of [none, unasked]) {
      expect(judgeNames(filter('myPipeline --stage Build'), facts, false)).toMatchObject({
        ok: true,
        notes: [
          expect.stringMatching(/^Could not check .*stage `Build` \(CodePipeline answered ThrottlingException\)/),
        ],
      });
    }
  });

  test('a missing pipeline and a mistyped stage: both in one refusal', () => {
    const facts = account({ myPipeline: 'exists', nosuch: 'missing' }, { pipelines: PIPELINES, stage: stageFacts({}) });
    const verdict = judgeNames(filter('myPipeline,nosuch --stage Biuld'), facts, false);
    expect(verdict.ok ? [] : verdict.reason.split('\n')).toEqual([
      'There is no pipeline `nosuch` in this account and region.',
      'Its pipelines include `web-service`, `myPipeline` and `nightly-data`.',
      'Pipeline `myPipeline` has no stage `Biuld`: did you mean `Build`?',
      NOTHING_SUBSCRIBED,
    ]);
  });
});
