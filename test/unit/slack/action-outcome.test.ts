import type { KnownBlock } from '@slack/types';
import { parsePipelineEvent } from '../../../src/core/events';
import { buildAlertMessage } from '../../../src/core/messages';
import {
  ACTION_IDS,
  renderBlockKit,
  SLACK_LIMITS,
  slackUserMention,
  withOutcome,
  withoutActions,
} from '../../../src/slack';
import { checkBlockKitLimits } from '../../helpers/check-block-kit-limits';
import { loadFixture } from '../../helpers/fixtures';

const approval = renderBlockKit(
  buildAlertMessage(parsePipelineEvent(loadFixture('codepipeline/handmade/action-started-approval.json'))),
);

function actionIds(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((block) =>
    block.type === 'actions' ? block.elements.map((e) => ('action_id' in e ? String(e.action_id) : '')) : [],
  );
}

describe('slackUserMention', () => {
  it.each(['U012ABCDEF', 'W0123ABC'])('%s becomes a mention', (id) => {
    expect(slackUserMention(id)).toBe(`<@${id}>`);
  });

  it.each(['U123> <!channel', 'u123', '', 'C0123', '<!here>', 'U12 3'])('%j is not trusted', (id) => {
    expect(slackUserMention(id)).toBe('an unknown user');
  });
});

describe('withOutcome', () => {
  it('appends who did what and when, escaped', () => {
    // Act
    const blocks = withOutcome(approval.blocks, {
      verb: 'Rejected',
      userId: 'U012ABCDEF',
      at: new Date('2023-10-26T14:00:00Z'),
      detail: 'not <!here> & now',
    });
    // Assess
    expect(blocks.slice(0, -1)).toEqual(approval.blocks);
    expect(blocks.at(-1)).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: ':white_check_mark: Rejected by <@U012ABCDEF> at <!date^1698328800^{date_short_pretty} {time}|2023-10-26 14:00 UTC>: not &lt;!here&gt; &amp; now',
        },
      ],
    });
    expect(checkBlockKitLimits({ text: approval.text, blocks })).toEqual([]);
  });

  it('a failed call reads as a warning; a bad user id is not mentioned', () => {
    const blocks = withOutcome([], { verb: 'Retried', userId: '<!channel>', ok: false });
    expect(blocks).toEqual([
      { type: 'context', elements: [{ type: 'mrkdwn', verbatim: true, text: ':warning: Retried by an unknown user' }] },
    ]);
  });

  it('never exceeds 50 blocks, even from a full message', () => {
    const full: KnownBlock[] = Array.from({ length: 50 }, () => ({ type: 'divider' }));
    const blocks = withOutcome(full, { verb: 'Approved', userId: 'U1' });
    expect(blocks).toHaveLength(SLACK_LIMITS.blocksPerMessage);
    expect(blocks.at(-1)?.type).toBe('context');
  });
});

describe('withoutActions', () => {
  it('removes approve and reject and keeps the console link', () => {
    expect(actionIds(approval.blocks)).toEqual([ACTION_IDS.approve, ACTION_IDS.reject, ACTION_IDS.openConsole]);
    const blocks = withoutActions(approval.blocks);
    expect(actionIds(blocks)).toEqual([ACTION_IDS.openConsole]);
    expect(checkBlockKitLimits({ text: approval.text, blocks })).toEqual([]);
  });

  it('drops an actions block left empty, which Slack would reject', () => {
    const only: KnownBlock[] = [
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: ACTION_IDS.retryAll, text: { type: 'plain_text', text: 'R' } }],
      },
    ];
    expect(withoutActions(only)).toEqual([]);
  });
});
