/**
 * Slack's limits for a message, checked independently of src/slack: the
 * numbers are literals from Slack's docs (docs.slack.dev block and element
 * reference, chat.postMessage; see /work/shared/reference/slack-limits.md), so
 * a wrong constant in the renderer cannot make its own tests pass.
 *
 * Lengths are UTF-16 code units (JavaScript's `length`), never fewer than
 * the characters Slack counts.
 */

type Json = Record<string, unknown>;

/** Every limit the payload breaks, as readable strings; [] when it is within all of them. */
export function checkBlockKitLimits(payload: {
  readonly text: unknown;
  readonly blocks: readonly unknown[];
}): string[] {
  const problems: string[] = [];
  const problem = (where: string, what: string) => problems.push(`${where}: ${what}`);

  if (typeof payload.text !== 'string' || payload.text.trim() === '') problem('text', 'missing or empty');
  else {
    // chat.postMessage: "limit the number of characters in the text field to 4,000 characters".
    if (payload.text.length >= 4000) problem('text', `${payload.text.length} characters, must be < 4000`);
    wellFormed('text', payload.text, problem);
  }
  if (payload.blocks.length > 50) problem('blocks', `${payload.blocks.length} blocks, max 50`);

  for (const [index, raw] of payload.blocks.entries()) checkBlock(`blocks[${index}]`, raw, problem);
  return problems;
}

type Report = (where: string, what: string) => void;

function checkBlock(where: string, block: unknown, problem: Report): void {
  if (!isObject(block)) {
    problem(where, 'not an object');
    return;
  }
  if (block.block_id !== undefined) maxString(`${where}.block_id`, block.block_id, 255, problem);
  switch (block.type) {
    case 'header':
      textObject(`${where}.text`, block.text, 150, problem, 'plain_text');
      break;
    case 'section':
      section(where, block, problem);
      break;
    case 'context':
      context(where, block, problem);
      break;
    case 'actions':
      actions(where, block, problem);
      break;
    case 'divider':
      break;
    default:
      problem(where, `unexpected block type ${String(block.type)}`);
  }
}

function section(where: string, block: Json, problem: Report): void {
  if (block.text === undefined && block.fields === undefined) problem(where, 'section needs text or fields');
  if (block.text !== undefined) textObject(`${where}.text`, block.text, 3000, problem);
  if (block.fields !== undefined) {
    if (!Array.isArray(block.fields) || block.fields.length === 0) {
      problem(`${where}.fields`, 'empty');
      return;
    }
    if (block.fields.length > 10) problem(`${where}.fields`, `${block.fields.length} fields, max 10`);
    block.fields.forEach((field, i) => {
      textObject(`${where}.fields[${i}]`, field, 2000, problem);
    });
  }
}

function context(where: string, block: Json, problem: Report): void {
  const elements = block.elements;
  if (!Array.isArray(elements) || elements.length === 0) {
    problem(`${where}.elements`, 'empty');
    return;
  }
  if (elements.length > 10) problem(`${where}.elements`, `${elements.length} elements, max 10`);
  elements.forEach((element, i) => {
    textObject(`${where}.elements[${i}]`, element, 3000, problem);
  });
}

function actions(where: string, block: Json, problem: Report): void {
  const elements = block.elements;
  if (!Array.isArray(elements) || elements.length === 0) {
    problem(`${where}.elements`, 'empty');
    return;
  }
  if (elements.length > 25) problem(`${where}.elements`, `${elements.length} elements, max 25`);
  const ids = new Set<string>();
  for (const [i, element] of elements.entries()) {
    const at = `${where}.elements[${i}]`;
    if (isObject(element) && element.type === 'static_select') {
      staticSelect(at, element, ids, problem);
      continue;
    }
    if (!isObject(element) || element.type !== 'button') {
      problem(at, 'not a button');
      continue;
    }
    textObject(`${at}.text`, element.text, 75, problem, 'plain_text');
    maxString(`${at}.action_id`, element.action_id, 255, problem);
    if (typeof element.action_id === 'string') {
      // "Should be unique among all other action_ids in the containing block."
      if (ids.has(element.action_id)) problem(`${at}.action_id`, 'not unique in its block');
      ids.add(element.action_id);
    }
    if (element.value !== undefined) maxString(`${at}.value`, element.value, 2000, problem);
    if (element.url !== undefined) {
      maxString(`${at}.url`, element.url, 3000, problem);
      if (typeof element.url === 'string' && !/^https?:\/\//.test(element.url)) problem(`${at}.url`, 'not http(s)');
    }
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
      problem(`${at}.style`, `must be primary or danger, not ${String(element.style)}`);
    }
    if (element.accessibility_label !== undefined)
      maxString(`${at}.accessibility_label`, element.accessibility_label, 75, problem);
  }
}

/** A static_select in an actions block: placeholder ≤ 150, 1..100 options of text ≤ 75 and value ≤ 150, a unique action_id. */
function staticSelect(at: string, element: Json, ids: Set<string>, problem: Report): void {
  maxString(`${at}.action_id`, element.action_id, 255, problem);
  if (typeof element.action_id === 'string') {
    if (ids.has(element.action_id)) problem(`${at}.action_id`, 'not unique in its block');
    ids.add(element.action_id);
  }
  if (element.placeholder !== undefined)
    textObject(`${at}.placeholder`, element.placeholder, 150, problem, 'plain_text');
  const options = element.options;
  if (!Array.isArray(options) || options.length === 0 || options.length > 100) {
    problem(`${at}.options`, 'must hold 1 to 100 options');
    return;
  }
  for (const [i, option] of options.entries()) {
    if (!isObject(option)) {
      problem(`${at}.options[${i}]`, 'not an option');
      continue;
    }
    textObject(`${at}.options[${i}].text`, option.text, 75, problem, 'plain_text');
    maxString(`${at}.options[${i}].value`, option.value, 150, problem);
  }
}

/** A text object: type plain_text or mrkdwn, text of 1..max characters. */
function textObject(where: string, value: unknown, max: number, problem: Report, only?: 'plain_text'): void {
  if (!isObject(value)) {
    problem(where, 'not a text object');
    return;
  }
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn') {
    problem(where, `bad type ${String(value.type)}`);
    return;
  }
  if (only !== undefined && value.type !== only) problem(where, `must be ${only}`);
  if (typeof value.text !== 'string' || value.text.trim().length === 0) {
    problem(`${where}.text`, 'empty');
    return;
  }
  maxString(`${where}.text`, value.text, Math.min(max, 3000), problem);
}

function maxString(where: string, value: unknown, max: number, problem: Report): void {
  if (typeof value !== 'string') {
    problem(where, 'not a string');
    return;
  }
  if (value.length > max) problem(where, `${value.length} characters, max ${max}`);
  wellFormed(where, value, problem);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A lone surrogate (half an emoji) is not valid text: Slack would show garbage or reject the JSON. */
function wellFormed(where: string, value: string, problem: Report): void {
  if (LONE_SURROGATE.test(value)) problem(where, 'contains a lone surrogate (a split character)');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
