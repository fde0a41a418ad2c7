// pg_trickle's own view of what it did, read through its API (or the compatibility mode's copy
// of it): dependencies, refresh history, efficiency, the advisor, the stored defining queries.
import { type Db, DbError } from '../db';
import { num } from '../scenarios/shared/format';

export interface Edge {
  /** The stream table that reads… */
  target: string;
  /** …this source (a base table or another stream table). */
  source: string;
  sourceType: string;
}

export interface HistoryRow {
  name: string;
  action: string;
  status: string;
  rowsInserted: number;
  rowsDeleted: number;
  durationMs: number;
  ageS: number;
  fullFallback: boolean;
  initiatedBy: string;
  error: string | null;
}

export interface EfficiencyRow {
  name: string;
  refreshMode: string;
  total: number;
  diffCount: number;
  fullCount: number;
  avgDiffMs: number | null;
  avgFullMs: number | null;
  avgChangeRatio: number | null;
  speedup: string | null;
}

export interface SeriesPoint {
  minute: string;
  diff: number;
  full: number;
  avgMs: number;
}

export interface AdviceRow {
  name: string;
  currentMode: string;
  effectiveMode: string | null;
  recommended: string;
  confidence: string;
  reason: string;
}

export interface Internals {
  edges: Edge[];
  history: HistoryRow[];
  efficiency: EfficiencyRow[];
  series: SeriesPoint[];
  advice: AdviceRow[];
  /** Why the advisor could not answer (e.g. a read-only role), when it could not. */
  adviceError: string | null;
}

const unqualify = (name: unknown) => String(name).replace(/^public\./, '');
const orNull = (v: unknown) => (v === null || v === undefined ? null : num(v));

export async function loadEdges(db: Db): Promise<Edge[]> {
  const rows = await db.query(
    `SELECT s.pgt_name AS target, d.source_relid::regclass::text AS source, d.source_type
     FROM pgtrickle.pgt_dependencies d
     JOIN pgtrickle.pgt_stream_tables s ON s.pgt_id = d.pgt_id
     ORDER BY s.pgt_id, source`,
  );
  return rows.map((r) => ({
    target: String(r.target),
    source: unqualify(r.source),
    sourceType: String(r.source_type),
  }));
}

