// Bounded storage: a simulated day of generator ticks with event retention and refresh-history
// pruning, refreshing as the engine would: the event table, the stream tables and the history
// stay the same size from the second hour on.
import { describe, expect, inject, it } from 'vitest';
import { withDb } from '../../db';
import { ecommerce } from '../../scenarios/ecommerce';
import { freshScenario } from '../helpers';
import { simulate } from '../simulate';

const { cfg } = inject('stack');

describe('storage over a simulated day', () => {
  it('stays flat: events, stream tables and refresh history', { timeout: 300_000 }, async () => {
    const copy = await freshScenario(cfg, ecommerce, 'day');
    const hourly: { hour: number; orders: number; history: number; bytes: number }[] = [];
    await withDb(
      cfg,
      copy.database,
      (db) =>
        simulate(db, copy, {
          start: Date.UTC(2027, 1, 1),
          seconds: 24 * 3600,
          seed: 24,
          refreshEvery: 300,
          retentionMinutes: 60,
          historyMinutes: 120,
          onRefresh: async (_now, tick) => {
            if (tick % 3600 !== 0) return;
            // What autovacuum does in a running server (its naptime is real minutes; this day
            // passes in seconds): make deleted and updated rows' space reusable, in every table
            // (stream tables are rewritten by refreshes too).
            await db.query('VACUUM');
            const [r] = await db.query(
              `SELECT (SELECT count(*) FROM orders) AS orders,
                      (SELECT count(*) FROM pgtrickle.pgt_refresh_history) AS history,
                      (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
                       JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.relkind = 'r' AND n.nspname IN ('public', 'pgtrickle')) AS bytes`,
            );
            hourly.push({
              hour: tick / 3600,
              orders: Number(r?.orders),
              history: Number(r?.history),
              bytes: Number(r?.bytes),
            });
          },
        }),
      { statementTimeoutMs: 120_000 },
    );
    console.log(
      'storage by simulated hour',
      JSON.stringify(hourly.filter((h) => h.hour % 4 === 0 || h.hour === 1)),
    );
    const steady = hourly.filter((h) => h.hour >= 3);
    expect(steady.length).toBeGreaterThanOrEqual(20);
    for (const key of ['orders', 'history', 'bytes'] as const) {
      const values = steady.map((h) => h[key]);
      const min = Math.min(...values);
      const max = Math.max(...values);
      expect(max / min, `${key}: ${min}..${max}`).toBeLessThan(1.3);
    }
    // And not creeping upwards: the last hours are no bigger than hours 6–8 (the first few
    // hours still fill free space as retention and autovacuum settle).
    const settled = hourly.filter((h) => h.hour >= 6);
    const first = settled.slice(0, 3).reduce((s, h) => s + h.bytes, 0) / 3;
    const last = settled.slice(-3).reduce((s, h) => s + h.bytes, 0) / 3;
    expect(last / first).toBeLessThan(1.15);
  });
});
