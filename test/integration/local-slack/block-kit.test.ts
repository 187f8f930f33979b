import type { WebClient } from '@slack/web-api';
import type { LocalSlack } from '../../../src/local/slack';
import { CHANNEL, clientFor, slackError, startWorkspace } from './harness';

let slack: LocalSlack;
let client: WebClient;

beforeAll(async () => {
  slack = await startWorkspace();
  client = clientFor(slack);
});
afterAll(() => slack.stop());

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const button = (overrides: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain('Retry'),
  action_id: 'retry',
  value: 'v',
  ...overrides,
});
const actions = (elements: unknown[]) => ({ type: 'actions', elements });
const x = (n: number) => 'x'.repeat(n);

async function post(blocks: unknown[]) {
  return client.chat.postMessage({ channel: CHANNEL, text: 'fallback', blocks: blocks as never });
}

/** Each limit: one value at the limit (accepted) and one over it (refused with Slack's error text). */
const LIMITS: [name: string, atLimit: unknown[], overLimit: unknown[], error: string][] = [
  [
    'blocks per message (50)',
    Array.from({ length: 50 }, () => ({ type: 'divider' })),
    Array.from({ length: 51 }, () => ({ type: 'divider' })),
    'must be less than 51 items [json-pointer:/blocks]',
  ],
  [
    'section text (3,000)',
    [{ type: 'section', text: mrkdwn(x(3000)) }],
    [{ type: 'section', text: mrkdwn(x(3001)) }],
    'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
  ],
  [
    'section fields (10 items)',
    [{ type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn('f')) }],
    [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) }],
    'must be less than 11 items [json-pointer:/blocks/0/fields]',
  ],
  [
    'section field text (2,000)',
    [{ type: 'section', fields: [mrkdwn(x(2000))] }],
    [{ type: 'section', fields: [mrkdwn('ok'), mrkdwn(x(2001))] }],
    'must be less than 2001 characters [json-pointer:/blocks/0/fields/1/text]',
  ],
  [
    'header text (150)',
    [{ type: 'header', text: plain(x(150)) }],
    [{ type: 'header', text: plain(x(151)) }],
    'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
  ],
  [
    'button text (75)',
    [actions([button({ text: plain(x(75)) })])],
    [actions([button({ text: plain(x(76)) })])],
    'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
  ],
  [
    'button value (2,000)',
    [actions([button({ value: x(2000) })])],
    [actions([button({ value: x(2001) })])],
    'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
  ],
  [
    'button action_id (255)',
    [actions([button({ action_id: x(255) })])],
    [actions([button({ action_id: x(256) })])],
    'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
  ],
  [
    'button url (3,000)',
    [actions([button({ url: `https://example.com/${x(2980)}` })])],
    [actions([button({ url: `https://example.com/${x(2981)}` })])],
    'must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]',
  ],
  [
    'block_id (255)',
    [{ type: 'divider', block_id: x(255) }],
    [{ type: 'divider', block_id: x(256) }],
    'must be less than 256 characters [json-pointer:/blocks/0/block_id]',
  ],
  [
    'actions elements (25)',
    [actions(Array.from({ length: 25 }, (_, i) => button({ action_id: `a${i}` })))],
    [actions(Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })))],
    'must be less than 26 items [json-pointer:/blocks/0/elements]',
  ],
  [
    'context elements (10)',
    [{ type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) }],
    [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }],
    'must be less than 11 items [json-pointer:/blocks/0/elements]',
  ],
];

