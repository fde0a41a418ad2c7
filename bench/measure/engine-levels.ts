// The finance chain on a real pg_trickle: the generator runs for a while on a fresh copy, then per
// level the engine's own counts (refreshes, rows changed per refresh, rows held) and what a reader
// sees change at L10.
import { runGenerator } from '../../cron/run';
import { type DbConfig, withDb } from '../../db';
import { findScenario } from '../../scenarios';
import type { Scenario } from '../../scenarios/types';
import { round } from '../stats';
import type { RealEngineResults } from './engine-types';
import { sleep } from './section';

const levelOf = (s: Scenario, table: string) =>
  s.streamTables.find((t) => t.name === table)?.layer ?? '?';

export async function financeLevels(cfg: DbConfig, writer: DbConfig, runSeconds: number) {
  const finance = findScenario('finance') as Scenario;
  const modes = new Map<string, Set<string>>();
  const l10: string[][] = [];
  let running = true;
  const started = new Date();
  const sampler = withDb(cfg, finance.database, async (db) => {
    while (running) {
      for (const r of await db.query(
        'SELECT pgt_name, effective_refresh_mode FROM pgtrickle.pgt_stream_tables',
      )) {
        const k = String(r.pgt_name);
        modes.set(k, (modes.get(k) ?? new Set()).add(String(r.effective_refresh_mode)));
      }
      const rows = await db.query(
        `SELECT rank, portfolio_name, capital_required, utilization_ratio, capital_status
         FROM breach_dashboard ORDER BY rank`,
      );
      l10.push(rows.map((r) => JSON.stringify(r)));
      await sleep(1000);
    }
  });
  const [sum] = await runGenerator({
    cfg: writer,
    scenarios: [finance],
    runMs: runSeconds * 1000,
    tickMs: 1000,
    retentionMinutes: 60,
    log: () => {},
  });
  running = false;
  await sampler;
  let l10Changed = 0;
  for (let i = 1; i < l10.length; i++) {
    const before = new Set(l10[i - 1]);
    l10Changed += (l10[i] ?? []).filter((r) => !before.has(r)).length;
  }
  const rows = await withDb(cfg, finance.database, async (db) => {
    const out: RealEngineResults['financeLevels']['rows'] = [];
    const hist = await db.query(
      `SELECT st.pgt_name, st.topk_limit IS NOT NULL AS topk, count(*)::int AS refreshes,
              avg(coalesce((to_jsonb(h) ->> 'rows_updated')::bigint, 0)
                  + greatest(h.rows_inserted, h.rows_deleted))::float8 AS changed
       FROM pgtrickle.pgt_stream_tables st
       LEFT JOIN pgtrickle.pgt_refresh_history h ON h.pgt_id = st.pgt_id
        AND h.status = 'COMPLETED' AND h.action NOT IN ('NO_DATA') AND h.start_time >= $1
       GROUP BY st.pgt_id, st.pgt_name, st.topk_limit ORDER BY st.pgt_id`,
      [started.toISOString()],
    );
    for (const h of hist) {
      const table = String(h.pgt_name);
      const [n] = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
      const held = Number(n?.n ?? 0);
      const changed = Number(h.changed ?? 0);
      out.push({
        level: levelOf(finance, table),
        table,
        refreshes: Number(h.refreshes),
        rowsHeld: held,
        changedPerRefresh: round(changed, 2),
        ratio: round(held ? changed / held : 0, 3),
        effectiveModes: [...(modes.get(table) ?? [])].sort(),
        ...(h.topk
          ? {
              note: 'top-K: the engine counts the rows its MERGE touched; what a reader saw change is below',
            }
          : {}),
      });
    }
    return out;
  });
  return {
    runSeconds,
    ticks: sum?.ticks ?? 0,
    rows,
    l10ChangedPerTickSeen: round(l10Changed / Math.max(1, sum?.ticks ?? 1), 3),
  };
}
