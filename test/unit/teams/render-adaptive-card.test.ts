import { parseButtonValue } from '../../../src/core/actions';
import { parsePipelineEvent } from '../../../src/core/events';
import { executionToAlertMessage } from '../../../src/core/executions';
import { type AlertMessage, buildAlertMessage, isWebUrl } from '../../../src/core/messages';
import { threadReplies } from '../../../src/core/notify';
import { APPROVAL_COMMENT_INPUT, CARD_VERBS, MAX_APPROVAL_COMMENT_LENGTH } from '../../../src/teams/card-verbs';
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  type AdaptiveCardJson,
  activityBytes,
  activityOf,
  adaptiveCardAttachment,
  MAX_ACTIVITY_BYTES,
  renderAdaptiveCard,
} from '../../../src/teams/render-adaptive-card';
import { approvalWindow } from '../../helpers/approval-window';
import { listFixtures, loadFixture } from '../../helpers/fixtures';
import { STAGE_ORDER } from '../core/executions/execution-events';
import {
  actionsOf,
  bodyOf,
  buttonValuesOf,
  type CardNode,
  dataOf,
  factsOf,
  nodesOf,
  notPlainJson,
  ofType,
  shownTexts,
  stateUntil,
  text,
} from './card-helpers';
import { injectedMarkup, markdownProblems } from './markdown-oracle';

const FIXTURES = [...listFixtures('codepipeline'), ...listFixtures('codepipeline/handmade')];
const FAILED_ACTION = 'codepipeline/action-failed-codebuild-captured.json';
const APPROVAL = 'codepipeline/handmade/action-started-approval.json';
const BUILD_URL = 'https://us-west-2.console.aws.amazon.com/codesuite/codebuild/projects/app/build/app:1/log';
const EXECUTION_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

function fixtureMessage(path: string): AlertMessage {
  return buildAlertMessage(parsePipelineEvent(loadFixture(path)));
}

/** The retried execution of execution-events.ts: ev-010 failed in Build, ev-017 waits for approval, ev-024 done. */
function executionMessage(lastId: string): AlertMessage {
  return executionToAlertMessage(stateUntil(lastId), { stageOrder: STAGE_ORDER });
}

function verbsOf(card: unknown): string[] {
  return ofType(card, 'Action.Execute').map((action) => text(action, 'verb'));
}

/** Every Action.Execute and Action.Submit that carries a button value must be one pipewatch can read. */
function expectReadableButtons(card: unknown): void {
  for (const action of [...ofType(card, 'Action.Execute'), ...ofType(card, 'Action.Submit')]) {
    const values = buttonValuesOf(card, action);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      expect(typeof value).toBe('string');
      expect(() => parseButtonValue(value as string)).not.toThrow();
      expect(value).not.toMatch(/token/i);
    }
  }
}

function expectSafeTexts(rendered: unknown): void {
  for (const { path, text: shown } of shownTexts(rendered)) {
    expect([path, markdownProblems(shown), injectedMarkup(shown)]).toEqual([path, [], []]);
  }
}

