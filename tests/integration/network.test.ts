// The demo as a network: dashboards in three data centres (three workerd processes, each with its
// own cache and isolate) reading one snapshot producer per scenario, on a cluster of this file's
// own with the generator's scheduler passes running. Database work is counted in statements at a
// proxy of this file's (what reusing a connection cannot hide).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerator } from '../../cron/run';
import type { DbConfig } from '../../db';
import { setupAll } from '../../local/scenario-setup';
import { type Database, dbVars, roleConfigs, startDatabase } from '../../local/stack';
import { devRegistry, startWrangler, type WranglerDev } from '../../local/wrangler';
import { type RunningProxy, startWsProxy } from '../../local/ws-proxy';
import { findScenario } from '../../scenarios';
import '../../local/driver';

const ecommerce = findScenario('ecommerce');
if (!ecommerce) throw new Error('no ecommerce scenario');

let db: Database;
let writer: DbConfig;
let reader: DbConfig;
const registry = devRegistry();

beforeAll(async () => {
  db = await startDatabase({}); // a throwaway cluster of this file's own
  await setupAll(db.cfg, [ecommerce]);
  const roles = roleConfigs(db.cfg);
  writer = roles.writer;
  reader = roles.reader;
}, 120_000);

afterAll(async () => {
  await db?.stop();
  rmSync(registry, { recursive: true, force: true });
});

/** Three data centres: the first hosts the producers, the other two read them through it. */
async function startColos(readerVia: DbConfig): Promise<WranglerDev[]> {
  const vars = { ...dbVars(readerVia), RATE_LIMIT: 'off' };
  const first = await startWrangler({ vars, registry });
  const others = await Promise.all(
    [1, 2].map(() => startWrangler({ env: 'colo', vars, registry })),
  );
  return [first, ...others];
}

/** The generator's scheduler passes (compatibility mode: one per tick, one more at the end) for `ms`. */
async function passes(ms: number): Promise<number> {
  const [s] = await runGenerator({
    cfg: writer,
    scenarios: [ecommerce as NonNullable<typeof ecommerce>],
    runMs: ms,
    tickMs: 1000,
    retentionMinutes: 60,
    log: () => {},
  });
  if (s?.error) throw new Error(s.error);
  // Each tick is a pass, and so is the refresh a run ends with in compatibility mode.
  return (s?.ticks ?? 0) + 1;
}

/** `n` visitors polling `path` every 2 s (spread over the interval) across `urls` for `ms`. */
async function poll(
  urls: string[],
  n: number,
  ms: number,
  path = '/fragments/all?scenario=ecommerce',
): Promise<number[]> {
  const stopAt = Date.now() + ms;
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (2000 * i) / n));
      while (Date.now() < stopAt) {
        const t = Date.now();
        try {
          const res = await fetch(`${urls[i % urls.length]}${path}`, {
            signal: AbortSignal.timeout(8000),
          });
          await res.arrayBuffer();
          statuses.push(res.status);
        } catch {
          statuses.push(0);
        }
        await new Promise((r) => setTimeout(r, Math.max(0, 2000 - (Date.now() - t))));
      }
    }),
  );
  return statuses;
}

