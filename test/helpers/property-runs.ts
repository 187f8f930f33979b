/**
 * A property test's number of runs, scaled by PIPEWATCH_PROPERTY_RUNS_SCALE (e.g. 10 for a long
 * run after a change to the lease protocol; 1, the default, in the ordinary suite).
 */
export function propertyRuns(runs: number): number {
  const scale = Number(process.env.PIPEWATCH_PROPERTY_RUNS_SCALE ?? 1);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(
      `PIPEWATCH_PROPERTY_RUNS_SCALE must be a positive number, not ${process.env.PIPEWATCH_PROPERTY_RUNS_SCALE}`,
    );
  }
  return Math.max(1, Math.round(runs * scale));
}
