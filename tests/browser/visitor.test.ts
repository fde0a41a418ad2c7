// What a visitor meets, in Chromium: pg_trickle's DAG on the first screen, nothing clipped at
// desktop and phone widths, no serious accessibility violation (axe-core), the DAG's nodes
// reachable by keyboard, motion stopped on request, and live updates paused on request.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDb } from '../../db';
import { VISIBLE_AFTER_MS } from '../../db/pgtrickle/cadence';
import { refreshDue } from '../../db/pgtrickle/maintenance';
import '../../local/driver';
import { scenarios } from '../../scenarios';
import { QUIET_WAIT_MS, quietly } from '../stack-lock';
import { launch, open, overflowing, seriousViolations, shot } from './chromium';

// Callbacks passed to page.evaluate run in the page; these are the page globals they use.
declare const document: {
  querySelectorAll(s: string): Iterable<{
    id: string;
    getBoundingClientRect(): { left: number; right: number; width: number };
    querySelectorAll(s: string): Iterable<{
      tagName: string;
      getAttribute(a: string): string | null;
      getBoundingClientRect(): { left: number; right: number; width: number; height: number };
    }>;
  }>;
  documentElement: { scrollWidth: number };
  activeElement: {
    closest(s: string): { getAttribute(a: string): string | null } | null;
    querySelector(s: string): { getAttribute(a: string): string | null } | null;
  } | null;
};
declare function getComputedStyle(el: unknown): { animationName: string };

