// What pg_trickle says about each stream table: its status and latest refresh, what that refresh
// really did, what it reads (the DAG's edges), and its query as stored. Read through pg_trickle's
// API, or the compatibility mode's copy of it; the engine panels and the engine suite use these.
import type { Db, Row } from '../client';
import { num, numOrNull, strOrNull } from '../values';
import { type EngineFeatures, optionalColumn } from './engine';

/** pg_trickle names tables in public unqualified in some places, qualified in others. */
const unqualify = (name: unknown) => String(name).replace(/^public\./, '');

/**
 * What a refresh did, as truthfully as the engine tells: a top-K table recomputes its top K;
 * otherwise the table's effective mode, where it speaks of this refresh and is not a NO_DATA
 * cycle (on 0.67 an adaptive fallback to FULL is recorded as DIFFERENTIAL, and only that column
 * tells, for the latest refresh); otherwise the action the engine recorded.
 */
export function whatItDid<A extends string | null>(
  topK: boolean,
  effective: string | null,
  action: A,
): string | A {
  if (topK) return 'TOP_K';
  if (effective && effective !== 'NO_DATA') return effective;
  return action;
}

export interface StreamTableStatus {
  name: string;
  status: string;
  /** The mode the table runs in (pg_trickle resolves AUTO at creation). */
  refreshMode: string;
  /** The mode asked for at creation, AUTO included; null where the engine does not keep it. */
  requestedMode: string | null;
  /** What the table's latest refresh did: FULL, DIFFERENTIAL, TOP_K, APPEND_ONLY, NO_DATA. */
  effectiveMode: string | null;
  /** Why the latest refresh ran as it did (0.108: refresh_reason), where recorded. */
  reason: string | null;
  topK: boolean;
  schedule: string | null;
  isPopulated: boolean;
  consecutiveErrors: number;
  /** Seconds since the last refresh that did work (not NO_DATA); null if none yet. */
  lastRefreshAgeS: number | null;
  lastAction: string | null;
  lastRowsInserted: number | null;
  lastRowsUpdated: number | null;
  lastRowsDeleted: number | null;
  /** Null where the engine records no duration (0.67) or before the first refresh. */
  lastDurationMs: number | null;
  /** Rows the stream table holds now (counted), for the change ratio. */
  rowsHeld: number | null;
}

/** Rows changed by the latest refresh over rows held: how little work it did (0–1). */
export function changeRatio(s: StreamTableStatus): number | null {
  const changed = (s.lastRowsInserted ?? 0) + (s.lastRowsUpdated ?? 0) + (s.lastRowsDeleted ?? 0);
  if (s.lastAction === null || s.rowsHeld === null) return null;
  return Math.min(1, changed / Math.max(1, s.rowsHeld));
}

/** What the table's latest refresh that did work actually did (see whatItDid). */
export function refreshDid(s: StreamTableStatus): string | null {
  return whatItDid(s.topK, s.effectiveMode, s.lastAction);
}

/**
 * Every stream table's status and latest refresh that did work, with the rows it holds (counted:
 * the tables are small, and an estimate from pg_class would lag; query_to_xml counts each table
 * named by the catalog inside this one statement).
 */
export function statusSql(features: EngineFeatures): string {
  return `SELECT s.name, s.status, s.refresh_mode, s.schedule, s.is_populated, s.consecutive_errors,
            st.effective_refresh_mode, st.topk_limit IS NOT NULL AS topk,
            ${optionalColumn(features.requestedMode, 'st.requested_refresh_mode', 'text', 'requested_mode')},
            ${optionalColumn(features.refreshReason, 'st.refresh_reason', 'text', 'reason')},
            extract(epoch FROM now() - h.end_time) AS age_s, h.action, h.rows_inserted,
            h.rows_updated, h.rows_deleted, h.duration_ms,
            (xpath('/row/n/text()', query_to_xml(
               format('SELECT count(*) AS n FROM %I.%I', st.pgt_schema, st.pgt_name),
               false, true, '')))[1]::text::bigint AS rows_held
     FROM pgtrickle.pgt_status() s
     JOIN pgtrickle.pgt_stream_tables st ON st.pgt_schema || '.' || st.pgt_name = s.name
     LEFT JOIN LATERAL (
       SELECT rh.action, rh.rows_inserted, rh.rows_deleted, rh.end_time,
              ${optionalColumn(features.rowsUpdated, 'rh.rows_updated', 'bigint', 'rows_updated')},
              ${optionalColumn(features.durationMs, 'rh.duration_ms', 'double precision', 'duration_ms')}
       FROM pgtrickle.pgt_refresh_history rh
       WHERE rh.pgt_id = st.pgt_id AND rh.action <> 'NO_DATA' AND rh.status = 'COMPLETED'
       ORDER BY rh.refresh_id DESC LIMIT 1) h ON true
     ORDER BY st.pgt_id`;
}

export function parseStatus(rows: readonly Row[]): StreamTableStatus[] {
  return rows.map((r) => ({
    name: unqualify(r.name),
    status: String(r.status),
    refreshMode: String(r.refresh_mode),
    requestedMode: strOrNull(r.requested_mode),
    effectiveMode: strOrNull(r.effective_refresh_mode),
    reason: strOrNull(r.reason),
    topK: Boolean(r.topk),
    schedule: strOrNull(r.schedule),
    isPopulated: Boolean(r.is_populated),
    consecutiveErrors: num(r.consecutive_errors),
    lastRefreshAgeS: r.age_s === null || r.age_s === undefined ? null : Math.max(0, num(r.age_s)),
    lastAction: strOrNull(r.action),
    lastRowsInserted: numOrNull(r.rows_inserted),
    lastRowsUpdated: numOrNull(r.rows_updated),
    lastRowsDeleted: numOrNull(r.rows_deleted),
    lastDurationMs: numOrNull(r.duration_ms),
    rowsHeld: numOrNull(r.rows_held),
  }));
}

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
