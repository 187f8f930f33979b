import fc from 'fast-check';
import { parseButtonValue } from '../../../src/core/actions';
import { buildAlertMessage } from '../../../src/core/messages';
import { renderBlockKit, renderThreadReply, withOutcome, withoutActions } from '../../../src/slack';
import { arbitraryPipelineEvent } from '../../helpers/arbitrary-pipeline-event';
import { checkBlockKitLimits } from '../../helpers/check-block-kit-limits';
import { payloadTexts, unescapedIn } from './payload-texts';

/** Short and long text, lone surrogates included, and Slack's control sequences. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', minLength: 100, maxLength: 3000 }),
  fc.constantFrom('<!channel>', '<@U123>', '<https://evil|x>', '&amp;', 'a > b & c'),
  fc
    .array(fc.constantFrom('<', '>', '&', '😀', '👨‍👩‍👧', 'x'), { minLength: 140, maxLength: 2100 })
    .map((parts) => parts.join('')),
);

const parsedEvent = arbitraryPipelineEvent(text);

let rendered = 0;
let withDecisionButtons = 0;

describe('renderBlockKit (property)', () => {
  it('any parsed event with arbitrary text renders within the limits, escaped, without throwing', () => {
    fc.assert(
      fc.property(parsedEvent, fc.option(text, { nil: undefined }), (event, note) => {
        // Act
        const message = buildAlertMessage(event, { failure: { summary: note } });
        const payload = renderBlockKit(message, { note, actedBy: { verb: note ?? 'Retried', userId: 'U1' } });
        const updated = {
          text: payload.text,
          blocks: withoutActions(withOutcome(payload.blocks, { verb: 'x', userId: 'U2' })),
        };
        const reply = renderThreadReply(message);
        rendered += 1;
        if (payloadTexts(payload).some((t) => t.kind === 'value')) withDecisionButtons += 1;
        // Assess
        for (const rendered of [payload, updated, ...(reply === undefined ? [] : [reply])]) {
          expect(checkBlockKitLimits(rendered)).toEqual([]);
          for (const { kind, text: shown, path } of payloadTexts(rendered)) {
            if (kind === 'mrkdwn' || kind === 'text') expect([path, unescapedIn(shown)]).toEqual([path, []]);
            if (kind === 'value') expect(() => parseButtonValue(shown)).not.toThrow();
          }
        }
      }),
      { numRuns: 300 },
    );
    // The generator must reach the renderer with varied events, buttons included, not be filtered down to nothing.
    expect(rendered).toBeGreaterThanOrEqual(300);
    expect(withDecisionButtons).toBeGreaterThan(10);
  });
});
