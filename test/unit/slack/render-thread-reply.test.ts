import type { Button } from '@slack/types';
import { buildAlertMessage } from '../../../src/core/messages';
import { ACTION_IDS, renderThreadReply } from '../../../src/slack';
import { checkBlockKitLimits } from '../../helpers/check-block-kit-limits';
import { listFixtures } from '../../helpers/fixtures';
import { patchedEvent } from '../../helpers/patched-event';
import { payloadTexts, unescapedIn } from './payload-texts';

function messageFrom(path: string, detailPatch: Record<string, unknown> = {}) {
  return buildAlertMessage(patchedEvent(path, detailPatch));
}

function buttonIds(blocks: readonly { type: string }[]): string[] {
  return blocks.flatMap((block) =>
    'elements' in block && block.type === 'actions' ? (block.elements as Button[]).map((b) => b.action_id ?? '') : [],
  );
}

describe('renderThreadReply', () => {
  it('a failure: title, error code, summary, and links to the log and the console', () => {
    // Act
    const reply = renderThreadReply(messageFrom('codepipeline/action-failed-codebuild-captured.json'));
    // Assess
    expect(reply?.blocks[0]).toMatchObject({
      text: { text: ':x: *Action Build failed in meerkat / Build*\n*Error* JobFailed' },
    });
    expect(reply?.blocks[1]).toMatchObject({ text: { text: 'Build terminated with state: FAILED' } });
    expect(buttonIds(reply?.blocks ?? [])).toEqual([ACTION_IDS.openConsole, ACTION_IDS.viewLogs]);
  });

  it('a waiting approval: its Approve and Reject buttons', () => {
    const reply = renderThreadReply(messageFrom('codepipeline/handmade/action-started-approval.json'));
    expect(reply?.blocks[0]).toMatchObject({
      text: { text: expect.stringMatching(/^:raised_hand: \*Approval needed: /) },
    });
    expect(buttonIds(reply?.blocks ?? [])).toEqual([ACTION_IDS.approve, ACTION_IDS.reject, ACTION_IDS.openConsole]);
  });

  it('nothing for a success or a start', () => {
    expect(renderThreadReply(messageFrom('codepipeline/pipeline-succeeded-captured.json'))).toBeUndefined();
    expect(renderThreadReply(messageFrom('codepipeline/pipeline-started-2023rev.json'))).toBeUndefined();
  });

  it.each([...listFixtures('codepipeline'), ...listFixtures('codepipeline/handmade')].map((path) => [path]))(
    '%s: any reply is within the limits and escaped, even with hostile names',
    (path) => {
      const reply = renderThreadReply(
        messageFrom(path, { pipeline: `<!channel> & ${'x'.repeat(5000)}`, stage: '<@U1>' }),
      );
      if (reply === undefined) return;
      expect(checkBlockKitLimits(reply)).toEqual([]);
      for (const { kind, text } of payloadTexts(reply)) {
        if (kind === 'mrkdwn' || kind === 'text') expect(unescapedIn(text)).toEqual([]);
      }
    },
  );
});
