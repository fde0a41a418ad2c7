// What the public URL must withstand: bad input, many visitors, a stream table in trouble, a
// monitor asking for health, a generator run with the database gone.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runGenerator } from '../../cron/run';
import { withDb } from '../../db';
import { freshScenario } from '../../local/scenario-setup';
import { dbVars } from '../../local/stack';
import { startWrangler, type WranglerDev } from '../../local/wrangler';
import { scenarios } from '../../scenarios';
import type { Scenario } from '../../scenarios/types';
import { checkScenario, GENERATOR_STALE_S, SCHEDULER_LAG_LIMIT_S } from '../../worker/health';
import '../../local/driver';

const { cfg, readerCfg, dashboardUrl, generatorUrl } = inject('stack');

interface Health {
  ok: boolean;
  problems: string[];
  scenarios: {
    scenario: string;
    database: string;
    engine?: string;
    engineVersion?: string | null;
    generatorLastTickAgeS?: number;
    maxStalenessS?: number;
    unhealthyStreamTables?: string[];
  }[];
}
const get = (path: string, init?: RequestInit) =>
  fetch(`${dashboardUrl}${path}`, { redirect: 'manual', ...init });

// Every refusal is checked in-process (tests/unit/app.test.tsx); here, that workerd answers the
// same way, headers included.
describe('bad input, in workerd', () => {
  const table: [string, number, RequestInit?][] = [
    ['/?scenario=nope', 404],
    ['/fragments/all?scenario=fraud%00', 400],
    [`/?x=${'a'.repeat(2100)}`, 414],
    ['/', 405, { method: 'POST', body: 'x' }],
  ];
  for (const [path, status, init] of table) {
    it(`${init?.method ?? 'GET'} ${path.slice(0, 40)} → ${status}`, async () => {
      const res = await get(path, init);
      expect(res.status).toBe(status);
      expect(await res.text()).not.toMatch(/at .*\.(ts|js):\d+/);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      if (status === 405) expect(res.headers.get('allow')).toBe('GET, HEAD');
    });
  }
});

