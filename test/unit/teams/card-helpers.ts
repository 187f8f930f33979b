import { type ExecutionState, mergeEvent } from '../../../src/core/executions';
import { eventsUntil } from '../core/executions/execution-events';

/** One object of a card's JSON (an element, an action, a fact, the card itself). */
export type CardNode = Readonly<Record<string, unknown>>;

/** The merged state of retriedExecutionSpecs up to the event `lastId` (ev-010 failed, ev-017 waiting, ev-024 done). */
export function stateUntil(lastId: string): ExecutionState {
  return eventsUntil(lastId).reduce<ExecutionState | undefined>(mergeEvent, undefined) as ExecutionState;
}

function isNode(value: unknown): value is CardNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every object with a string `type` in the JSON, depth first, ShowCard cards and fallbacks included. */
export function nodesOf(value: unknown): CardNode[] {
  const found: CardNode[] = [];
  const walk = (current: unknown): void => {
    if (Array.isArray(current)) {
      for (const item of current) walk(item);
      return;
    }
    if (!isNode(current)) return;
    if (typeof current.type === 'string') found.push(current);
    for (const [key, child] of Object.entries(current)) if (key !== 'data') walk(child);
  };
  walk(value);
  return found;
}

export function ofType(value: unknown, type: string): CardNode[] {
  return nodesOf(value).filter((node) => node.type === type);
}

/** The top-level body of a card. */
export function bodyOf(card: unknown): CardNode[] {
  return isNode(card) && Array.isArray(card.body) ? card.body.filter(isNode) : [];
}

export function factsOf(node: CardNode): Array<{ title: string; value: string }> {
  return Array.isArray(node.facts) ? (node.facts as Array<{ title: string; value: string }>) : [];
}

export function actionsOf(node: CardNode): CardNode[] {
  return Array.isArray(node.actions) ? node.actions.filter(isNode) : [];
}

export function dataOf(node: CardNode): Record<string, unknown> {
  return isNode(node.data) ? node.data : {};
}

/**
 * The button values an Action.Execute or Action.Submit sends: its data's `value`, or for the
 * Snooze button (no value in its data) the choices of the card's Input.ChoiceSet `value`, which the
 * click merges in.
 */
export function buttonValuesOf(card: unknown, action: CardNode): unknown[] {
  const data = dataOf(action);
  if (data.value !== undefined || typeof data.execution !== 'string') return [data.value];
  const choiceSets = ofType(card, 'Input.ChoiceSet').filter((input) => input.id === 'value');
  return choiceSets.flatMap((input) =>
    (Array.isArray(input.choices) ? input.choices : []).map((choice: unknown) =>
      isNode(choice) ? choice.value : undefined,
    ),
  );
}

/** A string property, or '' (for terse assertions). */
export function text(node: CardNode | undefined, key = 'text'): string {
  const value = node?.[key];
  return typeof value === 'string' ? value : '';
}

/** Keys whose strings a Teams client shows (and parses as markdown in TextBlocks and facts). */
const SHOWN_KEYS = new Set(['text', 'title', 'value', 'fallbackText', 'label', 'placeholder', 'summary']);

/** Every shown string of an activity or card with its path; button data, URLs, verbs and ids are not shown text. */
export function shownTexts(value: unknown): Array<{ path: string; text: string }> {
  const found: Array<{ path: string; text: string }> = [];
  const walk = (current: unknown, path: string): void => {
    if (Array.isArray(current)) {
      current.forEach((item, index) => {
        walk(item, `${path}[${index}]`);
      });
      return;
    }
    if (!isNode(current)) return;
    for (const [key, child] of Object.entries(current)) {
      if (key === 'data') continue;
      // A choice set shows its choices' titles; its `value` and theirs are what the card sends back.
      const sentBack = key === 'value' && (current.type === 'Input.ChoiceSet' || /\.choices\[\d+\]$/.test(path));
      if (typeof child === 'string' && SHOWN_KEYS.has(key) && !sentBack)
        found.push({ path: `${path}.${key}`, text: child });
      else walk(child, `${path}.${key}`);
    }
  };
  walk(value, '$');
  return found;
}

/** Problems of JSON that would not survive a round trip: undefined, functions, class instances, non-finite numbers. */
export function notPlainJson(value: unknown, path = '$'): string[] {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path}: ${value}`];
  if (Array.isArray(value)) return value.flatMap((item, index) => notPlainJson(item, `${path}[${index}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flatMap(([key, child]) => notPlainJson(child, `${path}.${key}`));
  }
  return [`${path}: ${typeof value} ${Object.prototype.toString.call(value)}`];
}
