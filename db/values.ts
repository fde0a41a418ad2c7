// PostgreSQL values as the driver hands them over, and identifiers as SQL needs them: the one
// home for these conversions (panels, pg_trickle's monitoring reads and the setup code use them).

/** Text that may be NULL: null stays null, never "null". */
export const strOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : String(v);

/** A value that may be NULL (not recorded, not yet known): null stays null, never 0. */
export const numOrNull = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number.isFinite(Number(v)) ? Number(v) : null;

/** PostgreSQL numeric and bigint arrive as strings; a NULL here is read as 0 (counts, sums). */
export const num = (v: unknown): number => {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
};

/** A double-quoted identifier (database, role or table name) for SQL that cannot take a parameter. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
