// Opening pages in a real Chromium (local/chromium.ts) with console errors, page errors and CSP
// violations recorded, and screenshots kept with the test results.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

// Callbacks passed to page.evaluate run in the page; these are the page globals they use.
declare const document: {
  querySelectorAll(s: string): Iterable<{
    id: string;
    getBoundingClientRect(): { left: number; right: number; width: number; height: number };
    querySelectorAll(s: string): Iterable<{
      tagName: string;
      getBoundingClientRect(): { left: number; right: number; width: number; height: number };
    }>;
  }>;
};
declare const axe: {
  run(
    ctx: unknown,
    opts: unknown,
  ): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }>;
};

/** Elements whose box reaches outside their panel (a table cut off, a graph too wide). */
export const overflowing = (page: Page) =>
  page.evaluate(() => {
    const out: string[] = [];
    for (const panel of document.querySelectorAll('section.panel')) {
      const p = panel.getBoundingClientRect();
      for (const el of panel.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (r.right > p.right + 1 || r.left < p.left - 1) {
          out.push(`${panel.id} ${el.tagName.toLowerCase()} ${Math.round(r.right - p.right)} px`);
        }
      }
    }
    return out;
  });

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page, in dark then light colours. */
export async function seriousViolations(page: Page): Promise<Record<'dark' | 'light', string[]>> {
  await page.evaluate(AXE);
  const out = { dark: [] as string[], light: [] as string[] };
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const { violations } = await page.evaluate(() =>
      axe.run(document, { resultTypes: ['violations'] }),
    );
    out[scheme] = violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id} ×${v.nodes.length}`);
  }
  return out;
}
