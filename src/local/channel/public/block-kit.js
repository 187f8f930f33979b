// @ts-check
/**
 * A small Block Kit renderer for the channel page: the blocks pipewatch sends (header, section
 * with text, fields and accessory, context, actions with buttons, divider, input) and Slack's
 * mrkdwn. Every text reaches the page through `textContent` or `createTextNode`: nothing here
 * parses HTML, so a message can never inject markup. Links are made only for http(s) and mailto.
 *
 * `parseMrkdwn` is pure (no DOM) so that it can be tested outside a browser.
 */

/** @typedef {{ t: 'text', v: string }} TextNode */
/** @typedef {{ t: 'bold' | 'italic' | 'strike' | 'quote', c: MrkdwnNode[] }} StyleNode */
/** @typedef {{ t: 'code' | 'pre', v: string }} CodeNode */
/** @typedef {{ t: 'link', url: string, label: string }} LinkNode */
/** @typedef {{ t: 'mention', kind: 'user' | 'channel' | 'special' | 'group', id: string, label: string }} MentionNode */
/** @typedef {{ t: 'date', v: string }} DateNode */
/** @typedef {TextNode | StyleNode | CodeNode | LinkNode | MentionNode | DateNode} MrkdwnNode */

const ENTITIES = /** @type {Record<string, string>} */ ({ '&amp;': '&', '&lt;': '<', '&gt;': '>' });

