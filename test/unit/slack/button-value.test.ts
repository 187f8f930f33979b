import {
  type ButtonValue,
  buttonValueOf,
  encodeButtonValue,
  InvalidButtonValueError,
  parseButtonValue,
  snoozeValues,
} from '../../../src/core/actions';
import type { AlertAction } from '../../../src/core/messages';
import { SLACK_LIMITS } from '../../../src/slack';

const target = { pipeline: 'meerkat', executionId: 'e-1', region: 'us-east-1', account: '123456789012' };

describe('button values', () => {
  it.each<AlertAction>([
    { kind: 'retry', mode: 'FAILED_ACTIONS', label: 'Retry', stage: 'Build', ...target },
    { kind: 'retry', mode: 'ALL_ACTIONS', label: 'Retry', stage: 'Build', ...target },
    { kind: 'approve', label: 'Approve', stage: 'Release', action: 'Gate', ...target },
    { kind: 'reject', label: 'Reject', stage: 'Release', action: 'Gate', ...target },
  ])('$kind round-trips through compact JSON', (action) => {
    // Act
    const value = buttonValueOf(action);
    const encoded = value === undefined ? '' : encodeButtonValue(value);
    // Assess
    expect(parseButtonValue(encoded)).toEqual(value);
    expect(encoded).not.toMatch(/\s/);
    expect(encoded.length).toBeLessThan(SLACK_LIMITS.buttonValue);
    expect(Object.keys(value ?? {})).not.toContain('label');
  });

  it('a link has no value', () => {
    expect(buttonValueOf({ kind: 'open-console', label: 'Open', url: 'https://x', ...target })).toBeUndefined();
  });

  it.each([
    ['not JSON', '{oops'],
    ['another shape', '{"v":1,"kind":"deploy"}'],
    [
      'a missing identifier',
      '{"v":1,"kind":"retry","mode":"ALL_ACTIONS","pipeline":"p","region":"r","account":"a","stage":"s"}',
    ],
    ['a token smuggled in', JSON.stringify({ v: 1, kind: 'approve', ...target, stage: 's', action: 'a', token: 't' })],
    ['a later version', JSON.stringify({ v: 2, kind: 'approve', ...target, stage: 's', action: 'a' })],
    [
      'a region that is not a region code (it would pick the endpoint)',
      JSON.stringify({ v: 1, kind: 'approve', ...target, region: 'evil.example#', stage: 's', action: 'a' }),
    ],
  ])('%s is refused with InvalidButtonValueError', (_, value) => {
    expect(() => parseButtonValue(value)).toThrow(InvalidButtonValueError);
    try {
      parseButtonValue(value);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_BUTTON_VALUE', name: 'InvalidButtonValueError' });
      expect((error as Error).cause).toBeDefined();
    }
  });
});

describe('snooze values', () => {
  it('one per choice, each within the 150 characters of a Slack option value even for a 100-character name', () => {
    const longest = 'p'.repeat(100);
    const values = snoozeValues(longest);
    expect(values.map((entry) => entry.choice)).toEqual(['1h', '4h', '24h']);
    for (const { value } of values) {
      const encoded = encodeButtonValue(value);
      expect(encoded.length).toBeLessThanOrEqual(SLACK_LIMITS.optionValue);
      expect(parseButtonValue(encoded)).toEqual(value);
    }
    expect(encodeButtonValue(values[2]?.value as ButtonValue)).toBe(
      `{"v":1,"kind":"snooze","pipeline":"${longest}","for":"24h"}`,
    );
  });

  it('none for a name CodePipeline would not allow (the control is then left out)', () => {
    expect(snoozeValues('p'.repeat(101))).toEqual([]);
    expect(snoozeValues('my pipeline')).toEqual([]);
    expect(buttonValueOf({ kind: 'snooze', label: 'Snooze', ...target })).toBeUndefined();
  });

  it.each([
    ['another duration', '{"v":1,"kind":"snooze","pipeline":"meerkat","for":"8h"}'],
    ['an extra key', '{"v":1,"kind":"snooze","pipeline":"meerkat","for":"1h","channel":"C1"}'],
    ['a name that is not a pipeline name', '{"v":1,"kind":"snooze","pipeline":"<!channel>","for":"1h"}'],
  ])('refuses %s', (_name, raw) => {
    expect(() => parseButtonValue(raw)).toThrow(InvalidButtonValueError);
  });
});
