// Microsoft Teams on the channel page, end to end in real headless Chromium: `pipewatch local` (local AWS,
// the simulator, the real notify and Teams functions, a local Microsoft identity and Bot Connector)
// driven only through the page: a post that mentions the bot, Adaptive Cards rendered by Microsoft's
// renderer, Action.Execute clicks answered to the clicker alone, and the one card updated in place.
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { LOCAL_USERS, type LocalPipewatch } from '../../src/local/dev-server/start-local-pipewatch';
import { type ChannelPage, type PipewatchInChromium, startPipewatchInChromium } from '../helpers/channel-page';
import { SCREENSHOTS } from '../helpers/chromium';

/** Generous: a waiting step ends as soon as its condition holds, this only bounds a broken run. */
const WAIT = 30_000;

const [ALICE, BOB, CAROL] = LOCAL_USERS.map((u) => u.id) as [string, string, string];

jest.setTimeout(240_000);

let e2e: PipewatchInChromium;
let pipewatch: LocalPipewatch;
let context: BrowserContext;
let page: Page;
let channel: ChannelPage;
const pageErrors: string[] = [];

beforeAll(async () => {
  e2e = await startPipewatchInChromium({
    pipewatch: { speed: 20 },
    viewport: { width: 1280, height: 900 },
    wait: WAIT,
  });
  ({ pipewatch, context, page, channel } = e2e);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // A Content-Security-Policy violation or a failed script shows here.
    if (message.type() === 'error') pageErrors.push(message.text());
  });
});

afterAll(() => e2e?.stop());

const until = (condition: () => Promise<boolean>, what: string) => channel.until(condition, what);
const actAs = (user: string) => channel.actAs(user);
const compose = (text: string) => channel.compose(text);
const startWithBuildFailing = () => channel.startPipeline('myPipeline', 'Fail Build / Build');

/** The bot's cards posted as root posts of the Teams channel shown (one per execution). */
function rootCards(): Locator {
  return page.getByTestId('teams-message').getByTestId('teams-card');
}

/** The root post (with its thread) of the card for message `id`. */
function post(id: string): Locator {
  return page.locator(`[data-testid="teams-post"][data-id="${id}"]`);
}

/** The one root card of the channel shown; its message id. */
async function theOneCard(): Promise<string> {
  await rootCards().first().waitFor({ state: 'visible' });
  await until(async () => (await rootCards().count()) === 1, 'exactly one card');
  const id = await rootCards().first().getAttribute('data-message-id');
  if (id === null) throw new Error('the card has no message id');
  return id;
}

/** The newest note ("only you can see this") containing `text`. */
async function noteSaying(text: string | RegExp): Promise<Locator> {
  const found = page.getByTestId('teams-note').filter({ hasText: text }).last();
  await found.waitFor({ state: 'visible' });
  return found;
}

/** The thread reply of card `id` that asks for the approval ("Approve or reject…"). */
function approvalReply(id: string): Locator {
  return post(id)
    .getByTestId('teams-reply')
    .filter({ has: page.getByTestId('teams-showcard').filter({ hasText: /Approve/ }) })
    .last();
}

/** Opens "Approve or reject…" in the approval's reply, types the comment (if any), presses `verb`. */
async function decide(id: string, verb: 'pipewatch.approve' | 'pipewatch.reject', comment?: string): Promise<void> {
  const reply = approvalReply(id);
  await reply.waitFor({ state: 'visible' });
  await reply.getByTestId('teams-showcard').click();
  if (comment !== undefined) await reply.locator('textarea, input.ac-textInput').first().fill(comment);
  await reply.getByTestId(`teams-button-${verb}`).click();
}

