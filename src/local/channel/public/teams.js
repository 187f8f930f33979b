// @ts-check
/**
 * The Teams side of the channel page: a Teams channel's posts (people's posts with their mentions,
 * the bot's Adaptive Cards, thread replies under each post), rendered with Microsoft's own Adaptive
 * Cards renderer (npm `adaptivecards`, served as vendor/adaptivecards.min.js, global
 * `AdaptiveCards`). A card's Action.Execute goes to the page's server as the verb and the card's
 * inputs; the server sends the signed `adaptiveCard/action` invoke. What the invoke answers is shown
 * under the card to the clicker only. Text goes in via textContent; card markdown through
 * teams-markdown.js, which escapes before it makes any tag.
 */
import { markdownToHtml } from './teams-markdown.js';

/** @type {any} */
const AC = /** @type {any} */ (globalThis).AdaptiveCards;

/** Teams' light theme, as far as a host config says it. */
const HOST_CONFIG = {
  fontFamily:
    '"Segoe UI", "Segoe UI Web (West European)", -apple-system, BlinkMacSystemFont, Roboto, "Helvetica Neue", sans-serif',
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E0E0E0' },
  fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        dark: { default: '#242424', subtle: '#616161' },
        light: { default: '#FFFFFF', subtle: '#F5F5F5' },
        accent: { default: '#5B5FC7', subtle: '#6264A7' },
        good: { default: '#237B4B', subtle: '#237B4B' },
        warning: { default: '#835C00', subtle: '#835C00' },
        attention: { default: '#C4314B', subtle: '#C4314B' },
      },
    },
    emphasis: {
      backgroundColor: '#F5F5F5',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#5B5FC7', subtle: '#6264A7' },
        good: { default: '#237B4B', subtle: '#237B4B' },
        warning: { default: '#835C00', subtle: '#835C00' },
        attention: { default: '#C4314B', subtle: '#C4314B' },
      },
    },
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 12, style: 'emphasis' },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
    iconPlacement: 'leftOfTitle',
  },
  factSet: {
    title: { weight: 'bolder', size: 'default', color: 'default', wrap: true, maxWidth: 150 },
    value: { size: 'default', color: 'default', wrap: true },
    spacing: 12,
  },
  inputs: { label: { inputSpacing: 'small', requiredInputs: { suffix: ' *' }, optionalInputs: {} } },
};

let configured = false;
function configure() {
  if (configured || AC === undefined) return;
  configured = true;
  AC.AdaptiveCard.onProcessMarkdown = (/** @type {string} */ text, /** @type {any} */ result) => {
    result.outputHtml = markdownToHtml(text);
    result.didProcess = true;
  };
}

/**
 * Rendered cards by message, revision, card and person: kept across refreshes, so that an opened
 * "Approve or reject…" and a comment being typed survive the live updates; a new revision (a PUT)
 * renders afresh.
 * @type {Map<string, HTMLElement>}
 */
let cardCache = new Map();
/** Reply boxes being typed in, by thread and person. @type {Map<string, HTMLElement>} */
let replyBoxes = new Map();
/** Threads whose older replies are shown. */
const openThreads = new Set();
/** Replies shown under a post before "N earlier replies". */
const VISIBLE_REPLIES = 3;

/**
 * @typedef {{
 *   me: any,
 *   press: (message: any, verb: string, inputs: Record<string, string>) => Promise<void>,
 *   reply: (rootId: string, text: string) => Promise<void>,
 *   toast: (text: string, error?: boolean) => void,
 * }} TeamsContext
 */

/**
 * Renders the conversation into `container` (the Teams timeline pane).
 * @param {HTMLElement} container @param {any} state @param {TeamsContext} ctx
 * @returns {Map<string, HTMLElement>} every message's element by id, for scrolling to arrivals
 */
