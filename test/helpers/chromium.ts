import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium (scripts/ensure-chromium.sh installs it), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Written on every run; docs/screenshots/ holds the copies the README shows (refresh them by hand). */
export const SCREENSHOTS = path.join(__dirname, '../../test-results/screenshots');

/**
 * Headless Chromium with a fresh profile in `profileDir`, one page with `timeoutMs` as its default
 * wait, and new-message highlights off (reduced motion) so that screenshots show the content.
 */
export async function launchChromium(
  profileDir: string,
  options: { readonly viewport: { width: number; height: number }; readonly timeoutMs: number },
): Promise<{ context: BrowserContext; page: Page }> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  const context = await chromium.launchPersistentContext(profileDir, {
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
    viewport: options.viewport,
    reducedMotion: 'reduce',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(options.timeoutMs);
  await mkdir(SCREENSHOTS, { recursive: true });
  return { context, page };
}