const { dashboardUrl, generatorUrl, cfg, writerCfg } = inject('stack');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('the first screen', () => {
  for (const s of scenarios) {
    it(`${s.id}: shows the live DAG with every stream table at 1440×900, the headline figures beside it`, async () => {
      const { page, errors } = await open(browser, `${dashboardUrl}/?scenario=${s.id}`, {
        width: 1440,
        height: 900,
      });
      for (const t of s.streamTables) {
        const box = await page.locator(`#body-dag svg.dag g[data-node="${t.name}"]`).boundingBox();
        expect(box, t.name).not.toBeNull();
        expect((box?.y ?? 0) + (box?.height ?? 0), t.name).toBeLessThanOrEqual(900);
      }
      const dag = await page.locator('#panel-dag').boundingBox();
      const kpis = await page.locator('#panel-kpis').boundingBox();
      expect(kpis?.y ?? 900).toBeLessThan(900);
      expect(kpis?.x ?? 0).toBeGreaterThan((dag?.x ?? 0) + (dag?.width ?? 0) - 1); // beside it
      await page.screenshot({ path: `test-results/first-screen-${s.id}.png` });
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});

describe('nothing clipped, nothing hidden', () => {
  for (const s of scenarios) {
    for (const width of [1440, 390]) {
      it(`${s.id} at ${width} px: no element outside its panel, no sideways scrolling, no serious axe violation`, async () => {
        const { page, errors } = await open(browser, `${dashboardUrl}/?scenario=${s.id}`, {
          width,
          // Flashes and pulses off: axe checks colours as they rest, not mid-animation.
          reducedMotion: 'reduce',
        });
        expect(await overflowing(page)).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
        expect(await seriousViolations(page)).toEqual({ dark: [], light: [] });
        if (width === 390) await shot(page, `phone-${s.id}`);
        expect(errors).toEqual([]);
        await page.context().close();
      });
    }
  }
});

describe('the DAG by keyboard', () => {
  it('reaches every stream table node with Tab, each a link named by what it shows', async () => {
    const fraud = scenarios.find((s) => s.id === 'fraud');
    const { page } = await open(browser, `${dashboardUrl}/?scenario=fraud`, { width: 1440 });
    await page
      .locator('#panel-dag')
      .focus()
      .catch(() => undefined);
    const reached: string[] = [];
    await page.keyboard.press('Tab'); // the skip link
    for (let i = 0; i < 40 && reached.length < (fraud?.streamTables.length ?? 0); i++) {
      await page.keyboard.press('Tab');
      // The node's element is the link's child in the graph, its parent in the list.
      const node = await page.evaluate(() => {
        const a = document.activeElement;
        const el = a?.querySelector('[data-node]') ?? a?.closest('[data-node]');
        return el?.getAttribute('data-node') ?? null;
      });
      if (node && !reached.includes(node)) reached.push(node);
    }
    expect(reached.sort()).toEqual(fraud?.streamTables.map((t) => t.name).sort());
    // Each node is a link whose accessible name is what it shows, the table's name first.
    for (const t of fraud?.streamTables ?? []) {
      const named = page
        .locator('#body-dag svg.dag')
        .getByRole('link', { name: new RegExp(`^${t.name} L\\d+ · `) });
      expect(await named.count(), t.name).toBe(1);
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(/node=/);
    await page.context().close();
  });
});

describe('poke it, follow it', () => {
  it('a click shocks an instrument and the page follows the change level by level to L10, lighting the DAG', async () => {
    const { page, errors } = await open(browser, `${dashboardUrl}/?scenario=finance`, {
      width: 1440,
      height: 900,
    });
    let following = true;
    const runs = (async () => {
      while (following) await fetch(`${generatorUrl}/__scheduled?cron=*+*+*+*+*`);
    })();
    try {
      await page.locator('button[data-action="market-shock"]').click();
      await page.locator('#action-result').getByText('Market shock: instrument').first().waitFor();
      // Followed to the end: L10 picked it up, or the change stopped above it, and says so.
      const last = page.locator(
        '#action-result [data-trace-node="breach_dashboard"]:not([data-trace-state="waiting"])',
      );
      await last.waitFor({ timeout: 30_000 });
      // Every level says when it picked the change up (seconds after the write), or why not.
      const steps = await page.locator('#action-result .trace-steps li').allInnerTexts();
      expect(steps).toHaveLength(10);
      expect(steps[0]).toMatch(/^L1 price_snapshot \+\d+\.\d\d s · \d+ rows? changed/);
      const said = /^L\d+ [a-z_]+ (\+\d+\.\d\d s · \d+ rows? changed|nothing to pick up)/;
      for (const [i, text] of steps.entries()) {
        expect(text).toMatch(said);
        expect(text.startsWith(`L${i + 1} `)).toBe(true);
      }
      // A 15–30 % move of an instrument that positions hold revalues them, their accounts,
      // portfolios, sectors and risk: L1 to L8 each pick it up with rows changed (L9 and L10
      // may round it away). Only an instrument nobody holds would stop at L1.
      const label = await page.locator('#action-result').textContent();
      const instrument = Number(/instrument (\d+)/.exec(label ?? '')?.[1]);
      const [held] = await withDb(cfg, 'finance_demo', (db) =>
        db.query('SELECT count(*)::int AS n FROM position_values WHERE instrument_id = $1', [
          instrument,
        ]),
      );
      expect(Number.isInteger(instrument)).toBe(true);
      if (Number(held?.n) > 0) {
        for (const text of steps.slice(0, 8)) expect(text).toMatch(/ · \d+ rows? changed/);
      }
      // The DAG lights the tables that picked it up, each with its time.
      const lit = page.locator(
        '#body-dag svg.dag g.traced[data-node="price_snapshot"] .trace-badge',
      );
      await lit.waitFor();
      expect(await lit.textContent()).toMatch(/^\+\d+\.\d s$/);
      await page.screenshot({ path: 'test-results/follow-finance.png' });
      expect(errors).toEqual([]);
    } finally {
      following = false;
      await runs;
      await page.context().close();
    }
  });
});

describe('motion and live updates, as the visitor asks', () => {
  it('stops pulses and flashes under prefers-reduced-motion', async () => {
    const { page } = await open(browser, `${dashboardUrl}/?scenario=ecommerce`, {
      reducedMotion: 'reduce',
    });
    // The generator writes (and, in compatibility mode, refreshes) for a few seconds: a poll then
    // finds a node just refreshed (it pulses) and a changed value (it flashes).
    const run = fetch(`${generatorUrl}/__scheduled?cron=*+*+*+*+*`);
    await page.locator('#body-dag svg.dag g.pulse').first().waitFor({ timeout: 15_000 });
    const pulse = await page
      .locator('#body-dag svg.dag g.pulse rect')
      .first()
      .evaluate((el) => getComputedStyle(el).animationName);
    expect(pulse).toBe('none');
    await page.locator('.flash').first().waitFor({ state: 'attached', timeout: 15_000 });
    const flash = await page
      .locator('.flash')
      .first()
      .evaluate((el) => getComputedStyle(el).animationName);
    expect(flash).toBe('none');
    await run;
    await page.context().close();
  });

  it('pauses polling on request and polls at once when resumed', async () => {
    const { page } = await open(browser, `${dashboardUrl}/?scenario=ecommerce`);
    let polls = 0;
    page.on('request', (r) => {
      if (r.url().includes('/fragments/all')) polls++;
    });
    await page.locator('#pause').click();
    await expect(page.locator('#pause').getAttribute('aria-pressed')).resolves.toBe('true');
    const before = polls;
    await page.waitForTimeout(5000);
    expect(polls).toBe(before);
    await page.locator('#pause').click();
    await page.waitForTimeout(500);
    expect(polls).toBeGreaterThan(before);
    await expect(page.locator('#pause').textContent()).resolves.toBe('Pause');
    await page.context().close();
  });
});

describe('the poll rhythm', () => {
  // With no other test file running (quietly): their writes would add passes of their own, at
  // other moments, and the page would follow a rhythm that no real scheduler has.
  it(
    'polls every 2 s on average, each poll just after one of the engine’s scheduler passes',
    () =>
      quietly(async () => {
        // The engine's side in compatibility mode: a pass every second, as the generator runs it,
        // with an order written before each so every pass has something to do. Once, mid-test, the
        // passes shift by half a second: a page on a plain 2 s timer would stay where it was, half a
        // second off; a page timed by the passes follows them.
        const stop = { done: false, shift: false };
        const scheduler = withDb(writerCfg, 'ecommerce_demo', async (c) => {
          while (!stop.done) {
            const started = Date.now();
            await c.query(
              'INSERT INTO orders (customer_id, product_id, quantity, unit_price) VALUES (1, 1, 1, 10)',
            );
            await refreshDue(c);
            const extra = stop.shift ? 500 : 0;
            stop.shift = false;
            await new Promise((r) => setTimeout(r, 1000 + extra - (Date.now() - started)));
          }
        });
        try {
          // Three passes before the page opens: enough for the dashboard to know the rhythm.
          await new Promise((r) => setTimeout(r, 3500));
          const { page } = await open(browser, `${dashboardUrl}/?scenario=ecommerce`);
          const polls: number[] = [];
          page.on('request', (r) => {
            if (r.url().includes('/fragments/all')) polls.push(Date.now());
          });
          await page.waitForTimeout(6000);
          stop.shift = true;
          // Two polls to see the passes' new rhythm, then the polls that count.
          await page.waitForTimeout(5000);
          const from = Date.now();
          await page.waitForTimeout(16_000);
          await page.context().close();
          const ends = (
            await withDb(cfg, 'ecommerce_demo', (c) =>
              c.query(
                `SELECT extract(epoch FROM end_time) * 1000 AS e FROM pgtrickle.pgt_refresh_history
             WHERE end_time > now() - interval '40 seconds' ORDER BY 1`,
              ),
            )
          ).map((r) => Number(r.e));
          const counted = polls.filter((t) => t >= from);
          // How long after the latest refresh before it each poll was sent.
          const after = counted.map((t) => Math.round(t - Math.max(...ends.filter((e) => e <= t))));
          const gaps = polls.slice(1).map((t, i) => t - (polls[i] as number));
          const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
          expect(counted.length).toBeGreaterThanOrEqual(7);
          expect(mean).toBeGreaterThan(1800);
          expect(mean).toBeLessThan(2200);
          const window = VISIBLE_AFTER_MS + 250;
          const timed = after.filter((ms) => ms >= 0 && ms <= window);
          // The bar a poll sent at a random moment would meet: the share of the counted time that
          // lies within `window` after some refresh (other test files' writes may add passes). The
          // page must beat it clearly, and be timed three polls in four at least.
          const to = from + 16_000;
          let covered = 0;
          let reach = from;
          for (const e of ends) {
            const start = Math.max(e, reach);
            const end = Math.min(e + window, to);
            if (end > start) covered += end - start;
            reach = Math.max(reach, e + window);
          }
          const chance = covered / (to - from);
          expect(
            timed.length / after.length,
            `ms after a refresh: ${after.join(', ')}; a random poll: ${Math.round(chance * 100)} %`,
          ).toBeGreaterThanOrEqual(Math.max(0.75, Math.min(0.95, chance + 0.2)));
        } finally {
          stop.done = true;
          await scheduler;
        }
      }),
    QUIET_WAIT_MS,
  );
});