describe('one read per scheduler pass for the whole network', () => {
  let proxy: RunningProxy;
  let colos: WranglerDev[] = [];
  beforeAll(async () => {
    proxy = await startWsProxy();
    colos = await startColos({ ...reader, DB_WS_PROXY: proxy.url });
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled(colos.map((c) => c.stop()));
    await proxy?.close();
  });

  /**
   * Dashboard statements per scheduler pass while `n` visitors poll `urls`, and `busy` other
   * clients poll a static file on every data centre: the machine as loaded as with 200 visitors
   * (a loaded machine makes the passes wander, and a pass later than predicted costs a read that
   * finds nothing new), without asking for data.
   */
  async function perPass(urls: string[], n: number, busy = 0) {
    const before = proxy.statements();
    const [ticks, statuses] = await Promise.all([
      passes(30_000),
      poll(urls, n, 30_000),
      poll(
        colos.map((c) => c.url),
        busy,
        30_000,
        '/app.css',
      ),
    ]);
    const statements = proxy.statements() - before;
    const res = await fetch(`${urls[0]}/fragments/kpis?scenario=ecommerce`);
    const reads = res.headers.get('x-producer-reads');
    return { ticks, statements, statuses, perPass: statements / Math.max(1, ticks), reads };
  }

  it('costs one statement per pass for 200 visitors in 3 data centres, as for 1 visitor in 1 on a machine as busy', async () => {
    const url = (c: WranglerDev) => c.url;
    // Passes already running and the producer awake before counting.
    await Promise.all([passes(4000), poll([url(colos[0] as WranglerDev)], 1, 4000)]);
    const one = await perPass([url(colos[0] as WranglerDev)], 1, 199);
    const many = await perPass(colos.map(url), 200);
    console.log(
      `dashboard statements per scheduler pass: 1 visitor in 1 data centre ${one.perPass.toFixed(2)} (${one.statements} in ${one.ticks} passes), 200 visitors in 3 ${many.perPass.toFixed(2)} (${many.statements} in ${many.ticks}); producer reads (all, late) after each: ${one.reads}, ${many.reads}`,
    );
    expect(one.statuses.every((s) => s === 200)).toBe(true);
    expect(many.statuses.filter((s) => s !== 200)).toEqual([]);
    expect(many.statuses.length).toBeGreaterThan(2500);
    // About one read per pass, never one per visitor or per data centre: a pass that comes later
    // than predicted (here, one the loaded machine's generator skipped) costs a second look.
    expect(one.perPass).toBeGreaterThan(0.6);
    expect(one.perPass).toBeLessThanOrEqual(1.5);
    expect(many.perPass / one.perPass).toBeLessThanOrEqual(1.2);
  }, 120_000);

  it('shows one snapshot per poll: the orders KPI equals the orders by category, pass after pass', async () => {
    const seen: [number, number][] = [];
    await Promise.all([
      passes(12_000),
      (async () => {
        const stopAt = Date.now() + 12_000;
        while (Date.now() < stopAt) {
          const res = await fetch(`${colos[1]?.url}/fragments/all?scenario=ecommerce`);
          const html = await res.text();
          expect(res.status).toBe(200);
          seen.push([kpiOrders(html), categoryOrders(html)]);
          await new Promise((r) => setTimeout(r, 150));
        }
      })(),
    ]);
    // The orders grew while polling, and every answer agreed with itself.
    expect(new Set(seen.map(([k]) => k)).size).toBeGreaterThan(5);
    expect(seen.filter(([k, c]) => k !== c)).toEqual([]);
  }, 60_000);

  it('serves again within a pass when the data centre holding the producers restarts', async () => {
    const first = colos[0] as WranglerDev;
    const vars = { ...dbVars({ ...reader, DB_WS_PROXY: proxy.url }), RATE_LIMIT: 'off' };
    const generator = passes(25_000);
    await new Promise((r) => setTimeout(r, 3000));
    await first.stop();
    const restarted = await startWrangler({ vars, registry, port: first.port });
    colos[0] = restarted;
    const t0 = Date.now();
    const res = await fetch(`${restarted.url}/fragments/all?scenario=ecommerce`);
    const ms = Date.now() - t0;
    expect(res.status).toBe(200);
    // A cold producer reads on its first request: one statement's time, well within a pass.
    expect(ms).toBeLessThan(1000);
    // The other data centres reach the new one.
    const other = await fetch(`${colos[2]?.url}/fragments/all?scenario=ecommerce`);
    expect(other.status).toBe(200);
    await generator;
  }, 90_000);
});

describe('a slow database', () => {
  let proxy: RunningProxy;
  let colos: WranglerDev[] = [];
  beforeAll(async () => {
    // Connecting is quick; every statement takes 2 s.
    proxy = await startWsProxy({ statementDelayMs: 2000 });
    colos = await startColos({ ...reader, DB_WS_PROXY: proxy.url });
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled(colos.map((c) => c.stop()));
    await proxy?.close();
  });

  it('never stacks reads, and the page says "slow", not "unreachable"', async () => {
    const urls = colos.map((c) => c.url);
    // The first read (engine, then snapshot) takes two statements' time.
    const first = await fetch(`${urls[0]}/fragments/all?scenario=ecommerce`, {
      signal: AbortSignal.timeout(15_000),
    });
    expect(first.status).toBe(200);
    const before = proxy.statements();
    const t0 = Date.now();
    const statuses = await poll(urls, 30, 12_000);
    const seconds = (Date.now() - t0) / 1000;
    const statements = proxy.statements() - before;
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // One read at a time: at most one statement per 2 s, however many visitors wait.
    expect(statements).toBeLessThanOrEqual(Math.ceil(seconds / 2) + 1);
    const html = await (await fetch(`${urls[1]}/fragments/all?scenario=ecommerce`)).text();
    expect(html).toContain('data-slow="true"');
    expect(html).toMatch(/database slow: the last read took [2-9]\.\d s/);
    // The page itself, not the outage page (503) a database that does not answer gets.
    const page = await fetch(`${urls[2]}/?scenario=ecommerce`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(
      /<span id="read-speed"[^>]*data-slow="true"[^>]*>database slow/,
    );
  }, 90_000);
});

/** The "Orders" KPI of the ecommerce page. */
function kpiOrders(html: string): number {
  const m = /data-kpi="Orders">([\d,]+)</.exec(html);
  if (!m?.[1]) throw new Error('no Orders KPI');
  return Number(m[1].replaceAll(',', ''));
}

/** The sum of the Orders column of "Revenue by Category". */
function categoryOrders(html: string): number {
  const start = html.indexOf('id="body-category-revenue"');
  const body = html.slice(start, html.indexOf('id="body-', start + 10));
  const rows = body.split('<tr').slice(2); // the header row, then one row per category
  if (start < 0 || rows.length === 0) throw new Error('no category table');
  return rows.reduce((sum, row) => {
    const cells = [...row.matchAll(/<td[^>]*>([^<]*)</g)].map((m) => m[1] ?? '');
    return sum + Number((cells[1] ?? 'NaN').replaceAll(',', ''));
  }, 0);
}