describe('renderAdaptiveCard: a failed execution', () => {
  const card = renderAdaptiveCard(executionMessage('ev-010'));
  const body = bodyOf(card);

  it('is an Adaptive Card 1.5 with its schema, full width, and a fallback text', () => {
    expect(card).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.5',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      msteams: { width: 'full' },
      fallbackText: 'myPipeline · execution 1a2b3c4d: Build terminated with state: FAILED',
    });
  });

  it('opens with the title as a bold, wrapping heading, then the status in the severity colour', () => {
    expect(body[0]).toEqual({
      type: 'TextBlock',
      text: 'myPipeline · execution 1a2b3c4d',
      size: 'Medium',
      weight: 'Bolder',
      style: 'heading',
      wrap: true,
    });
    expect(body[1]).toMatchObject({ type: 'TextBlock', text: '❌ Failed', color: 'Attention', weight: 'Bolder' });
    expect(body[2]).toMatchObject({ type: 'TextBlock', text: 'Build terminated with state: FAILED', wrap: true });
  });

  it('lists the facts, progress in stage order first, and the origin once, in the context line', () => {
    const [facts] = ofType(card, 'FactSet');
    expect(factsOf(facts as CardNode)).toEqual([
      { title: 'Progress', value: 'Source ✓ · Build ✗ · Approval – · Prod –' },
      { title: 'Failed stage', value: 'Build' },
      { title: 'Failed action', value: 'Build' },
      { title: 'Error', value: 'JobFailed' },
      { title: 'Author', value: 'Mary' },
      { title: 'Branch', value: 'main' },
    ]);
    const context = body.find((node) => node.type === 'TextBlock' && node.isSubtle === true);
    expect(text(context)).toBe(`Execution ${EXECUTION_ID} · Commit aaaaaaa Fix the build · 2024-05-01 10:00 UTC`);
    expect(JSON.stringify(card).match(/Fix the build/g)).toHaveLength(1);
  });

  it('ends with an ActionSet: both retries (Action.Execute with verbs and values), the console and the build log', () => {
    const actionSet = body.at(-1) as CardNode;
    expect(actionSet.type).toBe('ActionSet');
    expect(actionsOf(actionSet).map((action) => [action.type, action.title])).toEqual([
      ['Action.Execute', 'Retry failed actions'],
      ['Action.Execute', 'Retry all actions'],
      ['Action.ShowCard', 'Snooze…'],
      ['Action.OpenUrl', 'Open in console'],
      ['Action.OpenUrl', 'View logs'],
    ]);
    expect(verbsOf(card)).toEqual([CARD_VERBS.retryFailed, CARD_VERBS.retryAll, CARD_VERBS.snooze]);
    const [failedOnly, all] = ofType(card, 'Action.Execute') as [CardNode, CardNode];
    expect(parseButtonValue(dataOf(failedOnly).value as string)).toEqual({
      v: 1,
      kind: 'retry',
      mode: 'FAILED_ACTIONS',
      pipeline: 'myPipeline',
      executionId: EXECUTION_ID,
      region: 'us-west-2',
      account: '123456789012',
      stage: 'Build',
    });
    expect(parseButtonValue(dataOf(all).value as string)).toMatchObject({ kind: 'retry', mode: 'ALL_ACTIONS' });
    expect(failedOnly.associatedInputs).toBe('none');
    const urls = ofType(card, 'Action.OpenUrl').map((action) => text(action, 'url'));
    expect(urls).toEqual([
      `https://us-west-2.console.aws.amazon.com/codesuite/codepipeline/pipelines/myPipeline/executions/${EXECUTION_ID}/timeline?region=us-west-2`,
      BUILD_URL,
    ]);
  });

  it('gives every Action.Execute an Action.Submit fallback with the verb and the same value', () => {
    for (const execute of ofType(card, 'Action.Execute')) {
      const fallback = execute.fallback as CardNode;
      expect(fallback).toEqual({
        type: 'Action.Submit',
        title: execute.title,
        data: { verb: execute.verb, ...dataOf(execute) },
        associatedInputs: execute.associatedInputs,
      });
    }
  });

  it('spells out no schema default the builders add (requires: {}, isVisible: true, spacing: Default, …)', () => {
    const json = JSON.stringify(card);
    for (const noise of ['"requires"', '"isVisible"', '"isSortKey"', '"conditionallyEnabled"', '"mode"', '"height"']) {
      expect(json).not.toContain(noise);
    }
  });
});

