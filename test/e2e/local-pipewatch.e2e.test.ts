// The scenario, end to end, in real headless Chromium: `pipewatch local` (local AWS, the
// simulator, the real handlers and adapters, the local Slack) driven only through the channel page.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { LOCAL_USERS } from '../../src/local/dev-server/start-local-pipewatch';
import { type ChannelPage, type PipewatchInChromium, startPipewatchInChromium } from '../helpers/channel-page';
import { SCREENSHOTS } from '../helpers/chromium';

/** Generous: a waiting step ends as soon as its condition holds, this only bounds a broken run. */
const WAIT = 30_000;

const [ALICE, BOB, CAROL] = LOCAL_USERS.map((u) => u.id) as [string, string, string];

jest.setTimeout(240_000);

let e2e: PipewatchInChromium;
let page: Page;
let channel: ChannelPage;

beforeAll(async () => {
  // Speed 20: a 60-second build takes 3 s; the approval waits as long as it takes.
  e2e = await startPipewatchInChromium({
    pipewatch: { speed: 20 },
    viewport: { width: 1280, height: 860 },
    wait: WAIT,
  });
  ({ page, channel } = e2e);
});

afterAll(() => e2e?.stop());

const messages = () => channel.messages();
const until = (condition: () => Promise<boolean>, what: string) => channel.until(condition, what);
const actAs = (user: string) => channel.actAs(user);
const ephemeralSaying = (text: string | RegExp) => channel.ephemeralSaying(text);
const openThread = (ts: string) => channel.openThread(ts);
const newestMessage = (count: number) => channel.newestMessage(count);
const startWithBuildFailing = () => channel.startPipeline('myPipeline', 'Fail Build / Build');

/** Waits until the page shows exactly one message, and returns its ts. */
async function theOneMessage(): Promise<string> {
  await messages().first().waitFor({ state: 'visible' });
  await until(async () => (await messages().count()) === 1, 'exactly one message');
  const ts = await messages().first().getAttribute('data-ts');
  if (ts === null) throw new Error('the message has no data-ts');
  return ts;
}

/** The buttons that would act (retry, approve, reject) anywhere in the channel: the messages and their threads. */
const ACTING_BUTTONS =
  '[data-testid="button-pipewatch.retry.failed"], [data-testid="button-pipewatch.retry.all"], [data-testid="button-pipewatch.approve"], [data-testid="button-pipewatch.reject"]';

test("the mission's example: subscribe FAILED, Build fails, Retry refused then done, the same message follows the run through the approval to Succeeded", async () => {
  if (e2e.pipewatch.url === undefined) throw new Error('no channel page');
  await page.goto(e2e.pipewatch.url);

  // 1. Subscribe #deploys to failures only, through the composer, as the README's first example.
  await page.getByTestId('channel-deploys').click();
  await actAs(BOB);
  await page.getByTestId('composer').fill('/pipewatch subscribe myPipeline FAILED');
  await page.getByTestId('composer').press('Enter');
  await ephemeralSaying(/Subscribed this channel/);

  // 2. Start myPipeline with Build failing: exactly one alert, with Retry, and Source shown as succeeded
  //    though the FAILED subscription never saw its events (read from CodePipeline when the message opened).
  await startWithBuildFailing();
  const retry = messages().first().getByTestId('button-pipewatch.retry.failed').first();
  await retry.waitFor({ state: 'visible' });
  const ts = await theOneMessage();
  const message = page.locator(`[data-testid="message"][data-ts="${ts}"]`);
  await message.filter({ hasText: /Source ✓ · Build ✗/ }).waitFor();
  await page.locator('#toast').waitFor({ state: 'hidden' });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'alert-failed.png') });

  // 3. Carol (a viewer) may not retry: refused, only she sees it, and the message is unchanged.
  await actAs(CAROL);
  await message.getByTestId('button-pipewatch.retry.failed').first().click();
  await ephemeralSaying(/not allowed to retry/);
  await message.getByTestId('button-pipewatch.retry.failed').first().waitFor({ state: 'visible' });

  // 4. Bob may: the same message moves on, though the subscription is FAILED only: Build runs again
  //    and succeeds, the run waits for approval, and the approval's reply in the thread has Approve.
  await actAs(BOB);
  await message.getByTestId('button-pipewatch.retry.failed').first().click();
  await message.filter({ hasText: /Waiting for approval/ }).waitFor();
  await message.filter({ hasText: /Build ✓/ }).waitFor();
  await message.filter({ hasText: /Build by bob in Slack/ }).waitFor();
  expect(await theOneMessage()).toBe(ts);
  await openThread(ts);
  const approve = message.getByTestId('thread-reply').getByTestId('button-pipewatch.approve');
  await approve.waitFor({ state: 'visible' });
  // The failure's reply keeps its record but loses its Retry buttons; the message has none either.
  await message
    .getByTestId('thread-reply')
    .filter({ hasText: /Retried by bob in Slack/ })
    .first()
    .waitFor();
  expect(await message.locator('[data-testid="button-pipewatch.retry.failed"]').count()).toBe(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'alert-waiting-for-approval.png') });

  // 5. Bob may not approve.
  await approve.click();
  await ephemeralSaying(/not allowed to approve/);
  expect(await page.getByTestId('modal').count()).toBe(0);

  // 6. Alice (an approver) may: the approval modal, a comment, submit.
  await actAs(ALICE);
  await openThread(ts);
  await message.getByTestId('thread-reply').getByTestId('button-pipewatch.approve').click();
  await page.getByTestId('modal').waitFor({ state: 'visible' });
  await page.getByTestId('modal-input').fill('Ship it');
  await page.getByTestId('modal-submit').click();
  await page.getByTestId('modal').waitFor({ state: 'hidden' });

  // 7. The run finishes; the one message says Succeeded and who approved, and no button is left that would act.
  await page.getByTestId('pipeline-execution').and(page.locator('[data-status="Succeeded"]')).waitFor();
  await message.filter({ hasText: /Succeeded/ }).waitFor();
  await message.filter({ hasText: /Approved by alice in Slack: Ship it/ }).waitFor();
  expect(await theOneMessage()).toBe(ts);
  await openThread(ts);
  await message
    .getByTestId('thread-reply')
    .filter({ hasText: /Approved by alice/ })
    .first()
    .waitFor();
  await until(async () => (await page.locator(ACTING_BUTTONS).count()) === 0, 'no button that would act');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'alert-succeeded.png') });
});

