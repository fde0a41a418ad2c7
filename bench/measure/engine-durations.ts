// Refresh durations on a real pg_trickle: from its catalog where it records them (duration_ms),
// else timed by the client (manual refreshes), and from its server log where one is given.
import { type Db, type DbConfig, type Engine, withDb } from '../../db';
import { bootstrapScenario } from '../../db/setup/bootstrap';
import { bootstrapSpec, compatSql } from '../../local/scenario-setup';
import { findScenario } from '../../scenarios';
import type { Scenario } from '../../scenarios/types';
import { round, summary } from '../stats';
import type { RealEngineResults, Summary } from './engine-types';

export interface LogDurations {
  table: string;
  differential: Summary;
  /** Cycles the engine ran FULL (its adaptive fallback), by the warning it logs before them. */
  full: Summary | null;
}

/**
 * pg_trickle logs every refresh it runs, with the time its own clock measured
 * ("pg_trickle: refreshed public.t (DIFFERENTIAL, +1 -0 rows, 12ms)"), and warns before a cycle it
 * falls back to FULL. Where the catalog records no duration, the server's log still does.
 */
export function durationsFromLog(text: string, since: Date, tables: string[]): LogDurations[] {
  const line = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) UTC \[(\d+)\] (?:LOG|WARNING):\s+(.*)$/;
  const fallback = new Set<string>(); // pid:table of a cycle announced as FULL
  const out = new Map(tables.map((t) => [t, { diff: [] as number[], full: [] as number[] }]));
  for (const raw of text.split('\n')) {
    const m = line.exec(raw);
    if (!m) continue;
    const at = new Date(`${m[1]?.replace(' ', 'T')}Z`);
    if (at < since) continue;
    const pid = m[2];
    const msg = m[3] ?? '';
    const fb = /Falling back to FULL refresh for public\.(\w+)/.exec(msg);
    if (fb) {
      fallback.add(`${pid}:${fb[1]}`);
      continue;
    }
    const r = /pg_trickle: refreshed public\.(\w+) \((\w+), .*?(\d+)ms\)/.exec(msg);
    if (!r) continue;
    const bucket = out.get(r[1] ?? '');
    if (!bucket || r[2] === 'NO_DATA') continue;
    const key = `${pid}:${r[1]}`;
    const isFull = r[2] === 'FULL' || fallback.delete(key);
    (isFull ? bucket.full : bucket.diff).push(Number(r[3]));
  }
  return [...out].flatMap(([table, b]) =>
    b.diff.length === 0
      ? []
      : [{ table, differential: summary(b.diff), full: b.full.length ? summary(b.full) : null }],
  );
}

/** Engine-recorded durations where the engine has them, else client-timed manual refreshes. */
export async function durations(
  cfg: DbConfig,
  engine: Engine,
): Promise<RealEngineResults['durations']> {
  if (engine.kind !== 'pg_trickle') throw new Error('not a pg_trickle server');
  if (engine.features.durationMs) {
    const rows = await withDb(cfg, 'finance_demo', (db) =>
      db.query(
        `SELECT st.pgt_name, h.action, array_agg(h.duration_ms) AS ms
         FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables st USING (pgt_id)
         WHERE h.status = 'COMPLETED' AND h.action IN ('DIFFERENTIAL', 'FULL')
           AND h.duration_ms IS NOT NULL AND h.start_time > now() - interval '30 minutes'
         GROUP BY st.pgt_name, h.action HAVING count(*) >= 5 ORDER BY 1, 2`,
      ),
    );
    return {
      source: 'engine',
      rows: rows.map((r) => ({
        table: String(r.pgt_name),
        action: String(r.action),
        ms: summary((r.ms as number[]).map(Number)),
      })),
    };
  }
  // The engine records no duration: time manual refreshes of one table from the client, on a
  // copy of the ecommerce database loaded with an hour of orders, the scheduler kept off it.
  const ecommerce = findScenario('ecommerce') as Scenario;
  const database = 'ecommerce_demo_rbench';
  await withDb(cfg, 'postgres', (db) =>
    db.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
  );
  await bootstrapScenario(cfg, bootstrapSpec(ecommerce, database), compatSql());
  const RUNS = 40;
  const timeRefreshes = async (db: Db) => {
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await db.query(
        `INSERT INTO orders (customer_id, product_id, quantity, unit_price) VALUES ($1, $2, 1, 10)`,
        [1 + (i % 30), 1 + (i % 15)],
      );
      const t = performance.now();
      await db.query(`SELECT pgtrickle.refresh_stream_table('customer_stats')`);
      ms.push(round(performance.now() - t, 2));
    }
    return ms;
  };
  const result = await withDb(
    cfg,
    database,
    async (db) => {
      await db.query(
        `INSERT INTO orders (customer_id, product_id, quantity, unit_price, ordered_at)
         SELECT 1 + g % 30, 1 + g % 15, 1 + g % 3, 10 + g % 90, now() - (g % 3600) * interval '1 second'
         FROM generate_series(1, 3600) g`,
      );
      await db.query(
        `SELECT pgtrickle.alter_stream_table(name => 'customer_stats', schedule => '1h')`,
      );
      await db.query(`SELECT pgtrickle.refresh_stream_table('customer_stats')`);
      const differential = await timeRefreshes(db);
      await db.query(
        `SELECT pgtrickle.alter_stream_table(name => 'customer_stats', refresh_mode => 'FULL')`,
      );
      await db.query(`SELECT pgtrickle.refresh_stream_table('customer_stats')`);
      const full = await timeRefreshes(db);
      const [n] = await db.query('SELECT count(*)::int AS n FROM orders');
      return { differential, full, orders: Number(n?.n) };
    },
    { statementTimeoutMs: 60_000 },
  );
  await withDb(cfg, 'postgres', (db) => db.query(`DROP DATABASE ${database} WITH (FORCE)`));
  return {
    source: 'client',
    why: `pg_trickle ${engine.version} records no refresh duration (start and end share one clock reading)`,
    table: `customer_stats over ${result.orders} orders (30 rows)`,
    rowsInTable: 30,
    differential: summary(result.differential),
    full: summary(result.full),
  };
}
