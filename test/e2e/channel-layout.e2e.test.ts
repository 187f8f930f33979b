// The channel page's layout in real headless Chromium: the timeline scrolls in its own pane while
// the composer and the side panels stay on screen, what arrives is scrolled into view (or
// announced when the person reads further up), nothing scrolls sideways, and the pipeline panel
// tells two executions in flight apart.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ManualClock } from '../../src/local/aws/clock';
import {
  LOCAL_CHANNELS,
  LOCAL_PIPELINES_FILE,
  LOCAL_USERS,
  type LocalPipewatch,
} from '../../src/local/dev-server/start-local-pipewatch';
import type { LocalWorkspace } from '../../src/local/slack';
import { type PipewatchInChromium, startPipewatchInChromium } from '../helpers/channel-page';
import { SCREENSHOTS } from '../helpers/chromium';

const WAIT = 15_000;
const VIEWPORT = { width: 1280, height: 720 };
const LONG_PIPELINE = 'a-pipeline-whose-name-is-far-too-long-for-the-side-panel-of-the-page';
const LONG_CHANNEL = 'alerts-for-every-pipeline-of-the-platform-team-in-every-region';

const [ALICE, BOB] = LOCAL_USERS.map((u) => u.id) as [string, string, string];
const DEPLOYS = LOCAL_CHANNELS[0].id;
const ALERTS = LOCAL_CHANNELS[1].id;

jest.setTimeout(120_000);

let pipewatch: LocalPipewatch;
let workspace: LocalWorkspace;
let clock: ManualClock;
let e2e: PipewatchInChromium;
let page: Page;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipewatch-layout-'));
  // The local pipelines plus one with a very long name.
  const definitions = JSON.parse(await readFile(LOCAL_PIPELINES_FILE, 'utf8')) as { pipelines: { name: string }[] };
  const first = definitions.pipelines[0];
  if (first === undefined) throw new Error('no local pipelines');
  definitions.pipelines.push({ ...first, name: LONG_PIPELINE });
  const definitionsFile = path.join(dir, 'pipelines.json');
  await writeFile(definitionsFile, JSON.stringify(definitions));

  clock = new ManualClock(Date.now());
  e2e = await startPipewatchInChromium({ pipewatch: { clock, definitionsFile }, viewport: VIEWPORT, wait: WAIT });
  ({ pipewatch, page } = e2e);
  if (pipewatch.slack === undefined) throw new Error('no local Slack');
  workspace = pipewatch.slack.workspace;
  // A channel name longer than the sidebar is wide (the page lists the workspace's current names).
  const alerts = workspace.channel(ALERTS);
  if (alerts === undefined) throw new Error('no #alerts');
  alerts.name = LONG_CHANNEL;
});

