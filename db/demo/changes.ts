// The changes the dashboard follows through the DAG (demo_meta.traced_events): every generator
// tick and every visitor's action, recorded as it is written, pruned after minutes; and the
// visitors' cap, which counts them.
import type { Db } from '../client';

/**
 * A change to follow, stamped just before its transaction commits (see demo_meta.traced_events),
 * or at `at` on a simulated clock.
 */
export async function recordChange(
  db: Db,
  c: {
    source: 'generator' | 'visitor';
    kind: string;
    label: string;
    tables: string[];
    events: number;
  },
  at?: Date,
): Promise<{ id: number; at: Date }> {
  const [row] = await db.query(
    `INSERT INTO demo_meta.traced_events (at, source, kind, label, tables, events)
     VALUES (coalesce($6::timestamptz, clock_timestamp()), $1, $2, $3, $4::text[], $5)
     RETURNING id, extract(epoch FROM at) * 1000 AS at_ms`,
    [c.source, c.kind, c.label, c.tables, c.events, at?.toISOString() ?? null],
  );
  return { id: Number(row?.id), at: new Date(Number(row?.at_ms)) };
}

/** Changes are followed for minutes at most: older ones are deleted, in bounded batches. */
export async function pruneChanges(db: Db, now: Date, keepMinutes = 15, batch = 1000) {
  const rows = await db.query(
    `WITH gone AS (
       DELETE FROM demo_meta.traced_events WHERE id IN (
         SELECT id FROM demo_meta.traced_events WHERE at < $1 ORDER BY id LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [new Date(now.getTime() - keepMinutes * 60_000).toISOString(), batch],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Visitors' actions on one scenario are counted one at a time: the rest wait here, briefly. */
export async function lockVisitorActions(db: Db): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('pgtd.visitor_actions'))`);
}

/**
 * Visitors' actions in the 60 s before `now` (the database's clock unless a simulation passes
 * its own), and in how many seconds the oldest of them leaves that window. Call it inside a
 * transaction that holds the scenario's action lock, so concurrent callers (and several Worker
 * instances) share one count.
 */
export async function visitorActionsThisMinute(
  db: Db,
  now?: Date,
): Promise<{ n: number; waitS: number | null }> {
  const [w] = await db.query(
    `SELECT count(*)::int AS n,
            extract(epoch FROM min(at) + interval '60 seconds'
                               - coalesce($1::timestamptz, clock_timestamp())) AS wait_s
     FROM demo_meta.traced_events
     WHERE source = 'visitor'
       AND at > coalesce($1::timestamptz, clock_timestamp()) - interval '60 seconds'`,
    [now?.toISOString() ?? null],
  );
  return { n: Number(w?.n ?? 0), waitS: w?.wait_s === null ? null : Number(w?.wait_s) };
}
