// Issue 15's features on the channel page, in real headless Chromium, on a manual clock the test moves
// as time passing: quiet subscriptions (`--transitions` posting "broken" then "fixed"; `snooze` and
// `list`), an approval's expiry, approvers and reminder, and its decision in "the console" (the
// simulator's PutApprovalResult over the local AWS endpoint), then `/pipewatch run` and Stop.
// Each step is checked on the page and photographed for the README.
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { Locator } from 'playwright-core';
import type { ManualClock } from '../../src/local/aws/clock';
import { LOCAL_CONSOLE_USER, LOCAL_USERS } from '../../src/local/dev-server/start-local-pipewatch';
import { type ChannelPage, type PipewatchInChromium, pipewatchPageForEachFile } from '../helpers/channel-page';
import { decideApprovalInConsole } from '../helpers/console-approval';

const WAIT = 20_000;
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
const [ALICE] = LOCAL_USERS.map((u) => u.id) as [string, string, string];

jest.setTimeout(180_000);

const opened = pipewatchPageForEachFile(WAIT);
let e2e: PipewatchInChromium;
let channel: ChannelPage;
let clock: ManualClock;
beforeAll(() => {
  ({ e2e, channel, clock } = opened);
});

/** The approval decided in "the console": PutApprovalResult over the local AWS endpoint, as the console calls it. */
async function decideInTheConsole(status: 'Approved' | 'Rejected', summary: string): Promise<void> {
  const aws = localAws();
  const codePipeline = new CodePipelineClient({
    endpoint: aws.endpoint,
    region: aws.region,
    // Jane's own IAM user (npm start's local AWS knows her key): the approval records her as its answerer.
    credentials: { accessKeyId: LOCAL_CONSOLE_USER.accessKeyId, secretAccessKey: LOCAL_CONSOLE_USER.secretAccessKey },
  });
  try {
    await decideApprovalInConsole(codePipeline, status, summary);
  } finally {
    codePipeline.destroy();
  }
}

function localAws() {
  const aws = e2e.pipewatch.aws;
  if (aws === undefined) throw new Error('no local AWS');
  return aws;
}

/** Lets `ms` of simulated time pass, a second at a time, each step's deliveries and schedules done. */
async function timePasses(ms: number, step = 1000): Promise<void> {
  const aws = localAws();
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await aws.eventBridge.settled();
    await aws.scheduler.settled();
  }
}

/** Moves time on, a second at a time, until `locator` shows (bounded by simulated `limitMs`). */
async function timePassesUntil(locator: Locator, limitMs: number): Promise<void> {
  for (let t = 0; (await locator.count()) === 0; t += 1000) {
    if (t > limitMs) await locator.first().waitFor({ timeout: 2000 });
    await timePasses(1000);
  }
  await locator.first().waitFor({ state: 'visible' });
}

/** Sends `command` and waits for its answer (the next ephemeral of the channel shown). */
async function answerTo(command: string): Promise<Locator> {
  const ephemerals = e2e.page.getByTestId('ephemeral');
  const before = await ephemerals.count();
  await channel.compose(command);
  const answer = ephemerals.nth(before);
  await answer.waitFor({ state: 'visible' });
  return answer;
}

