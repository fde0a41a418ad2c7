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

/** Percentile by nearest rank (p in 0..100) of a non-empty list (NaN for an empty one). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
