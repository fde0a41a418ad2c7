// Bounded storage: a simulated day of generator ticks with event retention and refresh-history
// pruning, refreshing as the engine would: the event table, the stream tables and the history
// stay the same size from the second hour on. The refreshes run every 5 simulated minutes (a day
// of 1 s refreshes would take hours here), so between two of them the test writes the history
// rows the scheduler would have written meanwhile — one per schedule slot per table, NO_DATA
// rows of the engine's shape — and history is kept at the volume a real day produces.
import { describe, expect, inject, it } from 'vitest';
import { ACTIONS_PER_MINUTE } from '../../cron/actions';
import { withDb } from '../../db';
import { pruneChanges } from '../../db/demo/changes';
import { freshScenario } from '../../local/scenario-setup';
import { mergeWrites, simulate } from '../../local/simulate';
import { ecommerce } from '../../scenarios/ecommerce';
import { createRandom, tickSeed } from '../../scenarios/random';

const { cfg } = inject('stack');
const REFRESH_EVERY_S = 300;
const HISTORY_MINUTES = 120;

/** History rows a real scheduler writes per second: a calculated table refreshes about once a
 * second here (its sources change every tick), a scheduled one once per schedule. */
const historyRowsPerSecond = ecommerce.streamTables.reduce(
  (sum, t) => sum + 1 / (t.schedule === 'calculated' ? 1 : Number.parseInt(t.schedule, 10)),
  0,
);

describe('storage over a simulated day', () => {
  it('stays flat: events, stream tables, refresh history and followed changes, with visitors clicking at the cap all day', {
    timeout: 300_000,
  }, async () => {
    const copy = await freshScenario(cfg, ecommerce, 'day');
    const hourly: {
      hour: number;
      orders: number;
      history: number;
      traced: number;
      bytes: number;
    }[] = [];
    let actionEvents = 0;
    await withDb(
      cfg,
      copy.database,
      (db) =>
        simulate(db, copy, {
          start: Date.UTC(2027, 1, 1),
          seconds: 24 * 3600,
          seed: 24,
          refreshEvery: REFRESH_EVERY_S,
          retentionMinutes: 60,
          historyMinutes: HISTORY_MINUTES,
          onRefresh: async (now, tick) => {
            // A script clicking all day at the visitors' cap: 12 actions a minute, written with
            // the generator's own code over the interval and recorded as changes to follow,
            // which are pruned as the generator prunes them.
            const world = await copy.generator.loadWorld(db);
            const rng = createRandom(tickSeed(99, tick));
            const batch: Record<string, unknown[]> = {};
            const clicks = (ACTIONS_PER_MINUTE * REFRESH_EVERY_S) / 60;
            for (let i = 0; i < clicks; i++) {
              const action = copy.generator.actions[i % copy.generator.actions.length];
              const at = new Date(now.getTime() - (REFRESH_EVERY_S * 1000 * (i + 1)) / clicks);
              if (action) mergeWrites(batch, action.make(world, rng, at).writes);
            }
            actionEvents += await copy.generator.apply(db, batch);
            await db.query(
              `INSERT INTO demo_meta.traced_events (at, source, kind, label, tables, events)
               SELECT $1::timestamptz - make_interval(secs => g * $2::float8 / $3), 'visitor',
                      'click', 'a scripted click', ARRAY['orders'], 1
               FROM generate_series(1, $3) g`,
              [now.toISOString(), REFRESH_EVERY_S, clicks],
            );
            await pruneChanges(db, now);
            // The scheduler's other cycles of the last interval, at real volume.
            await db.query(
              `INSERT INTO pgtrickle.pgt_refresh_history (pgt_id, data_timestamp, start_time,
                 end_time, action, status, initiated_by, duration_ms)
               SELECT s.pgt_id, t, t, t, 'NO_DATA', 'COMPLETED', 'SCHEDULER', 0
               FROM pgtrickle.pgt_stream_tables s,
                    generate_series($1::timestamptz - make_interval(secs => $2),
                                    $1::timestamptz - interval '1 second',
                                    coalesce(nullif(pgtrickle_compat.schedule_interval(s.schedule),
                                                    interval '0'),
                                             interval '1 second')) t`,
              [now.toISOString(), REFRESH_EVERY_S - 1],
            );
            if (tick % 3600 !== 0) return;
            // What autovacuum does in a running server (its naptime is real minutes; this day
            // passes in seconds): make deleted and updated rows' space reusable, in every table
            // (stream tables are rewritten by refreshes too).
            await db.query('VACUUM');
            const [r] = await db.query(
              `SELECT (SELECT count(*) FROM orders) AS orders,
                      (SELECT count(*) FROM pgtrickle.pgt_refresh_history) AS history,
                      (SELECT count(*) FROM demo_meta.traced_events) AS traced,
                      (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
                       JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.relkind = 'r' AND n.nspname IN ('public', 'pgtrickle')) AS bytes`,
            );
            hourly.push({
              hour: tick / 3600,
              orders: Number(r?.orders),
              history: Number(r?.history),
              traced: Number(r?.traced),
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
    // History at the volume of a real day: the pruning window's worth of every table's cycles.
    const expected = historyRowsPerSecond * HISTORY_MINUTES * 60;
    for (const h of steady) expect(h.history, `hour ${h.hour}`).toBeGreaterThan(0.9 * expected);
    // The clicks really wrote (about 5 events each on average), and their trace rows stay
    // within the 15 minutes kept.
    expect(actionEvents).toBeGreaterThan(24 * 60 * ACTIONS_PER_MINUTE);
    for (const h of steady) expect(h.traced).toBeLessThanOrEqual(15 * ACTIONS_PER_MINUTE + 1);
    for (const key of ['orders', 'history', 'traced', 'bytes'] as const) {
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