test('quiet subscriptions: --transitions posts "broken", then "fixed"; a snooze holds a failure back and list shows it', async () => {
  await e2e.page.getByTestId('channel-alerts').click();
  await channel.actAs(ALICE);
  await answerTo('/pipewatch subscribe nightly-data --transitions');
  await channel.ephemeralSaying(/Subscribed this channel to transitions only: broken and fixed in nightly-data/);

  // A failure with no outcome known is "broken"; the next success is "fixed"; nothing else is posted.
  await channel.startPipeline('nightly-data', 'Fail Transform / Transform');
  const broken = channel.messages().filter({ hasText: /nightly-data is broken/ });
  await timePassesUntil(broken, 60_000);
  await broken.filter({ hasText: /Source ✓ · Transform ✗/ }).waitFor();
  await broken.getByTestId('button-pipewatch.retry.failed').waitFor();
  await channel.startPipeline('nightly-data');
  const fixed = channel.messages().filter({ hasText: /nightly-data is fixed/ });
  await timePassesUntil(fixed, 60_000);
  await fixed.filter({ hasText: /was failing since/ }).waitFor();
  await channel.startPipeline('nightly-data');
  await timePasses(30_000);
  expect(await channel.messages().count()).toBe(2);
  await channel.screenshotOf('quiet-transitions', [broken, fixed]);

  // Snoozed for two hours: the next failure (broken again) posts nothing, and `list` shows it held back.
  const snoozed = await answerTo('/pipewatch snooze nightly-data 2h');
  await snoozed.filter({ hasText: /Snoozed nightly-data in this channel for 2h, until/ }).waitFor();
  await channel.startPipeline('nightly-data', 'Fail Transform / Transform');
  await timePasses(30_000);
  expect(await channel.messages().count()).toBe(2);
  const list = await answerTo('/pipewatch list');
  await list.filter({ hasText: /transitions only: broken and fixed in nightly-data/ }).waitFor();
  await list
    .filter({ hasText: /Snoozed in this channel:\s*• nightly-data until .* \(2h left\), 1 failure held back/ })
    .waitFor();
  await channel.screenshotOf('quiet-snooze-list', [snoozed, list]);

  // The snooze ends: its summary comes on time (an EventBridge Scheduler schedule), without waiting
  // for the next event, once.
  const summary = channel.messages().filter({ hasText: /While snoozed \(2h\): 1 failure of nightly-data/ });
  await timePasses(2 * HOUR_MS - 2 * 60_000, 60_000);
  expect(await summary.count()).toBe(0);
  await timePassesUntil(summary, 4 * 60_000);
  await timePasses(60_000);
  expect(await summary.count()).toBe(1);
  expect(await channel.messages().count()).toBe(3);

  // Snoozed from the "broken" message itself: the Snooze control's choice, answered to alice alone.
  const ephemerals = e2e.page.getByTestId('ephemeral');
  const before = await ephemerals.count();
  await broken.getByTestId('select-pipewatch.snooze').selectOption({ label: 'Snooze 4 hours' });
  const answer = ephemerals.nth(before);
  await answer.filter({ hasText: /Snoozed nightly-data here until .*\(4 hours\)/ }).waitFor();
  expect(await channel.messages().count()).toBe(3);
  await channel.screenshotOf('quiet-snooze-button', [summary, answer]);
});

