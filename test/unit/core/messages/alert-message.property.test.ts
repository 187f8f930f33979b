import fc from 'fast-check';
import { safeParsePipelineEvent } from '../../../../src/core/events';
import { buildAlertMessage, renderAlertText } from '../../../../src/core/messages';
import { listFixtures, loadFixture } from '../../../helpers/fixtures';

const fixturePaths = [...listFixtures('codepipeline'), ...listFixtures('codepipeline/handmade')];
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('FAILED', 'STARTED', 'Approval'));
const optionalText = fc.option(text, { nil: undefined });
/** Names as CodePipeline allows them (the parser refuses others), edge cases included. */
const name = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9.@\-_]{1,100}$/),
  fc.constantFrom('a', '.', '@', 'x'.repeat(100), 'constructor', '__proto__', 'FAILED'),
);

/** Valid events with arbitrary text in every field a message shows (names and ids as CodePipeline makes them). */
const parsedEvent = fc
  .record({
    path: fc.constantFrom(...fixturePaths),
    state: fc.oneof(text, fc.constantFrom('FAILED', 'STARTED', 'SUCCEEDED', 'ABANDONED')),
    names: fc.record({ pipeline: name, stage: name, action: name, executionId: fc.uuid() }),
    category: optionalText,
    summary: optionalText,
    url: fc.option(fc.oneof(fc.webUrl(), text), { nil: undefined }),
    trigger: fc.option(
      fc.dictionary(
        fc.constantFrom(
          'trigger-type',
          'trigger-detail',
          'commit-id',
          'commit-message',
          'branch-name',
          'tag-name',
          'author-display-name',
        ),
        text,
      ),
      { nil: undefined },
    ),
    region: optionalText,
    resources: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
    attempt: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
  })
  .map((draw) => {
    const input = structuredClone(loadFixture(draw.path)) as Record<string, unknown> & {
      detail: Record<string, unknown>;
    };
    const detail = input.detail;
    Object.assign(detail, {
      state: draw.state,
      pipeline: draw.names.pipeline,
      'execution-id': draw.names.executionId,
      stage: draw.names.stage,
      action: draw.names.action,
      'pipeline-execution-attempt': draw.attempt,
      'execution-trigger': draw.trigger,
      region: draw.region,
      type: { provider: 'P', category: draw.category },
      'execution-result': { 'external-execution-summary': draw.summary, 'external-execution-url': draw.url },
    });
    if (draw.resources) input.resources = draw.resources;
    return safeParsePipelineEvent(input);
  })
  .filter((result) => result.success)
  .map((result) => (result.success ? result.event : undefined))
  .filter((event) => event !== undefined);

/** Control characters other than tab and newline, which a terminal would interpret. */
function controlCharactersIn(text: string): number[] {
  return [...text]
    .map((char) => char.charCodeAt(0))
    .filter((code) => code !== 0x09 && code !== 0x0a && (code < 0x20 || (code >= 0x7f && code <= 0x9f)));
}

let parsedCount = 0;
let unknownStateCount = 0;

describe('buildAlertMessage and renderAlertText (property)', () => {
  it('turn any parsed event into a message and text without throwing', () => {
    fc.assert(
      fc.property(
        parsedEvent,
        fc.option(
          fc.record({ failure: fc.record({ stage: optionalText, summary: optionalText, externalUrl: optionalText }) }),
          {
            nil: undefined,
          },
        ),
        (event, enrichment) => {
          parsedCount += 1;
          if (!event.stateKnown) unknownStateCount += 1;
          // Act
          const message = buildAlertMessage(event, enrichment);
          const rendered = renderAlertText(message);
          // Assess
          expect(message.title.length).toBeGreaterThan(0);
          expect(message.links[0]?.kind).toBe('console');
          expect(message.actions.at(-1)?.kind).toBe('open-console');
          for (const link of message.links) expect(link.url).toMatch(/^https?:/);
          for (const action of message.actions) expect(action).not.toHaveProperty('token');
          expect(message.status.known).toBe(event.stateKnown);
          if (!event.stateKnown) expect(message.status.severity).toBe('warning');
          expect(controlCharactersIn(rendered)).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
    // The generator must reach the renderer with varied events, not be filtered down to nothing.
    expect(parsedCount).toBeGreaterThanOrEqual(500);
    expect(unknownStateCount).toBeGreaterThan(50);
  });
});
