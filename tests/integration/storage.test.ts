// Bounded storage: simulated hours of every scenario's generator ticks with event retention and
// refresh-history pruning, refreshing as the engine would, with visitors clicking faster than the
// cap the whole time through the generator Worker's own action code (`act`, the real cap of 12 a
// minute included, on the simulated clock). The event tables, the stream tables, the history and
// the followed changes stay the same size once the longest window (history, 2 h) has filled.
//
// Four and a half simulated hours by default, measured every half hour: every click is a
// transaction of its own (about 9 statements), ~17,000 a day per scenario; six hours of the three
// took 160 s here, so a day would take about ten minutes, too long for the suite.
// STORAGE_HOURS=24 runs the day.
//
// The refreshes run every 5 simulated minutes (a day of 1 s refreshes would take hours here), so
// between two of them the test writes the history rows the scheduler would have written
// meanwhile (one per schedule slot per table, NO_DATA rows of the engine's shape): what is
// checked of them is the pruning, which must keep exactly its window at that volume.
import { describe, expect, inject, it } from 'vitest';
import { ACTIONS_PER_MINUTE, act } from '../../cron/actions';
import { type Db, withDb } from '../../db';
import { pruneChanges } from '../../db/demo/changes';
import { freshScenario } from '../../local/scenario-setup';
import { simulate } from '../../local/simulate';
import { scenarios } from '../../scenarios';
import type { Scenario } from '../../scenarios/types';

const { cfg } = inject('stack');
const HOURS = Number(process.env.STORAGE_HOURS ?? 4.5);
const SPAN_S = HOURS * 3600;
const REFRESH_EVERY_S = 300;
const HISTORY_MINUTES = 120;
/** Visitors try every 4 s: 15 a minute, 3 more than the cap lets through (an interval that
 * divides the minute, so the cap's sliding minute lets exactly 12 a minute through). */
const CLICK_EVERY_S = 4;
/** Simulated seconds between two measurements. */
const MEASURE_EVERY_S = 1800;
/** Hours from which every window (events 1 h, history 2 h, followed changes 15 min) is full. */
const STEADY_FROM_HOUR = 3;

interface Hour {
  hour: number;
  events: number;
  history: number;
  /** Minutes between the checkpoint and the oldest history row kept. */
  historySpanMin: number;
  traced: number;
  bytes: number;
}

/** Visitors clicking over one refresh interval ending at `now`, through the cap. */
async function clickThrough(db: Db, s: Scenario, now: Date) {
  let accepted = 0;
  let refused = 0;
  const ids = s.generator.actions.map((a) => a.id);
  for (let t = REFRESH_EVERY_S; t > 0; t -= CLICK_EVERY_S) {
    const at = new Date(now.getTime() - t * 1000);
    const r = await act(db, {
      scenario: s,
      action: ids[(accepted + refused) % ids.length] ?? '',
      at,
    });
    if (r.ok) accepted++;
    else if (r.reason === 'busy') refused++;
    else throw new Error(`action refused: ${JSON.stringify(r)}`);
  }
  await pruneChanges(db, now);
  return { accepted, refused };
}

/** The history rows the scheduler writes between two simulated refreshes, at real volume. */
async function schedulerCycles(db: Db, now: Date) {
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
}

async function measure(db: Db, s: Scenario, now: Date, tick: number): Promise<Hour> {
  // What autovacuum does in a running server (its naptime is real minutes; this day passes in
  // seconds): make deleted and updated rows' space reusable, in every table (stream tables are
  // rewritten by refreshes too).
  await db.query('VACUUM');
  const events = s.eventTables.map((e) => `(SELECT count(*) FROM ${e.table})`).join(' + ');
  const [r] = await db.query(
    `SELECT ${events} AS events,
            (SELECT count(*) FROM pgtrickle.pgt_refresh_history) AS history,
            extract(epoch FROM $1::timestamptz
                    - (SELECT min(start_time) FROM pgtrickle.pgt_refresh_history)) / 60 AS span,
            (SELECT count(*) FROM demo_meta.traced_events) AS traced,
            (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname IN ('public', 'pgtrickle', 'demo_meta')) AS bytes`,
    [now.toISOString()],
  );
  return {
    hour: tick / 3600,
    events: Number(r?.events),
    history: Number(r?.history),
    historySpanMin: Number(r?.span),
    traced: Number(r?.traced),
    bytes: Number(r?.bytes),
  };
}