test('approvals: the reply shows expiry and approvers; the reminder comes an hour before; decided in the console, the card says so', async () => {
  await e2e.page.getByTestId('channel-deploys').click();
  await channel.actAs(ALICE);
  await answerTo('/pipewatch subscribe myPipeline');
  await channel.startPipeline('myPipeline');
  const waiting = channel.messages().filter({ hasText: /Waiting for approval/ });
  await timePassesUntil(waiting, 120_000);
  const approvalStarted = clock.now();
  const ts = await channel.newestMessage(1);
  const message = await channel.openThread(ts);

  // The waiting-approval reply: when it expires (its start + CodePipeline's default 7 days) and who may approve.
  const ask = message.getByTestId('thread-reply').filter({ hasText: /Approval needed: Approval in myPipeline/ });
  await ask.getByTestId('button-pipewatch.approve').waitFor();
  const expires = `${new Date(approvalStarted + 7 * DAY_MS).toISOString().slice(0, 10)}`;
  expect(await ask.textContent()).toMatch(
    new RegExp(`Expires ${expires} \\d\\d:\\d\\d UTC\\s*·\\s*Who may approve @alice`),
  );
  await channel.screenshotOf('approval-expiry-approvers', [message]);

  // Nearly seven days later (an hour before the expiry, by the local Scheduler on the same clock): the reminder.
  const reminder = message.getByTestId('thread-reply').filter({ hasText: /Reminder: approval Approval in myPipeline/ });
  await timePasses(7 * DAY_MS - 2 * HOUR_MS, HOUR_MS);
  expect(await reminder.count()).toBe(0);
  await timePasses(HOUR_MS + 2 * 60_000, 60_000);
  await reminder
    .filter({ hasText: /⏰ Reminder: approval Approval in myPipeline \/ Approval expires in 1 hour/ })
    .waitFor();
  expect(await reminder.textContent()).toMatch(/Who may approve @alice/);
  await channel.screenshotOf('approval-reminder', [reminder]);

  // Approved in "the console": PutApprovalResult over the local AWS endpoint, as a person there does.
  await decideInTheConsole('Approved', 'Checked the staging dashboards <ok>');
  const approved = message.getByTestId('thread-reply').filter({ hasText: /Approval: Approval in myPipeline/ });
  await timePassesUntil(
    approved.filter({ hasText: '✅ Approved' }).filter({ hasText: 'Checked the staging dashboards <ok>' }),
    10_000,
  );
  await timePassesUntil(message.filter({ hasText: /Succeeded/ }), 120_000);
  await message.filter({ hasText: /Approved by jane \(arn:aws:iam::\d{12}:user\/jane\) outside chat/ }).waitFor();
  await message.filter({ hasText: /Checked the staging dashboards <ok>/ }).waitFor();
  // Approve and Reject went away, from the message and its replies; the reminder was posted once.
  for (const verb of ['approve', 'reject', 'stop']) {
    expect(await message.getByTestId(`button-pipewatch.${verb}`).count()).toBe(0);
  }
  expect(await reminder.count()).toBe(1);
  await channel.screenshotOf('approval-decided-in-console', [message]);
});

test('/pipewatch run answers with the execution and where it follows; Stop (and wait) from its message, with a reason', async () => {
  const answer = await answerTo('/pipewatch run myPipeline');
  await answer.filter({ hasText: /Started myPipeline: execution [0-9a-f]{8}/ }).waitFor();
  await answer.filter({ hasText: /Its message, updated as it runs: / }).waitFor();
  const executionId = /execution ([0-9a-f]{8})/.exec((await answer.textContent()) ?? '')?.[1];
  if (executionId === undefined) throw new Error('the answer names no execution');
  // The message was posted with the answer, which links to it; the run's events update it.
  const ts = await channel.newestMessage(2);
  expect(await answer.textContent()).toContain(`/p${ts.replace('.', '')}`);
  const message = channel.message(ts);
  await message.filter({ hasText: /Started by\s*alice in Slack/ }).waitFor();
  await timePasses(10_000); // Source done, Build running
  await message.filter({ hasText: `myPipeline · execution ${executionId}` }).waitFor();
  await message.filter({ hasText: /Build …/ }).waitFor();
  await channel.screenshotOf('run-answer', [answer, message]);

  await message.getByTestId('button-pipewatch.stop').click();
  const modal = e2e.page.getByTestId('modal');
  await modal.filter({ hasText: `Stop execution ${executionId} of myPipeline?` }).waitFor();
  // Stop and wait is chosen by default; Stop and abandon is the other choice.
  expect(await e2e.page.getByTestId('modal-radio').first().isChecked()).toBe(true);
  await e2e.page.getByTestId('modal-input').fill('Wrong branch');
  await channel.screenshotOf('stop-modal', [modal]);
  await e2e.page.getByTestId('modal-submit').click();
  await modal.waitFor({ state: 'hidden' });
  // Stop and wait: the build in progress finishes, nothing new starts.
  await timePassesUntil(message.filter({ hasText: /🚫 Stopped/ }), 90_000);
  await message.filter({ hasText: /Stopped by alice in Slack: Wrong branch/ }).waitFor();
  await message.filter({ hasText: /Approval – · Prod –/ }).waitFor();
  expect(await message.locator('[data-testid="button-pipewatch.stop"]').count()).toBe(0);
  await channel.screenshotOf('stop-stopped', [message]);
});
