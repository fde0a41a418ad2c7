// What a visitor sees, in real Chromium (Debian's package, driven by playwright-core).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, open as openPage, shot } from './chromium';

// The callbacks handed to page.evaluate/waitForFunction run in the page; these are its globals.
interface PageChart {
  data: { labels: unknown[]; datasets: { data: number[] }[] };
}
declare const document: {
  getElementById(id: string): unknown;
  querySelector(selector: string): { textContent: string | null } | null;
};
declare const window: {
  Chart?: { getChart(canvas: unknown): PageChart | undefined };
  __firstChart?: PageChart;
};

const { dashboardUrl, generatorUrl } = inject('stack');

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

const open = (path: string) =>
  openPage(browser, `${dashboardUrl}${path}`, { colorScheme: 'light' });

describe('dashboard in Chromium', () => {
  it('shows live data: a KPI and the chart change in place as the generator writes', async () => {
    const { page, errors } = await open('/');
    await expect(page.title()).resolves.toBe('E-commerce analytics · pg_trickle live demo');
    const kpi = page.locator('#body-kpis dd[data-kpi="Orders"]');
    const first = await kpi.textContent();
    expect(Number(first?.replaceAll(',', ''))).toBeGreaterThan(0);

    // The chart exists once, with one bar per category.
    await page.waitForFunction(() =>
      Boolean(window.Chart?.getChart(document.getElementById('chart-category-revenue'))),
    );
    const chartBefore = await page.evaluate(() => {
      const chart = window.Chart?.getChart(document.getElementById('chart-category-revenue'));
      // Kept to tell the same instance, updated in place, from a rebuilt one.
      window.__firstChart = chart;
      return {
        labels: chart?.data.labels.length,
        total: chart?.data.datasets[0]?.data.reduce((a, b) => a + b, 0),
      };
    });
    expect(chartBefore.labels).toBe(8);

    // A generator run (4 s of ticks) writes orders; the 2 s poll must show them.
    const run = fetch(`${generatorUrl}/__scheduled?cron=*+*+*+*+*`);
    const t0 = Date.now();
    await page.waitForFunction(
      (before) =>
        document.querySelector('#body-kpis dd[data-kpi="Orders"]')?.textContent !== before,
      first,
      { timeout: 15_000, polling: 200 },
    );
    const seenAfterMs = Date.now() - t0;
    await run;
    // The first tick lands within a second of the run's start, the refresh right after it, and
    // the page polls every 2 s: well inside 8 s (the wait above allows 15 s, to say how late).
    expect(seenAfterMs).toBeLessThan(8000);

    await page.waitForFunction(
      (total) => {
        const chart = window.Chart?.getChart(document.getElementById('chart-category-revenue'));
        return chart?.data.datasets[0]?.data.reduce((a, b) => a + b, 0) !== total;
      },
      chartBefore.total,
      { timeout: 10_000, polling: 200 },
    );
    const sameInstance = await page.evaluate(
      () =>
        window.Chart?.getChart(document.getElementById('chart-category-revenue')) ===
        window.__firstChart,
    );
    expect(sameInstance).toBe(true);
    expect(await page.locator('#banner').isHidden()).toBe(true);
    expect(await page.locator('#engine-badge').textContent()).toBe(
      'compatibility mode — full refresh only',
    );

    await shot(page, 'ecommerce');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  for (const [scenario, kpiLabel, title] of [
    ['fraud', 'Transactions', 'Fraud detection · pg_trickle live demo'],
    ['finance', 'Total VaR 95 %', 'Financial risk · pg_trickle live demo'],
  ] as const) {
    it(`shows the ${scenario} scenario by link, live`, async () => {
      const { page, errors } = await open(`/?scenario=${scenario}`);
      await expect(page.title()).resolves.toBe(title);
      expect(await page.locator('nav a[aria-current="page"]').getAttribute('href')).toBe(
        `/?scenario=${scenario}`,
      );
      const kpi = page.locator(`#body-kpis dd[data-kpi="${kpiLabel}"]`);
      const first = await kpi.textContent();
      const run = fetch(`${generatorUrl}/__scheduled?cron=*+*+*+*+*`);
      await page.waitForFunction(
        ([label, before]) =>
          document.querySelector(`#body-kpis dd[data-kpi="${label}"]`)?.textContent !== before,
        [kpiLabel, first] as const,
        { timeout: 15_000, polling: 200 },
      );
      await run;
      // Every chart canvas has its chart.
      const canvases = await page.$$eval('canvas[data-chart-type]', (els) => els.map((e) => e.id));
      expect(canvases.length).toBeGreaterThanOrEqual(2);
      for (const id of canvases) {
        expect(
          await page.evaluate(
            (cid) => Boolean(window.Chart?.getChart(document.getElementById(cid))),
            id,
          ),
          id,
        ).toBe(true);
      }
      // The status table lists the scenario's stream tables.
      expect(await page.locator('#body-status tbody tr').count()).toBe(
        scenario === 'fraud' ? 9 : 11,
      );
      await shot(page, scenario);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
