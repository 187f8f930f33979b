import { parseButtonValue } from '../../../src/core/actions';
import { parsePipelineEvent } from '../../../src/core/events';
import { executionToAlertMessage } from '../../../src/core/executions';
import { type AlertFact, type AlertMessage, buildAlertMessage } from '../../../src/core/messages';
import { CARD_VERBS } from '../../../src/teams/card-verbs';
import {
  activityBytes,
  activityOf,
  MAX_ACTIVITY_BYTES,
  renderAdaptiveCard,
} from '../../../src/teams/render-adaptive-card';
import { loadFixture } from '../../helpers/fixtures';
import { STAGE_ORDER } from '../core/executions/execution-events';
import {
  bodyOf,
  buttonValuesOf,
  type CardNode,
  factsOf,
  notPlainJson,
  ofType,
  shownTexts,
  stateUntil,
  text,
} from './card-helpers';
import { markdownProblems } from './markdown-oracle';

const TITLE = 'myPipeline · execution 1a2b3c4d';

function failed(): AlertMessage {
  return executionToAlertMessage(stateUntil('ev-010'), { stageOrder: STAGE_ORDER });
}

function waiting(): AlertMessage {
  return executionToAlertMessage(stateUntil('ev-017'), { stageOrder: STAGE_ORDER });
}

function manyFacts(count: number, value: (index: number) => string): AlertFact[] {
  return Array.from({ length: count }, (_, index) => ({ label: `Fact ${index}`, value: value(index) }));
}

function summaryOf(card: unknown): string {
  return text(bodyOf(card).find((node, index) => index === 2 && node.type === 'TextBlock'));
}