describe('Block Kit limits in messages', () => {
  test.each(LIMITS)('%s', async (_name, atLimit, overLimit, expected) => {
    await expect(post(atLimit)).resolves.toMatchObject({ ok: true });
    const { error, data } = await slackError(post(overLimit));
    expect(error).toBe('invalid_blocks');
    expect(data.errors).toEqual([expected]);
    expect(data.response_metadata).toEqual({ messages: [`[ERROR] ${expected}`] });
  });

  test('characters are counted, not UTF-16 units (an emoji is one)', async () => {
    await expect(post([{ type: 'header', text: plain('🚀'.repeat(150)) }])).resolves.toMatchObject({ ok: true });
  });

  test('the same limits apply to chat.update and chat.postEphemeral', async () => {
    const posted = await post([{ type: 'divider' }]);
    const tooLong = [{ type: 'header', text: plain(x(151)) }];
    const update = client.chat.update({
      channel: CHANNEL,
      ts: posted.ts as string,
      text: 't',
      blocks: tooLong as never,
    });
    expect((await slackError(update)).error).toBe('invalid_blocks');
    const ephemeral = client.chat.postEphemeral({
      channel: CHANNEL,
      user: 'U00000ALICE',
      text: 't',
      blocks: tooLong as never,
    });
    expect((await slackError(ephemeral)).error).toBe('invalid_blocks');
  });

  test.each([
    [
      'header with mrkdwn',
      [{ type: 'header', text: mrkdwn('h') }],
      'must be a valid enum value [json-pointer:/blocks/0/text/type]',
    ],
    [
      'button with mrkdwn text',
      [actions([button({ text: mrkdwn('b') })])],
      'must be a valid enum value [json-pointer:/blocks/0/elements/0/text/type]',
    ],
    [
      'empty section text',
      [{ type: 'section', text: mrkdwn('') }],
      'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'section without text or fields',
      [{ type: 'section' }],
      'must provide either text or fields [json-pointer:/blocks/0]',
    ],
    [
      'unknown button style',
      [actions([button({ style: 'warning' })])],
      'must be a valid enum value [json-pointer:/blocks/0/elements/0/style]',
    ],
    [
      'a misspelt property',
      [actions([button({ action_Id: 'x' })])],
      'invalid additional property: action_Id [json-pointer:/blocks/0/elements/0]',
    ],
    [
      'duplicate block_id',
      [
        { type: 'divider', block_id: 'b' },
        { type: 'divider', block_id: 'b' },
      ],
      'duplicate block_id: b [json-pointer:/blocks/1/block_id]',
    ],
    [
      'duplicate action_id in a block',
      [actions([button(), button()])],
      'duplicate action_id: retry [json-pointer:/blocks/0/elements/1/action_id]',
    ],
    ['empty actions block', [actions([])], 'must be more than 0 items [json-pointer:/blocks/0/elements]'],
    [
      'an input block in a message',
      [{ type: 'input', label: plain('l'), element: { type: 'plain_text_input' } }],
      'input blocks are only allowed in modals and Home tabs [json-pointer:/blocks/0/type]',
    ],
    [
      'an unknown block type',
      [{ type: 'sectoin', text: mrkdwn('s') }],
      'unsupported block type: sectoin [json-pointer:/blocks/0/type]',
    ],
    [
      'confirm dialog title over 100',
      [
        actions([
          button({ confirm: { title: plain(x(101)), text: plain('t'), confirm: plain('Yes'), deny: plain('No') } }),
        ]),
      ],
      'must be less than 101 characters [json-pointer:/blocks/0/elements/0/confirm/title/text]',
    ],
  ])('structure: %s', async (_name, blocks, expected) => {
    const { error, data } = await slackError(post(blocks));
    expect(error).toBe('invalid_blocks');
    expect(data.errors).toEqual([expected]);
  });

  test('a button in a section accessory is checked like one in an actions block', async () => {
    const blocks = [{ type: 'section', text: mrkdwn('s'), accessory: button({ text: plain(x(76)) }) }];
    const { data } = await slackError(post(blocks));
    expect(data.errors).toEqual(['must be less than 76 characters [json-pointer:/blocks/0/accessory/text/text]']);
  });

  test('several violations are all reported', async () => {
    const { data } = await slackError(
      post([{ type: 'header', text: plain(x(151)) }, actions([button({ value: x(2001), action_id: x(256) })])]),
    );
    expect(data.errors).toHaveLength(3);
  });
});
