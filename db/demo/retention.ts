// The event window: a scenario's append-only event tables keep the last minutes only, pruned in
// bounded batches by the generator (and by the simulations that stand in for it).
import type { Db } from '../client';

/** An append-only event table and the column its window is measured on. */
export interface EventTable {
  table: string;
  timeColumn: string;
}

/** Deletes events older than the window, at most `batch` rows per table per call. */
export async function pruneEvents(
  db: Db,
  eventTables: readonly EventTable[],
  now: Date,
  retentionMinutes: number,
  batch = 1000,
): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionMinutes * 60_000).toISOString();
  let deleted = 0;
  for (const t of eventTables) {
    // Table and column names come from the scenario registry, never from input.
    const rows = await db.query(
      `WITH gone AS (
         DELETE FROM ${t.table} WHERE id IN (
           SELECT id FROM ${t.table} WHERE ${t.timeColumn} < $1 ORDER BY ${t.timeColumn} LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [cutoff, batch],
    );
    deleted += Number(rows[0]?.n ?? 0);
  }
  return deleted;
}
