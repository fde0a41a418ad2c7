// The database goes away and comes back: the page says so, keeps the last good data, and
// recovers by itself. A stack of its own (cluster, proxy, dashboard Worker), since the shared
// one must stay up for the other tests.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDb } from '../../db';
import { type RunningPostgres, startEmbeddedPostgres } from '../../db/local/embedded';
import {
  type Database,
  dbVars,
  roleConfigs,
  setupAll,
  startDatabase,
  startWrangler,
  type WranglerDev,
} from '../../scripts/stack';
import { launch, open, shot } from './chromium';

let browser: Browser;
let db: Database;
let dashboard: WranglerDev;
let parent: string;
let restarted: RunningPostgres | undefined;

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'pgtd-outage-'));
  chmodSync(parent, 0o755); // the server's user (postgres, when root) must enter it
  db = await startDatabase({ dataDir: join(parent, 'data') });
  await setupAll(db.cfg);
  [dashboard, browser] = await Promise.all([
    startWrangler({ vars: dbVars(roleConfigs(db.cfg).reader) }),
    launch(),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await restarted?.stop();
  await db?.stop();
  rmSync(parent, { recursive: true, force: true });
});

// Here, where no generator runs (elsewhere a concurrent run's refresh could set it ACTIVE again).
describe('a stream table in trouble', () => {
  it('shows ERROR and SUSPENDED tables as such, and /healthz names them', async () => {
    await withDb(db.cfg, 'fraud_demo', (c) =>
      c.query(
        `UPDATE pgtrickle.pgt_stream_tables SET status = 'SUSPENDED', consecutive_errors = 3 WHERE pgt_name = 'alert_summary'`,
      ),
    );
    try {
      const html = await (await fetch(`${dashboardUrl()}/fragments/all?scenario=fraud`)).text();
      expect(html).toContain('<span class="status status-suspended">SUSPENDED</span>');
      expect(html).toMatch(/class="[^"]*status-suspended[^"]*" data-node="alert_summary"/);
      const health = (await (await fetch(`${dashboardUrl()}/healthz`)).json()) as {
        ok: boolean;
        scenarios: { scenario: string; unhealthyStreamTables?: string[] }[];
      };
      const fraud = health.scenarios.find((s) => s.scenario === 'fraud');
      expect(fraud?.unhealthyStreamTables).toEqual(['alert_summary']);
      expect(health.ok).toBe(false);
    } finally {
      await withDb(db.cfg, 'fraud_demo', (c) =>
        c.query(
          `UPDATE pgtrickle.pgt_stream_tables SET status = 'ACTIVE', consecutive_errors = 0 WHERE pgt_name = 'alert_summary'`,
        ),
      );
    }
  });
});

describe('database outage', () => {
  it('shows a banner with the time of the last good data, and clears it when the database returns', async () => {
    const { page, errors } = await open(browser, `${dashboardUrl()}/?scenario=ecommerce`);
    const asOf = await page.locator('#as-of').textContent();
    expect(await page.locator('#banner').isHidden()).toBe(true);

    const pg = db.postgres as RunningPostgres;
    await pg.stop();
    // A fragment answers quickly with 503 while the database is down.
    const t0 = Date.now();
    const res = await fetch(`${dashboardUrl()}/fragments/all?scenario=ecommerce`);
    expect(res.status).toBe(503);
    expect(Date.now() - t0).toBeLessThan(5000);

    await page.locator('#banner').waitFor({ state: 'visible', timeout: 10_000 });
    const banner = await page.locator('#banner').textContent();
    expect(banner).toContain('Database unreachable');
    expect(banner).toContain((asOf ?? '').replace('data as of ', '').slice(0, 5));
    // The last good data stays on the page.
    expect(
      Number(
        (await page.locator('#body-kpis dd[data-kpi="Orders"]').textContent())?.replaceAll(',', ''),
      ),
    ).toBeGreaterThan(0);
    await shot(page, 'outage');

    restarted = await startEmbeddedPostgres({ dataDir: pg.dataDir, port: pg.port });
    await page.locator('#banner').waitFor({ state: 'hidden', timeout: 15_000 });
    // Failed polls are reported by the browser as console errors (503s); nothing else is.
    expect(errors.filter((e) => !e.includes('503'))).toEqual([]);
    await page.context().close();
  });
});

function dashboardUrl() {
  return dashboard.url;
}
