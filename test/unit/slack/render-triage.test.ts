import type { AlertMessage, AlertTriage } from '../../../src/core/messages';
import { renderThreadReply } from '../../../src/slack';
import { checkBlockKitLimits } from '../../helpers/check-block-kit-limits';
import { failedBuildWith, SHA_NEW, SHA_OLD, triagePack } from '../../helpers/triage-fixtures';
import { unescapedIn } from './payload-texts';

const HOSTILE = [
  '<!channel> deploy now',
  'ping <@U0123ABCD> & <!here>',
  '```',
  '*bold* _it_ ~no~ `code`',
  '<https://evil|x>',
];

function triage(logLines: readonly string[]): AlertTriage {
  return triagePack({
    commit: {
      id: SHA_NEW,
      message: 'Fix <rounding> & *totals*',
      author: 'Mary <!channel> Major',
      url: `https://github.com/octo/shop/commit/${SHA_NEW}`,
    },
    sinceExecutionId: '12345678-aaaa-bbbb-cccc-000000000000',
    phaseMessage: 'COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1',
    logLines,
    logUrl:
      'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=/aws/codebuild/shop;stream=1|x',
  });
}

function sections(message: AlertMessage): string[] {
  const reply = renderThreadReply(message);
  if (reply === undefined) throw new Error('no reply');
  expect(checkBlockKitLimits(reply)).toEqual([]);
  return reply.blocks.flatMap((block) => {
    const text = (block as { text?: { text?: string } }).text?.text;
    return block.type === 'section' && text !== undefined ? [text] : [];
  });
}

describe('the failure reply’s triage in Block Kit', () => {
  test('commit, changes and phase with their links; every text from the pack escaped', () => {
    const [, , head] = sections(failedBuildWith(triage(['ok'])));
    expect(head).toBe(
      [
        `*Commit* <https://github.com/octo/shop/commit/${SHA_NEW}|bbbbbbb> Fix &lt;rounding&gt; &amp; *totals* by Mary &lt;!channel&gt; Major`,
        `*Changes since the last success* <https://github.com/octo/shop/compare/${SHA_OLD}...${SHA_NEW}|aaaaaaa…bbbbbbb> (execution 12345678)`,
        // The URL's `|` would end the link's address: encoded.
        '*Failed phase* BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1 · <https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=/aws/codebuild/shop;stream=1%7Cx|Full log>',
      ].join('\n'),
    );
  });

  test('log lines in a code block: nothing mentions, links or closes the block early', () => {
    const code = sections(failedBuildWith(triage(HOSTILE))).find((text) => text.startsWith('```')) ?? '';
    expect(unescapedIn(code)).toEqual([]);
    expect(code.match(/```/g)).toHaveLength(2);
    expect(code.split('\n')).toEqual([
      '```',
      '&lt;!channel&gt; deploy now',
      'ping &lt;@U0123ABCD&gt; &amp; &lt;!here&gt;',
      '`\u200b`\u200b`',
      '*bold* _it_ ~no~ `code`',
      '&lt;https://evil|x&gt;',
      '```',
    ]);
  });

  test('20 long lines: the newest that fit in one section (3,000 characters), the others counted', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')} ${'<'.repeat(496)}`);
    const code = sections(failedBuildWith(triage(lines))).find((text) => text.includes('```')) ?? '';
    expect(code.length).toBeLessThanOrEqual(3000);
    // Each `<` is 4 characters escaped: a line is about 2,000, so one fits.
    expect(code).toMatch(/^_19 earlier lines not shown_\n```\n19 (&lt;)+…?\n```$/);
  });

  test('no pack, or a pack without a build: no code block', () => {
    expect(sections({ ...failedBuildWith({}), triage: undefined }).some((text) => text.includes('```'))).toBe(false);
    const { build: _build, ...rest } = triage([]);
    const texts = sections(failedBuildWith(rest));
    expect(texts.some((text) => text.includes('```'))).toBe(false);
    expect(texts.some((text) => text.includes('*Commit*'))).toBe(true);
  });

  test('the same revision as the last success: no compare link, said in words', () => {
    const pack = triage([]);
    const same = { ...pack, changes: { sinceExecutionId: 'ffffffff-1', fromId: SHA_NEW, toId: SHA_NEW } };
    expect(sections(failedBuildWith(same)).join('\n')).toContain(
      '*Changes since the last success* none: execution ffffffff ran the same revision bbbbbbb',
    );
  });
});
