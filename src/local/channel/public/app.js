// @ts-check
/**
 * The channel page: fetches the workspace state from /channel/api/state, renders it, and refetches
 * on every server-sent tick. Commands, clicks and modal submissions go to the page's server, which
 * signs them as Slack would and hands them to the Slack function. All text goes in via
 * textContent (see block-kit.js).
 */
import { renderBlock, renderMessageBody } from './block-kit.js';
import { renderTeamsTimeline } from './teams.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {any} */
let state;
/** @type {any[]} */
let pipelines = [];
let channelId = new URLSearchParams(location.search).get('channel') ?? localStorage.getItem('pw.channel') ?? '';
let userId = new URLSearchParams(location.search).get('user') ?? localStorage.getItem('pw.user') ?? '';
let selectedPipeline = localStorage.getItem('pw.pipeline') ?? '';
// Which platform's channel is shown: a Slack channel (channelId) or a Teams channel (teamsConversation).
const teamsParam = new URLSearchParams(location.search).get('teams');
/** @type {'slack' | 'teams'} */
let platform = teamsParam ? 'teams' : localStorage.getItem('pw.platform') === 'teams' ? 'teams' : 'slack';
let teamsConversation = teamsParam ?? localStorage.getItem('pw.teams') ?? '';
/** The Teams channel's state (api/teams/state), when a Teams channel is shown. @type {any} */
let teamsState;
const expandedThreads = new Set();
/** The modal on screen: `${id}:${hash}`, so that a refresh does not wipe what is being typed. */
let shownModal = '';

// What the timeline has shown, to tell what just arrived: messages, replies and ephemerals by key.
/** The channel and person `seenItems` belong to; another channel or person starts at the bottom. */
let seenView = '';
/** @type {Set<string>} */
let seenItems = new Set();
/** When the person last sent a message or command, clicked a button or submitted a modal (ms). */
let actedAt = 0;
/** What arrives this soon after acting is shown even when the timeline was scrolled up. */
const ACTED_WINDOW_MS = 10_000;
/** Within this many pixels of the end, the timeline counts as "at the bottom" and follows new messages. */
const NEAR_BOTTOM_PX = 80;
/** When each item arrived (ms), to keep its highlight going across re-renders. @type {Map<string, number>} */
const arrivedAt = new Map();
const ARRIVED_HIGHLIGHT_MS = 2000;
/** Where each item of the timeline is seen: its element, or its closed thread's link. @type {Map<string, HTMLElement>} */
let shownAt = new Map();
/** The newest arrival not scrolled to (the timeline was scrolled up): the "New messages" button goes there. */
/** @type {string | undefined} */
let unseenKey;
/** Whether the timeline shows its end (as of the last scroll): then it stays there when its pane changes size. */
let pinnedToBottom = true;

// ---- talking to the server ------------------------------------------------------------------

