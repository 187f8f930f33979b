import type { Button, KnownBlock } from '@slack/types';
import { parseButtonValue } from '../../../src/core/actions';
import type { PipelineEvent } from '../../../src/core/events';
import { type AlertMessage, buildAlertMessage } from '../../../src/core/messages';
import { ACTION_IDS, ELLIPSIS, renderBlockKit, SLACK_LIMITS } from '../../../src/slack';
import { checkBlockKitLimits } from '../../helpers/check-block-kit-limits';
import { listFixtures } from '../../helpers/fixtures';
import { patchedEvent } from '../../helpers/patched-event';
import { payloadTexts, unescapedIn } from './payload-texts';

const FIXTURES = [...listFixtures('codepipeline'), ...listFixtures('codepipeline/handmade')];
const FAILED_ACTION = 'codepipeline/action-failed-codebuild-captured.json';
const APPROVAL = 'codepipeline/handmade/action-started-approval.json';
const GIT_TRIGGER = 'codepipeline/handmade/pipeline-started-git-trigger.json';

function eventFrom(path: string, detailPatch: Record<string, unknown> = {}): PipelineEvent {
  return patchedEvent(path, detailPatch);
}

function messageFrom(path: string, detailPatch: Record<string, unknown> = {}): AlertMessage {
  return buildAlertMessage(eventFrom(path, detailPatch));
}

function buttonsOf(blocks: readonly KnownBlock[]): Button[] {
  return blocks.flatMap((block) =>
    block.type === 'actions' ? block.elements.filter((e): e is Button => e.type === 'button') : [],
  );
}

describe('renderBlockKit: every captured and hand-made fixture', () => {
  it.each(FIXTURES.map((path) => [path]))('%s renders within all of Slack’s limits', (path) => {
    // Act
    const payload = renderBlockKit(messageFrom(path));
    // Assess
    expect(checkBlockKitLimits(payload)).toEqual([]);
    expect(payload.blocks[0]?.type).toBe('header');
    for (const { kind, text } of payloadTexts(payload)) {
      if (kind === 'mrkdwn' || kind === 'text') expect(unescapedIn(text)).toEqual([]);
    }
  });
});

