// (local Slack) a modal for views.open / views.update --> Slack's limits and keys --> errors pointing into /view
import {
  BlockErrors,
  checkString,
  checkText,
  isObject,
  MODAL_RULES,
  requireField,
  validateBlocks,
} from './block-kit-validation';

const MODAL_KEYS = [
  'type',
  'title',
  'blocks',
  'close',
  'submit',
  'private_metadata',
  'callback_id',
  'clear_on_close',
  'notify_on_close',
  'external_id',
  'submit_disabled',
];

/**
 * A modal for views.open / views.update: title (plain_text ≤ 24), submit/close (≤ 24), blocks
 * (≤ 100), callback_id (≤ 255), private_metadata (≤ 3000), external_id (≤ 255). A modal with an
 * input block needs a submit button, otherwise Slack refuses it. Errors point into `/view`, as
 * Slack's `invalid_arguments` messages do.
 */
export function validateModalView(view: unknown, ptr = '/view'): string[] {
  const errors = new BlockErrors();
  if (!isObject(view)) {
    errors.add('must be an object', ptr);
    return errors.list;
  }
  if (view.type !== 'modal') errors.add('must be a valid enum value', `${ptr}/type`);
  for (const key of Object.keys(view)) {
    if (!MODAL_KEYS.includes(key)) errors.add(`invalid additional property: ${key}`, ptr);
  }
  if (requireField(view, 'title', ptr, errors)) {
    checkText(view.title, `${ptr}/title`, errors, { max: 24, plainOnly: true });
  }
  for (const key of ['submit', 'close'] as const) {
    if (view[key] !== undefined) checkText(view[key], `${ptr}/${key}`, errors, { max: 24, plainOnly: true });
  }
  if (view.callback_id !== undefined) checkString(view.callback_id, `${ptr}/callback_id`, errors, { max: 255 });
  if (view.external_id !== undefined) checkString(view.external_id, `${ptr}/external_id`, errors, { max: 255 });
  if (view.private_metadata !== undefined) {
    checkString(view.private_metadata, `${ptr}/private_metadata`, errors, { max: 3000 });
  }
  if (requireField(view, 'blocks', ptr, errors)) {
    if (!Array.isArray(view.blocks)) {
      errors.add('must be an array', `${ptr}/blocks`);
    } else {
      errors.list.push(...validateBlocks(view.blocks, `${ptr}/blocks`, MODAL_RULES));
      const hasInput = view.blocks.some((b) => isObject(b) && b.type === 'input');
      if (hasInput && view.submit === undefined) errors.add('submit is required when blocks contain input', ptr);
    }
  }
  return errors.list;
}
