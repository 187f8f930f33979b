import { readFileSync } from 'node:fs';
import path from 'node:path';
import { subscriptionLine } from '../../../../src/core/commands';
import {
  canonicalPatternJson as canonicalJson,
  channelRulePrefix,
  describeSubscription,
  eventPatternText,
  fromEventPattern,
  InvalidSubscriptionError,
  parseSubscriptionArguments,
  RULE_NAME,
  ruleNameFor,
  subscriptionIdOfRule,
  toCommandArguments,
  toEventPattern,
} from '../../../../src/core/subscriptions';

const seed = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, '../../../fixtures/seed-patterns', name), 'utf8'));
const subscribe = (args: string) => parseSubscriptionArguments(args.split(' ').filter((w) => w !== ''));
const patternOf = (args: string) => toEventPattern(subscribe(args));

describe('subscribe arguments → event pattern (the seed document)', () => {
  test.each([
    ['myPipeline FAILED --level pipeline', 'pipeline-failed-myPipeline-put-rule.json'],
    ['* FAILED --category Deploy,Build', 'failed-deploy-and-build-actions.json'],
    ['* FAILED --category Approval', 'failed-approval-actions.json'],
    ['myPipeline,my2ndPipeline', 'all-events-for-specific-pipelines.json'],
  ])('`subscribe %s` produces %s', (args, file) => {
    // Key order aside, and the order of alternatives inside a list, which EventBridge ignores.
    expect(canonicalJson(patternOf(args))).toBe(canonicalJson(seed(file)));
  });

  test('the generated text is exactly the seed put-rule pattern', () => {
    expect(eventPatternText(subscribe('myPipeline FAILED --level pipeline'))).toBe(
      '{"source":["aws.codepipeline"],"detail-type":["CodePipeline Pipeline Execution State Change"],"detail":{"pipeline":["myPipeline"],"state":["FAILED"]}}',
    );
  });
});

describe('grammar', () => {
  test('states are case-insensitive and apply to every level where they exist', () => {
    const s = subscribe('myPipeline failed Abandoned');
    expect(s).toMatchObject({
      kind: 'filter',
      states: ['ABANDONED', 'FAILED'],
      levels: ['pipeline', 'action', 'stage'],
    });
  });

  test('a state that exists at one level only narrows the levels', () => {
    expect(subscribe('* ABANDONED')).toMatchObject({ levels: ['action'] });
    expect(subscribe('* SUPERSEDED')).toMatchObject({ levels: ['pipeline'] });
    expect(subscribe('* STOPPING')).toMatchObject({ levels: ['pipeline', 'stage'] });
  });

  test('states are validated against the level', () => {
    expect(() => subscribe('p ABANDONED --level pipeline')).toThrow(
      /`ABANDONED` is not a state of pipeline events\. Valid states: STARTED, .*STOPPED/,
    );
    expect(() => subscribe('p SUPERSEDED --level stage')).toThrow(InvalidSubscriptionError);
    expect(() => subscribe('p EXPLODED')).toThrow(/`EXPLODED` is not a state/);
  });

  test('a prefix and several names', () => {
    expect(patternOf('api-*,web FAILED')).toMatchObject({ detail: { pipeline: ['web', { prefix: 'api-' }] } });
  });

  test('`*` anywhere means all pipelines; covered names and prefixes are dropped', () => {
    expect(patternOf('a,*')).not.toHaveProperty('detail');
    expect(subscribe('api-x,api-*,api-v2-*')).toMatchObject({ pipelines: [{ kind: 'prefix', prefix: 'api-' }] });
  });

  test('--stage alone watches the stage itself; --action and --category watch actions', () => {
    expect(patternOf('p FAILED --stage Build')).toEqual({
      source: ['aws.codepipeline'],
      'detail-type': ['CodePipeline Stage Execution State Change'],
      detail: { pipeline: ['p'], state: ['FAILED'], stage: ['Build'] },
    });
    expect(patternOf('p --stage Build --action Compile')).toMatchObject({
      'detail-type': ['CodePipeline Action Execution State Change'],
      detail: { stage: ['Build'], action: ['Compile'] },
    });
    expect(patternOf('p FAILED --stage Build --level stage,action')).toMatchObject({
      'detail-type': ['CodePipeline Action Execution State Change', 'CodePipeline Stage Execution State Change'],
    });
  });

  test('--flag=value is the same as --flag value; categories are case-insensitive', () => {
    expect(subscribe('p --category=deploy')).toEqual(subscribe('p --category Deploy'));
  });

  test.each([
    ['', /Name a pipeline/],
    ['my pipeline!', /not a state/],
    ['bad!name', /not a valid pipeline name/],
    ['a*b', /may only end a prefix/],
    ['p --level job', /Unknown level `job`/],
    ['p --category Cooking', /not an action category/],
    ['p --stage', /`--stage` needs a value/],
    ['p --colour red', /Unknown option `--colour`/],
    ['p --stage A --stage B', /given twice/],
    ['p --action Deploy --level pipeline', /cannot be used with `--level pipeline`/],
    ['p --stage Build --level pipeline', /`--stage` cannot be used/],
    [`${'x'.repeat(101)}`, /not a valid pipeline name/],
  ])('`subscribe %s` is refused', (args, message) => {
    expect(() => subscribe(args)).toThrow(InvalidSubscriptionError);
    expect(() => subscribe(args)).toThrow(message);
  });
});