describe(`storage over ${HOURS} simulated hours, visitors clicking through the cap all along`, () => {
  it.concurrent.each(scenarios.map((s) => [s.id, s] as const))(
    '%s stays flat: events, stream tables, refresh history and followed changes',
    { timeout: Math.max(480_000, HOURS * 120_000) },
    async (_id, scenario) => {
      const copy = await freshScenario(cfg, scenario, 'day');
      const hourly: Hour[] = [];
      let accepted = 0;
      let refused = 0;
      await withDb(
        cfg,
        copy.database,
        (db) =>
          simulate(db, copy, {
            start: Date.UTC(2027, 1, 1),
            seconds: SPAN_S,
            seed: 24,
            refreshEvery: REFRESH_EVERY_S,
            retentionMinutes: 60,
            historyMinutes: HISTORY_MINUTES,
            onRefresh: async (now, tick) => {
              const c = await clickThrough(db, copy, now);
              accepted += c.accepted;
              refused += c.refused;
              await schedulerCycles(db, now);
              if (tick % MEASURE_EVERY_S === 0) hourly.push(await measure(db, copy, now, tick));
            },
          }),
        { statementTimeoutMs: 120_000 },
      );
      console.log(
        `${scenario.id} storage by simulated hour`,
        JSON.stringify(hourly),
        `clicks accepted ${accepted}, refused ${refused}`,
      );
      // The cap held all along: 12 a minute got through, the rest were turned away.
      const minutes = SPAN_S / 60;
      expect(accepted).toBeGreaterThanOrEqual((minutes - 1) * ACTIONS_PER_MINUTE);
      expect(accepted).toBeLessThanOrEqual(minutes * ACTIONS_PER_MINUTE);
      expect(refused).toBeGreaterThan(minutes * (60 / CLICK_EVERY_S - ACTIONS_PER_MINUTE - 1));

      const steady = hourly.filter((h) => h.hour >= STEADY_FROM_HOUR);
      expect(steady.length).toBe(((HOURS - STEADY_FROM_HOUR) * 3600) / MEASURE_EVERY_S + 1);
      for (const h of steady) {
        // Pruning keeps the history's window, no less (the last interval's rows are written
        // after that interval's prune) and no more.
        expect(h.historySpanMin, `hour ${h.hour}`).toBeGreaterThan(HISTORY_MINUTES - 1);
        expect(h.historySpanMin, `hour ${h.hour}`).toBeLessThanOrEqual(
          HISTORY_MINUTES + REFRESH_EVERY_S / 60,
        );
        // Followed changes: 15 minutes of them, the cap's worth at most.
        expect(h.traced, `hour ${h.hour}`).toBeLessThanOrEqual(15 * ACTIONS_PER_MINUTE + 1);
      }
      for (const key of ['events', 'history', 'traced', 'bytes'] as const) {
        const values = steady.map((h) => h[key]);
        const min = Math.min(...values);
        const max = Math.max(...values);
        expect(max / min, `${key}: ${min}..${max}`).toBeLessThan(1.3);
      }
      // And not creeping upwards: the last hour is no bigger than the first steady one (the hours
      // before still fill free space as retention and autovacuum settle).
      const mean = (hs: Hour[]) => hs.reduce((s, h) => s + h.bytes, 0) / hs.length;
      expect(mean(steady.slice(-2)) / mean(steady.slice(0, 2))).toBeLessThan(1.15);
    },
  );
});