/** @param {string} path @param {Record<string, unknown>} body */
async function post(path, body) {
  const response = await fetch(`api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(json.error ?? `HTTP ${response.status}`);
  return json;
}

let refreshing = false;
let refreshAgain = false;

async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    do {
      refreshAgain = false;
      const query = new URLSearchParams();
      if (channelId) query.set('channel', channelId);
      if (userId) query.set('user', userId);
      let response = await fetch(`api/state?${query}`);
      if (response.status === 404) {
        // A channel or user from an older session: start from the defaults.
        channelId = '';
        userId = '';
        response = await fetch('api/state');
      }
      if (!response.ok) throw new Error(`state: HTTP ${response.status}`);
      state = await response.json();
      channelId = state.channel.id;
      userId = state.user;
      if (platform === 'teams' && !state.teams) platform = 'slack';
      if (platform === 'teams') teamsState = await fetchTeamsState();
      if (state.pipelinesEnabled) {
        const list = await fetch('api/pipelines');
        if (list.ok) pipelines = (await list.json()).pipelines;
      }
      render();
    } while (refreshAgain);
  } catch (error) {
    toast(String(error instanceof Error ? error.message : error), true);
  } finally {
    refreshing = false;
  }
}

/** The Teams channel as the person the switcher names sees it. */
async function fetchTeamsState() {
  const me = teamsMe();
  const query = new URLSearchParams();
  if (teamsConversation) query.set('conversation', teamsConversation);
  if (me) query.set('user', me.id);
  let response = await fetch(`api/teams/state?${query}`);
  if (response.status === 404) {
    // A channel from an older session: the team's first channel.
    teamsConversation = '';
    query.delete('conversation');
    response = await fetch(`api/teams/state?${query}`);
  }
  if (!response.ok) throw new Error(`Teams state: HTTP ${response.status}`);
  const teams = await response.json();
  teamsConversation = teams.conversation.id;
  return teams;
}

/** The Teams person the switcher's person is (the same three people on both platforms). */
function teamsMe() {
  return state?.teams?.users.find((/** @type {any} */ u) => u.slackUser === userId) ?? state?.teams?.users[0];
}

function connect() {
  const events = new EventSource('api/events');
  events.addEventListener('tick', () => void refresh());
  events.addEventListener('open', () => document.body.classList.remove('offline'));
  events.addEventListener('error', () => document.body.classList.add('offline'));
}

/** @param {string} text @param {boolean} [error] */
function toast(text, error = false) {
  const el = $('toast');
  el.textContent = text;
  el.className = error ? 'toast toast-error' : 'toast';
  el.hidden = false;
  clearTimeout(Number(el.dataset.timer));
  el.dataset.timer = String(setTimeout(() => (el.hidden = true), 4000));
}

// ---- rendering -------------------------------------------------------------------------------

/** @param {string} id */
const userName = (id) => state.users.find((/** @type {any} */ u) => u.id === id)?.name;
/** @param {string} id */
const channelName = (id) => state.channels.find((/** @type {any} */ c) => c.id === id)?.name;

function context() {
  return {
    userName,
    channelName,
    /** @param {any} button @param {string} blockId @param {string} messageTs @param {string} [value] a select's choice */
    click: (button, blockId, messageTs, value) => {
      actedAt = Date.now();
      const chosen = value === undefined ? {} : { value };
      return post('action', {
        channel: channelId,
        user: userId,
        messageTs,
        actionId: button.action_id,
        blockId,
        ...chosen,
      })
        .then((result) => {
          if (!result.ok) toast(`The app answered HTTP ${result.status}`, true);
        })
        .catch((error) => toast(error.message, true));
    },
  };
}

function render() {
  renderSidebar();
  // The panel first: whether it shows changes the timeline's width, hence where its bottom is.
  renderPipelines();
  renderModal();
  document.body.classList.toggle('teams-mode', platform === 'teams');
  $('timeline').hidden = platform === 'teams';
  $('teams-timeline').hidden = platform !== 'teams';
  if (platform === 'teams') renderTeams();
  else renderTimeline();
}

function renderSidebar() {
  const list = $('channels');
  list.replaceChildren(
    ...state.channels.map((/** @type {any} */ channel) => {
      const item = document.createElement('li');
      const link = document.createElement('button');
      link.type = 'button';
      link.className = platform === 'slack' && channel.id === channelId ? 'channel-link active' : 'channel-link';
      link.dataset.testid = `channel-${channel.name}`;
      link.textContent = `# ${channel.name}`;
      link.title = `#${channel.name}`;
      link.addEventListener('click', () => {
        channelId = channel.id;
        platform = 'slack';
        localStorage.setItem('pw.channel', channelId);
        localStorage.setItem('pw.platform', platform);
        void refresh();
      });
      item.appendChild(link);
      return item;
    }),
  );
  const switcher = /** @type {HTMLSelectElement} */ ($('user-switcher'));
  const people = state.users.filter((/** @type {any} */ u) => u.switchable);
  switcher.replaceChildren(
    ...people.map((/** @type {any} */ user) => {
      const option = document.createElement('option');
      option.value = user.id;
      // The name alone, so that the closed picker shows it whole; the role is the line below it.
      option.textContent = user.name;
      if (user.title) option.title = user.title;
      return option;
    }),
  );
  switcher.value = userId;
  const me = state.users.find((/** @type {any} */ u) => u.id === userId);
  $('user-role').textContent = me?.title ? `${me.realName} · ${me.title}` : (me?.realName ?? '');
  $('workspace-name').textContent = state.team.domain;
  renderTeamsSidebar();
  const composer = /** @type {HTMLInputElement} */ ($('composer'));
  if (platform === 'teams' && teamsState) {
    $('channel-title').textContent = `${teamsState.team.name} › ${teamsState.conversation.name}`;
    $('channel-title').title = `${teamsState.conversation.name} in ${teamsState.team.name} (Microsoft Teams)`;
    composer.placeholder = `Start a post: @${teamsState.botName} help`;
    composer.setAttribute(
      'aria-label',
      `Post in ${teamsState.conversation.name}; mention @${teamsState.botName} for a command`,
    );
  } else {
    $('channel-title').textContent = `# ${state.channel.name}`;
    $('channel-title').title = `#${state.channel.name}`;
    composer.placeholder = `${state.command} help`;
    composer.setAttribute('aria-label', `Message or ${state.command} command`);
  }
}

