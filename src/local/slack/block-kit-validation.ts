// (local Slack) blocks of a message or modal --> Slack's limits and known keys --> errors worded like Slack's, with a JSON pointer
/**
 * Block Kit validation with Slack's limits (see /work/shared/reference/slack-limits.md). Errors read
 * like Slack's: `must be less than 151 characters [json-pointer:/blocks/0/text/text]` — the pointer
 * names the offending value itself, so a test failure says exactly which field to shorten.
 * Unknown properties of the blocks and elements pipewatch uses are rejected too: a typo such as
 * `action_Id` is otherwise silently dropped by Slack and only noticed when a button does nothing.
 */

export type Surface = 'message' | 'modal';

export interface BlockRules {
  surface: Surface;
  /** 50 in messages, 100 in modals and Home tabs. */
  maxBlocks: number;
}

export const MESSAGE_RULES: BlockRules = { surface: 'message', maxBlocks: 50 };
export const MODAL_RULES: BlockRules = { surface: 'modal', maxBlocks: 100 };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Block types Slack accepts on a surface; input blocks only in modals/Home. */
const KNOWN_BLOCKS = new Set([
  'section',
  'header',
  'divider',
  'context',
  'actions',
  'image',
  'input',
  'markdown',
  'rich_text',
  'video',
  'file',
  'table',
  'context_actions',
]);

const BLOCK_KEYS: Record<string, readonly string[]> = {
  section: ['type', 'block_id', 'text', 'fields', 'accessory', 'expand'],
  header: ['type', 'block_id', 'text'],
  divider: ['type', 'block_id'],
  context: ['type', 'block_id', 'elements'],
  actions: ['type', 'block_id', 'elements'],
  image: ['type', 'block_id', 'image_url', 'slack_file', 'alt_text', 'title'],
  input: ['type', 'block_id', 'label', 'element', 'dispatch_action', 'hint', 'optional'],
  markdown: ['type', 'block_id', 'text'],
};

const TEXT_KEYS = ['type', 'text', 'emoji', 'verbatim'];
const BUTTON_KEYS = ['type', 'text', 'action_id', 'url', 'value', 'style', 'confirm', 'accessibility_label'];
const IMAGE_ELEMENT_KEYS = ['type', 'image_url', 'slack_file', 'alt_text'];
const CONFIRM_KEYS = ['title', 'text', 'confirm', 'deny', 'style'];
const INTERACTIVE_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'number_input',
  'overflow',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'timepicker',
  'url_text_input',
  'workflow_button',
]);

class Errors {
  readonly list: string[] = [];
  add(message: string, pointer: string): void {
    this.list.push(`${message} [json-pointer:${pointer}]`);
  }
}

export function validateBlocks(blocks: readonly unknown[], pointer: string, rules: BlockRules): string[] {
  const errors = new Errors();
  if (blocks.length > rules.maxBlocks) errors.add(`must be less than ${rules.maxBlocks + 1} items`, pointer);
  const blockIds = new Set<string>();
  blocks.forEach((block, index) => {
    validateBlock(block, `${pointer}/${index}`, rules, errors, blockIds);
  });
  return errors.list;
}

