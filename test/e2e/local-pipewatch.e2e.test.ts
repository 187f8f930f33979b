// The scenario, end to end, in real headless Chromium: `pipewatch local` (local AWS, the
// simulator, the real handlers and adapters, the local Slack) driven only through the channel page.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import {
  LOCAL_CHANNELS,
  LOCAL_USERS,
  type LocalPipewatch,
  startLocalPipewatch,
} from '../../src/local/dev-server/start-local-pipewatch';
import { createLogger } from '../../src/log/logger';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Written on every run; docs/screenshots/ holds the copy the README shows (refresh it by hand).
const SCREENSHOTS = path.join(__dirname, '../../test-results/screenshots');
/** Generous: a waiting step ends as soon as its condition holds, this only bounds a broken run. */
const WAIT = 30_000;

const [ALICE, BOB, CAROL] = LOCAL_USERS.map((u) => u.id) as [string, string, string];
const DEPLOYS = LOCAL_CHANNELS[0].id;

jest.setTimeout(240_000);

let pipewatch: LocalPipewatch;
let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  // Speed 20: a 60-second build takes 3 s; the approval waits as long as it takes.
  pipewatch = await startLocalPipewatch({ port: 0, speed: 20, log: createLogger({ level: 'silent' }) });
  profile = await mkdtemp(path.join(tmpdir(), 'pipewatch-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 860 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(WAIT);
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await context?.close();
  await pipewatch?.stop();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

function messages(): Locator {
  return page.getByTestId('message');
}

async function actAs(user: string): Promise<void> {
  await page.getByTestId('user-switcher').selectOption(user);
  // The page re-renders for that person: their view of the channel.
  // (Page functions are given as text: the test compiles without the DOM's types.)
  await page.waitForFunction(
    `document.querySelector('[data-testid="user-switcher"]')?.value === ${JSON.stringify(user)}`,
  );
}

/** The newest ephemeral ("only visible to you") containing `text`. */
async function ephemeralSaying(text: string | RegExp): Promise<Locator> {
  const found = page.getByTestId('ephemeral').filter({ hasText: text }).last();
  await found.waitFor({ state: 'visible' });
  return found;
}

/** Waits until the page shows exactly one message, and returns its ts. */
async function theOneMessage(): Promise<string> {
  await messages().first().waitFor({ state: 'visible' });
  await page.waitForFunction(`document.querySelectorAll('[data-testid="message"]').length === 1`);
  const ts = await messages().first().getAttribute('data-ts');
  if (ts === null) throw new Error('the message has no data-ts');
  return ts;
}

test('subscribe, a failed build, refused and accepted retry, refused and accepted approval, the run succeeds', async () => {
  if (pipewatch.url === undefined) throw new Error('no channel page');
  await page.goto(pipewatch.url);

  // 1. Subscribe #deploys through the composer.
  await page.getByTestId('channel-deploys').click();
  await actAs(BOB);
  await page.getByTestId('composer').fill('/pipewatch subscribe myPipeline');
  await page.getByTestId('composer').press('Enter');
  await ephemeralSaying(/Subscribed this channel/);

  // 2. Start myPipeline with Build failing, from the pipeline panel.
  await page.getByTestId('pipeline-select').selectOption('myPipeline');
  await page.getByTestId('fail-select').selectOption({ label: 'Fail Build / Build' });
  await page.getByTestId('pipeline-start').click();

  // 3. Exactly one alert, with a Retry button.
  const retry = messages().getByTestId('button-pipewatch.retry.failed');
  await retry.waitFor({ state: 'visible' });
  await page.getByTestId('stage-Build').and(page.locator('[data-status="Failed"]')).waitFor();
  const ts = await theOneMessage();
  expect(await messages().count()).toBe(1);
  await page.locator('#toast').waitFor({ state: 'hidden' });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'alert-failed.png') });

  // 4. Carol may not retry: refused, only she sees it, and the message is unchanged.
  await actAs(CAROL);
  await messages().getByTestId('button-pipewatch.retry.failed').click();
  await ephemeralSaying(/not allowed to retry/);
  await messages().getByTestId('button-pipewatch.retry.failed').waitFor({ state: 'visible' });
  expect(await page.getByTestId('stage-Build').getAttribute('data-status')).toBe('Failed');

  // 5. Bob may: the same message moves on (Build runs again, then the run waits at the approval).
  await actAs(BOB);
  await messages().getByTestId('button-pipewatch.retry.failed').click();
  const approve = messages().getByTestId('button-pipewatch.approve');
  await approve.waitFor({ state: 'visible' });
  await page.getByTestId('stage-Build').and(page.locator('[data-status="Succeeded"]')).waitFor();
  expect(await theOneMessage()).toBe(ts);
  expect(await messages().getByTestId('button-pipewatch.retry.failed').count()).toBe(0);

  // 6. Bob may not approve.
  await approve.click();
  await ephemeralSaying(/not allowed to approve/);
  expect(await page.getByTestId('modal').count()).toBe(0);

  // 7. Alice may: the approval modal, a comment, submit.
  await actAs(ALICE);
  await messages().getByTestId('button-pipewatch.approve').click();
  await page.getByTestId('modal').waitFor({ state: 'visible' });
  await page.getByTestId('modal-input').fill('Ship it');
  await page.getByTestId('modal-submit').click();
  await page.getByTestId('modal').waitFor({ state: 'hidden' });

  // 8. The pipeline finishes, and the same single message says so.
  await page.getByTestId('stage-Prod').and(page.locator('[data-status="Succeeded"]')).waitFor();
  await page.getByTestId('pipeline-execution').and(page.locator('[data-status="Succeeded"]')).waitFor();
  await messages()
    .filter({ hasText: /Succeeded/ })
    .waitFor();
  expect(await theOneMessage()).toBe(ts);
  expect(await messages().getByTestId('button-pipewatch.approve').count()).toBe(0);
  // The approval is recorded in the thread with who approved it.
  const workspace = pipewatch.slack?.workspace;
  const replies = workspace?.threadReplies(DEPLOYS, ts).map((r) => r.text) ?? [];
  expect(replies.join('\n')).toMatch(/alice|U00000ALICE/i);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'alert-succeeded.png') });
});
