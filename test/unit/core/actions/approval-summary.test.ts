import fc from 'fast-check';
import { approvalSummary, MAX_APPROVAL_SUMMARY_LENGTH } from '../../../../src/core/actions';
import { truncateText } from '../../../../src/core/messages';

/** True when every surrogate is half of a pair. */
function isWellFormed(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

describe('approvalSummary', () => {
  it('records who decided, where, and why', () => {
    expect(
      approvalSummary({ decision: 'Approved', approver: 'Mary Major', platformName: 'Slack', comment: ' ship it ' }),
    ).toBe('Approved by Mary Major in Slack: ship it');
    expect(approvalSummary({ decision: 'Rejected', approver: 'U456', platformName: 'Teams' })).toBe(
      'Rejected by U456 in Teams',
    );
  });

  it('cuts to 512 code units with an ellipsis, never inside an emoji', () => {
    const head = 'Approved by M in Slack: ';
    const comment = `${'x'.repeat(MAX_APPROVAL_SUMMARY_LENGTH - head.length - 2)}😀😀😀`;

    const summary = approvalSummary({ decision: 'Approved', approver: 'M', platformName: 'Slack', comment });

    expect(summary.length).toBeLessThanOrEqual(MAX_APPROVAL_SUMMARY_LENGTH);
    expect(summary.endsWith('x…')).toBe(true);
    expect(isWellFormed(summary)).toBe(true);
  });

  it('replaces lone surrogates, which are not valid on the wire', () => {
    expect(approvalSummary({ decision: 'Approved', approver: 'M', platformName: 'Slack', comment: 'a\ud800b' })).toBe(
      'Approved by M in Slack: a\ufffdb',
    );
  });
});

describe('approvalSummary (property)', () => {
  it('is at most 512 code units and well-formed for any name and comment', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 700 }),
      fc.string({ unit: 'grapheme', maxLength: 400 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('Approved' as const, 'Rejected' as const),
        text,
        fc.option(text, { nil: undefined }),
        (decision, approver, comment) => {
          const summary = approvalSummary({ decision, approver, platformName: 'Slack', comment });
          expect(summary.length).toBeLessThanOrEqual(MAX_APPROVAL_SUMMARY_LENGTH);
          expect(isWellFormed(summary)).toBe(true);
          expect(summary.startsWith(`${decision} by `)).toBe(true);
        },
      ),
    );
  });

  it('truncateText keeps text that fits and cuts what does not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (text, max) => {
        const cut = truncateText(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        if (text.length <= max) expect(cut).toBe(text);
        else expect(text.startsWith(cut.slice(0, -1))).toBe(true);
        expect(isWellFormed(cut)).toBe(true);
      }),
    );
  });
});