export async function loadHistory(db: Db, limit = 12): Promise<HistoryRow[]> {
  // NO_DATA rows (a schedule came round with nothing to do) are noise here.
  const rows = await db.query(
    `SELECT st.pgt_name, rh.action, rh.status, rh.rows_inserted, rh.rows_deleted,
            extract(epoch FROM rh.end_time - rh.start_time) * 1000 AS duration_ms,
            extract(epoch FROM now() - rh.start_time) AS age_s,
            rh.was_full_fallback, rh.initiated_by, rh.error_message
     FROM pgtrickle.pgt_refresh_history rh
     JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = rh.pgt_id
     WHERE rh.action <> 'NO_DATA'
     ORDER BY rh.refresh_id DESC
     LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    name: String(r.pgt_name),
    action: String(r.action),
    status: String(r.status),
    rowsInserted: num(r.rows_inserted),
    rowsDeleted: num(r.rows_deleted),
    durationMs: num(r.duration_ms),
    ageS: Math.max(0, num(r.age_s)),
    fullFallback: Boolean(r.was_full_fallback),
    initiatedBy: String(r.initiated_by),
    error: r.error_message === null ? null : String(r.error_message),
  }));
}

export async function loadEfficiency(db: Db): Promise<EfficiencyRow[]> {
  const rows = await db.query(
    `SELECT e.pgt_name, e.refresh_mode, e.total_refreshes, e.diff_count, e.full_count,
            e.avg_diff_ms, e.avg_full_ms, e.avg_change_ratio, e.diff_speedup
     FROM pgtrickle.refresh_efficiency() e
     JOIN pgtrickle.pgt_stream_tables st ON st.pgt_schema = e.pgt_schema AND st.pgt_name = e.pgt_name
     ORDER BY st.pgt_id`,
  );
  return rows.map((r) => ({
    name: String(r.pgt_name),
    refreshMode: String(r.refresh_mode),
    total: num(r.total_refreshes),
    diffCount: num(r.diff_count),
    fullCount: num(r.full_count),
    avgDiffMs: orNull(r.avg_diff_ms),
    avgFullMs: orNull(r.avg_full_ms),
    avgChangeRatio: orNull(r.avg_change_ratio),
    speedup: r.diff_speedup === null ? null : String(r.diff_speedup),
  }));
}

/** Refreshes per minute by kind over the last 15 minutes, for the efficiency chart. */
export async function loadSeries(db: Db): Promise<SeriesPoint[]> {
  const rows = await db.query(
    `SELECT to_char(m.minute AT TIME ZONE 'UTC', 'HH24:MI') AS minute,
            count(rh.refresh_id) FILTER (WHERE rh.action = 'DIFFERENTIAL') AS diff,
            count(rh.refresh_id) FILTER (WHERE rh.action IN ('FULL', 'REINITIALIZE')) AS full,
            coalesce(avg(extract(epoch FROM rh.end_time - rh.start_time) * 1000), 0) AS avg_ms
     FROM generate_series(date_trunc('minute', now()) - interval '14 minutes',
                          date_trunc('minute', now()), interval '1 minute') AS m(minute)
     LEFT JOIN pgtrickle.pgt_refresh_history rh
       ON rh.start_time >= m.minute AND rh.start_time < m.minute + interval '1 minute'
      AND rh.status = 'COMPLETED' AND rh.action <> 'NO_DATA'
     GROUP BY m.minute ORDER BY m.minute`,
  );
  return rows.map((r) => ({
    minute: String(r.minute),
    diff: num(r.diff),
    full: num(r.full),
    avgMs: num(r.avg_ms),
  }));
}

/** The advisor reads change buffers a read-only role may not see: degrade, do not fail. */
export async function loadAdvice(db: Db): Promise<{ advice: AdviceRow[]; error: string | null }> {
  try {
    const rows = await db.query(
      `SELECT pgt_name, current_mode, effective_mode, recommended_mode, confidence, reason
       FROM pgtrickle.recommend_refresh_mode()`,
    );
    return {
      advice: rows.map((r) => ({
        name: String(r.pgt_name),
        currentMode: String(r.current_mode),
        effectiveMode: r.effective_mode === null ? null : String(r.effective_mode),
        recommended: String(r.recommended_mode),
        confidence: String(r.confidence),
        reason: String(r.reason),
      })),
      error: null,
    };
  } catch (err) {
    if (err instanceof DbError && (err.kind === 'permission' || err.kind === 'undefined_object')) {
      return { advice: [], error: 'the advisor is not available to this read-only role' };
    }
    throw err;
  }
}

export async function loadInternals(db: Db): Promise<Internals> {
  const edges = await loadEdges(db);
  const history = await loadHistory(db);
  const efficiency = await loadEfficiency(db);
  const series = await loadSeries(db);
  const { advice, error } = await loadAdvice(db);
  return { edges, history, efficiency, series, advice, adviceError: error };
}

export interface DefiningQuery {
  query: string;
  mode: string;
  schedule: string | null;
}

/** The defining query as the engine stored it, or undefined for an unknown name. */
export async function loadDefiningQuery(db: Db, name: string): Promise<DefiningQuery | undefined> {
  const [row] = await db.query(
    `SELECT defining_query, refresh_mode, schedule FROM pgtrickle.pgt_stream_tables
     WHERE pgt_schema = 'public' AND pgt_name = $1`,
    [name],
  );
  if (!row) return undefined;
  return {
    query: String(row.defining_query),
    mode: String(row.refresh_mode),
    schedule: row.schedule === null ? null : String(row.schedule),
  };
}