/** The Teams team and its channels under the Slack channels, when the page has a local Teams. */
function renderTeamsSidebar() {
  const section = $('teams-section');
  section.hidden = !state.teams;
  if (!state.teams) return;
  $('teams-team-name').textContent = state.teams.team.name;
  $('teams-channels').replaceChildren(
    ...state.teams.team.channels.map((/** @type {any} */ channel) => {
      const item = document.createElement('li');
      const link = document.createElement('button');
      link.type = 'button';
      const active = platform === 'teams' && channel.id === teamsConversation;
      link.className = active ? 'channel-link teams-link active' : 'channel-link teams-link';
      link.dataset.testid = `teams-channel-${channel.name}`;
      link.textContent = channel.name;
      link.title = `${channel.name} in ${state.teams.team.name} (Microsoft Teams)`;
      link.addEventListener('click', () => {
        platform = 'teams';
        teamsConversation = channel.id;
        localStorage.setItem('pw.platform', platform);
        localStorage.setItem('pw.teams', teamsConversation);
        void refresh();
      });
      item.appendChild(link);
      return item;
    }),
  );
}

// What the Teams timeline has shown, to scroll to what arrives (as the Slack timeline does).
let teamsSeenView = '';
/** @type {Set<string>} */
let teamsSeen = new Set();

function renderTeams() {
  const timeline = $('teams-timeline');
  const wasAtBottom = isNearBottom(timeline);
  const previousScrollTop = timeline.scrollTop;
  const me = teamsMe();
  const shown = renderTeamsTimeline(timeline, teamsState, {
    me,
    press: (message, verb, inputs) => {
      actedAt = Date.now();
      return post('teams/action', {
        conversation: teamsState.conversation.id,
        user: me.id,
        messageId: message.id,
        verb,
        inputs,
      })
        .then(() => refresh())
        .catch((error) => toast(error.message, true));
    },
    reply: (rootId, text) => {
      actedAt = Date.now();
      return post('teams/message', { conversation: teamsState.conversation.id, user: me.id, text, replyToId: rootId })
        .then((result) => {
          if (result.status !== undefined && result.status >= 300)
            toast(`The app answered HTTP ${result.status}`, true);
        })
        .catch((error) => toast(error.message, true));
    },
    toast,
  });
  const view = `${teamsState.conversation.id} ${teamsState.user}`;
  const keys = [...shown.keys()];
  if (teamsSeenView !== view) {
    teamsSeenView = view;
    teamsSeen = new Set(keys);
    timeline.scrollTop = timeline.scrollHeight;
    return;
  }
  const arrived = keys.filter((key) => !teamsSeen.has(key));
  for (const key of arrived) teamsSeen.add(key);
  timeline.scrollTop = wasAtBottom ? timeline.scrollHeight : previousScrollTop;
  const newest = arrived.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).at(-1);
  if (newest !== undefined && !wasAtBottom && Date.now() - actedAt < ACTED_WINDOW_MS) {
    shown.get(newest)?.scrollIntoView({ block: 'nearest' });
  }
}

