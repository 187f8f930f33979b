import { buttonValueOf, encodeButtonValue, InvalidButtonValueError, parseButtonValue } from '../../../src/core/actions';
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
