import { type DbConfig, withDb } from '../../db';
import { refreshDue } from '../../db/pgtrickle/maintenance';
import { scenarios } from '../../scenarios';

/** What each measurement hands the report: its figures for results.json, its part of RESULTS.md. */
export interface Section {
  /** Key in results.json. */
  key: string;
  results: unknown;
  markdown: string[];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The engine's side in compatibility mode, where nothing refreshes by itself: refresh what is due
 * every second, as the generator does, until `stop.done`.
 */
export function compatScheduler(cfg: DbConfig, database: string, stop: { done: boolean }) {
  return withDb(cfg, database, async (c) => {
    while (!stop.done) {
      const started = Date.now();
      await refreshDue(c);
      await sleep(Math.max(0, 1000 - (Date.now() - started)));
    }
  });
}

/**
 * Refuses to measure on a pg_trickle server where schedulers run for databases other than the
 * scenarios' (e.g. copies an engine suite run left behind, before it dropped them): each refreshes
 * its stream tables every second, and the figures would count that load as the demo's. Set
 * BENCH_ALLOW_OTHER_DATABASES=1 to measure anyway (the figures then say less).
 */
export async function refuseOtherSchedulers(admin: DbConfig) {
  const ours = scenarios.map((s) => s.database);
  const rows = await withDb(admin, 'postgres', (c) =>
    c.query(
      `SELECT DISTINCT datname FROM pg_stat_activity
        WHERE backend_type = 'pg_trickle scheduler' AND datname <> ALL($1::text[])
        ORDER BY 1`,
      [ours],
    ),
  );
  const others = rows.map((r) => String(r.datname));
  if (others.length === 0 || process.env.BENCH_ALLOW_OTHER_DATABASES === '1') return;
  throw new Error(
    `pg_trickle schedulers also run for ${others.join(', ')} on this server: their refreshes ` +
      'would load the machine during the measurements. Drop those databases (or stop their ' +
      'stream tables), or set BENCH_ALLOW_OTHER_DATABASES=1 to measure anyway.',
  );
}