/** @param {string} ts */
function timeOf(ts) {
  return new Date(Number(ts.split('.')[0]) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * @param {any} message
 * @param {{ testid: string, ephemeral?: boolean }} options
 */
function renderMessage(message, options) {
  const el = document.createElement('article');
  el.className = options.ephemeral ? 'message ephemeral' : 'message';
  el.dataset.testid = options.testid;
  el.dataset.ts = message.ts;
  const head = document.createElement('div');
  head.className = 'message-head';
  const author = document.createElement('span');
  author.className = 'author';
  author.textContent = options.ephemeral ? state.app.name : message.userName;
  head.appendChild(author);
  if (options.ephemeral || message.bot) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = 'APP';
    head.appendChild(badge);
  }
  const time = document.createElement('time');
  time.textContent = timeOf(message.ts);
  head.appendChild(time);
  if (message.edited) {
    const edited = document.createElement('span');
    edited.className = 'edited';
    edited.textContent = '(edited)';
    head.appendChild(edited);
  }
  el.appendChild(head);
  if (options.ephemeral) {
    const note = document.createElement('div');
    note.className = 'only-you';
    note.textContent = 'Only visible to you';
    el.appendChild(note);
  }
  const ctx = context();
  el.appendChild(
    renderMessageBody(document, message.blocks, message.text, {
      userName,
      channelName,
      onButton: (button, blockId, value) => void ctx.click(button, blockId, message.ts, value),
    }),
  );
  return el;
}

/**
 * The timeline scrolls in its own pane. What arrives (a message, a thread reply, an ephemeral) is
 * scrolled into view when the person was at the bottom or has just acted; otherwise they are
 * reading further up, and a "New messages" button appears instead of moving the page under them.
 * A reply in a closed thread is shown by its thread's "N replies" link.
 */
function renderTimeline() {
  const timeline = $('timeline');
  const wasAtBottom = pinnedToBottom || isNearBottom(timeline);
  const previousScrollTop = timeline.scrollTop;
  const topLevel = new Set(state.messages.map((/** @type {any} */ m) => m.ts));
  shownAt = new Map();
  /** @type {{ ts: string, el: HTMLElement }[]} */
  const items = [];
  for (const message of state.messages) items.push({ ts: message.ts, el: renderThreaded(message) });
  for (const ephemeral of state.ephemerals) {
    if (ephemeral.threadTs && topLevel.has(ephemeral.threadTs)) continue; // shown in its thread
    const el = renderMessage(ephemeral, { testid: 'ephemeral', ephemeral: true });
    shownAt.set(`e:${ephemeral.ts}`, el);
    items.push({ ts: ephemeral.ts, el });
  }
  items.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  if (items.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = `This is the very beginning of #${state.channel.name}. Try ${state.command} help.`;
    timeline.replaceChildren(empty);
  } else {
    timeline.replaceChildren(...items.map((item) => item.el));
  }

  if (seenView !== `${state.channel.id} ${state.user}`) {
    // Another channel or person (or the first render): start at the newest message.
    seenView = `${state.channel.id} ${state.user}`;
    seenItems = new Set(shownAt.keys());
    arrivedAt.clear();
    showNewMessagesButton(undefined);
    timeline.scrollTop = timeline.scrollHeight;
    pinnedToBottom = true;
    return;
  }
  const now = Date.now();
  const arrived = [...shownAt.keys()].filter((key) => !seenItems.has(key));
  for (const key of arrived) {
    seenItems.add(key);
    arrivedAt.set(key, now);
  }
  highlightArrivals(now);
  // The newest arrival by ts (keys are `m:<ts>` or `e:<ts>`; ts strings of one length sort as numbers).
  const newest = arrived.sort((a, b) => (a.slice(2) < b.slice(2) ? -1 : 1)).at(-1);

  timeline.scrollTop = wasAtBottom ? timeline.scrollHeight : previousScrollTop;
  if (newest === undefined) {
    // Nothing new (an edit, a thread opened or closed): stay where the person was, at the end if there.
    if (unseenKey !== undefined && !shownAt.has(unseenKey)) showNewMessagesButton(undefined);
    return;
  }
  if (wasAtBottom || now - actedAt < ACTED_WINDOW_MS) {
    revealItem(timeline, /** @type {HTMLElement} */ (shownAt.get(newest)));
    showNewMessagesButton(undefined);
  } else {
    showNewMessagesButton(newest);
  }
}

/** Items that arrived in the last two seconds glow, continuing where they were before a re-render. @param {number} now */
function highlightArrivals(now) {
  for (const [key, at] of arrivedAt) {
    const el = shownAt.get(key);
    if (now - at >= ARRIVED_HIGHLIGHT_MS) arrivedAt.delete(key);
    else if (el !== undefined) {
      el.classList.add('arrived');
      el.style.animationDelay = `-${now - at}ms`;
    }
  }
}

/** @param {HTMLElement} timeline */
function isNearBottom(timeline) {
  return timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < NEAR_BOTTOM_PX;
}

/**
 * Scrolls the timeline so that `el` is in view: to the end when it is the last item (the usual
 * case), else just enough to show it.
 * @param {HTMLElement} timeline @param {HTMLElement} el
 */
function revealItem(timeline, el) {
  const last = timeline.lastElementChild;
  if (last !== null && (last === el || last.contains(el)) && el.offsetHeight <= timeline.clientHeight) {
    timeline.scrollTop = timeline.scrollHeight;
    pinnedToBottom = true;
  } else {
    el.scrollIntoView({ block: 'nearest' });
  }
}

/** @param {string | undefined} key */
function showNewMessagesButton(key) {
  unseenKey = key;
  $('new-messages').hidden = key === undefined;
}

/** @param {any} message */
function renderThreaded(message) {
  const el = renderMessage(message, { testid: 'message' });
  shownAt.set(`m:${message.ts}`, el);
  const ephemeralReplies = state.ephemerals.filter((/** @type {any} */ e) => e.threadTs === message.ts);
  const count = message.replyCount;
  if (count === 0 && ephemeralReplies.length === 0) return el;
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'thread-toggle';
  toggle.dataset.testid = 'thread-toggle';
  const open = expandedThreads.has(message.ts);
  toggle.textContent = `${count} ${count === 1 ? 'reply' : 'replies'}${open ? ' ▾' : ' ▸'}`;
  toggle.addEventListener('click', () => {
    if (expandedThreads.has(message.ts)) expandedThreads.delete(message.ts);
    else expandedThreads.add(message.ts);
    renderTimeline();
  });
  el.appendChild(toggle);
  const replies = [
    ...message.replies.map((/** @type {any} */ r) => ({ key: `m:${r.ts}`, ts: r.ts, reply: r, ephemeral: false })),
    ...ephemeralReplies.map((/** @type {any} */ e) => ({ key: `e:${e.ts}`, ts: e.ts, reply: e, ephemeral: true })),
  ].sort((a, b) => (a.ts < b.ts ? -1 : 1));
  if (!open) {
    for (const reply of replies) shownAt.set(reply.key, toggle);
    return el;
  }
  const thread = document.createElement('div');
  thread.className = 'thread';
  thread.replaceChildren(
    ...replies.map((reply) => {
      const replyEl = reply.ephemeral
        ? renderMessage(reply.reply, { testid: 'ephemeral', ephemeral: true })
        : renderMessage(reply.reply, { testid: 'thread-reply' });
      shownAt.set(reply.key, replyEl);
      return replyEl;
    }),
  );
  el.appendChild(thread);
  return el;
}

/** @param {Record<string, string>} [errors] */
function renderModal(errors) {
  const root = $('modal-root');
  const opened = state.views.at(-1);
  const key = opened ? `${opened.id}:${opened.hash}` : '';
  if (key === shownModal && errors === undefined) return;
  // Re-rendering the same view (to show errors) keeps what was typed.
  /** @type {Map<string, string>} */
  const typed = new Map();
  if (key === shownModal) {
    for (const field of root.querySelectorAll('[data-block-id][data-action-id]')) {
      const input = /** @type {HTMLInputElement} */ (field);
      // Of a radio group, the checked one's value.
      if (input.type === 'radio' && !input.checked) continue;
      typed.set(`${input.dataset.blockId}\u0000${input.dataset.actionId}`, input.value);
    }
  }
  shownModal = key;
  if (!opened) {
    root.replaceChildren();
    return;
  }
  const view = opened.view;
  const overlay = document.createElement('div');
  overlay.className = 'modal-overlay';
  const dialog = document.createElement('form');
  dialog.className = 'modal';
  dialog.dataset.testid = 'modal';
  dialog.dataset.viewId = opened.id;
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  const title = document.createElement('h3');
  title.className = 'modal-title';
  title.textContent = String(view.title?.text ?? '');
  dialog.appendChild(title);
  const body = document.createElement('div');
  body.className = 'modal-body';
  const ctx = { userName, channelName, inputErrors: errors ?? {} };
  for (const block of Array.isArray(view.blocks) ? view.blocks : [])
    body.appendChild(renderBlock(document, block, ctx));
  for (const field of body.querySelectorAll('[data-block-id][data-action-id]')) {
    const input = /** @type {HTMLInputElement} */ (field);
    const value = typed.get(`${input.dataset.blockId}\u0000${input.dataset.actionId}`);
    if (value === undefined) continue;
    if (input.type === 'radio') input.checked = input.value === value;
    else input.value = value;
  }
  dialog.appendChild(body);
  const footer = document.createElement('div');
  footer.className = 'modal-footer';
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'bk-button';
  close.dataset.testid = 'modal-close';
  close.textContent = String(view.close?.text ?? 'Cancel');
  close.addEventListener('click', () => {
    post('view-close', { user: userId, viewId: opened.id }).catch((error) => toast(error.message, true));
    shownModal = '';
    root.replaceChildren();
  });
  footer.appendChild(close);
  if (view.submit) {
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.className = 'bk-button bk-button-primary';
    submit.dataset.testid = 'modal-submit';
    submit.textContent = String(view.submit.text ?? 'Submit');
    footer.appendChild(submit);
  }
  dialog.appendChild(footer);
  dialog.addEventListener('submit', (event) => {
    event.preventDefault();
    /** @type {Record<string, Record<string, string>>} */
    const values = {};
    for (const input of dialog.querySelectorAll('[data-block-id][data-action-id]')) {
      const field = /** @type {HTMLInputElement} */ (input);
      // A radio group sends its checked option's value (none checked: nothing, Slack's null).
      if (field.type === 'radio' && !field.checked) continue;
      const blockId = field.dataset.blockId ?? '';
      values[blockId] = { ...values[blockId], [field.dataset.actionId ?? '']: field.value };
    }
    for (const button of dialog.querySelectorAll('button')) button.disabled = true;
    actedAt = Date.now();
    post('view-submission', { user: userId, viewId: opened.id, values })
      .then((result) => {
        if (result.errors) renderModal(result.errors);
        else if (!result.ok) {
          toast(`The app answered HTTP ${result.status}`, true);
          for (const button of dialog.querySelectorAll('button')) button.disabled = false;
        } else if (result.closed) {
          shownModal = '';
          root.replaceChildren();
        }
      })
      .catch((error) => {
        toast(error.message, true);
        for (const button of dialog.querySelectorAll('button')) button.disabled = false;
      });
  });
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close.click();
  });
  overlay.appendChild(dialog);
  root.replaceChildren(overlay);
  /** @type {HTMLElement | null} */ (dialog.querySelector('[data-testid="modal-input"]'))?.focus();
}

