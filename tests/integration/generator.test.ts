import { beforeAll, describe, expect, inject, it } from 'vitest';
import { tickOnce } from '../../cron/run';
import { type Db, withDb } from '../../db';
import { pruneEvents } from '../../db/demo/retention';
import { pruneHistory, refreshDue } from '../../db/pgtrickle/maintenance';
import { compareStreamTable } from '../../db/setup/verify';
import { freshScenario } from '../../local/scenario-setup';
import { ecommerce } from '../../scenarios/ecommerce';
import type { Scenario } from '../../scenarios/types';

const { cfg } = inject('stack');

/** Drives `ticks` generator ticks plus the compat scheduler on a simulated clock. */
async function drive(db: Db, scenario: Scenario, start: number, ticks: number) {
  let world = await scenario.generator.loadWorld(db);
  let events = 0;
  for (let i = 0; i < ticks; i++) {
    const now = new Date(start + i * 1000);
    const r = await tickOnce(db, scenario, world, now, 1000);
    expect(r.ticked).toBe(true);
    if (r.ticked) {
      events += r.events;
      world = scenario.generator.updateWorld(world, r.writes);
    }
    await refreshDue(db, now);
  }
  return events;
}

describe('generator ticks against a real database (compatibility mode)', () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await freshScenario(cfg, ecommerce, 'gen');
  });

  it('after N ticks every stream table equals its defining query run fresh', async () => {
    await withDb(cfg, scenario.database, async (db) => {
      const ordersBefore = Number((await db.query('SELECT count(*) AS n FROM orders'))[0]?.n);
      const events = await drive(db, scenario, Date.now() + 10_000, 90);
      const ordersAfter = Number((await db.query('SELECT count(*) AS n FROM orders'))[0]?.n);
      expect(ordersAfter - ordersBefore).toBeGreaterThanOrEqual(90);
      expect(events).toBeGreaterThanOrEqual(ordersAfter - ordersBefore);
      for (const st of scenario.streamTables) {
        const m = await compareStreamTable(db, st.name, st.query);
        expect(m, st.name).toMatchObject({ missing: 0, extra: 0 });
        expect(m.rows, st.name).toBeGreaterThan(0);
      }
    });
  });

  it('records honest history: FULL or NO_DATA only, real row-change counts', async () => {
    await withDb(cfg, scenario.database, async (db) => {
      const actions = await db.query(
        'SELECT DISTINCT action FROM pgtrickle.pgt_refresh_history ORDER BY action',
      );
      expect(actions.map((a) => a.action)).toEqual(['FULL', 'NO_DATA']);
      // catalog_price_impact only changes when a product is repriced: one row updated in place.
      const cpi = await db.query(
        `SELECT h.rows_inserted, h.rows_updated, h.rows_deleted FROM pgtrickle.pgt_refresh_history h
         JOIN pgtrickle.pgt_stream_tables s USING (pgt_id)
         WHERE s.pgt_name = 'catalog_price_impact' AND h.action = 'FULL' AND h.initiated_by = 'SCHEDULER'`,
      );
      expect(cpi.length).toBeGreaterThanOrEqual(1);
      for (const r of cpi) {
        expect([r.rows_inserted, r.rows_updated, r.rows_deleted]).toEqual(['0', '1', '0']);
      }
      // The 5s table was due about 18 times in 90 s; without a reprice it records NO_DATA.
      const [noData] = await db.query(
        `SELECT count(*) AS n FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables s USING (pgt_id)
         WHERE s.pgt_name = 'catalog_price_impact' AND h.action = 'NO_DATA'`,
      );
      expect(Number(noData?.n)).toBeGreaterThan(10);
      const status = await db.query('SELECT DISTINCT status FROM pgtrickle.pgt_status()');
      expect(status).toEqual([{ status: 'ACTIVE' }]);
    });
  });

  it('refreshes a calculated table only when a source changed, after its sources', async () => {
    await withDb(cfg, scenario.database, async (db) => {
      const [last] = await db.query(
        `SELECT max(h.start_time) AS t FROM pgtrickle.pgt_refresh_history h`,
      );
      const later = new Date(new Date(String(last?.t)).getTime() + 60_000);
      // Nothing changed since the last tick: fixed-schedule tables record NO_DATA, calculated
      // tables are not refreshed at all.
      const rows = await db.query('SELECT pgt_name, action FROM pgtrickle_compat.refresh_due($1)', [
        later.toISOString(),
      ]);
      expect(rows.every((r) => r.action === 'NO_DATA')).toBe(true);
      expect(rows.map((r) => r.pgt_name)).not.toContain('top_10_customers');
      // A new order: customer_stats is refreshed before top_10_customers and country_revenue.
      await db.query(
        `INSERT INTO orders (customer_id, product_id, quantity, unit_price, ordered_at) VALUES (30, 15, 3, 1000, $1)`,
        [later.toISOString()],
      );
      const after = await db.query(
        'SELECT pgt_name, action FROM pgtrickle_compat.refresh_due($1)',
        [new Date(later.getTime() + 1000).toISOString()],
      );
      const order = after.filter((r) => r.action === 'FULL').map((r) => r.pgt_name);
      expect(order).toContain('top_10_customers');
      expect(order.indexOf('customer_stats')).toBeLessThan(order.indexOf('top_10_customers'));
      expect(order.indexOf('customer_stats')).toBeLessThan(order.indexOf('country_revenue'));
    });
  });
});