export function renderTeamsTimeline(container, state, ctx) {
  configure();
  /** @type {Map<string, HTMLElement>} */
  const used = new Map();
  /** @type {Map<string, HTMLElement>} */
  const usedBoxes = new Map();
  /** @type {Map<string, HTMLElement>} */
  const shown = new Map();
  const notesByMessage = new Map();
  for (const note of state.notes) {
    const list = notesByMessage.get(note.messageId) ?? [];
    list.push(note);
    notesByMessage.set(note.messageId, list);
  }
  const people = new Map(state.users.map((/** @type {any} */ u) => [u.id, u]));
  const render = (/** @type {any} */ message, /** @type {boolean} */ reply) => {
    const el = renderMessage(message, reply, { ...ctx, people, used, notes: notesByMessage.get(message.id) ?? [] });
    shown.set(message.id, el);
    return el;
  };

  const posts = state.messages.map((/** @type {any} */ message) => {
    const thread = document.createElement('section');
    thread.className = 'tm-thread';
    thread.dataset.testid = 'teams-post';
    thread.dataset.id = message.id;
    thread.appendChild(render(message, false));
    const replies = message.replies;
    const hidden = openThreads.has(message.id) ? 0 : Math.max(0, replies.length - VISIBLE_REPLIES);
    const repliesEl = document.createElement('div');
    repliesEl.className = 'tm-replies';
    if (hidden > 0) {
      const more = document.createElement('button');
      more.type = 'button';
      more.className = 'tm-more';
      more.dataset.testid = 'teams-more-replies';
      more.textContent = `${hidden} earlier ${hidden === 1 ? 'reply' : 'replies'}`;
      more.addEventListener('click', () => {
        openThreads.add(message.id);
        renderTeamsTimeline(container, state, ctx);
      });
      repliesEl.appendChild(more);
    }
    for (const reply of replies.slice(hidden)) repliesEl.appendChild(render(reply, true));
    for (const reply of replies.slice(0, hidden)) shown.set(reply.id, repliesEl);
    thread.appendChild(repliesEl);
    thread.appendChild(replyBox(message.id, state, ctx, usedBoxes));
    return thread;
  });
  if (posts.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = `Welcome to ${state.conversation.name}. Try @${state.botName} help.`;
    container.replaceChildren(empty);
  } else {
    container.replaceChildren(...posts);
  }
  cardCache = used;
  replyBoxes = usedBoxes;
  return shown;
}

