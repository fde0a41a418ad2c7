// What the page does when a poll goes wrong, and what axe cannot see: in Chromium, against the
// shared stack's dashboard Worker. A poll answered 429 or never answered is made by the browser's
// own request routing (the only stand-in here: the Worker answers 429 only past its per-address
// limit, which the other tests share). Also: charts stop animating under prefers-reduced-motion,
// and the DAG's SVG text, coloured by `fill` (which axe's contrast rule does not read), is legible.
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, open } from './chromium';

const { dashboardUrl } = inject('stack');
const POLL = (url: URL) => url.pathname === '/fragments/all';
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const bannerText = (page: Page) => page.locator('#banner-why').textContent();

describe('a poll that fails', () => {
  it('answered 429: says too many requests, keeps the data, and clears on the next good poll', async () => {
    const { page, errors } = await open(browser, `${dashboardUrl}/?scenario=ecommerce`);
    const asOf = await page.locator('#as-of').textContent();
    await page.route(POLL, (route) =>
      route.fulfill({ status: 429, headers: { 'Retry-After': '10' }, body: 'busy' }),
    );
    await page.locator('#banner').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await bannerText(page)).toBe('Too many requests from this address');
    // The last good data stays, with its time in the banner.
    expect(await page.locator('#body-dag svg.dag').count()).toBe(1);
    expect(await page.locator('#banner-as-of').textContent()).toBe(
      asOf?.replace('data as of ', ''),
    );
    await page.unroute(POLL);
    await page.locator('#banner').waitFor({ state: 'hidden', timeout: 10_000 });
    // Chromium logs the refused request itself; nothing else went wrong.
    expect(errors.filter((e) => !e.includes('429'))).toEqual([]);
    await page.context().close();
  });

  it('not answered: gives up after 8 s, says the dashboard is slow, and polls again', async () => {
    const { page } = await open(browser, `${dashboardUrl}/?scenario=ecommerce`);
    const stalled: Route[] = [];
    let sentAt = 0;
    await page.route(POLL, (route) => {
      if (!sentAt) sentAt = Date.now();
      stalled.push(route); // never answered while routed
    });
    await page.locator('#banner').waitFor({ state: 'visible', timeout: 20_000 });
    const after = Date.now() - sentAt;
    expect(await bannerText(page)).toBe('The dashboard is slow to answer');
    // htmx's timeout (layout.tsx: 8000 ms), not the browser's or the Worker's.
    expect(after).toBeGreaterThan(7_500);
    expect(after).toBeLessThan(11_000);
    await page.unroute(POLL);
    for (const r of stalled) await r.abort().catch(() => {});
    // The poll timer keeps going after a timeout: the next answer clears the banner.
    await page.locator('#banner').waitFor({ state: 'hidden', timeout: 15_000 });
    await page.context().close();
  });
});

describe('motion and colour that axe does not check', () => {
  const animations = (page: Page) =>
    page.evaluate(`[...document.querySelectorAll('canvas')]
      .map((c) => Chart.getChart(c))
      .filter(Boolean)
      .map((chart) => chart.options.animation === false ? 'off' : String(chart.options.animation?.duration))`);

  it('draws charts without animation under prefers-reduced-motion, animated otherwise', async () => {
    for (const [reducedMotion, expected] of [
      ['reduce', 'off'],
      ['no-preference', '400'],
    ] as const) {
      const { page } = await open(browser, `${dashboardUrl}/?scenario=fraud`, { reducedMotion });
      await page.waitForFunction(`document.querySelectorAll('canvas').length > 0 &&
        [...document.querySelectorAll('canvas')].every((c) => Chart.getChart(c))`);
      const seen = (await animations(page)) as string[];
      expect(seen.length, reducedMotion).toBeGreaterThan(0);
      expect(new Set(seen), reducedMotion).toEqual(new Set([expected]));
      await page.context().close();
    }
  });

  // WCAG contrast of every text in the DAG against what it is drawn on: its node's frame, or the
  // panel for a trace badge above a node.
  const contrasts = `(() => {
    const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const over = (fg, bg) => { const a = fg[3] ?? 1; return [0, 1, 2].map((i) => fg[i] * a + bg[i] * (1 - a)); };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const panel = rgb(getComputedStyle(document.querySelector('#panel-dag')).backgroundColor);
    const out = [];
    for (const t of document.querySelectorAll('#body-dag svg.dag .node text')) {
      const node = t.closest('.node');
      const frame = node.querySelector('rect:not(.ratio-track):not(.ratio-fill)');
      const bg = t.classList.contains('trace-badge') || !frame
        ? panel : over(rgb(getComputedStyle(frame).fill), panel);
      const fg = over(rgb(getComputedStyle(t).fill), bg);
      out.push({ text: t.textContent, cls: t.getAttribute('class') || '', ratio: ratio(fg, bg) });
    }
    return out;
  })()`;

  for (const colorScheme of ['dark', 'light'] as const) {
    it(`gives every text in the DAG a contrast of 4.5:1 or more (${colorScheme})`, async () => {
      const { page } = await open(browser, `${dashboardUrl}/?scenario=finance`, {
        colorScheme,
        reducedMotion: 'reduce',
      });
      await page.locator('#body-dag svg.dag .node text').first().waitFor();
      const seen = (await page.evaluate(contrasts)) as {
        text: string;
        cls: string;
        ratio: number;
      }[];
      expect(seen.length).toBeGreaterThan(20);
      const poor = seen
        .filter((s) => s.ratio < 4.5)
        .map((s) => `${s.cls} "${s.text}" ${s.ratio.toFixed(2)}`);
      expect(poor).toEqual([]);
      await page.context().close();
    });
  }
});