function renderPipelines() {
  const panel = $('pipeline-panel');
  panel.hidden = !state.pipelinesEnabled;
  if (!state.pipelinesEnabled) return;
  const select = /** @type {HTMLSelectElement} */ ($('pipeline-select'));
  const names = pipelines.map((p) => p.name);
  if (!names.includes(selectedPipeline)) selectedPipeline = names[0] ?? '';
  if ([...select.options].map((o) => o.value).join('\n') !== names.join('\n')) {
    select.replaceChildren(
      ...names.map((name) => {
        const option = document.createElement('option');
        option.value = name;
        option.textContent = name;
        return option;
      }),
    );
  }
  select.value = selectedPipeline;
  select.title = selectedPipeline; // a name too long for the panel is cut: the whole of it on hover
  const pipeline = pipelines.find((p) => p.name === selectedPipeline);
  const fail = /** @type {HTMLSelectElement} */ ($('fail-select'));
  const failOptions = [{ value: '', label: 'No failure' }];
  for (const stage of pipeline?.stages ?? []) {
    for (const action of stage.actions) {
      failOptions.push({
        value: JSON.stringify([stage.name, action.name]),
        label: `Fail ${stage.name} / ${action.name}`,
      });
    }
  }
  if ([...fail.options].map((o) => o.value).join('\n') !== failOptions.map((o) => o.value).join('\n')) {
    const previous = fail.value;
    fail.replaceChildren(
      ...failOptions.map(({ value, label }) => {
        const option = document.createElement('option');
        option.value = value;
        option.textContent = label;
        return option;
      }),
    );
    fail.value = failOptions.some((o) => o.value === previous) ? previous : '';
  }
  const stateEl = $('pipeline-state');
  const pipelineState = pipeline?.state;
  const execution = document.createElement('div');
  execution.className = 'execution';
  execution.dataset.testid = 'pipeline-execution';
  const latest = pipelineState?.latestExecution;
  execution.dataset.status = latest?.status ?? 'None';
  execution.textContent = latest ? `Latest: ${latest.status} · ${short(latest.id)}` : 'No executions yet';
  /** @type {any[]} */
  const inFlight = pipelineState?.executions ?? [];
  // One colour per execution in flight, the same on its line and on the stages it is in.
  const colours = new Map(inFlight.map((e, i) => [e.id, i]));
  /** @param {string | undefined} id */
  const tag = (id) => executionTag(id, colours);
  const parts = [execution];
  if (inFlight.length > 0) {
    const heading = document.createElement('h4');
    heading.textContent = inFlight.length === 1 ? 'In flight' : `In flight (${inFlight.length})`;
    const list = document.createElement('ul');
    list.className = 'flights';
    list.dataset.testid = 'executions-in-flight';
    for (const run of inFlight) {
      const item = document.createElement('li');
      item.className = 'flight';
      item.dataset.testid = `execution-${short(run.id)}`;
      item.dataset.executionId = run.id;
      item.dataset.status = run.status;
      const where = document.createElement('span');
      where.className = 'flight-where';
      where.textContent = `${run.status}${positionText(run.position)}`;
      item.append(tag(run.id), where);
      list.appendChild(item);
    }
    parts.push(heading, list);
  }
  const stagesHeading = document.createElement('h4');
  stagesHeading.textContent = 'Stages';
  stagesHeading.title = 'Each stage shows the execution that last entered it.';
  parts.push(stagesHeading);
  for (const stage of pipelineState?.stages ?? []) {
    const el = document.createElement('div');
    el.className = 'stage';
    const chip = document.createElement('div');
    chip.className = `chip status-${slug(stage.status)}`;
    chip.dataset.testid = `stage-${stage.name}`;
    chip.dataset.status = stage.status ?? 'None';
    if (stage.executionId) chip.dataset.executionId = stage.executionId;
    const label = document.createElement('span');
    label.className = 'chip-label';
    label.textContent = `${stage.name} · ${stage.status ?? '—'}`;
    chip.appendChild(label);
    if (stage.executionId) chip.appendChild(tag(stage.executionId));
    el.appendChild(chip);
    for (const action of stage.actions) {
      const actionChip = document.createElement('div');
      actionChip.className = `chip chip-action status-${slug(action.status)}`;
      actionChip.dataset.testid = `action-${stage.name}-${action.name}`;
      actionChip.dataset.status = action.status ?? 'None';
      if (action.executionId) actionChip.dataset.executionId = action.executionId;
      const actionLabel = document.createElement('span');
      actionLabel.className = 'chip-label';
      const waiting = action.waitingForApproval ? ' (waiting for approval)' : '';
      actionLabel.textContent = `${action.name} · ${action.status ?? '—'}${waiting}`;
      actionChip.appendChild(actionLabel);
      // A run of another execution than its stage's (not yet run in the one there now): say whose.
      if (action.executionId && action.executionId !== stage.executionId)
        actionChip.appendChild(tag(action.executionId));
      const detail = action.errorMessage ?? action.summary;
      if (detail) actionChip.title = detail;
      el.appendChild(actionChip);
    }
    for (const id of stage.waiting ?? []) {
      const note = document.createElement('div');
      note.className = 'stage-waiting';
      note.dataset.testid = `stage-waiting-${stage.name}`;
      note.dataset.executionId = id;
      const text = document.createElement('span');
      const held =
        stage.executionId && stage.executionId !== id ? `, held by execution ${short(stage.executionId)}` : '';
      text.textContent = `waiting to enter${held}`;
      note.append(tag(id), text);
      el.appendChild(note);
    }
    parts.push(el);
  }
  stateEl.replaceChildren(...parts);
}