test('Teams on the page: subscribe by mention, one card with Retry, refused and done retries, refused and done approvals, Succeeded', async () => {
  if (pipewatch.url === undefined) throw new Error('no channel page');
  expect(pipewatch.teams).toBeDefined();
  await page.goto(pipewatch.url);

  // 1. In the Teams channel "deploys", Bob posts a mention of the bot: the answer is in the post's thread.
  await page.getByTestId('teams-channel-deploys').click();
  await actAs(BOB);
  await compose('@pipewatch subscribe myPipeline FAILED');
  const subscribed = page.getByTestId('teams-reply').filter({ hasText: /Subscribed this channel/ });
  await subscribed.waitFor({ state: 'visible' });
  // The post shows the mention as Teams does.
  await page
    .getByTestId('teams-message')
    .filter({ hasText: /subscribe myPipeline FAILED/ })
    .locator('.tm-mention')
    .waitFor();

  // 2. Build fails: exactly one card, with Retry, and Source shown as succeeded.
  await startWithBuildFailing();
  await page.getByTestId('teams-message').getByTestId('teams-button-pipewatch.retry.failed').waitFor();
  const id = await theOneCard();
  const card = post(id).getByTestId('teams-message').getByTestId('teams-card');
  await card.filter({ hasText: /Source ✓ · Build ✗/ }).waitFor();
  await page.locator('#toast').waitFor({ state: 'hidden' });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'teams-card.png') });
  // Its thread's failure reply carries the triage pack: the commit, the build's failed phase, the log's tail.
  const triage = post(id)
    .getByTestId('teams-reply')
    .filter({ hasText: /Failed phase/ });
  await triage.filter({ hasText: /Failed phaseBUILD|Failed phase\s*BUILD/ }).waitFor();
  await triage.filter({ hasText: /Commit\s*[0-9a-f]{7} / }).waitFor();
  await triage.filter({ hasText: /Phase complete: BUILD State: FAILED/ }).waitFor();
  await triage.scrollIntoViewIfNeeded();
  await triage.screenshot({ path: path.join(SCREENSHOTS, 'teams-triage-failure-thread.png') });

  // 3. Carol (a viewer) may not retry: told alone; the card is unchanged.
  await actAs(CAROL);
  await card.getByTestId('teams-button-pipewatch.retry.failed').click();
  await noteSaying(/not allowed to retry/);
  await actAs(BOB);
  // Carol's answer was hers alone: Bob's page does not show it.
  await until(
    async () =>
      (await page
        .getByTestId('teams-note')
        .filter({ hasText: /not allowed to retry/ })
        .count()) === 0,
    'Carol’s refusal not shown to Bob',
  );

  // 4. Bob may: told he is retrying; the same card moves on to waiting for approval, Approve in its thread.
  await card.getByTestId('teams-button-pipewatch.retry.failed').click();
  await noteSaying(/Retrying/);
  await card.filter({ hasText: /Waiting for approval/ }).waitFor();
  await card.filter({ hasText: /Build by Bob in Teams/ }).waitFor();
  expect(await theOneCard()).toBe(id);
  await approvalReply(id).waitFor({ state: 'visible' });
  expect(await card.getByTestId('teams-button-pipewatch.retry.failed').count()).toBe(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'teams-card-waiting-for-approval.png') });

  // 5. Bob may not approve.
  await decide(id, 'pipewatch.approve');
  await noteSaying(/not allowed to approve/);

  // 6. Alice approves with a comment, from the card's Input.Text.
  await actAs(ALICE);
  await decide(id, 'pipewatch.approve', 'Ship it');
  await noteSaying(/Approved/);

  // 7. The run succeeds; the one card says Succeeded and who approved; no button left that would act.
  await page.getByTestId('pipeline-execution').and(page.locator('[data-status="Succeeded"]')).waitFor();
  await card.filter({ hasText: /Succeeded/ }).waitFor();
  await card.filter({ hasText: /Approved by Alice in Teams: Ship it/ }).waitFor();
  expect(await theOneCard()).toBe(id);
  await until(
    async () => (await page.locator('[data-testid^="teams-button-pipewatch."]').count()) === 0,
    'no button that would act',
  );
  await post(id).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'teams-card-succeeded.png') });
  expect(pageErrors).toEqual([]);
});

test('one run, both platforms: a Slack channel and a Teams channel subscribed, one Slack message and one Teams card', async () => {
  await actAs(BOB);
  // Slack's #alerts and Teams' General: neither has a subscription yet.
  await page.getByTestId('channel-alerts').click();
  await page.getByTestId('composer').fill('/pipewatch subscribe myPipeline FAILED');
  await page.getByTestId('composer').press('Enter');
  await page
    .getByTestId('ephemeral')
    .filter({ hasText: /Subscribed this channel/ })
    .waitFor();
  await page.getByTestId('teams-channel-General').click();
  await compose('@pipewatch subscribe myPipeline FAILED');
  await page
    .getByTestId('teams-reply')
    .filter({ hasText: /Subscribed this channel/ })
    .waitFor();

  await startWithBuildFailing();
  await page.getByTestId('teams-message').getByTestId('teams-button-pipewatch.retry.failed').waitFor();
  const id = await theOneCard();
  await post(id)
    .getByTestId('teams-card')
    .first()
    .filter({ hasText: /Build ✗/ })
    .waitFor();
  await page.locator('#toast').waitFor({ state: 'hidden' });
  const teamsShot = await page.locator('main.channel').screenshot();

  await page.getByTestId('channel-alerts').click();
  const slackMessages = page.getByTestId('message');
  await slackMessages.getByTestId('button-pipewatch.retry.failed').first().waitFor({ state: 'visible' });
  await until(async () => (await slackMessages.count()) === 1, 'exactly one Slack message');
  await slackMessages.filter({ hasText: /Build ✗/ }).waitFor();
  const slackShot = await page.locator('main.channel').screenshot();

  // Still one card in Teams once everything has arrived.
  await page.getByTestId('teams-channel-General').click();
  expect(await theOneCard()).toBe(id);

  // Side by side: the same execution in Slack and in Teams.
  const side = await context.newPage();
  await side.setViewportSize({ width: 1380, height: 900 });
  const img = (shot: Buffer, label: string) =>
    `<figure><figcaption>${label}</figcaption><img src="data:image/png;base64,${shot.toString('base64')}"></figure>`;
  await side.setContent(
    `<style>body{margin:0;display:flex;gap:12px;padding:12px;background:#ddd;font:600 15px sans-serif}figure{margin:0}figcaption{padding:4px 0 8px}img{display:block;width:660px;border:1px solid #bbb}</style>${img(slackShot, 'Slack: #alerts')}${img(teamsShot, 'Microsoft Teams: Pipewatch › General')}`,
  );
  await side.screenshot({ path: path.join(SCREENSHOTS, 'teams-slack-side-by-side.png'), fullPage: true });
  await side.close();
  expect(pageErrors).toEqual([]);
});