/** @param {string} name */
function initials(name) {
  return name
    .split(/\s+/)
    .map((part) => part.charAt(0))
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

/** @param {number} at */
function timeOf(at) {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * @param {any} message @param {boolean} reply
 * @param {TeamsContext & { people: Map<string, any>, used: Map<string, HTMLElement>, notes: any[] }} ctx
 */
function renderMessage(message, reply, ctx) {
  const el = document.createElement('article');
  el.className = reply ? 'tm-message tm-reply' : 'tm-message';
  el.dataset.testid = reply ? 'teams-reply' : 'teams-message';
  el.dataset.id = message.id;
  if (message.bot) el.classList.add('tm-bot');
  const avatar = document.createElement('div');
  avatar.className = message.bot ? 'tm-avatar tm-avatar-bot' : 'tm-avatar';
  avatar.textContent = message.bot ? 'pw' : initials(message.fromName);
  el.appendChild(avatar);
  const main = document.createElement('div');
  main.className = 'tm-main';
  const head = document.createElement('div');
  head.className = 'tm-head';
  const author = document.createElement('span');
  author.className = 'tm-author';
  author.textContent = message.fromName;
  head.appendChild(author);
  if (message.bot) {
    const badge = document.createElement('span');
    badge.className = 'tm-app';
    badge.textContent = 'App';
    head.appendChild(badge);
  }
  const time = document.createElement('time');
  time.textContent = timeOf(message.at);
  head.appendChild(time);
  if (message.editedAt !== undefined) {
    const edited = document.createElement('span');
    edited.className = 'tm-edited';
    edited.dataset.testid = 'teams-edited';
    edited.textContent = 'Edited';
    edited.title = `Updated ${message.revisions - 1} time(s), last at ${timeOf(message.editedAt)}`;
    head.appendChild(edited);
  }
  main.appendChild(head);
  if (message.text !== '' && message.cards.length === 0) main.appendChild(renderText(message.text, ctx.people));
  message.cards.forEach((/** @type {any} */ card, /** @type {number} */ index) => {
    main.appendChild(renderCard(message, card, index, ctx));
  });
  for (const note of ctx.notes) main.appendChild(renderNote(note));
  el.appendChild(main);
  return el;
}

/**
 * A post's text as Teams shows it: `<at>name</at>` as a mention, the rest as typed.
 * @param {string} text @param {Map<string, any>} people
 */
function renderText(text, people) {
  void people;
  const body = document.createElement('div');
  body.className = 'tm-text';
  const parts = text.split(/(<at>[^<]*<\/at>)/);
  for (const part of parts) {
    const mention = /^<at>([^<]*)<\/at>$/.exec(part);
    if (mention) {
      const chip = document.createElement('span');
      chip.className = 'tm-mention';
      chip.textContent = mention[1] ?? '';
      body.appendChild(chip);
    } else if (part !== '') {
      body.appendChild(document.createTextNode(part));
    }
  }
  return body;
}

/**
 * One Adaptive Card, rendered by Microsoft's renderer, cached by revision and person.
 * @param {any} message @param {any} json @param {number} index
 * @param {TeamsContext & { used: Map<string, HTMLElement> }} ctx
 */
function renderCard(message, json, index, ctx) {
  const key = `${ctx.me?.id}\u0000${message.id}\u0000${message.revisions}\u0000${index}`;
  const cached = cardCache.get(key);
  if (cached !== undefined) {
    ctx.used.set(key, cached);
    return cached;
  }
  const holder = document.createElement('div');
  holder.className = 'tm-card';
  holder.dataset.testid = 'teams-card';
  holder.dataset.messageId = message.id;
  holder.dataset.revision = String(message.revisions);
  if (AC === undefined) {
    holder.textContent = 'The Adaptive Cards renderer did not load.';
    return holder;
  }
  const card = new AC.AdaptiveCard();
  card.hostConfig = new AC.HostConfig(HOST_CONFIG);
  card.onExecuteAction = (/** @type {any} */ action) => {
    const type = action.getJsonTypeName();
    if (type === 'Action.OpenUrl') {
      if (/^https?:\/\//.test(String(action.url))) window.open(action.url, '_blank', 'noopener,noreferrer');
      return;
    }
    if (type !== 'Action.Execute') {
      ctx.toast(`${type} is not supported here`, true);
      return;
    }
    /** @type {Record<string, string>} */
    const inputs = {};
    const data = action.data;
    if (typeof data === 'object' && data !== null) {
      for (const [id, value] of Object.entries(data)) if (typeof value === 'string') inputs[id] = value;
    }
    holder.classList.add('tm-busy');
    ctx.press(message, String(action.verb ?? ''), inputs).finally(() => holder.classList.remove('tm-busy'));
  };
  try {
    card.parse(json);
    const rendered = card.render();
    if (rendered) holder.appendChild(rendered);
  } catch (error) {
    holder.textContent = `This card could not be rendered: ${error instanceof Error ? error.message : String(error)}`;
  }
  // Test hooks: each Action.Execute button says its verb, also in a ShowCard once it is opened.
  labelButtons(holder, json);
  new MutationObserver(() => labelButtons(holder, json)).observe(holder, { childList: true, subtree: true });
  ctx.used.set(key, holder);
  return holder;
}

/**
 * The renderer's buttons carry no verb; name them by the card's actions in order (a rendered
 * ActionSet lists its actions as the JSON does), so that tests and people can find them.
 * @param {HTMLElement} holder @param {any} json
 */
function labelButtons(holder, json) {
  for (const button of holder.querySelectorAll('button.ac-pushButton')) {
    const title = button.getAttribute('aria-label') ?? button.textContent ?? '';
    const action = findAction(json, title.trim());
    const el = /** @type {HTMLElement} */ (button);
    if (el.dataset.testid !== undefined) continue;
    if (action?.type === 'Action.Execute') el.dataset.testid = `teams-button-${action.verb}`;
    else if (action?.type === 'Action.ShowCard') el.dataset.testid = 'teams-showcard';
    else if (action?.type === 'Action.OpenUrl') el.dataset.testid = 'teams-link';
  }
}

/** @param {any} node @param {string} title @returns {any} */
function findAction(node, title) {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findAction(item, title);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  if (typeof node.type === 'string' && node.type.startsWith('Action.') && node.title === title) return node;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'fallback' || key === 'data') continue;
    const found = findAction(value, title);
    if (found) return found;
  }
  return undefined;
}

/** What the bot answered the clicker: only they see it. @param {any} note */
function renderNote(note) {
  const el = document.createElement('div');
  el.className = note.error ? 'tm-note tm-note-error' : 'tm-note';
  el.dataset.testid = 'teams-note';
  const only = document.createElement('span');
  only.className = 'tm-only-you';
  only.textContent = 'Only you can see this';
  const text = document.createElement('span');
  text.className = 'tm-note-text';
  text.textContent = note.text;
  el.append(only, text);
  return el;
}

/**
 * "Reply" under a post, and its input once opened (kept across refreshes while typed in).
 * @param {string} rootId @param {any} state @param {TeamsContext} ctx @param {Map<string, HTMLElement>} used
 */
function replyBox(rootId, state, ctx, used) {
  const key = `${ctx.me?.id}\u0000${rootId}`;
  const cached = replyBoxes.get(key);
  if (cached !== undefined) {
    used.set(key, cached);
    return cached;
  }
  const box = document.createElement('div');
  box.className = 'tm-reply-box';
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'tm-reply-open';
  open.dataset.testid = 'teams-reply-open';
  open.textContent = '↩ Reply';
  const form = document.createElement('form');
  form.className = 'tm-reply-form';
  form.hidden = true;
  const input = document.createElement('input');
  input.type = 'text';
  input.className = 'tm-reply-input';
  input.dataset.testid = 'teams-reply-input';
  input.placeholder = `Reply (mention @${state.botName} for a command)`;
  input.setAttribute('aria-label', 'Reply');
  form.appendChild(input);
  open.addEventListener('click', () => {
    open.hidden = true;
    form.hidden = false;
    input.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text === '') return;
    input.disabled = true;
    ctx
      .reply(rootId, text)
      .then(() => {
        input.value = '';
      })
      .finally(() => {
        input.disabled = false;
        input.focus();
      });
  });
  box.append(open, form);
  used.set(key, box);
  return box;
}