function validateBlock(block: unknown, ptr: string, rules: BlockRules, errors: Errors, blockIds: Set<string>): void {
  if (!isObject(block)) {
    errors.add('must be an object', ptr);
    return;
  }
  const type = block.type;
  if (typeof type !== 'string') {
    errors.add('missing required field: type', ptr);
    return;
  }
  if (!KNOWN_BLOCKS.has(type)) {
    errors.add(`unsupported block type: ${type}`, `${ptr}/type`);
    return;
  }
  if (type === 'input' && rules.surface === 'message') {
    errors.add('input blocks are only allowed in modals and Home tabs', `${ptr}/type`);
    return;
  }
  const allowed = BLOCK_KEYS[type];
  if (allowed !== undefined) checkKeys(block, allowed, ptr, errors);
  if (block.block_id !== undefined) {
    if (checkString(block.block_id, `${ptr}/block_id`, errors, { max: 255 })) {
      // Slack rejects a message whose blocks share a block_id (state and actions are keyed by it).
      const id = block.block_id as string;
      if (blockIds.has(id)) errors.add(`duplicate block_id: ${id}`, `${ptr}/block_id`);
      blockIds.add(id);
    }
  }
  switch (type) {
    case 'section':
      validateSection(block, ptr, errors);
      return;
    case 'header':
      if (requireField(block, 'text', ptr, errors)) {
        checkText(block.text, `${ptr}/text`, errors, { max: 150, plainOnly: true });
      }
      return;
    case 'context':
      validateElements(block, ptr, errors, 10, (element, p) => {
        if (isObject(element) && element.type === 'image') checkImageElement(element, p, errors);
        else checkText(element, p, errors, { max: 3000 });
      });
      return;
    case 'actions': {
      const actionIds = new Set<string>();
      validateElements(block, ptr, errors, 25, (element, p) => {
        checkInteractiveElement(element, p, errors, actionIds);
      });
      return;
    }
    case 'image':
      if (block.image_url === undefined && block.slack_file === undefined) {
        errors.add('missing required field: image_url', ptr);
      }
      if (block.image_url !== undefined) checkString(block.image_url, `${ptr}/image_url`, errors, { max: 3000 });
      if (requireField(block, 'alt_text', ptr, errors)) {
        checkString(block.alt_text, `${ptr}/alt_text`, errors, { max: 2000 });
      }
      if (block.title !== undefined) checkText(block.title, `${ptr}/title`, errors, { max: 2000, plainOnly: true });
      return;
    case 'input':
      if (requireField(block, 'label', ptr, errors)) {
        checkText(block.label, `${ptr}/label`, errors, { max: 2000, plainOnly: true });
      }
      if (block.hint !== undefined) checkText(block.hint, `${ptr}/hint`, errors, { max: 2000, plainOnly: true });
      if (requireField(block, 'element', ptr, errors)) {
        checkInteractiveElement(block.element, `${ptr}/element`, errors, new Set());
      }
      return;
    case 'markdown':
      if (requireField(block, 'text', ptr, errors)) {
        checkString(block.text, `${ptr}/text`, errors, { min: 1, max: 12_000 });
      }
      return;
    default:
      // divider has nothing to check; rich_text, video, file, table: accepted without deeper checks.
      return;
  }
}

function validateSection(block: Json, ptr: string, errors: Errors): void {
  if (block.text === undefined && block.fields === undefined) {
    errors.add('must provide either text or fields', ptr);
  }
  if (block.text !== undefined) checkText(block.text, `${ptr}/text`, errors, { max: 3000 });
  if (block.fields !== undefined) {
    if (!Array.isArray(block.fields)) {
      errors.add('must be an array', `${ptr}/fields`);
    } else {
      if (block.fields.length === 0) errors.add('must be more than 0 items', `${ptr}/fields`);
      if (block.fields.length > 10) errors.add('must be less than 11 items', `${ptr}/fields`);
      block.fields.forEach((field, i) => {
        checkText(field, `${ptr}/fields/${i}`, errors, { max: 2000 });
      });
    }
  }
  if (block.accessory !== undefined) {
    const accessory = block.accessory;
    if (isObject(accessory) && accessory.type === 'image') checkImageElement(accessory, `${ptr}/accessory`, errors);
    else checkInteractiveElement(accessory, `${ptr}/accessory`, errors, new Set());
  }
}

function validateElements(
  block: Json,
  ptr: string,
  errors: Errors,
  max: number,
  check: (element: unknown, pointer: string) => void,
): void {
  if (!requireField(block, 'elements', ptr, errors)) return;
  const elements = block.elements;
  if (!Array.isArray(elements)) {
    errors.add('must be an array', `${ptr}/elements`);
    return;
  }
  if (elements.length === 0) errors.add('must be more than 0 items', `${ptr}/elements`);
  if (elements.length > max) errors.add(`must be less than ${max + 1} items`, `${ptr}/elements`);
  elements.forEach((element, i) => {
    check(element, `${ptr}/elements/${i}`);
  });
}

