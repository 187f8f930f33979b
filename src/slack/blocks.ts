// (slack) Block Kit constructors that cannot produce a block Slack rejects: texts cut to their limits, never empty
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  HeaderBlock,
  MrkdwnElement,
  PlainTextElement,
  SectionBlock,
  StaticSelect,
} from '@slack/types';
import { isWebUrl } from '../core/messages';
import { ELLIPSIS, oneLine, truncate, truncatePlain } from './escape';
import { SLACK_LIMITS } from './slack-limits';

/**
 * Block constructors that cannot produce a block Slack rejects: every text is
 * cut to its limit and never left empty (Slack requires at least one
 * character). mrkdwn input must already be escaped (escapeMrkdwn); plain text
 * is raw.
 */

/** Shown for a text that would otherwise be empty. */
const PLACEHOLDER = '-';

function nonEmpty(text: string): string {
  return text.trim() === '' ? PLACEHOLDER : text;
}

/**
 * mrkdwn with `verbatim: true`: Slack then does not turn a bare `@channel`,
 * `#channel` or URL in event content into a mention or a link. Escaped `<…>`
 * sequences are already inert; pipewatch's own tokens (`<!date…>`) still work.
 */
export function mrkdwn(escapedText: string, max: number = SLACK_LIMITS.textObject): MrkdwnElement {
  return { type: 'mrkdwn', text: nonEmpty(truncate(escapedText, max)), verbatim: true };
}

export function plainText(text: string, max: number = SLACK_LIMITS.textObject): PlainTextElement {
  return { type: 'plain_text', text: nonEmpty(truncatePlain(text, max)) };
}

export function headerBlock(text: string): HeaderBlock {
  return { type: 'header', text: plainText(oneLine(text), SLACK_LIMITS.headerText) };
}

export function sectionBlock(escapedText: string): SectionBlock {
  return { type: 'section', text: mrkdwn(escapedText, SLACK_LIMITS.sectionText) };
}

/**
 * Items as fields (`format` gives escaped mrkdwn) in sections of at most ten,
 * using at most `maxSections` blocks; what does not fit is counted in a last
 * field ("…and 12 more"). Only the items shown are formatted, so a huge list
 * costs no more than a full message.
 */
export function fieldSections<T>(
  items: readonly T[],
  format: (item: T) => string,
  maxSections: number,
): SectionBlock[] {
  const capacity = Math.max(0, maxSections) * SLACK_LIMITS.sectionFields;
  if (capacity === 0) return [];
  const fits = items.length <= capacity;
  const shown = fits ? items : items.slice(0, capacity - 1);
  const fields = shown.map(format);
  if (!fits) fields.push(`_${ELLIPSIS}and ${items.length - shown.length} more_`);
  const sections: SectionBlock[] = [];
  for (let start = 0; start < fields.length; start += SLACK_LIMITS.sectionFields) {
    const chunk = fields.slice(start, start + SLACK_LIMITS.sectionFields);
    sections.push({ type: 'section', fields: chunk.map((field) => mrkdwn(field, SLACK_LIMITS.sectionFieldText)) });
  }
  return sections;
}

/** A context block of escaped mrkdwn lines; undefined when there are none. */
export function contextBlock(escapedTexts: readonly string[]): ContextBlock | undefined {
  const elements = escapedTexts.slice(0, SLACK_LIMITS.contextElements).map((text) => mrkdwn(text));
  return elements.length === 0 ? undefined : { type: 'context', elements };
}

/** One escaped mrkdwn line as a context block (small grey text under a message). */
export function contextLine(escapedText: string): ContextBlock {
  return { type: 'context', elements: [mrkdwn(escapedText)] };
}

export function actionsBlock(buttons: readonly (Button | StaticSelect)[]): ActionsBlock | undefined {
  const elements = buttons.slice(0, SLACK_LIMITS.actionsElements);
  return elements.length === 0 ? undefined : { type: 'actions', elements };
}

export interface ButtonSpec {
  readonly actionId: string;
  readonly text: string;
  readonly value?: string;
  readonly url?: string;
  readonly style?: 'primary' | 'danger';
}

/**
 * A button, or undefined when it cannot be made within the limits: a value or
 * a URL is never truncated, since a cut identifier would act on the wrong
 * execution and a cut URL would open the wrong page. Such a button is left out.
 */
export function button(spec: ButtonSpec): Button | undefined {
  if (spec.actionId.length > SLACK_LIMITS.actionId) return undefined;
  if (spec.value !== undefined && spec.value.length > SLACK_LIMITS.buttonValue) return undefined;
  if (spec.url !== undefined && (spec.url.length > SLACK_LIMITS.buttonUrl || !isWebUrl(spec.url))) return undefined;
  return {
    type: 'button',
    action_id: spec.actionId,
    text: plainText(oneLine(spec.text), SLACK_LIMITS.buttonText),
    ...(spec.value === undefined ? {} : { value: spec.value }),
    ...(spec.url === undefined ? {} : { url: spec.url }),
    ...(spec.style === undefined ? {} : { style: spec.style }),
  };
}

/**
 * A static_select of options (`value` sent back when chosen), or undefined when an option's value
 * does not fit Slack's 150 characters (a cut value would act on something else).
 */
export function staticSelect(spec: {
  readonly actionId: string;
  readonly placeholder: string;
  readonly options: readonly { readonly text: string; readonly value: string }[];
}): StaticSelect | undefined {
  if (spec.options.length === 0 || spec.options.some((option) => option.value.length > SLACK_LIMITS.optionValue)) {
    return undefined;
  }
  return {
    type: 'static_select',
    action_id: spec.actionId,
    placeholder: plainText(oneLine(spec.placeholder), SLACK_LIMITS.placeholder),
    options: spec.options.map((option) => ({
      text: plainText(oneLine(option.text), SLACK_LIMITS.optionText),
      value: option.value,
    })),
  };
}