describe('generator run safety', () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await freshScenario(cfg, ecommerce, 'safety');
  });

  const state = (db: Db) =>
    db
      .query(
        `SELECT cycle, events_total, (SELECT count(*) FROM orders) AS orders FROM demo_meta.generator_state`,
      )
      .then((r) => r[0]);

  it('skips a tick when another run ticked less than an interval ago, so runs do not double the rate', async () => {
    await withDb(cfg, scenario.database, async (a) =>
      withDb(cfg, scenario.database, async (b) => {
        const world = await scenario.generator.loadWorld(a);
        const now = Date.now() + 100_000;
        const [r1, r2] = await Promise.all([
          tickOnce(a, scenario, world, new Date(now), 1000),
          tickOnce(b, scenario, world, new Date(now + 5), 1000),
        ]);
        expect([r1.ticked, r2.ticked].filter(Boolean)).toHaveLength(1);
        const r3 = await tickOnce(a, scenario, world, new Date(now + 500), 1000);
        expect(r3).toEqual({ ticked: false, reason: 'recent' });
        const r4 = await tickOnce(b, scenario, world, new Date(now + 1000), 1000);
        expect(r4.ticked).toBe(true);
      }),
    );
  });

  it('loses nothing and writes nothing twice when a tick dies halfway', async () => {
    await withDb(cfg, scenario.database, async (db) => {
      const before = await state(db);
      const world = await scenario.generator.loadWorld(db);
      // The run is killed after writing its events but before storing its state.
      const dying: Scenario = {
        ...scenario,
        generator: {
          ...scenario.generator,
          apply: async (d: Db, w: unknown) => {
            await scenario.generator.apply(d, w);
            throw new Error('killed mid-tick');
          },
        },
      };
      const now = Date.now() + 200_000;
      await expect(tickOnce(db, dying, world, new Date(now), 1000)).rejects.toThrow(
        'killed mid-tick',
      );
      expect(await state(db)).toEqual(before);
      // The next run resumes from the same cycle.
      const r = await tickOnce(db, scenario, world, new Date(now), 1000);
      expect(r).toMatchObject({ ticked: true, cycle: Number(before?.cycle) });
    });
  });

  it('prunes events older than the retention window in bounded batches', async () => {
    await withDb(cfg, scenario.database, async (db) => {
      const now = new Date(Date.now() + 300_000);
      await db.query(
        `INSERT INTO orders (customer_id, product_id, quantity, unit_price, ordered_at)
         SELECT 1, 1, 1, 10, $1::timestamptz - interval '2 hours' FROM generate_series(1, 25)`,
        [now.toISOString()],
      );
      const old = async () =>
        Number(
          (
            await db.query(
              `SELECT count(*) AS n FROM orders WHERE ordered_at < $1::timestamptz - interval '60 minutes'`,
              [now.toISOString()],
            )
          )[0]?.n,
        );
      const total = await old();
      expect(total).toBeGreaterThanOrEqual(25);
      expect(await pruneEvents(db, scenario.eventTables, now, 60, 10)).toBe(10);
      expect(await old()).toBe(total - 10);
      while ((await pruneEvents(db, scenario.eventTables, now, 60, 10)) > 0) {}
      expect(await old()).toBe(0);
      const [recent] = await db.query('SELECT count(*) AS n FROM orders');
      expect(Number(recent?.n)).toBeGreaterThan(0);
    });
  });
});

describe('refresh history pruning', () => {
  it('deletes history older than the window in bounded batches and keeps the rest', async () => {
    const scenario = await freshScenario(cfg, ecommerce, 'history');
    await withDb(cfg, scenario.database, async (db) => {
      const now = new Date(Date.now() + 3_600_000);
      await db.query(
        `INSERT INTO pgtrickle.pgt_refresh_history (pgt_id, data_timestamp, start_time, end_time, action, status, initiated_by)
         SELECT (SELECT min(pgt_id) FROM pgtrickle.pgt_stream_tables), $1::timestamptz - interval '5 hours',
                $1::timestamptz - interval '5 hours', $1::timestamptz - interval '5 hours', 'NO_DATA',
                'COMPLETED', 'SCHEDULER'
         FROM generate_series(1, 30)`,
        [now.toISOString()],
      );
      const count = async () =>
        Number((await db.query('SELECT count(*) AS n FROM pgtrickle.pgt_refresh_history'))[0]?.n);
      const before = await count();
      expect(await pruneHistory(db, now, 120, 20)).toBe(20);
      expect(await pruneHistory(db, now, 120, 20)).toBe(10);
      expect(await pruneHistory(db, now, 120, 20)).toBe(0);
      expect(await count()).toBe(before - 30);
      // The bootstrap's own INITIAL refreshes are an hour old on this clock: kept.
      expect(await count()).toBeGreaterThanOrEqual(6);
    });
  });
});