function checkInteractiveElement(element: unknown, ptr: string, errors: Errors, actionIds: Set<string>): void {
  if (!isObject(element)) {
    errors.add('must be an object', ptr);
    return;
  }
  const type = element.type;
  if (typeof type !== 'string' || !INTERACTIVE_ELEMENTS.has(type)) {
    errors.add(`unsupported element type: ${String(type)}`, `${ptr}/type`);
    return;
  }
  if (element.action_id !== undefined && checkString(element.action_id, `${ptr}/action_id`, errors, { max: 255 })) {
    const id = element.action_id as string;
    if (actionIds.has(id)) errors.add(`duplicate action_id: ${id}`, `${ptr}/action_id`);
    actionIds.add(id);
  }
  if (type !== 'button') return;
  checkKeys(element, BUTTON_KEYS, ptr, errors);
  if (requireField(element, 'text', ptr, errors)) {
    checkText(element.text, `${ptr}/text`, errors, { max: 75, plainOnly: true });
  }
  if (element.value !== undefined) checkString(element.value, `${ptr}/value`, errors, { max: 2000 });
  if (element.url !== undefined) checkString(element.url, `${ptr}/url`, errors, { max: 3000 });
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
    errors.add('must be a valid enum value', `${ptr}/style`);
  }
  if (element.accessibility_label !== undefined) {
    checkString(element.accessibility_label, `${ptr}/accessibility_label`, errors, { max: 75 });
  }
  if (element.confirm !== undefined) checkConfirm(element.confirm, `${ptr}/confirm`, errors);
}

function checkConfirm(confirm: unknown, ptr: string, errors: Errors): void {
  if (!isObject(confirm)) {
    errors.add('must be an object', ptr);
    return;
  }
  checkKeys(confirm, CONFIRM_KEYS, ptr, errors);
  const limits = { title: 100, text: 300, confirm: 30, deny: 30 } as const;
  for (const [key, max] of Object.entries(limits)) {
    if (requireField(confirm, key, ptr, errors)) {
      checkText(confirm[key], `${ptr}/${key}`, errors, { max, plainOnly: key !== 'text' });
    }
  }
  if (confirm.style !== undefined && confirm.style !== 'primary' && confirm.style !== 'danger') {
    errors.add('must be a valid enum value', `${ptr}/style`);
  }
}

function checkImageElement(element: Json, ptr: string, errors: Errors): void {
  checkKeys(element, IMAGE_ELEMENT_KEYS, ptr, errors);
  if (element.image_url === undefined && element.slack_file === undefined) {
    errors.add('missing required field: image_url', ptr);
  }
  if (element.image_url !== undefined) checkString(element.image_url, `${ptr}/image_url`, errors, { max: 3000 });
  if (requireField(element, 'alt_text', ptr, errors)) checkString(element.alt_text, `${ptr}/alt_text`, errors, {});
}

/** A text composition object; `max` applies to its `text`. */
export function checkText(
  value: unknown,
  ptr: string,
  errors: Errors,
  options: { max: number; plainOnly?: boolean },
): void {
  if (!isObject(value)) {
    errors.add('must be an object', ptr);
    return;
  }
  checkKeys(value, TEXT_KEYS, ptr, errors);
  const type = value.type;
  if (type !== 'plain_text' && (options.plainOnly === true || type !== 'mrkdwn')) {
    errors.add('must be a valid enum value', `${ptr}/type`);
  }
  if (value.emoji !== undefined && type !== 'plain_text') errors.add('emoji is only allowed on plain_text', ptr);
  if (requireField(value, 'text', ptr, errors)) checkString(value.text, `${ptr}/text`, errors, { min: 1, ...options });
}

function checkString(value: unknown, ptr: string, errors: Errors, options: { min?: number; max?: number }): boolean {
  if (typeof value !== 'string') {
    errors.add('must be a string', ptr);
    return false;
  }
  // Slack counts characters, not UTF-16 units: an emoji is one character.
  const length = [...value].length;
  if (options.min !== undefined && length < options.min) {
    errors.add(`must be more than ${options.min - 1} characters`, ptr);
    return false;
  }
  if (options.max !== undefined && length > options.max) {
    errors.add(`must be less than ${options.max + 1} characters`, ptr);
    return false;
  }
  return true;
}

function requireField(object: Json, key: string, ptr: string, errors: Errors): boolean {
  if (object[key] === undefined || object[key] === null) {
    errors.add(`missing required field: ${key}`, ptr);
    return false;
  }
  return true;
}

function checkKeys(object: Json, allowed: readonly string[], ptr: string, errors: Errors): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) errors.add(`invalid additional property: ${key}`, ptr);
  }
}

export { checkString, Errors as BlockErrors, isObject, requireField };