/** The activity fits, and still says what happened and offers what to do about it. */
function expectWithinLimitWithTitleAndButtons(message: AlertMessage, verbs: readonly string[]): void {
  for (const as of ['message', 'reply'] as const) {
    const activity = activityOf(message, { as });
    const card = activity.attachments[0].content;
    expect(activityBytes(activity)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
    expect(notPlainJson(activity)).toEqual([]);
    expect(text(bodyOf(card)[0])).toContain(TITLE);
    if (as === 'message' || verbs.includes(CARD_VERBS.approve)) {
      expect(ofType(card, 'Action.Execute').map((action) => action.verb)).toEqual(verbs);
    }
    for (const execute of ofType(card, 'Action.Execute')) {
      for (const value of buttonValuesOf(card, execute)) expect(() => parseButtonValue(value as string)).not.toThrow();
    }
    for (const { text: shown } of shownTexts(activity)) expect(markdownProblems(shown)).toEqual([]);
  }
}

describe('MAX_ACTIVITY_BYTES', () => {
  it('is 80,000 bytes, counted as UTF-16 (2 bytes per code unit) of the activity JSON', () => {
    expect(MAX_ACTIVITY_BYTES).toBe(80_000);
    expect(activityBytes({ a: 'é😀' })).toBe(JSON.stringify({ a: 'é😀' }).length * 2);
    expect(activityBytes({ a: 'é😀' })).toBe(2 * '{"a":"é😀"}'.length);
  });
});

describe('renderAdaptiveCard: huge events stay under the limit, with the title and the buttons', () => {
  it('a 1 MB error summary and 10,000 facts', () => {
    // Arrange
    const base = failed();
    const message: AlertMessage = {
      ...base,
      summary: `Build failed: ${'E'.repeat(1_000_000)}`,
      facts: [...base.facts, ...manyFacts(10_000, () => 'v'.repeat(500))],
    };
    // Act
    const started = performance.now();
    const card = renderAdaptiveCard(message);
    const elapsed = performance.now() - started;
    // Assess
    expectWithinLimitWithTitleAndButtons(message, [CARD_VERBS.retryFailed, CARD_VERBS.retryAll, CARD_VERBS.snooze]);
    expect(summaryOf(card)).toMatch(/^Build failed: E+…$/);
    const facts = factsOf(ofType(card, 'FactSet')[0] as CardNode);
    expect(facts[0]).toEqual({ title: 'Progress', value: 'Source ✓ · Build ✗ · Approval – · Prod –' });
    expect(facts.at(-1)).toEqual({ title: '…', value: `${10_006 - (facts.length - 1)} more not shown` });
    expect(elapsed).toBeLessThan(3_000);
  });

  it('text that escaping makes five times longer (&, <, \\) everywhere', () => {
    const base = failed();
    const message: AlertMessage = {
      ...base,
      summary: '&<\\'.repeat(300_000),
      facts: [
        ...base.facts.map((fact) => (fact.label === 'Commit' ? { ...fact, value: '&'.repeat(200_000) } : fact)),
        ...manyFacts(60, () => '<>&'.repeat(3_000)),
      ],
    };
    expectWithinLimitWithTitleAndButtons(message, [CARD_VERBS.retryFailed, CARD_VERBS.retryAll, CARD_VERBS.snooze]);
  });

  it('a waiting approval with a huge summary keeps its ShowCard, comment and decisions', () => {
    const message: AlertMessage = { ...waiting(), summary: '👨‍👩‍👧'.repeat(200_000) };
    expectWithinLimitWithTitleAndButtons(message, [
      CARD_VERBS.approve,
      CARD_VERBS.reject,
      CARD_VERBS.stopWait,
      CARD_VERBS.stopAbandon,
    ]);
    const card = renderAdaptiveCard(message);
    expect(ofType(card, 'Input.Text').map((input) => input.id)).toEqual(['comment', 'stopReason']);
    // Cut between graphemes, never inside the family emoji.
    expect(summaryOf(card).slice(0, -1).split('👨‍👩‍👧').join('')).toBe('');
  });

  it('a 1 MB pipeline name: the title is cut, buttons whose values would be cut are left out', () => {
    // Arrange
    const input = structuredClone(loadFixture('codepipeline/action-failed-codebuild-captured.json')) as {
      detail: Record<string, unknown>;
    };
    // The parser refuses such a name (CodePipeline's are 1 to 100 characters); a stored state may still hold one.
    const message = buildAlertMessage({ ...parsePipelineEvent(input), pipeline: 'p'.repeat(1_000_000) });
    // Act
    const activity = activityOf(message);
    const card = activity.attachments[0].content;
    // Assess
    expect(activityBytes(activity)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
    expect(text(bodyOf(card)[0])).toMatch(/^Action Build failed in p+…$/);
    expect(ofType(card, 'Action.Execute')).toEqual([]);
    expect(ofType(card, 'Action.OpenUrl').map((action) => action.title)).toEqual(['View logs']);
    expect(activityBytes(activityOf(message, { as: 'reply' }))).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
  });
});

describe('renderAdaptiveCard at the limit', () => {
  /** Facts of 1,900 characters: about 3.9 KB each in the activity, so some twenty reach the limit. */
  const longFacts = (count: number) => manyFacts(count, (index) => `${index}`.padEnd(1_900, 'a'));

  it('below the limit, nothing is cut', () => {
    const base = failed();
    const message = { ...base, facts: [...base.facts, ...longFacts(15)] };
    const activity = activityOf(message);
    expect(activityBytes(activity)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
    const facts = factsOf(ofType(activity, 'FactSet')[0] as CardNode);
    expect(facts.filter((fact) => fact.title.startsWith('Fact ')).map((fact) => fact.value.length)).toEqual(
      Array(15).fill(1_900),
    );
  });

  it('just over it, only the longest texts are cut, as little as needed: the activity ends up just under', () => {
    // Arrange: an uncut card would be well over the limit.
    const base = failed();
    const message = { ...base, facts: [...base.facts, ...longFacts(25)] };
    const uncut = 25 * 1_900 * 2;
    expect(uncut).toBeGreaterThan(MAX_ACTIVITY_BYTES);
    // Act
    const activity = activityOf(message);
    // Assess
    const bytes = activityBytes(activity);
    expect(bytes).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
    expect(bytes).toBeGreaterThan(MAX_ACTIVITY_BYTES * 0.97);
    const facts = factsOf(ofType(activity, 'FactSet')[0] as CardNode);
    expect(facts.slice(0, 6)).toEqual(factsOf(ofType(activityOf(base), 'FactSet')[0] as CardNode));
    const cut = facts.filter((fact) => fact.title.startsWith('Fact '));
    expect(cut).toHaveLength(25);
    for (const fact of cut) expect(fact.value).toMatch(/^\d+a+…$/);
    expect(summaryOf(activity.attachments[0].content)).toBe('Build terminated with state: FAILED');
    expect(ofType(activity, 'Action.Execute')).toHaveLength(3);
  });
});
