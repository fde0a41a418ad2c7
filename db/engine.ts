import type { Db } from './client';

/** Which engine maintains the stream tables in a database. */
export type Engine =
  | { kind: 'pg_trickle'; version: string }
  | { kind: 'compat'; version: string }
  | { kind: 'none' };

export async function detectEngine(db: Db): Promise<Engine> {
  const [row] = await db.query(
    `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'pg_trickle') AS ext,
            to_regclass('pgtrickle_compat.installed') IS NOT NULL AS has_compat`,
  );
  if (row?.ext) return { kind: 'pg_trickle', version: String(row.ext) };
  if (row?.has_compat) {
    const [compat] = await db.query('SELECT version FROM pgtrickle_compat.installed');
    return { kind: 'compat', version: String(compat?.version ?? 'unknown') };
  }
  return { kind: 'none' };
}
