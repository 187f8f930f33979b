import fc from 'fast-check';
import { parseButtonValue } from '../../../src/core/actions';
import { type ExecutionState, executionToAlertMessage, mergeEvent } from '../../../src/core/executions';
import { buildAlertMessage, isWebUrl } from '../../../src/core/messages';
import { activityBytes, activityOf, MAX_ACTIVITY_BYTES } from '../../../src/teams/render-adaptive-card';
import { arbitraryPipelineEvent } from '../../helpers/arbitrary-pipeline-event';
import { pipelineEvent, retriedExecutionSpecs, STAGE_ORDER } from '../core/executions/execution-events';
import { buttonValuesOf, notPlainJson, ofType, shownTexts, text as textOf } from './card-helpers';
import { injectedMarkup, markdownProblems } from './markdown-oracle';

/** Short and long text, lone surrogates, markdown and Teams constructs, whole and in pieces. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', minLength: 100, maxLength: 3000 }),
  fc.constantFrom(
    '[click](https://evil.example)',
    '<at>Alice</at>',
    '**urgent**',
    '# Heading\n- item\n1. item\n> quote',
    '`code` ~~strike~~ | table |',
    '{{DATE(2017-02-14T06:00:00Z, SHORT)}}',
    '&lt;at&gt;all&lt;/at&gt;',
    '\\[x](y)',
    '    indented\n===',
  ),
  fc
    .array(
      fc.constantFrom('[', ']', '(', ')', '<', '>', '&', '*', '_', '\\', '{', '\n', '#', '-', '1.', '😀', 'x', ' '),
      {
        minLength: 1,
        maxLength: 2000,
      },
    )
    .map((parts) => parts.join('')),
);

const parsedEvent = arbitraryPipelineEvent(text);

/** Everything a Teams client shows is inert text; buttons carry values pipewatch reads back; links are web links. */
function expectSafe(activity: ReturnType<typeof activityOf>): void {
  expect(activityBytes(activity)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
  expect(notPlainJson(activity)).toEqual([]);
  for (const { path, text: shown } of shownTexts(activity)) {
    expect([path, markdownProblems(shown), injectedMarkup(shown)]).toEqual([path, [], []]);
  }
  for (const action of [...ofType(activity, 'Action.Execute'), ...ofType(activity, 'Action.Submit')]) {
    for (const value of buttonValuesOf(activity, action)) {
      expect(() => parseButtonValue(value as string)).not.toThrow();
    }
  }
  for (const link of ofType(activity, 'Action.OpenUrl')) expect(isWebUrl(textOf(link, 'url'))).toBe(true);
}

let rendered = 0;
let withButtons = 0;

describe('renderAdaptiveCard (property)', () => {
  it('any parsed event with arbitrary text renders escaped, readable and within the limit, without throwing', () => {
    fc.assert(
      fc.property(parsedEvent, fc.option(text, { nil: undefined }), (event, failureSummary) => {
        // Act
        const message = buildAlertMessage(event, { failure: { summary: failureSummary } });
        const activities = [activityOf(message), activityOf(message, { as: 'reply' })];
        rendered += 1;
        if (ofType(activities[0], 'Action.Execute').length > 0) withButtons += 1;
        // Assess
        for (const activity of activities) expectSafe(activity);
      }),
      { numRuns: 300 },
    );
    // The generator must reach the renderer with varied events, buttons included, not be filtered down to nothing.
    expect(rendered).toBeGreaterThanOrEqual(300);
    expect(withButtons).toBeGreaterThan(10);
  });

  it('a merged execution whose failure, trigger and names are arbitrary renders safely at every step', () => {
    fc.assert(
      fc.property(
        text,
        text,
        text,
        fc.integer({ min: 0, max: retriedExecutionSpecs().length - 1 }),
        (summary, errorCode, commitMessage, last) => {
          // Arrange: the retried execution of execution-events.ts, with event content replaced.
          const specs = retriedExecutionSpecs()
            .slice(0, last + 1)
            .map((spec) => ({
              ...spec,
              ...(spec.summary === undefined ? {} : { summary }),
              ...(spec.errorCode === undefined ? {} : { errorCode }),
              ...(spec.trigger === undefined ? {} : { trigger: { ...spec.trigger, 'commit-message': commitMessage } }),
            }));
          const state = specs.map(pipelineEvent).reduce<ExecutionState | undefined>(mergeEvent, undefined);
          if (state === undefined) return;
          // Act
          const message = executionToAlertMessage(state, { stageOrder: STAGE_ORDER });
          // Assess
          expectSafe(activityOf(message));
          expectSafe(activityOf(message, { as: 'reply' }));
        },
      ),
      { numRuns: 150 },
    );
  });
});