/** The first 8 characters of an execution id, as the console shows them. @param {string} id */
function short(id) {
  return id.slice(0, 8);
}

/** @param {any} position */
function positionText(position) {
  if (!position) return '';
  if (position.kind === 'in') return ` · in ${position.stage}`;
  const held = position.heldBy ? `, held by execution ${short(position.heldBy)}` : '';
  return ` · waiting for stage ${position.stage}${held}`;
}

/**
 * An execution's short id, coloured when it is in flight (grey for one that has ended).
 * @param {string | undefined} id @param {Map<string, number>} colours
 */
function executionTag(id, colours) {
  const el = document.createElement('span');
  const colour = id === undefined ? undefined : colours.get(id);
  el.className = colour === undefined ? 'exec-tag exec-ended' : `exec-tag exec-c${colour % 4}`;
  el.textContent = id === undefined ? '?' : short(id);
  el.title = id === undefined ? '' : colour === undefined ? `execution ${id} (ended)` : `execution ${id}`;
  return el;
}

/** @param {string | undefined} status */
function slug(status) {
  return (status ?? 'none').toLowerCase().replace(/[^a-z]/g, '');
}

// ---- wiring ------------------------------------------------------------------------------------

$('user-switcher').addEventListener('change', (event) => {
  userId = /** @type {HTMLSelectElement} */ (event.target).value;
  // The Teams timeline starts at its end for another person, as the Slack one does.
  teamsSeenView = '';
  localStorage.setItem('pw.user', userId);
  shownModal = '';
  void refresh();
});

