import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** test/fixtures: copies of the shared captured events plus hand-made ones; never read ../shared at run time. */
export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

/** The parsed JSON of a fixture, e.g. `loadFixture('codepipeline/pipeline-failed-2023rev.json')`. */
export function loadFixture(relativePath: string): unknown {
  return JSON.parse(loadFixtureText(relativePath));
}

/** The fixture's text exactly as stored (for tests of JSON-string input). */
export function loadFixtureText(relativePath: string): string {
  return readFileSync(join(FIXTURES_DIR, relativePath), 'utf8');
}

/** The `.json` files directly under a fixture directory, e.g. `listFixtures('codepipeline')`. */
export function listFixtures(relativeDir: string): string[] {
  return readdirSync(join(FIXTURES_DIR, relativeDir), { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => `${relativeDir}/${entry.name}`)
    .sort();
}
