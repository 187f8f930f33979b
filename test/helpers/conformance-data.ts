import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The shared conformance data lives next to the repository (`../shared`). It is
 * found from the repository root (the nearest package.json above this file),
 * and its absence is an error: a conformance suite that silently skips proves
 * nothing.
 */

function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const CONFORMANCE_DIR = path.resolve(repoRoot(__dirname), '../shared/conformance/eventbridge');

const matchCaseSchema = z.object({
  name: z.string(),
  source: z.string(),
  pattern: z.unknown(),
  event: z.unknown(),
  matches: z.boolean(),
});

const invalidPatternSchema = z.object({
  name: z.string(),
  source: z.string(),
  pattern: z.unknown(),
  reason: z.string(),
});

export type MatchCase = z.infer<typeof matchCaseSchema>;
export type InvalidPatternCase = z.infer<typeof invalidPatternSchema>;

function readJson(file: string): unknown {
  const full = path.join(CONFORMANCE_DIR, file);
  if (!existsSync(full)) {
    throw new Error(`Conformance data missing: ${full} (expected the shared folder next to the repository)`);
  }
  return JSON.parse(readFileSync(full, 'utf8'));
}

export function loadMatchCases(): MatchCase[] {
  return z.array(matchCaseSchema).parse(readJson('match-cases.json'));
}

export function loadInvalidPatterns(): InvalidPatternCase[] {
  return z.array(invalidPatternSchema).parse(readJson('invalid-patterns.json'));
}
