// The database goes away and comes back: the page says so, keeps the last good data, and
// recovers by itself. A stack of its own (cluster, proxy, dashboard Worker), since the shared
// one must stay up for the other tests.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDb } from '../../db';
import { type RunningPostgres, startEmbeddedPostgres } from '../../local/embedded-postgres';
import { setupAll } from '../../local/scenario-setup';
import { type Database, dbVars, roleConfigs, startDatabase } from '../../local/stack';
import { startWrangler, type WranglerDev } from '../../local/wrangler';
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
  it('shows a table whose refreshes keep failing as ERROR, then SUSPENDED, and /healthz names it', async () => {
    // Real failures: a constraint every row of alert_summary breaks makes each refresh fail, as a
    // broken query or a full disk would. Its source changes once; the scheduler (compatibility
    // mode's refresh_due) then retries it on every call, and the third failure suspends it.
    await withDb(db.cfg, 'fraud_demo', async (c) => {
      await c.query('ALTER TABLE alert_summary ADD CONSTRAINT pgtd_reject CHECK (false) NOT VALID');
      await c.query(
        `INSERT INTO transactions (user_id, merchant_id, amount)
         SELECT (SELECT min(id) FROM users), (SELECT min(id) FROM merchants), 4321`,
      );
    });
    const statusOf = () =>
      withDb(db.cfg, 'fraud_demo', async (c) => {
        await c.query('SELECT * FROM pgtrickle_compat.refresh_due()');
        const [r] = await c.query(
          `SELECT status, consecutive_errors FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'alert_summary'`,
        );
        return `${r?.status} ${r?.consecutive_errors}`;
      });
    try {
      expect(await statusOf()).toBe('ERROR 1');
      const error = await shownWithin(
        '/fragments/status?scenario=fraud',
        '<span class="status status-error">ERROR</span>',
      );
      expect(error).toContain('<span class="status status-error">ERROR</span>');
      expect(await statusOf()).toBe('ERROR 2');
      expect(await statusOf()).toBe('SUSPENDED 3');
      const html = await shownWithin(
        '/fragments/all?scenario=fraud',
        '<span class="status status-suspended">SUSPENDED</span>',
      );
      expect(html).toContain('<span class="status status-suspended">SUSPENDED</span>');
      expect(html).toMatch(/class="[^"]*status-suspended[^"]*" data-node="alert_summary"/);
      // The failures are in the history the page shows, with the engine's message.
      expect(html).toMatch(/<tr class="failed">.*?<code>alert_summary<\/code>/s);
      const health = (await (await fetch(`${dashboardUrl()}/healthz`)).json()) as {
        ok: boolean;
        scenarios: { scenario: string; unhealthyStreamTables?: string[] }[];
      };
      const fraud = health.scenarios.find((s) => s.scenario === 'fraud');
      expect(fraud?.unhealthyStreamTables).toEqual(['alert_summary']);
      expect(health.ok).toBe(false);
    } finally {
      // Repaired and resumed, as an operator would.
      await withDb(db.cfg, 'fraud_demo', async (c) => {
        await c.query('ALTER TABLE alert_summary DROP CONSTRAINT pgtd_reject');
        await c.query(
          `UPDATE pgtrickle.pgt_stream_tables SET status = 'ACTIVE', consecutive_errors = 0 WHERE pgt_name = 'alert_summary'`,
        );
      });
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
    // Fragments answer 503 soon after the database went (the latest data, less than a poll
    // interval old, may still be served until the producer's next read fails), and quickly.
    const t0 = Date.now();
    let res = await fetch(`${dashboardUrl()}/fragments/all?scenario=ecommerce`);
    while (res.status === 200 && Date.now() - t0 < 5000) {
      await new Promise((r) => setTimeout(r, 250));
      res = await fetch(`${dashboardUrl()}/fragments/all?scenario=ecommerce`);
    }
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

/**
 * A fragment, once it shows `text`: a change is on the page within a poll interval (the
 * producer reads every 2 s where no steady schedule runs, as here), not necessarily at once.
 */
async function shownWithin(path: string, text: string, ms = 5000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const html = await (await fetch(`${dashboardUrl()}${path}`)).text();
    if (html.includes(text) || Date.now() - t0 > ms) return html;
    await new Promise((r) => setTimeout(r, 200));
  }
}
