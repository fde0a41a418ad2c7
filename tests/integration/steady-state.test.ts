// Three simulated hours of each scenario against a real database, refreshing as the engine
// would and pruning to the 60-minute window: every panel must still tell a meaningful story.
import { describe, expect, inject, it } from 'vitest';
import { type Db, withDb } from '../../db';
import { refreshDue } from '../../db/pgtrickle/maintenance';
import { freshScenario } from '../../local/scenario-setup';
import { simulate } from '../../local/simulate';
import { scenarios } from '../../scenarios';
import { burstAmount } from '../../scenarios/fraud/generator';
import type { Scenario } from '../../scenarios/types';

const { cfg } = inject('stack');
const HOURS = 3;
const REFRESH_EVERY = 60; // simulated seconds between refreshes (the checks are per refresh)
const START = Date.UTC(2027, 0, 4, 9, 0, 0);
const byId = (id: string) => scenarios.find((s) => s.id === id) as Scenario;

/** Runs the simulation; `check` sees the database after every refresh. */
async function run(
  scenario: Scenario,
  check: (db: Db, now: Date, tick: number) => Promise<void>,
): Promise<void> {
  const copy = await freshScenario(cfg, scenario, 'steady');
  await withDb(
    cfg,
    copy.database,
    (db) =>
      simulate(db, copy, {
        start: START,
        seconds: HOURS * 3600,
        seed: 2027,
        refreshEvery: REFRESH_EVERY,
        retentionMinutes: 60,
        onRefresh: (now, tick) => check(db, now, tick),
      }).then(() => undefined),
    { statementTimeoutMs: 120_000 },
  );
}

const one = async (db: Db, sql: string) => (await db.query(sql))[0] ?? {};
const n = (v: unknown) => Number(v ?? 0);

