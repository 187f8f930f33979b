// Issue 16's accounts on the channel page, in real headless Chromium: `npm start`'s member account
// (111111111111, us-west-2) forwards its pipeline's events to the pipewatch bus; a channel subscribed
// with `--account --region` gets the alert, read in the member account through its member role
// (the local STS), and Retry acts there. Checked on the page and photographed for the README.
import type { ManualClock } from '../../src/local/aws/clock';
import { LOCAL_MEMBER_ACCOUNT, LOCAL_MEMBER_REGION } from '../../src/local/dev-server/local-accounts';
import { LOCAL_USERS } from '../../src/local/dev-server/start-local-pipewatch';
import { type ChannelPage, type PipewatchInChromium, pipewatchPageForEachFile } from '../helpers/channel-page';

const WAIT = 20_000;
const [, BOB] = LOCAL_USERS.map((u) => u.id) as [string, string, string];
const MEMBER_PIPELINE = `${LOCAL_MEMBER_ACCOUNT}/${LOCAL_MEMBER_REGION}/myPipeline`;

jest.setTimeout(120_000);

const opened = pipewatchPageForEachFile(WAIT);
let e2e: PipewatchInChromium;
let channel: ChannelPage;
let clock: ManualClock;
beforeAll(() => {
  ({ e2e, channel, clock } = opened);
});

/** Lets `ms` of simulated time pass, a second at a time: every place's deliveries, then the bus's. */
async function timePasses(ms: number): Promise<void> {
  const aws = e2e.pipewatch.aws;
  if (aws === undefined) throw new Error('no local AWS');
  for (let t = 0; t < ms; t += 1000) {
    clock.advance(1000);
    for (const place of aws.places.slice(1)) await place.eventBridge.settled();
    await aws.eventBridge.settled();
  }
}

test('a member account’s failure: the alert says where it runs and shows its own stages; Retry acts in the member account', async () => {
  await e2e.page.getByTestId('channel-deploys').click();
  await channel.actAs(BOB);
  await channel.compose(`/pipewatch subscribe myPipeline FAILED --account ${LOCAL_MEMBER_ACCOUNT} --region us-west-2`);
  await channel.ephemeralSaying(/Subscribed this channel/);

  await channel.startPipeline(MEMBER_PIPELINE, 'Fail Build / Build');
  const alert = channel.messages().filter({ hasText: `${LOCAL_MEMBER_ACCOUNT} · us-west-2` });
  for (let t = 0; (await alert.count()) === 0; t += 5000) {
    if (t > 120_000) await alert.first().waitFor({ timeout: 2000 });
    await timePasses(5000);
  }
  // The member's myPipeline (Source, Build, Deploy), read there: not this account's namesake.
  await alert.filter({ hasText: /Source ✓ · Build ✗ · Deploy –/ }).waitFor();
  expect(await alert.filter({ hasText: /Approval/ }).count()).toBe(0);
  await channel.screenshotOf('alert-other-account', [alert]);

  await alert.getByTestId('button-pipewatch.retry.failed').first().click();
  await alert.filter({ hasText: /Build by bob in Slack/ }).waitFor();
  // Build (40 s) and Deploy (30 s) run again in the member account: the same message follows to the end.
  const succeeded = alert.filter({ hasText: /Succeeded/ });
  for (let t = 0; (await succeeded.count()) === 0; t += 5000) {
    if (t > 120_000) await succeeded.waitFor({ timeout: 2000 });
    await timePasses(5000);
  }
  await succeeded.filter({ hasText: /Source ✓ · Build ✓ · Deploy ✓/ }).waitFor();
  expect(await channel.messages().count()).toBe(1);
  await channel.screenshotOf('alert-other-account-retried', [alert]);
});
