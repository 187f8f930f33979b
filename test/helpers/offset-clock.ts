/**
 * A handler's clock that is real time moved on by `later(seconds)`: the clock of what a test lets
 * expire (click claims, the replay memory), while checks that read real time themselves (Bolt's
 * signature window, the Teams SDK's JWT lifetime) still pass.
 */
export function offsetClock() {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    later(seconds: number): void {
      offsetMs += seconds * 1000;
    },
    reset(): void {
      offsetMs = 0;
    },
  };
}
