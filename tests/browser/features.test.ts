// The dashboard's features, as a visitor uses them, in Chromium against the Worker in workerd.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runGenerator } from '../../cron/run';
import { withDb } from '../../db';
import { scenarios } from '../../scenarios';
import '../../local/driver';
import { launch, open, shot } from './chromium';

// Callbacks passed to page.evaluate run in the page; these are the page globals they use.
declare const document: {
  hidden: boolean;
  dispatchEvent(e: unknown): boolean;
};

const { cfg, dashboardUrl, writerCfg } = inject('stack');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const nodes = (page: Page) =>
  page.$$eval('#body-dag svg.dag [data-node]', (els) =>
    els.map((e) => e.getAttribute('data-node') ?? ''),
  );
const edges = (page: Page) =>
  page.$$eval('#body-dag svg.dag [data-edge]', (els) =>
    els.map((e) => e.getAttribute('data-edge') ?? ''),
  );

describe('the live DAG', () => {
  for (const s of scenarios) {
    it(`${s.id}: draws every stream table and base table, with the real edges`, async () => {
      // A generator tick of its own just before (events, then the refresh that picks them up):
      // the ages below are in seconds whatever ran (or did not) in the shared database in the
      // minutes before this test. A refresh alone is not enough: with nothing new it is NO_DATA,
      // and the node keeps the age of the last refresh that did work.
      await runGenerator({
        cfg: writerCfg,
        scenarios: [s],
        runMs: 500,
        tickMs: 1000,
        retentionMinutes: 60,
        log: () => {},
      });
      const { page, errors } = await open(browser, `${dashboardUrl}/?scenario=${s.id}`);
      const expected = await withDb(cfg, s.database, (db) =>
        db.query(
          `SELECT st.pgt_name AS target, d.source_relid::regclass::text AS source
           FROM pgtrickle.pgt_dependencies d JOIN pgtrickle.pgt_stream_tables st USING (pgt_id)`,
        ),
      );
      const wantNodes = new Set([
        ...s.streamTables.map((t) => t.name),
        ...expected.map((e) => String(e.source)),
      ]);
      expect(new Set(await nodes(page))).toEqual(wantNodes);
      expect(new Set(await edges(page))).toEqual(
        new Set(expected.map((e) => `${e.source}->${e.target}`)),
      );
      if (s.id === 'fraud') {
        const e = await edges(page);
        expect(e).toContain('user_velocity->risk_scores');
        expect(e).toContain('merchant_stats->risk_scores');
      }
      // Each stream table node shows its mode, the age of its last refresh and rows changed of
      // rows held; in compatibility mode that its refreshes were full: never a bare DIFF. The
      // refresh above is on the page within a poll (the page may have loaded data read just
      // before it: the producer reads once per pass, here every 2 s).
      const dagText = () => page.locator('#body-dag svg.dag').textContent();
      await expect.poll(dagText, { timeout: 6000 }).toMatch(/L1 · DIFF→FULL · \d+\.\d s ago/);
      const text = await dagText();
      expect(text).toContain(s.streamTables[0]?.name);
      expect(text).toMatch(/\d+ of \d+ rows/);
      expect(text).not.toMatch(/(^|[^→])DIFF · /);
      await shot(page, `dag-${s.id}`);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  it('stays readable on a phone: the graph becomes a list by level, nothing clipped', async () => {
    const { page } = await open(browser, `${dashboardUrl}/?scenario=finance`, { width: 390 });
    expect(await page.locator('#body-dag svg.dag').isVisible()).toBe(false);
    const listed = await page.$$eval('#body-dag .dag-list li[data-node]', (els) =>
      els.map((e) => e.getAttribute('data-node') ?? ''),
    );
    const finance = scenarios.find((x) => x.id === 'finance');
    expect(listed.sort()).toEqual(finance?.streamTables.map((t) => t.name).sort());
    for (const box of await page.locator('#body-dag .dag-list li[data-node]').all()) {
      const b = await box.boundingBox();
      expect((b?.x ?? 0) + (b?.width ?? 0)).toBeLessThanOrEqual(390);
    }
    // The chain reads top to bottom: L10 is the last level.
    await expect(page.locator('#body-dag .dag-level').last().textContent()).resolves.toContain(
      'breach_dashboard',
    );
    await shot(page, 'phone-finance');
    await page.context().close();
  });
});

describe('the SQL behind a stream table', () => {
  it('opens from a node click, with the query the engine stored', async () => {
    const { page, errors } = await open(browser, `${dashboardUrl}/?scenario=fraud`);
    // Before any pick, the panel shows the scenario's first table rather than standing empty,
    // and says how it is maintained here (no delta SQL in compatibility mode, and why).
    const first = scenarios.find((x) => x.id === 'fraud')?.streamTables[0]?.name as string;
    await expect(page.locator('#body-sql > p.note').first().textContent()).resolves.toContain(
      `${first} ·`,
    );
    await expect(page.locator('#body-sql').textContent()).resolves.toContain('pick another');
    await expect(page.locator('#body-sql').textContent()).resolves.toContain(
      'Compatibility mode recomputes the whole query',
    );
    await page.locator('#body-dag svg.dag g[data-node="risk_scores"]').click();
    await page.waitForURL(/node=risk_scores/);
    await expect(page.locator('#body-sql > pre').textContent()).resolves.toContain(
      'WITH recent AS',
    );
    await expect(page.locator('#body-sql').textContent()).resolves.not.toContain('pick another');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opens from a deep link and marks the node', async () => {
    const { page } = await open(browser, `${dashboardUrl}/?scenario=finance&node=portfolio_var`);
    const [stored] = await withDb(cfg, 'finance_demo', (db) =>
      db.query(
        `SELECT defining_query FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'portfolio_var'`,
      ),
    );
    expect(await page.locator('#body-sql > pre').textContent()).toBe(
      String(stored?.defining_query),
    );
    expect(await page.locator('#body-dag svg.dag g.selected').getAttribute('data-node')).toBe(
      'portfolio_var',
    );
    await page.context().close();
  });
});

describe('try it', () => {
  it('runs a seed example read-only and shows its rows', async () => {
    const { page, errors } = await open(browser, `${dashboardUrl}/?scenario=ecommerce`);
    await page.locator('#try-category-revenue button').click();
    const rows = page.locator('#try-result-category-revenue tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(8);
    expect(await page.locator('#try-result-category-revenue').textContent()).toContain('read-only');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('runs the corrected version of a seed query that cannot work as printed', async () => {
    const { page } = await open(browser, `${dashboardUrl}/?scenario=finance`);
    await page.locator('#try-change-ratios button').click();
    await page.locator('#try-result-change-ratios tbody tr').first().waitFor();
    expect(await page.locator('#try-result-change-ratios tbody tr').count()).toBe(10);
    await page.context().close();
  });
});

describe('live behaviour', () => {
  it('pauses polling while the tab is hidden and polls at once when it is shown', async () => {
    const { page } = await open(browser, `${dashboardUrl}/?scenario=ecommerce`);
    const polls: number[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/fragments/all')) polls.push(Date.now());
    });
    await page.waitForTimeout(4500);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    // Headless Chromium never hides a tab by itself, so the page is told what a browser would
    // tell it when the visitor switches away: document.hidden and a visibilitychange event.
    const setHidden = (hidden: boolean) =>
      page.evaluate((h) => {
        Object.defineProperty(document, 'hidden', { value: h, configurable: true });
        Object.defineProperty(document, 'visibilityState', {
          value: h ? 'hidden' : 'visible',
          configurable: true,
        });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await page.waitForTimeout(500);
    const hiddenFrom = polls.length;
    await page.waitForTimeout(5000);
    expect(polls.length).toBe(hiddenFrom);
    const shownAt = Date.now();
    await setHidden(false);
    await page.waitForTimeout(700);
    expect(polls.length).toBe(hiddenFrom + 1);
    expect((polls.at(-1) ?? 0) - shownAt).toBeLessThan(600);
    await page.context().close();
  });

  it('names the scenario in the title, description and Open Graph tags', async () => {
    for (const s of scenarios) {
      const html = await (await fetch(`${dashboardUrl}/?scenario=${s.id}`)).text();
      expect(html).toContain(`<title>${s.title} · pg_trickle live demo</title>`);
      expect(html).toContain(
        `<meta property="og:title" content="${s.title} · pg_trickle live demo"/>`,
      );
      expect(html).toContain(
        `<meta property="og:url" content="${dashboardUrl}/?scenario=${s.id}"/>`,
      );
    }
  });
});
