import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LocalSlack, SLACK_STATE_FILE } from '../../../src/local/slack';
import { ALICE, CHANNEL, clientFor, startWorkspace } from './harness';

/* The local Slack's `dataDir`: what the channel page shows is kept in DIR/slack.json across restarts. */

let dataDir: string;
let slack: LocalSlack | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'pipewatch-slack-'));
});
afterEach(async () => {
  await slack?.stop();
  slack = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

test('a clock behind the saved messages still makes later ts (ts are message ids)', async () => {
  const start = Date.parse('2026-03-01T12:00:00Z');
  slack = await startWorkspace({ dataDir, now: () => start });
  const posted = await clientFor(slack).chat.postMessage({ channel: CHANNEL, text: 'first' });
  await slack.stop();

  // An hour earlier (a clock set back, or a fake clock in a test): the restored ts are not reused.
  slack = await startWorkspace({ dataDir, now: () => start - 3_600_000 });
  const next = await clientFor(slack).chat.postMessage({ channel: CHANNEL, text: 'second' });
  const user = slack.workspace.postUserMessage(CHANNEL, ALICE, 'third');
  expect(slack.workspace.messages(CHANNEL).map((m) => m.text)).toEqual(['first', 'second', 'third']);
  expect((next.ts as string) > (posted.ts as string)).toBe(true);
  expect(user.ts > (next.ts as string)).toBe(true);
});

test('a burst of changes is one write, a moment later; stop writes what is pending', async () => {
  slack = await startWorkspace({ dataDir });
  const file = path.join(dataDir, SLACK_STATE_FILE);
  for (let i = 0; i < 20; i++) slack.workspace.postUserMessage(CHANNEL, ALICE, `message ${i}`);
  const read = () => {
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { messages: unknown[] }).messages.length;
    } catch {
      return 0;
    }
  };
  expect(read()).toBe(0); // not written synchronously on every change
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(read()).toBe(20);
  slack.workspace.postUserMessage(CHANNEL, ALICE, 'just before the stop');
  await slack.stop();
  slack = undefined;
  expect(read()).toBe(21);
});
