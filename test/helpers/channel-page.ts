// The end-to-end tests' common ground: `pipewatch local` with headless Chromium on its channel page,
// and what a person does there (pick who they are, type in the composer, open a thread, start a
// pipeline from the panel), with screenshots cropped to what they show.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { ManualClock } from '../../src/local/aws/clock';
import {
  type LocalPipewatch,
  type StartLocalPipewatchOptions,
  startLocalPipewatch,
} from '../../src/local/dev-server/start-local-pipewatch';
import { createLogger } from '../../src/log/logger';
import { launchChromium, SCREENSHOTS } from './chromium';

export interface PipewatchInChromium {
  readonly pipewatch: LocalPipewatch;
  readonly context: BrowserContext;
  readonly page: Page;
  /** The page's driver, its waits bounded by `wait`. */
  readonly channel: ChannelPage;
  stop(): Promise<void>;
}

/** `pipewatch local` on a free port (logs silent) and Chromium with a fresh profile, one page open. */
export async function startPipewatchInChromium(options: {
  readonly pipewatch: Omit<StartLocalPipewatchOptions, 'log' | 'port'>;
  readonly viewport: { width: number; height: number };
  /** Bounds every wait (a step ends as soon as its condition holds). */
  readonly wait: number;
}): Promise<PipewatchInChromium> {
  const pipewatch = await startLocalPipewatch({
    port: 0,
    log: createLogger({ level: 'silent' }),
    ...options.pipewatch,
  });
  const profile = await mkdtemp(path.join(tmpdir(), 'pipewatch-chromium-'));
  let context: BrowserContext | undefined;
  const stop = async () => {
    await context?.close();
    await pipewatch.stop();
    await rm(profile, { recursive: true, force: true });
  };
  try {
    const launched = await launchChromium(profile, { viewport: options.viewport, timeoutMs: options.wait });
    context = launched.context;
    return { pipewatch, context, page: launched.page, channel: new ChannelPage(launched.page, options.wait), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What a test file's hooks (pipewatchPageForEachFile) fill in before its tests run. */
export interface PipewatchPage {
  e2e: PipewatchInChromium;
  channel: ChannelPage;
  /** The simulator's clock, at the real time when the file starts: the test moves it as time passing. */
  clock: ManualClock;
}

/**
 * For the whole test file: `pipewatch local` in Chromium on a manual clock started at the real time
 * (the SDK judges credentials, such as a member role's, by it), the channel page open at 1280x900;
 * stopped after the file. Read the fields inside tests, once beforeAll has run.
 */
export function pipewatchPageForEachFile(wait: number): PipewatchPage {
  const opened = {} as PipewatchPage;
  beforeAll(async () => {
    opened.clock = new ManualClock(Date.now());
    opened.e2e = await startPipewatchInChromium({
      pipewatch: { clock: opened.clock },
      viewport: { width: 1280, height: 900 },
      wait,
    });
    opened.channel = opened.e2e.channel;
    if (opened.e2e.pipewatch.url === undefined) throw new Error('no channel page');
    await opened.e2e.page.goto(opened.e2e.pipewatch.url);
  });
  afterAll(() => opened.e2e?.stop());
  return opened;
}

/** A person on the channel page (Slack's side unless said otherwise). */
export class ChannelPage {
  constructor(
    readonly page: Page,
    private readonly wait: number,
  ) {}

  /** Polls `condition` until it holds (the page updates live), bounded by the wait. */
  async until(condition: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + this.wait;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Picks who the page acts as; the page re-renders for that person: their view of the channel. */
  async actAs(user: string): Promise<void> {
    await this.page.getByTestId('user-switcher').selectOption(user);
    await this.until(
      async () => (await this.page.getByTestId('user-switcher').inputValue()) === user,
      `the page as ${user}`,
    );
  }

  /** Types in the composer of the channel shown and sends (a slash command, or a Teams post). */
  async compose(text: string): Promise<void> {
    await this.page.getByTestId('composer').fill(text);
    await this.page.getByTestId('composer').press('Enter');
  }

  /** The newest ephemeral ("only visible to you") containing `text`, once visible. */
  async ephemeralSaying(text: string | RegExp): Promise<Locator> {
    const found = this.page.getByTestId('ephemeral').filter({ hasText: text }).last();
    await found.waitFor({ state: 'visible' });
    return found;
  }

  /** The top-level Slack messages of the channel shown. */
  messages(): Locator {
    return this.page.getByTestId('message');
  }

  /** The message `ts`, with its thread. */
  message(ts: string): Locator {
    return this.page.locator(`[data-testid="message"][data-ts="${ts}"]`);
  }

  /** The newest message's ts once the channel shows `count` messages. */
  async newestMessage(count: number): Promise<string> {
    await this.until(async () => (await this.messages().count()) === count, `${count} messages`);
    const ts = await this.messages().last().getAttribute('data-ts');
    if (ts === null) throw new Error('the message has no data-ts');
    return ts;
  }

  /** Opens the thread of the message `ts` (the page keeps threads folded); the message. */
  async openThread(ts: string): Promise<Locator> {
    const message = this.message(ts);
    const toggle = message.getByTestId('thread-toggle');
    await toggle.waitFor({ state: 'visible' });
    if ((await message.getByTestId('thread-reply').count()) === 0) await toggle.click();
    return message;
  }

  /** Starts `pipeline` from the pipeline panel, with the action labelled `fail` ("Fail Build / Build") failing, or none. */
  async startPipeline(pipeline: string, fail = 'No failure'): Promise<void> {
    await this.page.getByTestId('pipeline-select').selectOption(pipeline);
    await this.page.getByTestId('fail-select').selectOption({ label: fail });
    await this.page.getByTestId('pipeline-start').click();
  }

  /**
   * Saves a screenshot of the page cropped to the box around `parts` (with a margin), in
   * test-results/screenshots/`name`.png, once the toast is gone and arrivals' highlights have faded.
   */
  async screenshotOf(name: string, parts: readonly Locator[], margin = 8): Promise<void> {
    await this.page.locator('#toast').waitFor({ state: 'hidden' });
    await this.until(async () => (await this.page.evaluate('document.getAnimations().length')) === 0, 'no animation');
    for (const part of parts) await part.scrollIntoViewIfNeeded();
    const boxes = [];
    for (const part of parts) {
      const box = await part.boundingBox();
      if (box === null) throw new Error(`${name}: a part to show is not on screen`);
      boxes.push(box);
    }
    const viewport = this.page.viewportSize();
    if (viewport === null || boxes.length === 0) throw new Error(`${name}: nothing to show`);
    const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - margin);
    const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - margin);
    const right = Math.min(viewport.width, Math.max(...boxes.map((b) => b.x + b.width)) + margin);
    const bottom = Math.min(viewport.height, Math.max(...boxes.map((b) => b.y + b.height)) + margin);
    await this.page.screenshot({
      path: path.join(SCREENSHOTS, `${name}.png`),
      clip: { x, y, width: right - x, height: bottom - y },
    });
  }
}
