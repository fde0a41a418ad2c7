// The generator's own state (demo_meta.generator_state, one row per scenario database): its seed,
// cycle, scenario state and last tick, read and written by one tick's transaction.
import type { Db } from '../client';

export type TickRow =
  | { kind: 'row'; seed: number; cycle: number; state: unknown; lastTickMs: number | undefined }
  | { kind: 'locked' | 'not_bootstrapped' };

/**
 * The state row, locked for this transaction; another run holding it (a tick in flight) means
 * 'locked', a database without it 'not_bootstrapped'.
 */
export async function lockGeneratorState(db: Db): Promise<TickRow> {
  const [row] = await db.query(
    `SELECT seed, cycle, state, extract(epoch FROM last_tick_at) * 1000 AS last_tick_ms
     FROM demo_meta.generator_state FOR UPDATE SKIP LOCKED`,
  );
  if (!row) {
    const [exists] = await db.query('SELECT count(*)::int AS n FROM demo_meta.generator_state');
    return { kind: exists?.n ? 'locked' : 'not_bootstrapped' };
  }
  return {
    kind: 'row',
    seed: Number(row.seed),
    cycle: Number(row.cycle),
    state: row.state,
    lastTickMs: row.last_tick_ms === null ? undefined : Number(row.last_tick_ms),
  };
}

/** A tick's outcome: the next cycle, the scenario's new state, when, and the events written. */
export async function saveTick(
  db: Db,
  t: { state: unknown; at: Date; events: number },
): Promise<void> {
  await db.query(
    `UPDATE demo_meta.generator_state
     SET cycle = cycle + 1, state = $1::jsonb, last_tick_at = $2, events_total = events_total + $3`,
    [JSON.stringify(t.state), t.at.toISOString(), t.events],
  );
}

/** The event window the dashboard's notes state ("orders in the last 60 min"). */
export async function setRetention(db: Db, minutes: number): Promise<void> {
  await db.query('UPDATE demo_meta.generator_state SET retention_minutes = $1', [minutes]);
}
