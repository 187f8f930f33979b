import { InvalidEventPatternError, matchesEventPattern, validateEventPattern } from '../../../../src/core/patterns';
import { loadInvalidPatterns, loadMatchCases } from '../../../helpers/conformance-data';

// Loaded at collection time: a missing folder throws here and fails the suite.
const matchCases = loadMatchCases();
const invalidPatterns = loadInvalidPatterns();

describe('EventBridge conformance suite', () => {
  test('has every case', () => {
    expect(matchCases).toHaveLength(1068);
    expect(invalidPatterns).toHaveLength(128);
  });

  describe('match cases', () => {
    test.each(matchCases)('$name', ({ pattern, event, matches }) => {
      // Prepare / Act
      const actual = matchesEventPattern(pattern, event);
      // Assess
      expect(actual).toBe(matches);
    });
  });

  describe('invalid patterns', () => {
    test.each(invalidPatterns)('$name', ({ pattern }) => {
      expect(() => validateEventPattern(pattern)).toThrow(InvalidEventPatternError);
    });
  });
});
