// Opening pages in a real Chromium (local/chromium.ts) with console errors, page errors and CSP
// violations recorded, and screenshots kept with the test results.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../local/chromium';
import { ROOT } from '../../local/paths';

export const ARTIFACTS = join(ROOT, 'test-results');

export const launch = launchChromium;

export async function open(
  browser: Browser,
  url: string,
  opts: {
    width?: number;
    height?: number;
    colorScheme?: 'dark' | 'light';
    reducedMotion?: 'reduce' | 'no-preference';
  } = {},
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 1000 },
    colorScheme: opts.colorScheme ?? 'dark',
    reducedMotion: opts.reducedMotion ?? 'no-preference',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

export async function shot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
