import { InvalidCommandError, parseCommand } from '../../../../src/core/commands';
import { MAX_SNOOZE_MS } from '../../../../src/core/commands/snooze-duration';
import {
  describeSubscription,
  fromEventPattern,
  parseSubscribeArguments,
  subscriptionRuleName,
  toCommandArguments,
  toEventPattern,
} from '../../../../src/core/subscriptions';

const CHANNEL = { platform: 'slack', workspace: 'T1', channel: 'C1' } as const;

function refusal(text: string): string {
  try {
    parseCommand(text);
  } catch (error) {
    if (error instanceof InvalidCommandError) return error.message;
    throw error;
  }
  throw new Error(`parsed: ${text}`);
}

describe('subscribe --transitions', () => {
  test('the pipeline-level SUCCEEDED and FAILED events', () => {
    const { subscription } = parseSubscribeArguments(['myPipeline', '--transitions']);
    expect(subscription).toEqual({
      kind: 'filter',
      pipelines: [{ kind: 'name', name: 'myPipeline' }],
      levels: ['pipeline'],
      states: ['FAILED', 'SUCCEEDED'],
      categories: [],
      transitions: true,
    });
    expect(toEventPattern(subscription)).toEqual({
      source: ['aws.codepipeline'],
      'detail-type': ['CodePipeline Pipeline Execution State Change'],
      detail: { pipeline: ['myPipeline'], state: ['FAILED', 'SUCCEEDED'] },
    });
    expect(describeSubscription(subscription)).toBe('transitions only: broken and fixed in myPipeline');
    expect(toCommandArguments(subscription)).toBe('myPipeline --transitions');
  });

  test('with --stage: the stage-level events of that stage', () => {
    const { subscription } = parseSubscribeArguments(['myPipeline', '--transitions', '--stage', 'Build']);
    expect(toEventPattern(subscription)).toEqual({
      source: ['aws.codepipeline'],
      'detail-type': ['CodePipeline Stage Execution State Change'],
      detail: { pipeline: ['myPipeline'], state: ['FAILED', 'SUCCEEDED'], stage: ['Build'] },
    });
    expect(toCommandArguments(subscription)).toBe('myPipeline --transitions --stage Build');
    expect(parseSubscribeArguments(toCommandArguments(subscription).split(' ')).subscription).toEqual(subscription);
  });

  test('a rule of its own: not the same id as the same pattern subscribed plainly', () => {
    const transitions = parseSubscribeArguments(['myPipeline', '--transitions']).subscription;
    const plain = parseSubscribeArguments(['myPipeline', 'FAILED', 'SUCCEEDED', '--level', 'pipeline']).subscription;
    expect(toEventPattern(plain)).toEqual(toEventPattern(transitions));
    expect(subscriptionRuleName(CHANNEL, transitions)).not.toBe(subscriptionRuleName(CHANNEL, plain));
    // Read back from the pattern alone it is the plain filter: list adds the mode from the rule's tag.
    expect(fromEventPattern(toEventPattern(transitions))).toEqual(plain);
  });

  test.each([
    ['subscribe myPipeline FAILED --transitions', 'leave out the states'],
    ['subscribe myPipeline --transitions --action Build', 'leave out `--action` and `--category`'],
    ['subscribe myPipeline --transitions --level stage', 'leave out `--level`'],
    ['subscribe myPipeline --transitions=yes', '`--transitions` takes no value.'],
    ['subscribe myPipeline --transition', 'did you mean `--transitions`?'],
    ['subscribe --transitions --pattern {"detail":{}}', '`--pattern` stands alone'],
  ])('%s is refused: %s', (text, reason) => {
    expect(refusal(text)).toContain(reason);
  });
});

describe('snooze', () => {
  test.each([
    ['snooze myPipeline 30m', 30 * 60_000],
    ['snooze myPipeline 2h', 2 * 3_600_000],
    ['snooze myPipeline 1d', 86_400_000],
    ['snooze myPipeline 1h30m', 90 * 60_000],
    ['snooze myPipeline 7D', MAX_SNOOZE_MS],
  ])('%s', (text, durationMs) => {
    expect(parseCommand(text)).toEqual({ kind: 'snooze', pipeline: 'myPipeline', durationMs });
  });

  test('off and unsnooze end it', () => {
    expect(parseCommand('snooze myPipeline off')).toEqual({ kind: 'unsnooze', pipeline: 'myPipeline' });
    expect(parseCommand('snooze myPipeline OFF')).toEqual({ kind: 'unsnooze', pipeline: 'myPipeline' });
    expect(parseCommand('unsnooze myPipeline')).toEqual({ kind: 'unsnooze', pipeline: 'myPipeline' });
  });

  test.each([
    ['snooze', 'needs a pipeline and a duration'],
    ['snooze myPipeline', 'needs a duration, such as `30m`, `2h` or `1d`, or `off`'],
    ['snooze myPipeline 2hours', '`2hours` is not a duration: did you mean `2h`?'],
    ['snooze myPipeline 30 mins', 'takes a pipeline and a duration'],
    ['snooze myPipeline 45min', 'did you mean `45m`?'],
    ['snooze myPipeline soon', 'use minutes, hours or days, as in `30m`, `2h`, `1d`'],
    ['snooze myPipeline 8d', 'at most 7 days'],
    ['snooze myPipeline 0m', 'at least a minute'],
    ['snooze my*Pipeline 2h', 'is not a valid pipeline name'],
    ['unsnooze', 'needs a pipeline name'],
    ['snoze myPipeline 2h', 'did you mean `snooze`?'],
  ])('%s is refused: %s', (text, reason) => {
    const message = refusal(text);
    expect(message).toContain(reason);
  });
});