describe(`steady state over ${HOURS} simulated hours`, { timeout: 420_000 }, () => {
  it.concurrent('fraud keeps LOW, MEDIUM and HIGH, HIGH a small minority, no risk rate stuck at 100 %', async () => {
    const shares: { low: number; medium: number; high: number; maxRate: number; txns: number }[] =
      [];
    await run(byId('fraud'), async (db, _now, tick) => {
      if (tick < 1800 || tick % 1800 !== 0) return; // every 30 min after the first half hour
      const r = await one(
        db,
        `SELECT (SELECT txn_count FROM alert_summary WHERE risk_level = 'LOW') AS low,
                (SELECT txn_count FROM alert_summary WHERE risk_level = 'MEDIUM') AS medium,
                (SELECT txn_count FROM alert_summary WHERE risk_level = 'HIGH') AS high,
                (SELECT max(risk_rate_pct) FROM top_risky_merchants) AS max_rate,
                (SELECT count(*) FROM transactions) AS txns`,
      );
      shares.push({
        low: n(r.low),
        medium: n(r.medium),
        high: n(r.high),
        maxRate: n(r.max_rate),
        txns: n(r.txns),
      });
    });
    console.log('fraud checkpoints', JSON.stringify(shares));
    expect(shares.length).toBeGreaterThanOrEqual(5);
    for (const s of shares) {
      const total = s.low + s.medium + s.high;
      expect(s.high).toBeGreaterThan(0);
      expect(s.medium).toBeGreaterThan(s.high);
      expect(s.low).toBeGreaterThan(s.medium);
      expect(s.high / total).toBeLessThan(0.1);
      expect(s.medium / total).toBeGreaterThan(0.05);
      expect(s.maxRate).toBeLessThan(100);
    }
    // Event table bounded: after the first hour the window holds a steady number of rows.
    const full = shares.filter((_, i) => i >= 1).map((s) => s.txns);
    expect(Math.max(...full) / Math.min(...full)).toBeLessThan(1.15);
    expect(Math.max(...full)).toBeLessThan(6000);
  });

  it.concurrent('ecommerce reaches every category and most customers; the top 10 changes every hour', async () => {
    const snapshots: { tick: number; top: string }[] = [];
    const coverage: { categories: number; customers: number; orders: number }[] = [];
    await run(byId('ecommerce'), async (db, _now, tick) => {
      const top = await db.query('SELECT customer_name FROM top_10_customers ORDER BY rank');
      snapshots.push({ tick, top: top.map((r) => r.customer_name).join(',') });
      if (tick >= 1800 && tick % 1800 === 0) {
        const r = await one(
          db,
          `SELECT (SELECT count(*) FROM category_revenue WHERE order_count > 0) AS categories,
                  (SELECT count(*) FROM customer_stats WHERE order_count > 0) AS customers,
                  (SELECT count(*) FROM orders) AS orders`,
        );
        coverage.push({
          categories: n(r.categories),
          customers: n(r.customers),
          orders: n(r.orders),
        });
      }
    });
    console.log('ecommerce checkpoints', JSON.stringify(coverage));
    for (const c of coverage) {
      expect(c.categories).toBe(8);
      expect(c.customers).toBeGreaterThanOrEqual(25);
    }
    for (let h = 0; h < HOURS; h++) {
      const inHour = snapshots.filter((s) => s.tick > h * 3600 && s.tick <= (h + 1) * 3600);
      const changes = inHour.filter((s, i) => i > 0 && s.top !== inHour[i - 1]?.top).length;
      expect(changes, `top 10 changes in hour ${h + 1}`).toBeGreaterThanOrEqual(1);
    }
    const full = coverage.filter((_, i) => i >= 1).map((c) => c.orders);
    expect(Math.max(...full) / Math.min(...full)).toBeLessThan(1.15);
  });

  it.concurrent('finance reaches 5 portfolios, 8 sectors, >1,000 positions and more than one capital status', async () => {
    const statuses = new Set<string>();
    const checkpoints: {
      portfolios: number;
      sectors: number;
      positions: number;
      trades: number;
    }[] = [];
    await run(byId('finance'), async (db, _now, tick) => {
      for (const r of await db.query('SELECT DISTINCT capital_status FROM breach_dashboard')) {
        statuses.add(String(r.capital_status));
      }
      if (tick >= 3600 && tick % 1800 === 0) {
        const r = await one(
          db,
          `SELECT (SELECT count(*) FROM portfolio_pnl) AS portfolios,
                  (SELECT count(*) FROM sector_exposure) AS sectors,
                  (SELECT count(*) FROM net_positions WHERE net_quantity <> 0) AS positions,
                  (SELECT count(*) FROM trades) AS trades`,
        );
        checkpoints.push({
          portfolios: n(r.portfolios),
          sectors: n(r.sectors),
          positions: n(r.positions),
          trades: n(r.trades),
        });
      }
    });
    console.log('finance checkpoints', JSON.stringify(checkpoints), 'statuses', [...statuses]);
    for (const c of checkpoints) {
      expect(c.portfolios).toBe(5);
      expect(c.sectors).toBe(8);
      expect(c.positions).toBeGreaterThan(1000);
    }
    expect(statuses.size).toBeGreaterThan(1);
    const trades = checkpoints.map((c) => c.trades);
    expect(Math.max(...trades) / Math.min(...trades)).toBeLessThan(1.15);
  });

  it('a suspicious burst produces HIGH alerts on the next refresh', async () => {
    const copy = await freshScenario(cfg, byId('fraud'), 'burst');
    await withDb(cfg, copy.database, async (db) => {
      const at = Date.now() + 60_000;
      await refreshDue(db, new Date(at));
      const [before] = await db.query(
        `SELECT count(*) AS n FROM risk_scores WHERE risk_level = 'HIGH'`,
      );
      // The generator's burst shape: 8 rapid, escalating transactions at a Crypto merchant.
      const size = 8;
      for (let k = 1; k <= size; k++) {
        await db.query(
          `INSERT INTO transactions (user_id, merchant_id, amount, txn_at)
           SELECT 3, id, $1, $2 FROM merchants WHERE category = 'Crypto' ORDER BY id LIMIT 1`,
          [burstAmount('Crypto', k, size, 1), new Date(at + 1000 + k * 100).toISOString()],
        );
      }
      await refreshDue(db, new Date(at + 3000));
      const high = await db.query(
        `SELECT txn_id, amount FROM risk_scores WHERE risk_level = 'HIGH' AND user_id = 3 ORDER BY txn_id`,
      );
      expect(high.length).toBeGreaterThanOrEqual(2);
      expect(Number(before?.n) + high.length).toBeGreaterThan(Number(before?.n));
      const [summary] = await db.query(
        `SELECT txn_count FROM alert_summary WHERE risk_level = 'HIGH'`,
      );
      expect(Number(summary?.txn_count)).toBeGreaterThanOrEqual(high.length);
    });
  });
});
