import fc from 'fast-check';
import {
  InvalidPipelineEventError,
  isKnownState,
  LEVELS,
  type PipelineEvent,
  parsePipelineEvent,
} from '../../../../src/core/events';
import { listFixtures, loadFixture } from '../../../helpers/fixtures';

const fixturePaths = [...listFixtures('codepipeline'), ...listFixtures('codepipeline/handmade')];

/** Runs the parser and says which of the two allowed outcomes happened; anything else fails the property. */
function outcome(input: unknown): 'event' | 'invalid' {
  let event: PipelineEvent;
  try {
    event = parsePipelineEvent(input);
  } catch (error) {
    if (error instanceof InvalidPipelineEventError && error.issues.length > 0 && error.message.length > 0) {
      return 'invalid';
    }
    throw error;
  }
  expect(LEVELS).toContain(event.level);
  expect(typeof event.eventId).toBe('string');
  expect(typeof event.pipeline).toBe('string');
  expect(typeof event.executionId).toBe('string');
  expect(event.stateKnown).toBe(isKnownState(event.level, event.state));
  return 'event';
}

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

/** A copy of `event` where the value at `path` is replaced, or deleted when `replacement` is absent. */
function mutate(event: unknown, path: Path, replacement: { value: unknown } | undefined): unknown {
  const copy = structuredClone(event);
  let parent: unknown = copy;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key];
  const last = path[path.length - 1] as string | number;
  const container = parent as Record<string | number, unknown>;
  if (replacement === undefined) delete container[last];
  else container[last] = replacement.value;
  return copy;
}

const mutatedFixture = fc
  .record({
    path: fc.constantFrom(...fixturePaths),
    pick: fc.nat(),
    replacement: fc.option(
      fc.oneof(fc.anything(), fc.jsonValue()).map((value) => ({ value })),
      { nil: undefined },
    ),
  })
  .map(({ path, pick, replacement }) => {
    const event = loadFixture(path);
    const paths = pathsOf(event);
    const target = paths[pick % paths.length] ?? [];
    return mutate(event, target, replacement);
  });

describe('parsePipelineEvent (property)', () => {
  it('returns an event or throws InvalidPipelineEventError on anything', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => void outcome(input)),
      { numRuns: 500 },
    );
  });

  it('returns an event or throws InvalidPipelineEventError on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => void outcome(text)),
      { numRuns: 300 },
    );
  });

  it('returns an event or throws InvalidPipelineEventError on mutated valid events', () => {
    fc.assert(
      fc.property(mutatedFixture, (input) => void outcome(input)),
      { numRuns: 1000 },
    );
  });

  it('accepts any state string and flags it known or not', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixturePaths), fc.string({ minLength: 1 }), (path, state) => {
        const event = structuredClone(loadFixture(path)) as { detail: Record<string, unknown> };
        event.detail.state = state;
        expect(outcome(event)).toBe('event');
      }),
      { numRuns: 300 },
    );
  });

  it('accepts unknown extra fields anywhere in the detail', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixturePaths),
        fc.string().filter((key) => !['__proto__', 'constructor'].includes(key)),
        fc.jsonValue(),
        (path, key, value) => {
          const event = structuredClone(loadFixture(path)) as { detail: Record<string, unknown> };
          fc.pre(!Object.hasOwn(event.detail, key) && !KNOWN_DETAIL_KEYS.has(key));
          event.detail[key] = value;
          expect(outcome(event)).toBe('event');
        },
      ),
      { numRuns: 300 },
    );
  });
});

const KNOWN_DETAIL_KEYS = new Set([
  'pipeline',
  'execution-id',
  'state',
  'version',
  'pipeline-execution-attempt',
  'start-time',
  'execution-trigger',
  'stop-execution-comments',
  'stage',
  'stage-last-retry-attempt-time',
  'action',
  'action-execution-id',
  'region',
  'type',
  'execution-result',
  'input-artifacts',
  'output-artifacts',
]);
