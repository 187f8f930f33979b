// @ts-check
/**
 * The channel page: fetches the workspace state from /channel/api/state, renders it, and refetches
 * on every server-sent tick. Commands, clicks and modal submissions go to the page's server, which
 * signs them as Slack would and hands them to the Slack function. All text goes in via
 * textContent (see block-kit.js).
 */
import { renderBlock, renderMessageBody } from './block-kit.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {any} */
let state;
/** @type {any[]} */
let pipelines = [];
let channelId = new URLSearchParams(location.search).get('channel') ?? localStorage.getItem('pw.channel') ?? '';
let userId = new URLSearchParams(location.search).get('user') ?? localStorage.getItem('pw.user') ?? '';
let selectedPipeline = localStorage.getItem('pw.pipeline') ?? '';
const expandedThreads = new Set();
/** The modal on screen: `${id}:${hash}`, so that a refresh does not wipe what is being typed. */
let shownModal = '';

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
    /** @param {any} button @param {string} blockId @param {string} messageTs */
    click: (button, blockId, messageTs) =>
      post('action', { channel: channelId, user: userId, messageTs, actionId: button.action_id, blockId })
        .then((result) => {
          if (!result.ok) toast(`The app answered HTTP ${result.status}`, true);
        })
        .catch((error) => toast(error.message, true)),
  };
}

function render() {
  renderSidebar();
  renderTimeline();
  renderModal();
  renderPipelines();
}

function renderSidebar() {
  const list = $('channels');
  list.replaceChildren(
    ...state.channels.map((/** @type {any} */ channel) => {
      const item = document.createElement('li');
      const link = document.createElement('button');
      link.type = 'button';
      link.className = channel.id === channelId ? 'channel-link active' : 'channel-link';
      link.dataset.testid = `channel-${channel.name}`;
      link.textContent = `# ${channel.name}`;
      link.addEventListener('click', () => {
        channelId = channel.id;
        localStorage.setItem('pw.channel', channelId);
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
      option.textContent = user.title ? `${user.name} — ${user.title}` : user.name;
      return option;
    }),
  );
  switcher.value = userId;
  const me = state.users.find((/** @type {any} */ u) => u.id === userId);
  $('user-role').textContent = me?.title ? `${me.realName} · ${me.title}` : (me?.realName ?? '');
  $('channel-title').textContent = `# ${state.channel.name}`;
  $('workspace-name').textContent = state.team.domain;
  const composer = /** @type {HTMLInputElement} */ ($('composer'));
  composer.placeholder = `${state.command} help`;
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
      onButton: (button, blockId) => void ctx.click(button, blockId, message.ts),
    }),
  );
  return el;
}

function renderTimeline() {
  const timeline = $('timeline');
  const atBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 40;
  const topLevel = new Set(state.messages.map((/** @type {any} */ m) => m.ts));
  /** @type {{ ts: string, el: HTMLElement }[]} */
  const items = [];
  for (const message of state.messages) items.push({ ts: message.ts, el: renderThreaded(message) });
  for (const ephemeral of state.ephemerals) {
    if (ephemeral.threadTs && topLevel.has(ephemeral.threadTs)) continue; // shown in its thread
    items.push({ ts: ephemeral.ts, el: renderMessage(ephemeral, { testid: 'ephemeral', ephemeral: true }) });
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
  if (atBottom) timeline.scrollTop = timeline.scrollHeight;
}

/** @param {any} message */
function renderThreaded(message) {
  const el = renderMessage(message, { testid: 'message' });
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
  if (open) {
    const thread = document.createElement('div');
    thread.className = 'thread';
    const replies = [
      ...message.replies.map((/** @type {any} */ r) => ({
        ts: r.ts,
        el: renderMessage(r, { testid: 'thread-reply' }),
      })),
      ...ephemeralReplies.map((/** @type {any} */ e) => ({
        ts: e.ts,
        el: renderMessage(e, { testid: 'ephemeral', ephemeral: true }),
      })),
    ].sort((a, b) => (a.ts < b.ts ? -1 : 1));
    thread.replaceChildren(...replies.map((r) => r.el));
    el.appendChild(thread);
  }
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
    if (value !== undefined) input.value = value;
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
      const blockId = field.dataset.blockId ?? '';
      values[blockId] = { ...values[blockId], [field.dataset.actionId ?? '']: field.value };
    }
    for (const button of dialog.querySelectorAll('button')) button.disabled = true;
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
  const execution = document.createElement('div');
  execution.className = 'execution';
  execution.dataset.testid = 'pipeline-execution';
  const latest = pipeline?.state?.latestExecution;
  execution.dataset.status = latest?.status ?? 'None';
  execution.textContent = latest ? `Latest: ${latest.status} · ${latest.id.slice(0, 8)}` : 'No executions yet';
  const stages = (pipeline?.state?.stages ?? []).map((/** @type {any} */ stage) => {
    const el = document.createElement('div');
    el.className = 'stage';
    const chip = document.createElement('div');
    chip.className = `chip status-${slug(stage.status)}`;
    chip.dataset.testid = `stage-${stage.name}`;
    chip.dataset.status = stage.status ?? 'None';
    chip.textContent = `${stage.name} · ${stage.status ?? '—'}`;
    el.appendChild(chip);
    for (const action of stage.actions) {
      const actionChip = document.createElement('div');
      actionChip.className = `chip chip-action status-${slug(action.status)}`;
      actionChip.dataset.testid = `action-${stage.name}-${action.name}`;
      actionChip.dataset.status = action.status ?? 'None';
      const waiting = action.waitingForApproval ? ' (waiting for approval)' : '';
      actionChip.textContent = `${action.name} · ${action.status ?? '—'}${waiting}`;
      const detail = action.errorMessage ?? action.summary;
      if (detail) actionChip.title = detail;
      el.appendChild(actionChip);
    }
    return el;
  });
  stateEl.replaceChildren(execution, ...stages);
}

/** @param {string | undefined} status */
function slug(status) {
  return (status ?? 'none').toLowerCase().replace(/[^a-z]/g, '');
}

// ---- wiring ------------------------------------------------------------------------------------

$('user-switcher').addEventListener('change', (event) => {
  userId = /** @type {HTMLSelectElement} */ (event.target).value;
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
  post('command', { channel: channelId, user: userId, text })
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