test('a second run, rejected: the message reads as a rejection, with who rejected and why', async () => {
  // 1. Build fails again: a second message, for the second execution.
  await actAs(BOB);
  await startWithBuildFailing();
  const ts = await newestMessage(2);
  const message = page.locator(`[data-testid="message"][data-ts="${ts}"]`);
  await message.getByTestId('button-pipewatch.retry.failed').first().waitFor({ state: 'visible' });

  // The failure's reply carries the triage pack: the commit pushed (a run from the panel is a push),
  // the changes since the first run's success, the build's failed phase and the tail of its log.
  await openThread(ts);
  const triage = message.getByTestId('thread-reply').filter({ hasText: /Failed phase/ });
  await triage.filter({ hasText: /Failed phase BUILD/ }).waitFor();
  await triage.filter({ hasText: /Commit [0-9a-f]{7} .+ by / }).waitFor();
  await triage
    .filter({ hasText: /Changes since the last success [0-9a-f]{7}…[0-9a-f]{7} \(execution [0-9a-f]{8}\)/ })
    .waitFor();
  expect(await triage.getByRole('link', { name: 'Full log' }).count()).toBe(1);
  const compare = await triage.getByRole('link', { name: /^[0-9a-f]{7}…[0-9a-f]{7}$/ }).getAttribute('href');
  expect(compare).toMatch(
    /^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/codesuite\/codecommit\/repositories\/my-repo\/compare\//,
  );
  const logTail = (await triage.locator('pre').textContent()) ?? '';
  expect(logTail.split('\n').filter((line) => line.trim() !== '').length).toBeGreaterThan(1);
  expect(logTail.split('\n').length).toBeLessThanOrEqual(21);
  await channel.screenshotOf('triage-failure-thread', [triage]);

  // 2. Bob retries; the run waits for approval.
  await message.getByTestId('button-pipewatch.retry.failed').first().click();
  await message.filter({ hasText: /Waiting for approval/ }).waitFor();

  // 3. Alice rejects with a reason.
  await actAs(ALICE);
  await openThread(ts);
  await message.getByTestId('thread-reply').getByTestId('button-pipewatch.reject').click();
  await page.getByTestId('modal').waitFor({ state: 'visible' });
  await page.getByTestId('modal-input').fill('not on a Friday');
  await page.getByTestId('modal-submit').click();
  await page.getByTestId('modal').waitFor({ state: 'hidden' });

  // 4. The message says Rejected, by whom and why, not Error "JobFailed"; nothing left to press but Retry.
  await message.filter({ hasText: /Rejected by alice in Slack: not on a Friday/ }).waitFor();
  await message.filter({ hasText: /Rejected/ }).waitFor();
  // Once every event of the rejection is shown (an earlier render may still be on its way).
  await until(async () => (await message.filter({ hasText: /JobFailed/ }).count()) === 0, 'no JobFailed');
  await openThread(ts);
  expect(await message.locator('[data-testid="button-pipewatch.approve"]').count()).toBe(0);
  expect(await message.locator('[data-testid="button-pipewatch.reject"]').count()).toBe(0);
  expect(await messages().count()).toBe(2);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'alert-rejected.png') });
});

test('/pipewatch run answers with a link to its message; Stop and abandon is chosen with the modal’s radio buttons', async () => {
  // 1. A subscription that shows runs as they start; Alice runs myPipeline from the composer.
  await actAs(ALICE);
  await page.getByTestId('composer').fill('/pipewatch subscribe myPipeline');
  await page.getByTestId('composer').press('Enter');
  await ephemeralSaying(/Subscribed/);
  await page.getByTestId('composer').fill('/pipewatch run myPipeline');
  await page.getByTestId('composer').press('Enter');
  const answer = await ephemeralSaying(/Its message, updated as it runs/);
  const ts = await newestMessage(3);
  // The link in the answer is the permalink of the message that was posted for the run.
  expect(await answer.textContent()).toMatch(new RegExp(`/archives/[A-Z0-9]+/p${ts.replace('.', '')} `));
  const message = page.locator(`[data-testid="message"][data-ts="${ts}"]`);
  await message.filter({ hasText: /Started by/ }).waitFor();

  // 2. Stop: the modal draws "Stop and wait" (chosen) and "Stop and abandon"; Alice abandons, with a reason.
  await message.getByTestId('button-pipewatch.stop').click();
  await page.getByTestId('modal').waitFor({ state: 'visible' });
  const radios = page.getByTestId('modal-radio');
  expect(await radios.count()).toBe(2);
  expect(await radios.first().isChecked()).toBe(true);
  await page.getByRole('radio', { name: /Stop and abandon/ }).check();
  await page.getByTestId('modal-input').fill('a bad commit');
  await page.getByTestId('modal-submit').click();
  await page.getByTestId('modal').waitFor({ state: 'hidden' });
  await message.filter({ hasText: /Stopped by alice in Slack: a bad commit/ }).waitFor();
  await message.filter({ hasText: /Stopped/ }).waitFor();
  expect(await messages().count()).toBe(3);
});
