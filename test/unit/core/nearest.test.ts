import fc from 'fast-check';
import { editDistance, nearest, nearestFirst, suggestionDistance } from '../../../src/core/nearest';

describe('editDistance', () => {
  test.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['Build', 'Build', 0],
    ['build', 'Build', 0],
    ['FAILD', 'FAILED', 1],
    ['Biuld', 'Build', 1],
    ['subscrib', 'subscribe', 1],
    ['kitten', 'sitting', 3],
    ['noSuchPipeline', 'myPipeline', 6],
    ['ca', 'abc', 3],
  ])('%s → %s is %i (case ignored, a swap of neighbours counts one)', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  test('with a limit, any distance above it is limit + 1', () => {
    expect(editDistance('noSuchPipeline', 'myPipeline', 3)).toBe(4);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
    expect(editDistance('FAILD', 'FAILED', 1)).toBe(1);
  });

  test('properties: zero only for equal words (ignoring case), symmetric, limited answers agree', () => {
    const word = fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'b', 'c', 'A', '-') });
    fc.assert(
      fc.property(word, word, fc.nat(6), (a, b, limit) => {
        const full = editDistance(a, b);
        expect(full === 0).toBe(a.toLowerCase() === b.toLowerCase());
        expect(editDistance(b, a)).toBe(full);
        expect(full).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(editDistance(a, b, limit)).toBe(Math.min(full, limit + 1));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('nearest', () => {
  const commands = ['subscribe', 'unsubscribe', 'list', 'status', 'help'];

  test.each([
    ['subscrib', 'subscribe', commands],
    ['unsubscirbe', 'unsubscribe', commands],
    ['stauts', 'status', commands],
    ['FAILD', 'FAILED', ['STARTED', 'SUCCEEDED', 'FAILED']],
    ['Biuld', 'Build', ['Source', 'Build', 'Approval', 'Prod']],
    ['myPipline', 'myPipeline', ['myPipeline', 'nightly-data', 'web-service']],
    ['mypipeline', 'myPipeline', ['myPipeline', 'mypipeline2']],
  ])('%s: did you mean %s?', (word, expected, candidates) => {
    expect(nearest(word, candidates)).toBe(expected);
  });

  test.each([
    ['frobnicate', commands],
    ['noSuchPipeline', ['myPipeline', 'nightly-data', 'web-service']],
    ['EXPLODED', ['STARTED', 'SUCCEEDED', 'FAILED']],
    ['x', []],
  ])('%s: nothing close enough to suggest', (word, candidates: string[]) => {
    expect(nearest(word, candidates)).toBeUndefined();
  });

  test('the nearest wins; on a tie, the candidate listed first', () => {
    expect(nearest('STOPPE', ['STOPPING', 'STOPPED'])).toBe('STOPPED');
    expect(nearest('ab', ['ac', 'ad'])).toBe('ac');
    expect(nearest('Build', ['build', 'Build'])).toBe('build');
  });

  test('how close is close enough grows with the word: one edit, then one per three letters', () => {
    expect(suggestionDistance('ls', 'lst')).toBe(1);
    expect(suggestionDistance('myPipline', 'myPipeline')).toBe(3);
    expect(suggestionDistance('noSuchPipeline', 'myPipeline')).toBe(4);
  });
});

describe('nearestFirst', () => {
  test('orders by distance, ties in the given order, at most `count`', () => {
    const names = ['web-service', 'nightly-data', 'myPipeline', 'api-orders', 'api-users'];
    expect(nearestFirst('api-order', names, 2)).toEqual(['api-orders', 'api-users']);
    expect(nearestFirst('zzz', ['b', 'a'], 5)).toEqual(['b', 'a']);
    expect(nearestFirst('zzz', names, 0)).toEqual([]);
  });
});
