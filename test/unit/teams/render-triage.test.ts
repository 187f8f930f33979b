import type { AlertTriage } from '../../../src/core/messages';
import {
  activityBytes,
  activityOf,
  MAX_ACTIVITY_BYTES,
  renderAdaptiveCard,
} from '../../../src/teams/render-adaptive-card';
import { failedBuildWith, SHA_NEW, SHA_OLD, triagePack } from '../../helpers/triage-fixtures';
import { factsOf, ofType, shownTexts, text } from './card-helpers';
import { markdownProblems } from './markdown-oracle';

function pack(logLines: readonly string[]): AlertTriage {
  return triagePack({
    commit: {
      id: SHA_NEW,
      message: 'Fix [totals](https://evil)',
      author: 'Mary <at>Major</at>',
      url: 'https://github.com/octo/shop/commit/b',
    },
    sinceExecutionId: '12345678-aaaa',
    phaseMessage: 'COMMAND_EXECUTION_ERROR: exit status 1',
    logLines,
    logUrl:
      'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=/aws/codebuild/shop;stream=1',
  });
}

const LOG = [
  ...Array.from({ length: 16 }, (_, i) => `PASS test/${i}.test.ts`),
  '# not a heading <at>everyone</at>',
  '  ● indented **bold** `code` [link](https://evil)',
  '',
  '{{DATE(2024-01-01T00:00:00Z)}} ~~strike~~ | table |',
];

describe('the failure reply’s triage in an Adaptive Card', () => {
  test('facts, the 20 log lines in monospace one per block, links as Action.OpenUrl; all escaped', () => {
    const card = renderAdaptiveCard(failedBuildWith(pack(LOG)), { as: 'reply' });
    const facts = ofType(card, 'FactSet').flatMap(factsOf);
    expect(facts).toEqual(
      expect.arrayContaining([
        { title: 'Commit', value: 'bbbbbbb Fix \\[totals\\]\\(https://evil) by Mary &lt;at&gt;Major&lt;/at&gt;' },
        { title: 'Changes since the last success', value: 'aaaaaaa → bbbbbbb (execution 12345678)' },
        { title: 'Failed phase', value: 'BUILD: COMMAND_EXECUTION_ERROR: exit status 1' },
      ]),
    );
    const lines = ofType(card, 'TextBlock').filter((block) => block.fontType === 'Monospace');
    expect(lines).toHaveLength(20);
    expect(lines.every((block) => block.wrap === true && block.spacing === 'None')).toBe(true);
    expect(text(lines[16])).toBe('\\# not a heading &lt;at&gt;everyone&lt;/at&gt;');
    expect(text(lines[18])).toBe('\u00a0');
    for (const { path, text: shown } of shownTexts(card)) {
      if (path.includes('url')) continue;
      expect({ path, problems: markdownProblems(shown) }).toEqual({ path, problems: [] });
    }
    const links = ofType(card, 'Action.OpenUrl').map((action) => [action.title, action.url]);
    expect(links).toEqual(
      expect.arrayContaining([
        ['Commit', 'https://github.com/octo/shop/commit/b'],
        ['Compare changes', `https://github.com/octo/shop/compare/${SHA_OLD}...${SHA_NEW}`],
        [
          'Full log',
          'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=/aws/codebuild/shop;stream=1',
        ],
      ]),
    );
  });

  test('the alert itself (not the reply) shows no triage', () => {
    const card = renderAdaptiveCard(failedBuildWith(pack(LOG)));
    expect(ofType(card, 'TextBlock').filter((block) => block.fontType === 'Monospace')).toEqual([]);
  });

  test('a huge pack stays under the activity size limit', () => {
    const huge = pack(Array.from({ length: 20 }, () => '<'.repeat(50_000)));
    const activity = activityOf(failedBuildWith({ ...huge, commit: { id: SHA_NEW, message: '*'.repeat(100_000) } }), {
      as: 'reply',
    });
    expect(activityBytes(activity)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
  });
});