$('composer-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const composer = /** @type {HTMLInputElement} */ ($('composer'));
  const text = composer.value.trim();
  if (text === '') return;
  composer.disabled = true;
  actedAt = Date.now();
  const sent =
    platform === 'teams' && teamsState
      ? post('teams/message', { conversation: teamsState.conversation.id, user: teamsMe()?.id, text })
      : post('command', { channel: channelId, user: userId, text });
  sent
    .then((result) => {
      composer.value = '';
      if (result.status !== undefined && result.status !== 200) toast(`The app answered HTTP ${result.status}`, true);
    })
    .catch((error) => toast(error.message, true))
    .finally(() => {
      composer.disabled = false;
      composer.focus();
    });
});

$('timeline').addEventListener('scroll', () => {
  const timeline = $('timeline');
  pinnedToBottom = isNearBottom(timeline);
  const target = unseenKey === undefined ? undefined : shownAt.get(unseenKey);
  if (target === undefined) return;
  const rect = target.getBoundingClientRect();
  const view = timeline.getBoundingClientRect();
  if (isNearBottom(timeline) || (rect.top >= view.top && rect.bottom <= view.bottom)) showNewMessagesButton(undefined);
});

// The pane changes size (the window, the pipeline panel appearing): keep showing the end if it was shown.
new ResizeObserver(() => {
  const timeline = $('timeline');
  if (pinnedToBottom) timeline.scrollTop = timeline.scrollHeight;
}).observe($('timeline'));

$('new-messages').addEventListener('click', () => {
  const target = unseenKey === undefined ? undefined : shownAt.get(unseenKey);
  if (target !== undefined) revealItem($('timeline'), target);
  showNewMessagesButton(undefined);
});

$('pipeline-select').addEventListener('change', (event) => {
  selectedPipeline = /** @type {HTMLSelectElement} */ (event.target).value;
  localStorage.setItem('pw.pipeline', selectedPipeline);
  renderPipelines();
});

$('pipeline-start').addEventListener('click', () => {
  const fail = /** @type {HTMLSelectElement} */ ($('fail-select')).value;
  const [failStage, failAction] = fail ? JSON.parse(fail) : [];
  const button = /** @type {HTMLButtonElement} */ ($('pipeline-start'));
  button.disabled = true;
  post('pipeline/start', { pipeline: selectedPipeline, ...(fail ? { failStage, failAction } : {}) })
    .then((result) => toast(`Started ${selectedPipeline}: ${result.executionId}`))
    .catch((error) => toast(error.message, true))
    .finally(() => {
      button.disabled = false;
    });
});

connect();
void refresh();