describe('renderBlockKit: content', () => {
  it('a failed action: header, status, summary, facts, context and retry/console/log buttons', () => {
    const { text, blocks } = renderBlockKit(messageFrom(FAILED_ACTION));
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Action Build failed in meerkat / Build' },
    });
    expect(blocks[1]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: ':x: *Failed*' } });
    expect(text).toBe('Action Build failed in meerkat / Build: Build terminated with state: FAILED');
    const fields = blocks.flatMap((block) => (block.type === 'section' ? (block.fields ?? []) : []));
    expect(fields.map((field) => field.text)).toContain('*Error*\nJobFailed');
    const context = blocks.find((block) => block.type === 'context');
    expect(JSON.stringify(context)).toMatch(/Execution 94fb261b-65d0-41ba-bea3-b08420e9b5e7/);
    expect(JSON.stringify(context)).toContain('<!date^1648631235^{date_short_pretty} {time}|2022-03-30 09:07 UTC>');
    expect(buttonsOf(blocks).map((b) => [b.action_id, b.text.text])).toEqual([
      [ACTION_IDS.retryFailed, 'Retry failed actions'],
      [ACTION_IDS.retryAll, 'Retry all actions'],
      [ACTION_IDS.openConsole, 'Open in console'],
      [ACTION_IDS.viewLogs, 'View logs'],
    ]);
    expect(buttonsOf(blocks).find((b) => b.action_id === ACTION_IDS.viewLogs)?.url).toMatch(
      /^https:\/\/console\.aws\.amazon\.com\/codebuild\//,
    );
  });

  it('a waiting approval: :raised_hand:, Approve (primary) and Reject (danger)', () => {
    const { blocks } = renderBlockKit(messageFrom(APPROVAL));
    expect(blocks[1]).toMatchObject({ text: { text: ':raised_hand: *Waiting for approval*' } });
    const buttons = buttonsOf(blocks);
    expect(buttons.find((b) => b.action_id === ACTION_IDS.approve)?.style).toBe('primary');
    expect(buttons.find((b) => b.action_id === ACTION_IDS.reject)?.style).toBe('danger');
    expect(parseButtonValue(buttons[0]?.value ?? '')).toEqual({
      v: 1,
      kind: 'approve',
      pipeline: 'myPipeline',
      executionId: '98765432-1234-5678-abcd-12345678abcd',
      region: 'us-east-1',
      account: '123456789012',
      stage: 'Release',
      action: 'ManualApproval',
    });
  });

  it.each([
    ['SUCCEEDED', ':white_check_mark: *Succeeded*'],
    ['STARTED', ':hourglass_flowing_sand: *Started*'],
    ['FAILED', ':x: *Failed*'],
    ['PAUSED', ':warning: *Unknown state: PAUSED*'],
  ])('status %s reads %s', (state, line) => {
    const { blocks } = renderBlockKit(messageFrom(GIT_TRIGGER, { state }));
    expect(blocks[1]).toMatchObject({ text: { text: line } });
  });

  it('the context names the commit that started the execution', () => {
    const { blocks } = renderBlockKit(messageFrom(GIT_TRIGGER));
    expect(JSON.stringify(blocks.find((block) => block.type === 'context'))).toContain(
      'Commit 7f8e2a9 Update buildspec.yml',
    );
  });

  it('every button value parses back and carries identifiers only', () => {
    for (const path of FIXTURES) {
      for (const button of buttonsOf(renderBlockKit(messageFrom(path)).blocks)) {
        if (button.value === undefined) {
          expect(button.url).toMatch(/^https:\/\//);
          continue;
        }
        const value = parseButtonValue(button.value);
        expect(Object.keys(value).sort()).toEqual(
          expect.arrayContaining(['account', 'executionId', 'kind', 'pipeline', 'region', 'stage', 'v']),
        );
        expect(button.value).not.toMatch(/token/i);
        expect(button.value).not.toContain(' ');
      }
    }
  });

  it('a note and an outcome are appended as context lines', () => {
    const { blocks } = renderBlockKit(messageFrom(APPROVAL), {
      note: 'Superseded by <!here>',
      actedBy: { verb: 'Approved', userId: 'U012ABCDEF', at: '2023-10-26T14:00:00Z' },
    });
    expect(blocks.at(-2)).toMatchObject({ type: 'context', elements: [{ text: 'Superseded by &lt;!here&gt;' }] });
    expect(blocks.at(-1)).toMatchObject({
      type: 'context',
      elements: [
        {
          text: ':white_check_mark: Approved by <@U012ABCDEF> at <!date^1698328800^{date_short_pretty} {time}|2023-10-26 14:00 UTC>',
        },
      ],
    });
  });
});

describe('renderBlockKit: escaping', () => {
  const HOSTILE = '<!channel> <!here> <@U123> <https://evil|x> R&D';

  it('a hostile commit message, summary, pipeline, stage and action name come out inert everywhere', () => {
    // Prepare
    const message = messageFrom(FAILED_ACTION, {
      pipeline: `pipe ${HOSTILE}`,
      stage: `stage ${HOSTILE}`,
      action: `action ${HOSTILE}`,
      'execution-trigger': { 'commit-id': 'abc', 'commit-message': `fix ${HOSTILE}`, 'branch-name': HOSTILE },
      'execution-result': { 'external-execution-summary': `summary ${HOSTILE}` },
    });
    // Act
    const payload = renderBlockKit(message);
    // Assess
    expect(checkBlockKitLimits(payload)).toEqual([]);
    const texts = payloadTexts(payload);
    const mrkdwnTexts = texts.filter((t) => t.kind === 'mrkdwn' || t.kind === 'text');
    for (const { text } of mrkdwnTexts) expect(unescapedIn(text)).toEqual([]);
    const all = mrkdwnTexts.map((t) => t.text).join('\n');
    // The hostile text is there, escaped, in the places it belongs.
    for (const place of ['pipe', 'stage', 'action', 'fix', 'summary']) {
      expect(all).toContain(`${place} &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil|x&gt; R&amp;D`);
    }
    expect(payload.text).toContain('&lt;!channel&gt;');
    // plain_text is shown literally (it parses nothing), so it is not escaped: no "&amp;" for people to read.
    const header = texts.find((t) => t.kind === 'plain_text' && t.path === 'blocks[0].text.text');
    expect(header?.text).toContain('<!channel>');
    expect(header?.text).not.toContain('&amp;');
    // Values are JSON for pipewatch, never shown; they round-trip exactly.
    const retry = buttonsOf(payload.blocks).find((b) => b.action_id === ACTION_IDS.retryFailed);
    expect(parseButtonValue(retry?.value ?? '')).toMatchObject({ pipeline: `pipe ${HOSTILE}` });
  });

  it('every mrkdwn text object is verbatim, so a bare @channel is not turned into a mention', () => {
    const payload = renderBlockKit(messageFrom(FAILED_ACTION, { pipeline: '@channel #general' }));
    const mrkdwnObjects = JSON.stringify(payload.blocks).match(/"type":"mrkdwn","text":"[^"]*","verbatim":true/g) ?? [];
    expect(mrkdwnObjects.length).toBe(JSON.stringify(payload.blocks).match(/"type":"mrkdwn"/g)?.length);
  });
});