describe('renderAdaptiveCard: a waiting approval', () => {
  const card = renderAdaptiveCard(executionMessage('ev-017'));

  it('shows ✋ in the warning colour and one ShowCard that asks for a comment, then approve or reject', () => {
    expect(bodyOf(card)[1]).toMatchObject({ text: '✋ Waiting for approval', color: 'Warning' });
    const [showCard] = ofType(card, 'Action.ShowCard') as [CardNode];
    expect(showCard.title).toBe('Approve or reject…');
    const inner = showCard.card as AdaptiveCardJson;
    const [input] = ofType(inner, 'Input.Text');
    expect(input).toEqual({
      type: 'Input.Text',
      id: APPROVAL_COMMENT_INPUT,
      label: 'Comment (optional)',
      placeholder: 'Recorded in CodePipeline with your name',
      isMultiline: true,
      maxLength: MAX_APPROVAL_COMMENT_LENGTH,
    });
    expect(MAX_APPROVAL_COMMENT_LENGTH).toBe(512);
    const decisions = ofType(inner, 'Action.Execute');
    expect(decisions.map((action) => [action.title, action.verb, action.associatedInputs, action.style])).toEqual([
      ['Approve', CARD_VERBS.approve, 'auto', 'positive'],
      ['Reject', CARD_VERBS.reject, 'auto', 'destructive'],
    ]);
    expect(decisions.map((action) => parseButtonValue(dataOf(action).value as string))).toEqual([
      expect.objectContaining({ kind: 'approve', stage: 'Approval', action: 'ManualApproval' }),
      expect.objectContaining({ kind: 'reject', stage: 'Approval', action: 'ManualApproval' }),
    ]);
    expect(decisions.map((action) => (action.fallback as CardNode).associatedInputs)).toEqual(['auto', 'auto']);
  });

  it('has one input per ShowCard, each with its own id (input ids must be unique in a card)', () => {
    // The approval's comment, and the reason of the Stop… section (the execution still runs).
    const inputs = nodesOf(card).filter((node) => String(node.type).startsWith('Input.'));
    expect(inputs.map((node) => node.id)).toEqual(['comment', 'stopReason']);
  });

  it('wraps every Action.Execute in an ActionSet, as Teams recommends for fallbacks to work', () => {
    const executes = new Set(ofType(card, 'Action.Execute'));
    const inActionSets = ofType(card, 'ActionSet').flatMap(actionsOf);
    expect(inActionSets.filter((action) => executes.has(action))).toHaveLength(executes.size);
  });
});

describe('renderAdaptiveCard: a succeeded execution', () => {
  it('is green with ✅ and offers the console, no acting button', () => {
    const card = renderAdaptiveCard(executionMessage('ev-024'));
    expect(bodyOf(card)[1]).toMatchObject({ text: '✅ Succeeded', color: 'Good' });
    expect(ofType(card, 'Action.Execute')).toEqual([]);
    expect(ofType(card, 'Action.ShowCard')).toEqual([]);
    expect(ofType(card, 'Action.OpenUrl').map((action) => action.title)).toEqual(['Open in console']);
    expect(factsOf(ofType(card, 'FactSet')[0] as CardNode)[0]).toEqual({
      title: 'Progress',
      value: 'Source ✓ · Build ✓ · Approval ✓ · Prod ✓',
    });
  });
});

