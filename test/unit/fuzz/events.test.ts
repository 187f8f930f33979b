import fc from 'fast-check';
import {
  InvalidPipelineEventError,
  type PipelineEvent,
  parsePipelineEvent,
  safeParsePipelineEvent,
} from '../../../src/core/events';
import {
  type ExecutionState,
  executionToAlertMessage,
  mergeEvent,
  mergeExecutionStates,
} from '../../../src/core/executions';
import { type AlertMessage, buildAlertMessage, webUrl } from '../../../src/core/messages';
import { renderBlockKit } from '../../../src/slack/render-block-kit';
import { renderAdaptiveCard } from '../../../src/teams/render-adaptive-card';
import { loadFixture } from '../../helpers/fixtures';
import { buildMutatedEvent, EVENT_FIXTURES, type MutatedEventCase, mutatedEventArb } from './event-mutations';
import { FUZZ_SEED, runsFor, timeoutFor } from './fuzz-config';

/**
 * Mutated events, from every fixture, through what a delivery does with them:
 * parse --> merge --> executionToAlertMessage --> renderBlockKit / renderAdaptiveCard
 * (and buildAlertMessage for the single event). Nothing but InvalidPipelineEventError may
 * come out, and only from parse; what renders holds no lone surrogate, and its links are
 * normalised web links.
 */

const BASE_EVENTS: ReadonlyMap<string, PipelineEvent> = new Map(
  EVENT_FIXTURES.map((fixture) => [fixture, parsePipelineEvent(loadFixture(fixture))]),
);

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A stored state as an earlier version may have written it: any strings, some fields missing. */
const STATE_STRINGS = ['', '\ud800', 'a\udc00b', 'x'.repeat(50_000), 'https:/host', 'javascript:x', 'constructor'];

function runThrough(fuzzCase: MutatedEventCase): void {
  const input = buildMutatedEvent(fuzzCase);
  let event: PipelineEvent;
  try {
    event = parsePipelineEvent(input);
  } catch (error) {
    if (error instanceof InvalidPipelineEventError) {
      expect(error.issues.length).toBeGreaterThan(0);
      return;
    }
    throw error;
  }
  const base = BASE_EVENTS.get(fuzzCase.fixture);
  const alone = mergeEvent(undefined, event);
  // A duplicate changes nothing.
  expect(mergeEvent(alone, event)).toBe(alone);
  renderEverywhere(executionToAlertMessage(alone));
  if (base !== undefined && base.pipeline === event.pipeline && base.executionId === event.executionId) {
    const joined = mergeEvent(mergeEvent(undefined, base), event);
    expect(mergeEvent(mergeEvent(undefined, event), base)).toEqual(joined);
    renderEverywhere(
      executionToAlertMessage(joined, { stageOrder: ['Source', 'Build', 'stage' in event ? event.stage : 'Deploy'] }),
    );
  }
  renderEverywhere(buildAlertMessage(event));
}

function renderEverywhere(message: AlertMessage): void {
  expect(LONE_SURROGATE.test(message.title)).toBe(false);
  expect(LONE_SURROGATE.test(message.status.label)).toBe(false);
  for (const link of message.links) expect(webUrl(link.url)).toBe(link.url);
  for (const action of message.actions) if (action.kind === 'open-console') expect(webUrl(action.url)).toBe(action.url);
  const slack = renderBlockKit(message);
  const card = renderAdaptiveCard(message);
  const reply = renderAdaptiveCard(message, { as: 'reply' });
  for (const rendered of [slack, card, reply]) expect(loneSurrogatePath(rendered)).toBeUndefined();
}

/** Where a rendered message still holds a lone surrogate (in a key or a text), if anywhere. */
function loneSurrogatePath(value: unknown, path = '$'): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return `${path}.${key}`;
    const found = loneSurrogatePath(item, `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A merged fixture state with some strings replaced as an older version may have stored them. */
const storedStateArb = fc.record({
  fixture: fc.constantFrom(...EVENT_FIXTURES),
  changes: fc.array(
    fc.record({
      field: fc.constantFrom('pipeline', 'executionId', 'region', 'account', 'startTime', 'stageName', 'actionText'),
      value: fc.constantFrom(...STATE_STRINGS),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

function storedState(fixture: string, changes: readonly { field: string; value: string }[]): ExecutionState {
  const event = BASE_EVENTS.get(fixture) as PipelineEvent;
  let state = structuredClone(mergeEvent(undefined, event)) as ExecutionState & Record<string, unknown>;
  for (const { field, value } of changes) {
    if (field === 'stageName') {
      const stages = Object.values(state.stages);
      state = { ...state, stages: Object.fromEntries(stages.map((stage) => [value, stage])) };
    } else if (field === 'actionText') {
      const actions = Object.entries(state.actions).map(([key, action]) => [
        key,
        { ...action, stage: value, action: value, result: { summary: value, url: value, errorCode: value } },
      ]);
      state = { ...state, actions: Object.fromEntries(actions) };
    } else {
      state = { ...state, [field]: value };
    }
  }
  return mergeExecutionStates(state, state);
}

describe('fuzz: events through parse, merge, message and both renderers', () => {
  const runs = runsFor(1);
  it(
    `never throws but InvalidPipelineEventError at parse (${runs} mutated events, seed ${FUZZ_SEED})`,
    () => {
      fc.assert(fc.property(mutatedEventArb, runThrough), { seed: FUZZ_SEED, numRuns: runs });
    },
    timeoutFor(runs, 30),
  );

  const stateRuns = runsFor(0.3);
  it(
    `renders any stored state without throwing (${stateRuns} states)`,
    () => {
      fc.assert(
        fc.property(storedStateArb, ({ fixture, changes }) => {
          renderEverywhere(executionToAlertMessage(storedState(fixture, changes)));
        }),
        { seed: FUZZ_SEED, numRuns: stateRuns },
      );
    },
    timeoutFor(stateRuns, 30),
  );

  it.each(EVENT_FIXTURES)('every fixture parses and renders unchanged: %s', (fixture) => {
    expect(safeParsePipelineEvent(loadFixture(fixture)).success).toBe(true);
    runThrough({ fixture, mutations: [], asText: false });
  });
});