describe('--pattern', () => {
  test('a valid CodePipeline pattern is taken as it is', () => {
    const raw = '{"source":["aws.codepipeline"],"detail":{"state":[{"anything-but":"STARTED"}]}}';
    const s = parseSubscriptionArguments(['--pattern', raw]);
    expect(s).toEqual({ kind: 'pattern', pattern: JSON.parse(raw) });
  });

  test('a pattern that says nothing of source is restricted to CodePipeline events', () => {
    const s = parseSubscriptionArguments(['--pattern', '{"detail":{"state":["FAILED"]}}']);
    expect(s).toEqual({ kind: 'pattern', pattern: { source: ['aws.codepipeline'], detail: { state: ['FAILED'] } } });
  });

  test.each([
    [
      '{"source":["aws.codepipeline"],"$or":[{"source":["custom.app"]},{"detail":{"state":["FAILED"]}}]}',
      /restricted to CodePipeline events/,
    ],
    ['{"source":["aws.codepipeline","aws.ec2"]}', /restricted to CodePipeline events/],
    ['{"source":[{"prefix":"aws."}]}', /restricted to CodePipeline events/],
    ['{"source":["aws.codepipeline"],"detail":{"state":[{"nope":1}]}}', /Event pattern is not valid/],
    ['{not json', /not valid JSON/],
  ])('%s is refused', (raw, message) => {
    expect(() => parseSubscriptionArguments(['--pattern', raw])).toThrow(message);
  });

  test('it stands alone', () => {
    expect(() => parseSubscriptionArguments(['p', '--pattern', '{"source":["aws.codepipeline"]}'])).toThrow(
      /stands alone/,
    );
  });
});