// Database work per scheduler pass for many visitors in several data centres: network.test.ts.
describe('one drawing of a fragment for concurrent requests in a data centre', () => {
  let dash: WranglerDev;
  beforeAll(async () => {
    // A dashboard of its own (a cache of its own), without the per-client rate limit (all
    // requests here share one address).
    dash = await startWrangler({ vars: { ...dbVars(readerCfg), RATE_LIMIT: 'off' } });
  });
  afterAll(async () => {
    await dash?.stop();
  });

  it('shares a fragment between concurrent requests (cache or coalescing)', async () => {
    await new Promise((r) => setTimeout(r, 2000)); // let any cached copy expire
    const res = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${dash.url}/fragments/all?scenario=fraud`)),
    );
    const how = res.map((r) => r.headers.get('x-cache'));
    expect(res.every((r) => r.status === 200)).toBe(true);
    expect(how.filter((h) => h === 'MISS').length).toBe(1);
    let from = res[0] as Response;
    let again = await fetch(`${dash.url}/fragments/all?scenario=fraud`);
    // A poll that lands within 500 ms of its copy's replacement waits for the new copy (a MISS,
    // by design): the one after it is served from that copy.
    if (again.headers.get('x-cache') === 'MISS') {
      from = again;
      again = await fetch(`${dash.url}/fragments/all?scenario=fraud`);
    }
    expect(again.headers.get('x-cache')).toBe('HIT');
    // Sent gzipped once compressed (fetch asks for gzip and decodes it): the same fragment.
    expect(again.headers.get('content-encoding')).toBe('gzip');
    expect(await again.text()).toBe(await from.text());
  });
});

describe('per-client rate limit', () => {
  it('answers 429 once a client exceeds 1,200 fragment requests a minute, and not before', async () => {
    // A dashboard of its own: the limit counts per client address, and every test here shares one.
    const dash = await startWrangler({ vars: dbVars(readerCfg) });
    try {
      // The limit is checked before any work, so an unknown panel (404, no database) is the
      // cheapest request to count with; 1,300 of them, 100 at a time.
      const statuses: number[] = [];
      // A request that stalls under the suite's load is retried, not waited on forever.
      const once = async (): Promise<number> => {
        for (let attempt = 0; ; attempt++) {
          try {
            const r = await fetch(`${dash.url}/fragments/nope?scenario=ecommerce`, {
              signal: AbortSignal.timeout(10_000),
            });
            await r.arrayBuffer();
            return r.status;
          } catch (err) {
            if (attempt >= 2) throw err;
          }
        }
      };
      // The local rate limiter (miniflare) counts in fixed 60 s windows aligned to the clock:
      // 1,300 requests split across a window's end would never reach 1,200 in either. Start in
      // the first 20 s of a window (they take 10–30 s here).
      const intoWindow = Date.now() % 60_000;
      if (intoWindow > 20_000) await new Promise((ok) => setTimeout(ok, 60_000 - intoWindow + 200));
      const started = Date.now();
      for (let batch = 0; batch < 13; batch++) {
        statuses.push(...(await Promise.all(Array.from({ length: 100 }, once))));
      }
      expect(Date.now() - started, 'all requests inside one window').toBeLessThan(40_000);
      const first429 = statuses.indexOf(429);
      expect(statuses.slice(0, 1000).every((s) => s === 404)).toBe(true);
      expect(first429).toBeGreaterThanOrEqual(1000);
      // Now every fragment is refused, real ones included.
      const limited = await fetch(`${dash.url}/fragments/kpis?scenario=ecommerce`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('10');
      // Pages and assets are not limited.
      expect((await fetch(`${dash.url}/app.css`)).status).toBe(200);
    } finally {
      await dash.stop();
    }
  }, 240_000);
});

describe('/healthz', () => {
  it('reports reachability, engine, generator freshness and staleness, 200 when all is well', async () => {
    await fetch(`${generatorUrl}/__scheduled?cron=*+*+*+*+*`); // the generator has just ticked
    const res = await get('/healthz');
    const body = (await res.json()) as Health;
    expect(body.scenarios.map((s) => s.scenario)).toEqual(['ecommerce', 'fraud', 'finance']);
    for (const s of body.scenarios) {
      expect(s).toMatchObject({
        database: 'reachable',
        engine: 'compatibility mode — full refresh only',
        engineVersion: '0.108.3-compat',
      });
      expect(s.generatorLastTickAgeS).toBeLessThan(30);
      expect(typeof s.maxStalenessS).toBe('number');
    }
    expect(res.status).toBe(body.ok ? 200 : 503);
    expect(body.ok, JSON.stringify(body.problems)).toBe(true);
  });
});

describe('/healthz, when something has stopped (checkScenario, as the route calls it, as demo_reader)', () => {
  const setAges = (database: string, tickAgeS: number | null, refreshAgeS: number) =>
    withDb(cfg, database, async (db) => {
      await db.query(
        `UPDATE demo_meta.generator_state
         SET last_tick_at = now() - make_interval(secs => $1::float8)`,
        [tickAgeS],
      );
      await db.query(
        `UPDATE pgtrickle.pgt_stream_tables
         SET last_refresh_at = now() - make_interval(secs => $1::float8)`,
        [refreshAgeS],
      );
    });

  it('says the generator has not ticked recently, and the scheduler is behind, each on its own', async () => {
    const s = await freshScenario(cfg, scenarios[0] as Scenario, 'health');
    // All well: a tick 5 s ago, every table visited 5 s ago.
    await setAges(s.database, 5, 5);
    expect((await checkScenario(readerCfg, s)).problems).toEqual([]);
    // Never ticked, then ticked longer ago than a cron run lasts.
    await setAges(s.database, null, 5);
    expect((await checkScenario(readerCfg, s)).problems).toEqual([
      'generator has not ticked recently',
    ]);
    await setAges(s.database, GENERATOR_STALE_S + 30, 5);
    const stale = await checkScenario(readerCfg, s);
    expect(stale.problems).toEqual(['generator has not ticked recently']);
    expect(stale.generatorLastTickAgeS).toBeGreaterThan(GENERATOR_STALE_S);
    // The generator ticks, but the scheduler has not visited the tables for longer than allowed.
    await setAges(s.database, 5, SCHEDULER_LAG_LIMIT_S + 30);
    expect((await checkScenario(readerCfg, s)).problems).toEqual(['the scheduler is behind']);
  });
});

describe('generator run with the database gone', () => {
  it('logs the failure per scenario and exits promptly', async () => {
    const logs: Record<string, unknown>[] = [];
    const t0 = Date.now();
    const gone = { ...cfg, DATABASE_URL: 'postgres://demo:demo@127.0.0.1:1/postgres' };
    const summaries = await runGenerator({
      cfg: gone,
      scenarios,
      runMs: 30_000,
      tickMs: 1000,
      retentionMinutes: 60,
      log: (e) => logs.push(e),
    });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(summaries.every((s) => s.error && s.ticks === 0)).toBe(true);
    expect(logs).toHaveLength(3);
    expect(logs.every((l) => l.level === 'error' && l.msg === 'generator run')).toBe(true);
  });
});
