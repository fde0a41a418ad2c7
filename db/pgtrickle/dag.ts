// The DAG as pg_trickle records it: which stream table reads which table, and each stream table's
// level below the base tables. The DAG panel, the trace and the freshness aggregation use these.
import type { Db, Row } from '../client';
import { unqualify } from './status';

export interface Edge {
  /** The stream table that reads… */
  target: string;
  /** …this source (a base table or another stream table). */
  source: string;
  sourceType: string;
}

/**
 * Each stream table's level in the DAG: one below its deepest stream-table source (a table that
 * reads only base tables is level 1). The DAG's rows, the trace's order and its L-numbers.
 */
export function streamLevels(
  names: readonly string[],
  edges: readonly Edge[],
): Map<string, number> {
  const level = new Map<string, number>();
  const levelOf = (n: string, seen: Set<string>): number => {
    const known = level.get(n);
    if (known !== undefined) return known;
    if (seen.has(n)) return 1; // a cycle cannot happen in pg_trickle; do not loop if it did
    seen.add(n);
    const ups = edges.filter((e) => e.target === n && e.sourceType === 'STREAM_TABLE');
    const l = 1 + Math.max(0, ...ups.map((e) => levelOf(e.source, seen)));
    level.set(n, l);
    return l;
  };
  for (const n of names) levelOf(n, new Set());
  return level;
}

/** pg_trickle's dependency edges: which stream table reads which table. */
export const EDGES_SQL = `SELECT s.pgt_name AS target, d.source_relid::regclass::text AS source, d.source_type
     FROM pgtrickle.pgt_dependencies d
     JOIN pgtrickle.pgt_stream_tables s ON s.pgt_id = d.pgt_id
     ORDER BY s.pgt_id, source`;

export const parseEdges = (rows: readonly Row[]): Edge[] =>
  rows.map((r) => ({
    target: String(r.target),
    source: unqualify(r.source),
    sourceType: String(r.source_type),
  }));

export async function loadEdges(db: Db): Promise<Edge[]> {
  return parseEdges(await db.query(EDGES_SQL));
}
