import { checkBlockKitLimits } from '../../helpers/check-block-kit-limits';

/** The helper guards every other test here, so it must itself see each kind of violation. */
describe('checkBlockKitLimits', () => {
  const plain = (text: string) => ({ type: 'plain_text', text });
  const md = (text: string) => ({ type: 'mrkdwn', text });

  it('accepts a small valid message', () => {
    const blocks = [
      { type: 'header', text: plain('Title') },
      { type: 'section', text: md('*hi*'), fields: [md('a'), md('b')] },
      { type: 'context', elements: [md('c')] },
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'a', text: plain('Go'), value: 'v', style: 'primary' }],
      },
    ];
    expect(checkBlockKitLimits({ text: 'fallback', blocks })).toEqual([]);
  });

  it.each<[string, { text: unknown; blocks: unknown[] }, RegExp]>([
    ['51 blocks', { text: 't', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }, /max 50/],
    ['text of 4,000', { text: 'x'.repeat(4000), blocks: [] }, /must be < 4000/],
    ['empty text', { text: ' ', blocks: [] }, /text: missing or empty/],
    ['header of 151', { text: 't', blocks: [{ type: 'header', text: plain('x'.repeat(151)) }] }, /max 150/],
    ['mrkdwn header', { text: 't', blocks: [{ type: 'header', text: md('x') }] }, /must be plain_text/],
    ['section of 3,001', { text: 't', blocks: [{ type: 'section', text: md('x'.repeat(3001)) }] }, /max 3000/],
    [
      '11 fields',
      { text: 't', blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => md('f')) }] },
      /max 10/,
    ],
    ['field of 2,001', { text: 't', blocks: [{ type: 'section', fields: [md('x'.repeat(2001))] }] }, /max 2000/],
    ['empty section', { text: 't', blocks: [{ type: 'section' }] }, /text or fields/],
    [
      '11 context elements',
      { text: 't', blocks: [{ type: 'context', elements: Array.from({ length: 11 }, () => md('c')) }] },
      /max 10/,
    ],
    [
      'button text of 76',
      {
        text: 't',
        blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: plain('x'.repeat(76)) }] }],
      },
      /max 75/,
    ],
    [
      'value of 2,001',
      {
        text: 't',
        blocks: [
          {
            type: 'actions',
            elements: [{ type: 'button', action_id: 'a', text: plain('b'), value: 'x'.repeat(2001) }],
          },
        ],
      },
      /max 2000/,
    ],
    [
      'action_id of 256',
      {
        text: 't',
        blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'x'.repeat(256), text: plain('b') }] }],
      },
      /max 255/,
    ],
    [
      'duplicate action_id',
      {
        text: 't',
        blocks: [
          { type: 'actions', elements: [1, 2].map(() => ({ type: 'button', action_id: 'a', text: plain('b') })) },
        ],
      },
      /not unique/,
    ],
    [
      'javascript: url',
      {
        text: 't',
        blocks: [
          {
            type: 'actions',
            elements: [{ type: 'button', action_id: 'a', text: plain('b'), url: 'javascript:alert(1)' }],
          },
        ],
      },
      /not http/,
    ],
    ['lone surrogate', { text: 'a\uD83D', blocks: [] }, /lone surrogate/],
    ['empty text object', { text: 't', blocks: [{ type: 'context', elements: [md('')] }] }, /empty/],
  ])('reports %s', (_, payload, problem) => {
    expect(checkBlockKitLimits(payload).join('\n')).toMatch(problem);
  });
});