describe('renderBlockKit: huge inputs stay within the limits', () => {
  function huge(message: Partial<AlertMessage>): AlertMessage {
    return { ...messageFrom(FAILED_ACTION), ...message };
  }

  it('a 100 KB summary is cut with …', () => {
    const payload = renderBlockKit(huge({ summary: 'x'.repeat(100_000) }));
    expect(checkBlockKitLimits(payload)).toEqual([]);
    const summary = payload.blocks[2];
    expect(summary).toMatchObject({ type: 'section' });
    expect(summary?.type === 'section' && summary.text?.text.endsWith(ELLIPSIS)).toBe(true);
    expect(payload.text.endsWith(ELLIPSIS)).toBe(true);
  });

  it('200 facts become sections of ten fields', () => {
    const facts = Array.from({ length: 200 }, (_, i) => ({ label: `Fact ${i}`, value: `value ${i}` }));
    const payload = renderBlockKit(huge({ facts }));
    expect(checkBlockKitLimits(payload)).toEqual([]);
    const fieldCount = payload.blocks.reduce((n, b) => n + (b.type === 'section' ? (b.fields?.length ?? 0) : 0), 0);
    expect(fieldCount).toBe(200);
  });

  it('10,000 facts: what does not fit is counted, and one block stays free for an outcome', () => {
    const facts = Array.from({ length: 10_000 }, (_, i) => ({ label: `Fact ${i}`, value: 'v'.repeat(5000) }));
    const payload = renderBlockKit(huge({ facts }), { note: 'n', actedBy: { verb: 'Retried', userId: 'U1' } });
    expect(checkBlockKitLimits(payload)).toEqual([]);
    expect(payload.blocks.length).toBe(SLACK_LIMITS.blocksPerMessage - 1);
    expect(JSON.stringify(payload.blocks)).toMatch(/_…and \d+ more_/);
  });

  it('5,000-character names and 2,000 emoji are cut without splitting a character', () => {
    const name = `${'n'.repeat(4999)}😀`;
    const payload = renderBlockKit(
      messageFrom(FAILED_ACTION, { pipeline: name, stage: name, action: '😀'.repeat(2000) }),
    );
    expect(checkBlockKitLimits(payload)).toEqual([]);
    expect(payload.blocks[0]).toMatchObject({ type: 'header' });
    const header = payload.blocks[0];
    expect(header?.type === 'header' && header.text.text.endsWith(ELLIPSIS)).toBe(true);
  });

  it('identifiers too long for a button value leave the button out rather than cut it', () => {
    const payload = renderBlockKit(messageFrom(FAILED_ACTION, { pipeline: 'p'.repeat(1900) }));
    expect(checkBlockKitLimits(payload)).toEqual([]);
    const ids = buttonsOf(payload.blocks).map((b) => b.action_id);
    expect(ids).not.toContain(ACTION_IDS.retryFailed);
    expect(ids).toContain(ACTION_IDS.openConsole);
  });
});
