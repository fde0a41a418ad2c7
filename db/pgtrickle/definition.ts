// A stream table's query as the engine stores it, and how the engine maintains it (its delta SQL
// where it gives one): the SQL panel's subject.
import type { Db } from '../client';

export interface DefiningQuery {
  query: string;
  mode: string;
  schedule: string | null;
  /** How the engine keeps the table up to date, in its own words where it has them. */
  upkeep: Upkeep;
}

/**
 * - `delta`: the SQL the engine generates to apply a batch of changes
 *   (`pgtrickle.explain_diff_sql()`, in 0.67 and 0.108 alike);
 * - `recompute`: the table is recomputed each refresh (FULL, or top-K: the top rows again);
 * - `compat`: the compatibility mode, which recomputes everything;
 * - `unavailable`: the engine has no such function or could not explain this table (`why`).
 */
export type Upkeep =
  | { kind: 'delta'; sql: string }
  | { kind: 'recompute'; why: 'FULL' | 'TOP_K' }
  | { kind: 'compat' }
  | { kind: 'unavailable'; why: string };

/**
 * The query as it was given to the engine, and how the engine maintains it, or undefined for an
 * unknown name. pg_trickle keeps original_query only when it rewrote the query (a top-K table's
 * defining_query lacks its ORDER BY … LIMIT), so the given text is original_query where set,
 * else defining_query. Two statements: the delta SQL is asked for only where there is one.
 */
export async function loadDefiningQuery(db: Db, name: string): Promise<DefiningQuery | undefined> {
  const [row] = await db.query(
    `SELECT coalesce(original_query, defining_query) AS defining_query, refresh_mode, schedule,
            topk_limit IS NOT NULL AS topk,
            EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies d
                    WHERE d.pgt_id = pgt_stream_tables.pgt_id AND d.source_type = 'STREAM_TABLE')
              AS reads_stream_table,
            to_regclass('pgtrickle_compat.installed') IS NOT NULL AS compat,
            to_regprocedure('pgtrickle.explain_diff_sql(text)') IS NOT NULL AS explains,
            coalesce(has_function_privilege(to_regprocedure('pgtrickle.explain_diff_sql(text)'),
                                            'EXECUTE'), false) AS may_explain
     FROM pgtrickle.pgt_stream_tables
     WHERE pgt_schema = 'public' AND pgt_name = $1`,
    [name],
  );
  if (!row) return undefined;
  const mode = String(row.refresh_mode);
  return {
    query: String(row.defining_query),
    mode,
    schedule: row.schedule === null ? null : String(row.schedule),
    upkeep: await loadUpkeep(db, name, {
      mode,
      topK: row.topk === true,
      compat: row.compat === true,
      explains: row.explains === true,
      mayExplain: row.may_explain === true,
      readsStreamTable: row.reads_stream_table === true,
    }),
  };
}

async function loadUpkeep(
  db: Db,
  name: string,
  t: {
    mode: string;
    topK: boolean;
    compat: boolean;
    explains: boolean;
    mayExplain: boolean;
    readsStreamTable: boolean;
  },
): Promise<Upkeep> {
  if (t.compat) return { kind: 'compat' };
  if (t.topK) return { kind: 'recompute', why: 'TOP_K' };
  if (t.mode === 'FULL') return { kind: 'recompute', why: 'FULL' };
  if (!t.explains) return { kind: 'unavailable', why: 'this version has no explain_diff_sql()' };
  if (!t.mayExplain)
    return { kind: 'unavailable', why: 'this role may not call explain_diff_sql()' };
  try {
    const [r] = await db.query('SELECT pgtrickle.explain_diff_sql($1) AS sql', [`public.${name}`]);
    const sql = r?.sql === null || r?.sql === undefined ? '' : String(r.sql);
    if (sql.trim()) return { kind: 'delta', sql };
    // pg_trickle 0.67 answers NULL (and a notice that it found no frontier for the upstream
    // table) for every table that reads another stream table.
    return {
      kind: 'unavailable',
      why: t.readsStreamTable
        ? 'the engine returned no delta SQL for a table that reads another stream table'
        : 'the engine returned no delta SQL for it',
    };
  } catch (err) {
    return {
      kind: 'unavailable',
      why: `the engine could not explain it: ${(err instanceof Error ? err.message : String(err)).slice(0, 200)}`,
    };
  }
}
