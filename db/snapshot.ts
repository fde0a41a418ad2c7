// Many read-only queries answered by one statement: one round trip, and one snapshot of the data
// (a statement sees the database as of its start, so every panel of one answer agrees). Each
// query becomes a JSON column (its rows as an array of objects); the clock, the generator's event
// window and the scheduler's recent passes come in the same row.
import type { Db, Row } from './client';
import { DbError } from './errors';
import { ENGINE_SQL, type Engine, engineFrom } from './pgtrickle/engine';
import { quoteIdent } from './values';

/**
 * Named read-only SELECTs without parameters. Their text is the code's own (panel definitions,
 * db/pgtrickle/): never anything from a request.
 */
export type Reads = Readonly<Record<string, string>>;

export interface ReadTogether {
  /** The database's clock when the statement began reading, ms since the epoch. */
  dbNowMs: number;
  /** The generator's event window, minutes (null before the generator's first run). */
  retentionMinutes: number | null;
  /** What the extra scalar column named `extra` held (e.g. the scheduler's recent pass ends). */
  extra: unknown;
  /** The engine as the same statement found it (ENGINE_SQL's row). */
  engine: Engine;
  /** Each read's rows, by name; a JSON value, so numbers are numbers and times are ISO text. */
  rows: Record<string, Row[]>;
}

/** A read of no rows, for a panel with nothing it may ask in this database. */
export const NO_ROWS_SQL = 'SELECT NULL WHERE false';

/** The statement for `reads` (exported for tests and for reading it in a log). */
export function statementFor(reads: Reads, extra = 'NULL'): string {
  const columns = Object.entries(reads).map(
    // json_agg keeps the order of the rows its subquery hands it (the queries' own ORDER BY).
    ([name, sql]) =>
      `(SELECT coalesce(json_agg(q), '[]'::json) FROM (${sql}) q) AS ${quoteIdent(`r:${name}`)}`,
  );
  return [
    `SELECT extract(epoch FROM clock_timestamp()) * 1000 AS db_now_ms`,
    `(SELECT retention_minutes FROM demo_meta.generator_state) AS retention`,
    `${extra} AS extra`,
    `(SELECT row_to_json(e) FROM (${ENGINE_SQL}) e) AS engine`,
    ...columns,
  ].join(',\n       ');
}

/** Runs every read in one statement (see statementFor). */
export async function readTogether(db: Db, reads: Reads, extra?: string): Promise<ReadTogether> {
  const [row] = await db.query(statementFor(reads, extra));
  if (!row) throw new DbError('internal', 'the snapshot statement returned no row');
  const rows: Record<string, Row[]> = {};
  for (const name of Object.keys(reads)) {
    const value = row[`r:${name}`];
    rows[name] = Array.isArray(value) ? (value as Row[]) : [];
  }
  return {
    dbNowMs: Number(row.db_now_ms),
    retentionMinutes:
      row.retention === null || row.retention === undefined ? null : Number(row.retention),
    extra: row.extra,
    engine: engineFrom(row.engine as Record<string, unknown> | undefined),
    rows,
  };
}