afterAll(async () => {
  await e2e?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Geometry the test reads in the page (page functions are given as text: the test compiles without the DOM's types). */
interface Layout {
  viewport: { width: number; height: number };
  page: { scrollHeight: number; scrollWidth: number; clientHeight: number; clientWidth: number };
  timeline: { scrollHeight: number; clientHeight: number; scrollTop: number; top: number; bottom: number };
  composer: { top: number; bottom: number };
  sidebar: { scrollWidth: number; clientWidth: number; bottom: number };
  panel: { scrollWidth: number; clientWidth: number; bottom: number };
  /** The last message of the timeline, relative to the timeline's visible box. */
  lastMessage: { top: number; bottom: number } | null;
}

async function layout(): Promise<Layout> {
  return page.evaluate(`(() => {
    const box = (el) => el.getBoundingClientRect();
    const timeline = document.getElementById('timeline');
    const sidebar = document.querySelector('.sidebar');
    const panel = document.getElementById('pipeline-panel');
    const messages = timeline.querySelectorAll(':scope > [data-testid="message"]');
    const last = messages[messages.length - 1];
    const root = document.documentElement;
    return {
      viewport: { width: innerWidth, height: innerHeight },
      page: { scrollHeight: root.scrollHeight, scrollWidth: root.scrollWidth, clientHeight: root.clientHeight, clientWidth: root.clientWidth },
      timeline: { scrollHeight: timeline.scrollHeight, clientHeight: timeline.clientHeight, scrollTop: timeline.scrollTop, top: box(timeline).top, bottom: box(timeline).bottom },
      composer: { top: box(document.getElementById('composer')).top, bottom: box(document.getElementById('composer')).bottom },
      sidebar: { scrollWidth: sidebar.scrollWidth, clientWidth: sidebar.clientWidth, bottom: box(sidebar).bottom },
      panel: { scrollWidth: panel.scrollWidth, clientWidth: panel.clientWidth, bottom: box(panel).bottom },
      lastMessage: last ? { top: box(last).top - box(timeline).top, bottom: box(last).bottom - box(timeline).top } : null,
    };
  })()`);
}

/** Whether the element with `data-ts` = ts (a message or reply) lies within the timeline's visible box. */
async function visibleInTimeline(selector: string): Promise<boolean> {
  return page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el) return false;
    const t = document.getElementById('timeline').getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.top >= t.top - 1 && r.bottom <= t.bottom + 1;
  })()`);
}

async function messageCount(): Promise<number> {
  return page.locator('#timeline > [data-testid="message"]').count();
}

/**
 * Polls `expression` in the page until it is true. (page.waitForFunction polls with eval inside the
 * page, which the page's Content-Security-Policy refuses; page.evaluate is not subject to it.)
 */
async function until(expression: string): Promise<void> {
  const deadline = Date.now() + WAIT;
  while ((await page.evaluate(expression)) !== true) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForMessages(count: number): Promise<void> {
  await until(`document.querySelectorAll('#timeline > [data-testid="message"]').length === ${count}`);
}

const LOREM =
  'The build of the payments service went through its checks and the deployment to staging is waiting for a review.';

test('the timeline scrolls in its own pane; composer and panels stay on screen; arrivals are shown', async () => {
  if (pipewatch.url === undefined) throw new Error('no channel page');
  for (let i = 1; i <= 30; i++) workspace.postUserMessage(DEPLOYS, i % 2 === 0 ? ALICE : BOB, `Message ${i}. ${LOREM}`);
  await page.goto(`${pipewatch.url}?channel=${DEPLOYS}&user=${BOB}`);
  await waitForMessages(30);

  // 1. Only the timeline scrolls; it opens at its newest message.
  let l = await layout();
  expect(l.timeline.scrollHeight).toBeGreaterThan(l.timeline.clientHeight);
  expect(l.page.scrollHeight).toBeLessThanOrEqual(l.page.clientHeight);
  expect(l.page.scrollWidth).toBeLessThanOrEqual(l.page.clientWidth);
  expect(l.composer.top).toBeGreaterThanOrEqual(0);
  expect(l.composer.bottom).toBeLessThanOrEqual(l.viewport.height);
  expect(l.sidebar.bottom).toBeLessThanOrEqual(l.viewport.height);
  expect(l.panel.bottom).toBeLessThanOrEqual(l.viewport.height);
  expect(l.lastMessage?.bottom).toBeLessThanOrEqual(l.timeline.clientHeight + 1);

  // 2. No sideways scrolling in the side panels: long channel and pipeline names wrap or are cut with an ellipsis.
  await page.getByTestId('pipeline-select').selectOption(LONG_PIPELINE);
  l = await layout();
  expect(l.sidebar.scrollWidth).toBeLessThanOrEqual(l.sidebar.clientWidth);
  expect(l.panel.scrollWidth).toBeLessThanOrEqual(l.panel.clientWidth);
  await page.getByTestId('pipeline-select').selectOption('myPipeline');

  // 3. The person picker shows each whole name.
  const cut: string[] = await page.evaluate(`(() => {
    const select = document.getElementById('user-switcher');
    const style = getComputedStyle(select);
    const context = document.createElement('canvas').getContext('2d');
    context.font = style.font;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
    return [...select.options].filter((o) => context.measureText(o.text).width > room).map((o) => o.text);
  })()`);
  expect(cut).toEqual([]);

  // 4. At the bottom, a new message is scrolled into view.
  workspace.postUserMessage(DEPLOYS, ALICE, `Message 31. ${LOREM}`);
  await waitForMessages(31);
  l = await layout();
  expect(l.lastMessage?.bottom).toBeLessThanOrEqual(l.timeline.clientHeight + 1);
  expect(l.page.scrollHeight).toBeLessThanOrEqual(l.page.clientHeight);

  // 5. Reading further up, an arrival does not move the timeline; a button says there is something new.
  await page.evaluate(`document.getElementById('timeline').scrollTop = 0`);
  await until(`document.getElementById('timeline').scrollTop === 0`);
  workspace.postUserMessage(DEPLOYS, ALICE, `Message 32. ${LOREM}`);
  await waitForMessages(32);
  await page.getByTestId('new-messages').waitFor({ state: 'visible' });
  expect((await layout()).timeline.scrollTop).toBe(0);
  await page.getByTestId('new-messages').click();
  await page.getByTestId('new-messages').waitFor({ state: 'hidden' });
  expect(await visibleInTimeline('#timeline > [data-testid="message"]:last-child')).toBe(true);

  // 6. What the person sends is shown, even when they had scrolled up.
  await page.evaluate(`document.getElementById('timeline').scrollTop = 0`);
  await page.getByTestId('composer').fill('I am on it');
  await page.getByTestId('composer').press('Enter');
  await waitForMessages(33);
  await until(`(() => {
    const last = [...document.querySelectorAll('#timeline > [data-testid="message"]')].at(-1);
    const t = document.getElementById('timeline').getBoundingClientRect();
    const r = last.getBoundingClientRect();
    return last.textContent.includes('I am on it') && r.bottom <= t.bottom + 1 && r.top >= t.top - 1;
  })()`);

  // 7. A thread reply: its thread's link comes into view; in an open thread, the reply itself.
  const parent = workspace.messages(DEPLOYS).at(-1);
  if (parent === undefined) throw new Error('no message');
  workspace.postUserMessage(DEPLOYS, ALICE, 'First reply', parent.ts);
  const toggle = page.locator(`[data-ts="${parent.ts}"] [data-testid="thread-toggle"]`);
  await toggle.waitFor({ state: 'visible' });
  expect(await visibleInTimeline(`[data-ts="${parent.ts}"] [data-testid="thread-toggle"]`)).toBe(true);
  await toggle.click();
  const reply = workspace.postUserMessage(DEPLOYS, BOB, `Second reply. ${LOREM} ${LOREM}`, parent.ts);
  await page.locator(`[data-ts="${reply.ts}"]`).waitFor({ state: 'visible' });
  expect(await visibleInTimeline(`[data-ts="${reply.ts}"]`)).toBe(true);
  expect(await messageCount()).toBe(33);
  l = await layout();
  expect(l.composer.bottom).toBeLessThanOrEqual(l.viewport.height);
  expect(l.page.scrollHeight).toBeLessThanOrEqual(l.page.clientHeight);
});

test('the pipeline panel shows which execution is in each stage, and which one waits for it', async () => {
  if (pipewatch.url === undefined) throw new Error('no channel page');
  await page.goto(`${pipewatch.url}?channel=${DEPLOYS}&user=${BOB}`);
  await page.getByTestId('pipeline-select').selectOption('myPipeline');
  const start = async () => {
    const response = await page.evaluate(`fetch('api/pipeline/start', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pipeline: 'myPipeline' }),
    }).then((r) => r.json())`);
    return (response as { executionId: string }).executionId;
  };
  // A run that waits for its approval, and a newer one built behind it.
  await page.getByTestId('composer').fill('/pipewatch subscribe myPipeline');
  await page.getByTestId('composer').press('Enter');
  await page
    .getByTestId('ephemeral')
    .filter({ hasText: /Subscribed this channel/ })
    .waitFor();
  const older = await start();
  clock.advance(70_000);
  const newer = await start();
  clock.advance(70_000);

  const waiting = page.getByTestId(`execution-${newer.slice(0, 8)}`);
  await waiting.filter({ hasText: `waiting for stage Approval, held by execution ${older.slice(0, 8)}` }).waitFor();
  await page
    .getByTestId(`execution-${older.slice(0, 8)}`)
    .filter({ hasText: 'in Approval' })
    .waitFor();
  expect(await page.getByTestId('stage-Build').getAttribute('data-execution-id')).toBe(newer);
  expect(await page.getByTestId('stage-Approval').getAttribute('data-execution-id')).toBe(older);
  expect(await page.getByTestId('stage-waiting-Approval').getAttribute('data-execution-id')).toBe(newer);
  expect(await page.getByTestId('stage-waiting-Approval').textContent()).toContain(
    `held by execution ${older.slice(0, 8)}`,
  );
  // Both alerts arrived at the bottom of the timeline, and are in view.
  await page
    .locator('#timeline > [data-testid="message"]')
    .filter({ hasText: newer.slice(0, 8) })
    .waitFor();
  await until(`(() => {
    const t = document.getElementById('timeline');
    return t.scrollHeight - t.scrollTop - t.clientHeight < 2;
  })()`);
  await page.locator('#toast').waitFor({ state: 'hidden' });
  await until('document.getAnimations().length === 0'); // the arrivals' highlight has faded
  await page.screenshot({ path: path.join(SCREENSHOTS, 'channel-layout.png') });
  const l = await layout();
  expect(l.composer.bottom).toBeLessThanOrEqual(l.viewport.height);
  expect(l.panel.scrollWidth).toBeLessThanOrEqual(l.panel.clientWidth);
});
