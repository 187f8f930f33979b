import { ManualClock, RealClock } from '../../../../src/local/aws/clock';

// Jest's fake timers drive setTimeout and Date.now together: no real waiting, no timing assertions.
beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-12-07T12:00:00Z') }));
afterEach(() => jest.useRealTimers());

describe('RealClock', () => {
  test('schedule(ms) runs `speed` times sooner: simulated durations', () => {
    const clock = new RealClock(10);
    const fired: number[] = [];
    clock.schedule(60_000, () => fired.push(Date.now()));
    jest.advanceTimersByTime(5_999);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([Date.parse('2026-12-07T12:00:06Z')]);
  });

  test('scheduleAt(time) runs when now() reaches the time, whatever the speed (as Scheduler’s at())', () => {
    const clock = new RealClock(10);
    const at = Date.parse('2026-12-07T13:00:00Z');
    const fired: number[] = [];
    clock.scheduleAt(at, () => fired.push(clock.now()));
    jest.advanceTimersByTime(60 * 60_000 - 1);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([at]);
  });

  test('scheduleAt past setTimeout’s 24.8-day ceiling waits in steps; cancel stops it; a past time runs at once', () => {
    const clock = new RealClock(10);
    const at = Date.parse('2027-01-20T12:00:00Z'); // 44 days on
    const fired: string[] = [];
    clock.scheduleAt(at, () => fired.push('late'));
    const cancel = clock.scheduleAt(at, () => fired.push('cancelled'));
    jest.advanceTimersByTime(30 * 24 * 60 * 60_000);
    cancel();
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(14 * 24 * 60 * 60_000);
    expect(fired).toEqual(['late']);
    clock.scheduleAt(Date.now() - 1_000, () => fired.push('past'));
    jest.advanceTimersByTime(0);
    expect(fired).toEqual(['late', 'past']);
    clock.dispose();
  });
});

test('ManualClock.scheduleAt runs at the absolute time as the clock is advanced', () => {
  const clock = new ManualClock(Date.parse('2026-12-07T12:00:00Z'));
  const fired: number[] = [];
  clock.scheduleAt(Date.parse('2026-12-07T12:30:00Z'), () => fired.push(clock.now()));
  clock.advance(29 * 60_000);
  expect(fired).toEqual([]);
  clock.advance(60_000);
  expect(fired).toEqual([Date.parse('2026-12-07T12:30:00Z')]);
});