/** Slack decodes exactly these three entities in mrkdwn and message text. */
export function decodeEntities(/** @type {string} */ text) {
  return text.replace(/&(?:amp|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** The emoji pipewatch uses, and a few common ones; others stay as `:name:` as in a client without them. */
const EMOJI = /** @type {Record<string, string>} */ ({
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  raised_hand: '✋',
  alarm_clock: '⏰',
  octagonal_sign: '🛑',
  fast_forward: '⏩',
  black_square_for_stop: '⏹️',
  white_circle: '⚪',
  repeat: '🔁',
  no_entry_sign: '🚫',
  no_entry: '⛔',
  information_source: 'ℹ️',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  heavy_minus_sign: '➖',
  grey_question: '❔',
  arrows_counterclockwise: '🔄',
  rocket: '🚀',
  tada: '🎉',
  eyes: '👀',
  thumbsup: '👍',
  '+1': '👍',
  thumbsdown: '👎',
  red_circle: '🔴',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  construction: '🚧',
});

export function replaceEmoji(/** @type {string} */ text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (match, name) => EMOJI[name] ?? match);
}

const WORD = /[\p{L}\p{N}]/u;

/** @param {string} s @param {number} i */
function boundaryBefore(s, i) {
  return i === 0 || !WORD.test(s.charAt(i - 1));
}

/** @param {string} s @param {number} i */
function boundaryAfter(s, i) {
  return i >= s.length - 1 || !WORD.test(s.charAt(i + 1));
}

const STYLE = /** @type {Record<string, 'bold' | 'italic' | 'strike'>} */ ({ '*': 'bold', _: 'italic', '~': 'strike' });

/**
 * Slack's mrkdwn as a tree. `&amp;`, `&lt;`, `&gt;` are decoded in text only after the markup
 * was found, so an escaped `&lt;!channel&gt;` stays the literal text `<!channel>`.
 * @param {string} text
 * @returns {MrkdwnNode[]}
 */
export function parseMrkdwn(text) {
  /** @type {MrkdwnNode[]} */
  const out = [];
  // A literal `>` at a line's start quotes it; an escaped `&gt;` (user text) does not.
  /** @type {{ quote: boolean, lines: string[] }[]} */
  const segments = [];
  for (const line of String(text ?? '').split('\n')) {
    const quote = line.startsWith('>');
    const content = quote ? line.slice(1).replace(/^ /, '') : line;
    const last = segments.at(-1);
    if (last !== undefined && last.quote === quote) last.lines.push(content);
    else segments.push({ quote, lines: [content] });
  }
  for (const segment of segments) {
    const nodes = parseInline(segment.lines.join('\n'));
    if (segment.quote) out.push({ t: 'quote', c: nodes });
    else out.push(...nodes);
  }
  return out;
}

/**
 * @param {string} s
 * @returns {MrkdwnNode[]}
 */
function parseInline(s) {
  /** @type {MrkdwnNode[]} */
  const out = [];
  let text = '';
  const pushText = () => {
    if (text !== '') out.push({ t: 'text', v: decodeEntities(text) });
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const ch = s.charAt(i);
    if (ch === '`') {
      if (s.startsWith('```', i)) {
        const end = s.indexOf('```', i + 3);
        if (end > i + 3) {
          pushText();
          out.push({ t: 'pre', v: decodeEntities(s.slice(i + 3, end).replace(/^\n/, '')) });
          i = end + 3;
          continue;
        }
      } else {
        const end = s.indexOf('`', i + 1);
        if (end > i + 1 && !s.slice(i + 1, end).includes('\n')) {
          pushText();
          out.push({ t: 'code', v: decodeEntities(s.slice(i + 1, end)) });
          i = end + 1;
          continue;
        }
      }
    } else if (ch === '<') {
      const end = s.indexOf('>', i + 1);
      const token = end > i + 1 ? angleToken(s.slice(i + 1, end)) : undefined;
      if (token !== undefined) {
        pushText();
        out.push(token);
        i = end + 1;
        continue;
      }
    } else if (ch in STYLE && boundaryBefore(s, i)) {
      const end = closingMarker(s, i, ch);
      if (end !== -1) {
        pushText();
        out.push({ t: STYLE[ch] ?? 'bold', c: parseInline(s.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    text += ch;
    i += 1;
  }
  pushText();
  return out;
}

/**
 * Where the marker opened at `open` closes: same line, content not starting or ending with a
 * space, the closing marker not followed by a letter or digit. -1 when it does not close.
 * @param {string} s @param {number} open @param {string} marker
 */
function closingMarker(s, open, marker) {
  if (open + 1 >= s.length || /\s/.test(s.charAt(open + 1))) return -1;
  for (let j = open + 2; j < s.length; j += 1) {
    const c = s.charAt(j);
    if (c === '\n') return -1;
    if (c === marker && !/\s/.test(s.charAt(j - 1)) && boundaryAfter(s, j)) return j;
  }
  return -1;
}

/**
 * The inside of `<…>`: a mention, a special mention, a date, or a link. Undefined for anything
 * else (shown as the text it is).
 * @param {string} inner
 * @returns {MrkdwnNode | undefined}
 */
function angleToken(inner) {
  if (inner.includes('<') || inner.includes('\n')) return undefined;
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return { t: 'mention', kind: 'user', id, label: label ?? '' };
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return { t: 'mention', kind: 'channel', id, label: label ?? '' };
  }
  if (target.startsWith('!')) {
    const command = target.slice(1);
    if (command.startsWith('date^')) return { t: 'date', v: label ?? '' };
    if (command.startsWith('subteam^')) {
      return { t: 'mention', kind: 'group', id: command.slice('subteam^'.length), label: label ?? '' };
    }
    if (['here', 'channel', 'everyone'].includes(command)) {
      return { t: 'mention', kind: 'special', id: command, label: label ?? `@${command}` };
    }
    return undefined;
  }
  const url = decodeEntities(target);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return undefined;
  return { t: 'link', url, label: label === undefined || label === '' ? url : label };
}

/** Only these open; anything else (javascript:, data:) is shown as text. */
export function isSafeUrl(/** @type {string} */ url) {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' || protocol === 'mailto:';
  } catch {
    return false;
  }
}

/**
 * @typedef {object} RenderContext
 * @property {(id: string) => string | undefined} [userName]
 * @property {(id: string) => string | undefined} [channelName]
 * @property {(button: Record<string, any>, blockId: string, value?: string) => void} [onButton] a click, or a select's choice (its option's value)
 * @property {Record<string, string>} [inputErrors] a view's errors by block_id
 */

/**
 * @param {Document} doc @param {MrkdwnNode[]} nodes @param {RenderContext} ctx @param {Node} parent
 */
function appendNodes(doc, nodes, ctx, parent) {
  for (const node of nodes) {
    switch (node.t) {
      case 'text':
        parent.appendChild(doc.createTextNode(replaceEmoji(node.v)));
        break;
      case 'bold':
      case 'italic':
      case 'strike':
      case 'quote': {
        const tag = { bold: 'strong', italic: 'em', strike: 's', quote: 'blockquote' }[node.t];
        const el = doc.createElement(tag);
        appendNodes(doc, node.c, ctx, el);
        parent.appendChild(el);
        break;
      }
      case 'code': {
        const el = doc.createElement('code');
        el.textContent = node.v;
        parent.appendChild(el);
        break;
      }
      case 'pre': {
        const el = doc.createElement('pre');
        el.textContent = node.v;
        parent.appendChild(el);
        break;
      }
      case 'link': {
        if (isSafeUrl(node.url)) {
          const a = doc.createElement('a');
          a.href = node.url;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          a.textContent = node.label;
          a.title = node.url;
          parent.appendChild(a);
        } else {
          parent.appendChild(doc.createTextNode(node.label));
        }
        break;
      }
      case 'mention': {
        const el = doc.createElement('span');
        el.className = 'mention';
        let label = node.label;
        if (node.kind === 'user') label = `@${ctx.userName?.(node.id) ?? (node.label || node.id)}`;
        else if (node.kind === 'channel') label = `#${ctx.channelName?.(node.id) ?? (node.label || node.id)}`;
        else if (node.kind === 'group') label = node.label || `@${node.id}`;
        el.textContent = label;
        parent.appendChild(el);
        break;
      }
      case 'date':
        parent.appendChild(doc.createTextNode(node.v));
        break;
    }
  }
}

/** @param {Document} doc @param {string} text @param {RenderContext} [ctx] */
export function renderMrkdwn(doc, text, ctx = {}) {
  const fragment = doc.createDocumentFragment();
  appendNodes(doc, parseMrkdwn(text), ctx, fragment);
  return fragment;
}

/**
 * A text object: mrkdwn (unless verbatim... which only changes auto-linking, not formatting) or
 * plain_text (literal; emoji shortcodes still shown as emoji, as Slack does with `emoji: true`).
 * @param {Document} doc @param {any} textObject @param {RenderContext} ctx @param {string} [tag]
 */
export function renderText(doc, textObject, ctx, tag = 'div') {
  const el = doc.createElement(tag);
  el.classList.add('bk-text');
  if (textObject === null || typeof textObject !== 'object' || typeof textObject.text !== 'string') return el;
  if (textObject.type === 'mrkdwn') el.appendChild(renderMrkdwn(doc, textObject.text, ctx));
  else el.textContent = textObject.emoji === false ? textObject.text : replaceEmoji(textObject.text);
  return el;
}

/**
 * @param {Document} doc @param {any} button @param {string} blockId @param {RenderContext} ctx
 */
function renderButton(doc, button, blockId, ctx) {
  const el = doc.createElement('button');
  el.type = 'button';
  el.className = 'bk-button';
  if (button.style === 'primary' || button.style === 'danger') el.classList.add(`bk-button-${button.style}`);
  el.textContent = replaceEmoji(String(button.text?.text ?? ''));
  el.dataset.testid = `button-${String(button.action_id ?? '')}`;
  el.dataset.actionId = String(button.action_id ?? '');
  el.dataset.blockId = blockId;
  if (typeof button.url === 'string') {
    el.dataset.url = button.url;
    el.title = button.url;
  }
  el.addEventListener('click', () => {
    // A link button opens its page and still sends block_actions (Slack does; the app acks it).
    if (typeof button.url === 'string' && isSafeUrl(button.url)) {
      globalThis.open?.(button.url, '_blank', 'noopener,noreferrer');
    }
    ctx.onButton?.(button, blockId);
  });
  return el;
}

/**
 * A static_select: the placeholder, then its options; choosing one sends block_actions with it (as
 * Slack does on a change), through onButton with the option's value.
 * @param {Document} doc @param {any} select @param {string} blockId @param {RenderContext} ctx
 */
function renderSelect(doc, select, blockId, ctx) {
  const el = doc.createElement('select');
  el.className = 'bk-select';
  el.dataset.testid = `select-${String(select.action_id ?? '')}`;
  el.dataset.actionId = String(select.action_id ?? '');
  el.dataset.blockId = blockId;
  const placeholder = doc.createElement('option');
  placeholder.value = '';
  placeholder.disabled = true;
  placeholder.selected = true;
  placeholder.textContent = replaceEmoji(String(select.placeholder?.text ?? 'Choose…'));
  el.appendChild(placeholder);
  for (const option of Array.isArray(select.options) ? select.options : []) {
    const item = doc.createElement('option');
    item.value = String(option?.value ?? '');
    item.textContent = replaceEmoji(String(option?.text?.text ?? ''));
    el.appendChild(item);
  }
  el.addEventListener('change', () => {
    if (el.value !== '') ctx.onButton?.(select, blockId, el.value);
  });
  return el;
}

/** @param {Document} doc @param {any} element @param {string} blockId @param {RenderContext} ctx */
function renderElement(doc, element, blockId, ctx) {
  if (element?.type === 'button') return renderButton(doc, element, blockId, ctx);
  if (element?.type === 'static_select') return renderSelect(doc, element, blockId, ctx);
  if (element?.type === 'image') {
    const span = doc.createElement('span');
    span.className = 'bk-image';
    span.textContent = String(element.alt_text ?? '');
    return span;
  }
  if (element?.type === 'mrkdwn' || element?.type === 'plain_text') return renderText(doc, element, ctx, 'span');
  const span = doc.createElement('span');
  span.className = 'bk-unsupported';
  span.textContent = `[${String(element?.type ?? 'element')}]`;
  return span;
}

/**
 * @param {Document} doc @param {any} block @param {RenderContext} ctx
 * @returns {HTMLElement}
 */
export function renderBlock(doc, block, ctx = {}) {
  const blockId = typeof block?.block_id === 'string' ? block.block_id : '';
  const el = doc.createElement('div');
  el.className = `bk-block bk-${String(block?.type ?? 'unknown').replace(/[^a-z_]/g, '')}`;
  switch (block?.type) {
    case 'header':
      el.appendChild(renderText(doc, block.text, ctx, 'h3'));
      break;
    case 'section': {
      const body = doc.createElement('div');
      body.className = 'bk-section-body';
      if (block.text !== undefined) body.appendChild(renderText(doc, block.text, ctx));
      if (Array.isArray(block.fields)) {
        const fields = doc.createElement('div');
        fields.className = 'bk-fields';
        for (const field of block.fields) fields.appendChild(renderText(doc, field, ctx));
        body.appendChild(fields);
      }
      el.appendChild(body);
      if (block.accessory !== undefined) {
        const accessory = doc.createElement('div');
        accessory.className = 'bk-accessory';
        accessory.appendChild(renderElement(doc, block.accessory, blockId, ctx));
        el.appendChild(accessory);
      }
      break;
    }
    case 'context':
      for (const element of Array.isArray(block.elements) ? block.elements : []) {
        el.appendChild(renderElement(doc, element, blockId, ctx));
      }
      break;
    case 'actions':
      for (const element of Array.isArray(block.elements) ? block.elements : []) {
        el.appendChild(renderElement(doc, element, blockId, ctx));
      }
      break;
    case 'divider':
      el.appendChild(doc.createElement('hr'));
      break;
    case 'input':
      el.appendChild(renderInput(doc, block, ctx));
      break;
    default:
      el.textContent = `[unsupported block: ${String(block?.type)}]`;
  }
  return el;
}

/** @param {Document} doc @param {any} block @param {RenderContext} ctx */
function renderInput(doc, block, ctx) {
  const element = block.element ?? {};
  // Radio buttons are several inputs: a group, not one label.
  const wrapper = doc.createElement(element.type === 'radio_buttons' ? 'div' : 'label');
  wrapper.className = 'bk-input';
  const label = doc.createElement('span');
  label.className = 'bk-input-label';
  label.textContent = `${String(block.label?.text ?? '')}${block.optional === true ? ' (optional)' : ''}`;
  wrapper.appendChild(label);
  const blockId = String(block.block_id ?? '');
  const actionId = String(element.action_id ?? '');
  if (element.type === 'plain_text_input') {
    const input = doc.createElement(element.multiline === true ? 'textarea' : 'input');
    input.className = 'bk-input-field';
    input.dataset.testid = 'modal-input';
    input.dataset.blockId = blockId;
    input.dataset.actionId = actionId;
    if (typeof element.max_length === 'number') input.maxLength = element.max_length;
    if (typeof element.initial_value === 'string') input.value = element.initial_value;
    if (typeof element.placeholder?.text === 'string') input.placeholder = element.placeholder.text;
    wrapper.appendChild(input);
  } else if (element.type === 'radio_buttons') {
    wrapper.setAttribute('role', 'radiogroup');
    wrapper.setAttribute('aria-label', String(block.label?.text ?? ''));
    wrapper.appendChild(renderRadioButtons(doc, element, blockId, actionId, ctx));
  } else {
    const note = doc.createElement('span');
    note.className = 'bk-unsupported';
    note.textContent = `[${String(element.type ?? 'input')} not supported here]`;
    wrapper.appendChild(note);
  }
  if (block.hint !== undefined) {
    const hint = renderText(doc, block.hint, ctx, 'span');
    hint.classList.add('bk-input-hint');
    wrapper.appendChild(hint);
  }
  const error = ctx.inputErrors?.[blockId];
  if (error !== undefined) {
    const message = doc.createElement('span');
    message.className = 'bk-input-error';
    message.textContent = error;
    wrapper.appendChild(message);
  }
  return wrapper;
}

/**
 * A radio_buttons element: one radio per option (its text, and its description beneath), the
 * initial option checked, as Slack draws it. The page submits the checked option's value; the
 * server puts the option itself in view.state.values (`selected_option`), as Slack does.
 * @param {Document} doc @param {any} element @param {string} blockId @param {string} actionId @param {RenderContext} ctx
 */
function renderRadioButtons(doc, element, blockId, actionId, ctx) {
  const group = doc.createElement('div');
  group.className = 'bk-radio-group';
  const initial = element.initial_option?.value;
  for (const option of Array.isArray(element.options) ? element.options : []) {
    const choice = doc.createElement('label');
    choice.className = 'bk-radio';
    const radio = doc.createElement('input');
    radio.type = 'radio';
    radio.name = `${blockId}\u0000${actionId}`;
    radio.value = String(option?.value ?? '');
    radio.checked = initial !== undefined && option?.value === initial;
    radio.dataset.testid = 'modal-radio';
    radio.dataset.blockId = blockId;
    radio.dataset.actionId = actionId;
    choice.appendChild(radio);
    const words = doc.createElement('span');
    words.className = 'bk-radio-text';
    words.appendChild(renderText(doc, option?.text, ctx, 'span'));
    if (option?.description !== undefined) {
      const description = renderText(doc, option.description, ctx, 'span');
      description.classList.add('bk-radio-description');
      words.appendChild(description);
    }
    choice.appendChild(words);
    group.appendChild(choice);
  }
  return group;
}

/**
 * A message's blocks, or its text as mrkdwn when it has none.
 * @param {Document} doc @param {any[] | undefined} blocks @param {string} fallbackText @param {RenderContext} ctx
 */
export function renderMessageBody(doc, blocks, fallbackText, ctx = {}) {
  const body = doc.createElement('div');
  body.className = 'bk-message';
  if (Array.isArray(blocks) && blocks.length > 0) {
    for (const block of blocks) body.appendChild(renderBlock(doc, block, ctx));
  } else {
    body.appendChild(renderText(doc, { type: 'mrkdwn', text: fallbackText }, ctx));
  }
  return body;
}
