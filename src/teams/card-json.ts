// (teams) the typed builders of @microsoft/teams.cards --> plain card JSON without the defaults they spell out
import type { IAdaptiveCard } from '@microsoft/teams.cards';

/** The Adaptive Card schema pipewatch's cards are written against. */
export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

/**
 * Teams supports Adaptive Cards up to 1.5, and Action.Execute needs 1.5 there
 * ("If you set the card version to less than 1.5 and use … Action.Execute …
 * your card stops working"; see /work/shared/reference/teams-notes.md).
 */
export const ADAPTIVE_CARD_VERSION = '1.5';

/**
 * A rendered card: plain JSON (objects, arrays, strings, numbers, booleans;
 * never undefined, never a class instance), ready for an attachment's
 * `content`, for JSON.stringify, and for comparison in tests.
 */
export type AdaptiveCardJson = IAdaptiveCard & {
  readonly $schema: typeof ADAPTIVE_CARD_SCHEMA;
  readonly version: typeof ADAPTIVE_CARD_VERSION;
};

/**
 * Properties the library's classes initialise to the Adaptive Cards schema's
 * own defaults (`new TextBlock('x')` carries `requires: {}`, `isVisible: true`,
 * `separator: false`, `height: 'auto'`, `spacing: 'Default'`, `isSortKey: false`,
 * an action `mode: 'primary'`, `isEnabled: true`, …). Restating a default
 * changes nothing for a client, but costs about a hundred bytes per element
 * against the message size limit, and a few are newer than the 1.5 schema
 * Teams reads. Keyed by property, each with the value that is dropped.
 */
const DEFAULTS: Readonly<Record<string, unknown>> = {
  isVisible: true,
  separator: false,
  height: 'auto',
  spacing: 'Default',
  isSortKey: false,
  mode: 'primary',
  isEnabled: true,
  conditionallyEnabled: false,
  isRequired: false,
  isMultiline: false,
  showBorder: false,
  roundedCorners: false,
  bleed: false,
  wrap: false,
};

/** `style` defaults differ per type: an action's is `default`, Input.Text's is `Text`. */
const STYLE_DEFAULTS: Readonly<Record<string, string>> = {
  'Action.Execute': 'default',
  'Action.Submit': 'default',
  'Action.OpenUrl': 'default',
  'Action.ShowCard': 'default',
  'Input.Text': 'Text',
};

/**
 * The card as plain JSON: a JSON round trip (which drops the library's
 * `undefined` fields and class prototypes), then the schema defaults above
 * removed from every element and action. `data` (what a button sends back)
 * is never touched.
 */
export function toCardJson(card: IAdaptiveCard): AdaptiveCardJson {
  return withoutDefaults(JSON.parse(JSON.stringify(card))) as AdaptiveCardJson;
}

function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  const type = typeof object.type === 'string' ? object.type : undefined;
  const kept: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(object)) {
    if (key === 'data') {
      kept[key] = child;
      continue;
    }
    if (type !== undefined && isDefault(type, key, child)) continue;
    kept[key] = withoutDefaults(child);
  }
  return kept;
}

function isDefault(type: string, key: string, value: unknown): boolean {
  if (key === 'requires') return isEmptyObject(value);
  if (key === 'style') return Object.hasOwn(STYLE_DEFAULTS, type) && STYLE_DEFAULTS[type] === value;
  return Object.hasOwn(DEFAULTS, key) && DEFAULTS[key] === value;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
