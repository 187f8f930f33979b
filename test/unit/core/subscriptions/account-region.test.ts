import { matchesEventPattern as matchesPattern } from '../../../../src/core/patterns';
import {
  describeSubscription,
  fromEventPattern,
  InvalidSubscriptionError,
  parseSubscriptionArguments,
  subscriptionRuleName,
  toCommandArguments,
  toEventPattern,
} from '../../../../src/core/subscriptions';

const subscribe = (args: string) => parseSubscriptionArguments(args.split(' ').filter((w) => w !== ''));
const refusal = (args: string) => {
  try {
    subscribe(args);
  } catch (error) {
    if (error instanceof InvalidSubscriptionError) return error.message;
    throw error;
  }
  throw new Error(`\`subscribe ${args}\` was accepted`);
};
const CHANNEL = { platform: 'slack', workspace: 'T1', channel: 'C1' } as const;

describe('--account and --region: the envelope’s account and region', () => {
  test('they become the pattern’s top-level account and region, sorted and once each', () => {
    expect(
      toEventPattern(
        subscribe('myPipeline FAILED --account 222222222222,111111111111,222222222222 --region EU-west-1'),
      ),
    ).toEqual({
      source: ['aws.codepipeline'],
      'detail-type': [
        'CodePipeline Pipeline Execution State Change',
        'CodePipeline Action Execution State Change',
        'CodePipeline Stage Execution State Change',
      ],
      account: ['111111111111', '222222222222'],
      region: ['eu-west-1'],
      detail: { pipeline: ['myPipeline'], state: ['FAILED'] },
    });
  });

  test('the pattern matches events of that account and region only', () => {
    const pattern = toEventPattern(subscribe('* FAILED --level pipeline --account 111111111111 --region eu-west-1'));
    const event = (account: string, region: string) => ({
      source: 'aws.codepipeline',
      'detail-type': 'CodePipeline Pipeline Execution State Change',
      account,
      region,
      detail: { pipeline: 'p', state: 'FAILED' },
    });
    expect(matchesPattern(pattern, event('111111111111', 'eu-west-1'))).toBe(true);
    expect(matchesPattern(pattern, event('222222222222', 'eu-west-1'))).toBe(false);
    expect(matchesPattern(pattern, event('111111111111', 'us-east-1'))).toBe(false);
  });

  test('described, given back as arguments, and read back from the rule as the same subscription', () => {
    for (const args of [
      'myPipeline FAILED --account 111111111111 --region eu-west-1',
      'api-* --transitions --account 111111111111',
      '* --region cn-north-1,us-gov-west-1',
    ]) {
      const subscription = subscribe(args);
      // A transitions subscription's mode is in its rule's tags and target, not in the pattern.
      const { transitions: _mode, ...filter } = subscription as typeof subscription & { transitions?: true };
      expect(fromEventPattern(JSON.stringify(toEventPattern(subscription)))).toEqual(filter);
      expect(subscribe(toCommandArguments(subscription))).toEqual(subscription);
    }
    expect(
      describeSubscription(subscribe('myPipeline FAILED --account 111111111111,222222222222 --region eu-west-1')),
    ).toBe(
      'FAILED pipeline, stage and action events in myPipeline of account 111111111111 or 222222222222 in eu-west-1',
    );
    expect(describeSubscription(subscribe('* --transitions --region eu-west-1'))).toBe(
      'transitions only: broken and fixed in all pipelines in eu-west-1',
    );
    expect(toCommandArguments(subscribe('p --region eu-west-1 --account 111111111111'))).toBe(
      'p --account 111111111111 --region eu-west-1',
    );
  });

  test('another account or region is another subscription: another rule', () => {
    const names = ['p', 'p --account 111111111111', 'p --account 222222222222', 'p --region eu-west-1'].map((args) =>
      subscriptionRuleName(CHANNEL, subscribe(args)),
    );
    expect(new Set(names).size).toBe(4);
  });

  test('a pattern whose account or region is not a list of strings reads back as a custom pattern, never misdescribed', () => {
    const pattern = { ...toEventPattern(subscribe('p')), account: [{ prefix: '1111' }] };
    expect(fromEventPattern(JSON.stringify(pattern))).toEqual({ kind: 'pattern', pattern });
  });

  test.each([
    ['p --account 12345', '`12345` is not an AWS account id: twelve digits, as in 111111111111.'],
    ['p --account 111111111111,abc', '`abc` is not an AWS account id: twelve digits, as in 111111111111.'],
    ['p --region europe', '`europe` is not an AWS region code, such as eu-west-1 or us-gov-west-1.'],
    ['p --region eu-west-1 --region us-east-1', '`--region` is given twice.'],
    ['p --account', '`--account` needs a value.'],
    ['p --account ,', '`--account` needs a value.'],
    ['p --acount 111111111111', 'Unknown option `--acount`: did you mean `--account`?'],
  ])('`subscribe %s` is refused: %s', (args, message) => {
    expect(refusal(args)).toBe(message);
  });
});
