// What the demo asks of pg_trickle's catalog besides reading it: pruning refresh history to the
// demo's window, and, in compatibility mode (which has no background scheduler), refreshing what
// is due. Used by the generator Worker, the steady-state simulation and the benchmarks.
import type { Db } from '../client';

/**
 * Deletes refresh history older than `keepMinutes`, at most `batch` rows a call. A role that may
 * not delete there (pg_trickle's catalog on a managed server) gets a permission error: the caller
 * stops trying for the run; the engine's own retention still applies.
 */
export async function pruneHistory(db: Db, now: Date, keepMinutes: number, batch = 1000) {
  const cutoff = new Date(now.getTime() - keepMinutes * 60_000).toISOString();
  const rows = await db.query(
    `WITH gone AS (
       DELETE FROM pgtrickle.pgt_refresh_history WHERE refresh_id IN (
         SELECT refresh_id FROM pgtrickle.pgt_refresh_history
         WHERE start_time < $1 ORDER BY refresh_id LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [cutoff, batch],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * In compatibility mode there is no background scheduler: refresh what is due, in order. `now`
 * is the scheduler's clock: the database's own unless a simulation passes its clock (the
 * database's keeps history comparable with the changes the dashboard follows, stamped by it).
 */
export async function refreshDue(db: Db, now?: Date): Promise<number> {
  const rows = await db.query(
    'SELECT pgt_name, action FROM pgtrickle_compat.refresh_due(coalesce($1::timestamptz, clock_timestamp()))',
    [now?.toISOString() ?? null],
  );
  return rows.filter((r) => r.action !== 'NO_DATA').length;
}