describe('round trips', () => {
  const examples = [
    'myPipeline FAILED --level pipeline',
    '* FAILED --category Deploy,Build',
    '* FAILED --category Approval',
    'myPipeline,my2ndPipeline',
    'api-*,web FAILED SUCCEEDED',
    'p FAILED --stage Build',
    'p FAILED --stage Build --level stage,action',
    'p STARTED --action Approve --stage Gate',
    '* STOPPING',
    '* ABANDONED',
    'p SUCCEEDED --level stage',
  ];

  test.each(examples)('`%s` → pattern → subscription → arguments → subscription', (args) => {
    const subscription = subscribe(args);
    const back = fromEventPattern(JSON.stringify(toEventPattern(subscription)));
    expect(back).toEqual(subscription);
    expect(subscribe(toCommandArguments(subscription))).toEqual(subscription);
  });

  test('a pattern that `subscribe` could not have written comes back as a pattern subscription', () => {
    const pattern = { source: ['aws.codepipeline'], detail: { state: [{ 'anything-but': 'STARTED' }] } };
    expect(fromEventPattern(pattern)).toEqual({ kind: 'pattern', pattern });
    expect(toCommandArguments(fromEventPattern(pattern))).toBe(`--pattern ${JSON.stringify(pattern)}`);
  });

  test('a stored rule that could match other sources is refused, never read back narrowed or widened', () => {
    expect(() => fromEventPattern({ detail: { state: ['FAILED'] } })).toThrow(InvalidSubscriptionError);
    expect(() => fromEventPattern({ source: ['aws.codepipeline'], $or: [{ source: ['x'] }, { a: ['y'] }] })).toThrow(
      InvalidSubscriptionError,
    );
  });

  test('`list` shows such a rule by its description instead of failing', () => {
    const rule = { name: 'pw-x-y', description: 'edited in the console', eventPattern: '{"account":["1"]}', tags: {} };
    expect(subscriptionLine({ id: 'y', rule }, '/pipewatch')).toBe('• `y` edited in the console');
  });
});

describe('descriptions', () => {
  test.each([
    ['myPipeline FAILED --level pipeline', 'FAILED pipeline events in myPipeline'],
    ['* FAILED --category Deploy,Build', 'FAILED action events (category Build or Deploy) in all pipelines'],
    ['myPipeline,my2ndPipeline', 'all pipeline, stage and action events in my2ndPipeline and myPipeline'],
    ['api-* FAILED SUCCEEDED', 'FAILED or SUCCEEDED pipeline, stage and action events in pipelines starting with api-'],
    ['p FAILED --stage Build', 'FAILED stage events (stage Build) in p'],
  ])('`%s` reads "%s"', (args, text) => {
    expect(describeSubscription(subscribe(args))).toBe(text);
  });
});

describe('rule names', () => {
  const channel = { platform: 'slack' as const, workspace: 'T0001', channel: 'C0001' };

  test('deterministic from (channel, pattern), whatever the key and alternative order', () => {
    const a = ruleNameFor(channel, toEventPattern(subscribe('a,b FAILED')));
    const b = ruleNameFor(
      channel,
      JSON.parse(
        JSON.stringify({
          detail: { state: ['FAILED'], pipeline: ['b', 'a'] },
          ...toEventPattern(subscribe('b,a FAILED')),
        }),
      ),
    );
    expect(a).toBe(b);
    expect(a).toMatch(RULE_NAME);
    expect(a.startsWith(channelRulePrefix(channel))).toBe(true);
  });

  test('another channel or another pattern names another rule', () => {
    const pattern = toEventPattern(subscribe('p FAILED'));
    const names = new Set([
      ruleNameFor(channel, pattern),
      ruleNameFor({ ...channel, channel: 'C0002' }, pattern),
      ruleNameFor({ ...channel, workspace: 'T0002' }, pattern),
      ruleNameFor({ ...channel, platform: 'teams' }, pattern),
      ruleNameFor(channel, toEventPattern(subscribe('p SUCCEEDED'))),
    ]);
    expect(names.size).toBe(5);
  });

  test('the subscription id is read back only from this channel’s rules', () => {
    const name = ruleNameFor(channel, toEventPattern(subscribe('p')));
    expect(subscriptionIdOfRule(channel, name)).toMatch(/^[0-9a-z]{10}$/);
    expect(subscriptionIdOfRule({ ...channel, channel: 'C0002' }, name)).toBeUndefined();
    expect(subscriptionIdOfRule(channel, 'someone-elses-rule')).toBeUndefined();
  });

  test('a pattern over the 2,048-character quota fails clearly', () => {
    const names = Array.from({ length: 150 }, (_, i) => `pipeline-number-${i}`).join(',');
    expect(() => eventPatternText(subscribe(`${names} FAILED`))).toThrow(/EventBridge allows 2048/);
  });
});