describe('renderAdaptiveCard: an event alert (buildAlertMessage)', () => {
  it('a failed CodeBuild action: retries, console and build log, the error as a fact', () => {
    const card = renderAdaptiveCard(fixtureMessage(FAILED_ACTION));
    expect(text(bodyOf(card)[0])).toBe('Action Build failed in meerkat / Build');
    expect(verbsOf(card)).toEqual([CARD_VERBS.retryFailed, CARD_VERBS.retryAll, CARD_VERBS.snooze]);
    expect(ofType(card, 'Action.OpenUrl').map((action) => action.title)).toEqual(['Open in console', 'View logs']);
    expect(factsOf(ofType(card, 'FactSet')[0] as CardNode)).toContainEqual({ title: 'Error', value: 'JobFailed' });
  });

  it('a waiting manual approval: approve and reject with their values', () => {
    const card = renderAdaptiveCard(fixtureMessage(APPROVAL));
    expect(verbsOf(card)).toEqual([CARD_VERBS.approve, CARD_VERBS.reject]);
    expect(parseButtonValue(dataOf(ofType(card, 'Action.Execute')[0] as CardNode).value as string)).toEqual({
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
    ['SUCCEEDED', '✅ Succeeded', 'Good'],
    ['STARTED', '⏳ Started', 'Accent'],
    ['FAILED', '❌ Failed', 'Attention'],
    ['CANCELED', '🚫 Canceled', 'Warning'],
    ['PAUSED', '⚠️ Unknown state: PAUSED', 'Warning'],
  ])('a pipeline in state %s reads %s in %s', (state, line, color) => {
    const input = structuredClone(loadFixture('codepipeline/handmade/pipeline-started-git-trigger.json')) as {
      detail: Record<string, unknown>;
    };
    input.detail.state = state;
    const card = renderAdaptiveCard(buildAlertMessage(parsePipelineEvent(input)));
    expect(bodyOf(card)[1]).toMatchObject({ text: line, color });
  });
});

describe('renderAdaptiveCard: as a thread reply', () => {
  it('a failure: one bold line, the error code, the summary, links only (retry is on the alert)', () => {
    const card = renderAdaptiveCard(executionMessage('ev-010'), { as: 'reply' });
    const body = bodyOf(card);
    expect(body.map((node) => node.type)).toEqual(['TextBlock', 'FactSet', 'TextBlock', 'ActionSet']);
    expect(body[0]).toMatchObject({ text: '❌ myPipeline · execution 1a2b3c4d', weight: 'Bolder', color: 'Attention' });
    expect(factsOf(body[1] as CardNode)).toEqual([{ title: 'Error', value: 'JobFailed' }]);
    expect(text(body[2])).toBe('Build terminated with state: FAILED');
    expect(ofType(card, 'Action.Execute')).toEqual([]);
    expect(ofType(card, 'Action.OpenUrl').map((action) => action.title)).toEqual(['Open in console', 'View logs']);
  });

  it('a waiting approval: the approval buttons with the comment', () => {
    const card = renderAdaptiveCard(executionMessage('ev-017'), { as: 'reply' });
    expect(text(bodyOf(card)[0])).toBe('✋ myPipeline · execution 1a2b3c4d');
    // The execution's own message as a reply: its Stop… section too (notify's approval replies drop Stop).
    expect(verbsOf(card)).toEqual([CARD_VERBS.approve, CARD_VERBS.reject, CARD_VERBS.stopWait, CARD_VERBS.stopAbandon]);
    expect(ofType(card, 'Input.Text').map((input) => input.id)).toEqual(['comment', 'stopReason']);
  });

  it('is compact: no full fact list, no context line', () => {
    const card = renderAdaptiveCard(executionMessage('ev-017'), { as: 'reply' });
    expect(ofType(card, 'FactSet')).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('Execution 1a2b3c4d-');
  });
});

describe('activityOf and adaptiveCardAttachment', () => {
  it('wrap the card as the Bot Connector expects, with an escaped, short preview as summary', () => {
    const message = executionMessage('ev-010');
    const activity = activityOf(message);
    expect(activity).toEqual({
      type: 'message',
      summary: 'myPipeline · execution 1a2b3c4d: Build terminated with state: FAILED',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: renderAdaptiveCard(message) }],
    });
    expect(adaptiveCardAttachment(renderAdaptiveCard(message))).toEqual(activity.attachments[0]);
    expect(ADAPTIVE_CARD_CONTENT_TYPE).toBe('application/vnd.microsoft.card.adaptive');
    expect(activity).not.toHaveProperty('text');
  });

  it('escapes and shortens the preview', () => {
    const message = {
      ...executionMessage('ev-010'),
      summary: `[click](https://evil.example) <at>all</at>\n${'x'.repeat(999)}`,
    };
    const { summary } = activityOf(message);
    expect(summary).toBe(
      'myPipeline · execution 1a2b3c4d: \\[click\\]\\(https://evil.example) &lt;at&gt;all&lt;/at&gt;',
    );
    const long = activityOf({ ...message, summary: 'y'.repeat(5_000) }).summary ?? '';
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('renderAdaptiveCard: every captured and hand-made fixture', () => {
  it.each(FIXTURES.map((path) => [path]))('%s renders safe, readable, plain JSON within the size limit', (path) => {
    const message = fixtureMessage(path);
    for (const as of ['message', 'reply'] as const) {
      // Act
      const activity = activityOf(message, { as });
      // Assess
      expect(activityBytes(activity)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
      expect(notPlainJson(activity)).toEqual([]);
      expect(JSON.parse(JSON.stringify(activity))).toEqual(activity);
      expect(text(bodyOf(activity.attachments[0].content)[0])).not.toBe('');
      expectSafeTexts(activity);
      expectReadableButtons(activity);
      for (const link of ofType(activity, 'Action.OpenUrl')) expect(isWebUrl(text(link, 'url'))).toBe(true);
    }
  });
});

describe('renderAdaptiveCard: a waiting approval’s expiry, approvers and reminder', () => {
  const window = approvalWindow([
    { id: 'U00000ALICE' },
    { id: 'aaaaaaaa-0000-4000-8000-00000000a11c', name: 'Alice **Example**' },
    { id: 'bbbbbbbb-0000-4000-8000-000000000b0b' },
  ]);
  const view = { stageOrder: STAGE_ORDER, approval: window };
  const state = stateUntil('ev-017');

  it('the reply lists when it expires (UTC) and who may approve: names, else Entra ids; Slack ids left out; escaped', () => {
    const [approval] = threadReplies(state, { ...view, now: Date.parse('2026-01-02T00:00:00Z') });
    const card = renderAdaptiveCard(approval?.message as AlertMessage, { as: 'reply' });
    expect(ofType(card, 'FactSet').flatMap((node) => factsOf(node))).toEqual([
      { title: 'Expires', value: '2026-01-08 10:00 UTC' },
      { title: 'Who may approve', value: 'Alice \\*\\*Example\\*\\*, bbbbbbbb-0000-4000-8000-000000000b0b' },
    ]);
    expect(verbsOf(card)).toEqual([CARD_VERBS.approve, CARD_VERBS.reject]);
  });

  it('under "selfApproval": false the reply says whoever started the change may not approve', () => {
    const strict = { ...view, approval: { ...window, notByRequester: true } };
    const [approval] = threadReplies(state, { ...strict, now: Date.parse('2026-01-02T00:00:00Z') });
    const card = renderAdaptiveCard(approval?.message as AlertMessage, { as: 'reply' });
    expect(
      ofType(card, 'FactSet')
        .flatMap((node) => factsOf(node))
        .at(-1),
    ).toEqual({
      title: 'Not',
      value: 'whoever started this change',
    });
  });

  it('the reminder: its title with the lead, the same facts, links only', () => {
    const key = threadReplies(state, view)[0]?.key ?? '';
    const reminder = threadReplies(state, { ...view, now: Date.parse('2026-01-08T09:00:00Z') }, [key])[1];
    const card = renderAdaptiveCard(reminder?.message as AlertMessage, { as: 'reply' });
    expect(text(bodyOf(card)[0])).toMatch(/Reminder: approval ManualApproval in .* expires in 1 hour/);
    expect(ofType(card, 'FactSet').flatMap((node) => factsOf(node))[0]).toEqual({
      title: 'Expires',
      value: '2026-01-08 10:00 UTC',
    });
    expect(verbsOf(card)).toEqual([]);
  });
});

describe('an execution in another account or region', () => {
  test('the card’s facts say where it runs; the console link is on its region’s host', () => {
    const state = stateUntil('ev-010');
    const card = renderAdaptiveCard(
      executionToAlertMessage(state, {
        stageOrder: STAGE_ORDER,
        home: { account: '999999999999', region: 'ap-south-1' },
      }),
    );
    const facts = nodesOf(card).flatMap(factsOf);
    expect(facts).toContainEqual({ title: 'Account and region', value: `${state.account} · ${state.region}` });
    expect(JSON.stringify(card)).toContain(`https://${state.region}.console.aws.amazon.com/codesuite/codepipeline/`);
  });
});
