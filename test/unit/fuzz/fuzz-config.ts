/**
 * How much the fuzz suite runs: a seeded, short run in CI (the default), a long one with
 * `npm run fuzz` (PIPEWATCH_FUZZ_RUNS=200000). The seed is fixed so a failure reproduces; set
 * PIPEWATCH_FUZZ_SEED to explore other inputs (fast-check prints the seed and path of a failure).
 */
export const FUZZ_RUNS = positiveInteger(process.env.PIPEWATCH_FUZZ_RUNS) ?? 300;
export const FUZZ_SEED = integer(process.env.PIPEWATCH_FUZZ_SEED) ?? 20_240_607;

/** Runs for one property: `share` of FUZZ_RUNS (properties differ in cost), at least 1. */
export function runsFor(share: number): number {
  return Math.max(1, Math.round(FUZZ_RUNS * share));
}

/** A jest timeout for `runs` runs of a property costing about `msPerRun`: generous, since CI machines vary. */
export function timeoutFor(runs: number, msPerRun: number): number {
  return Math.max(30_000, runs * msPerRun * 5);
}

function positiveInteger(text: string | undefined): number | undefined {
  const value = integer(text);
  return value !== undefined && value > 0 ? value : undefined;
}

function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text.trim())) return undefined;
  return Number.parseInt(text, 10);
}
