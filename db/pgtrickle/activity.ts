// What pg_trickle's refreshes did: history, efficiency, refreshes per minute, and the advisor's
// view of them. Read through pg_trickle's API, or the compatibility mode's copy of it.
import type { Row } from '../client';
import { num, numOrNull, strOrNull } from '../values';
import { type EngineFeatures, optionalColumn } from './engine';
import { whatItDid } from './status';

export interface HistoryRow {
  name: string;
  /** The action as the engine recorded it (NO_DATA rows are left out). */
  action: string;
  /** What the refresh did, where that is known to differ from the recorded action (see `did`). */
  did: string;
  status: string;
  /** Null while the refresh is RUNNING (the engine fills the counts in at the end). */
  rowsInserted: number | null;
  /** Null where the engine does not count updates apart (0.67: they are in the other two). */
  rowsUpdated: number | null;
  rowsDeleted: number | null;
  /** Null where the engine records no duration (0.67 stamps start and end with one now()). */
  durationMs: number | null;
  ageS: number;
  reason: string | null;
  initiatedBy: string | null;
  error: string | null;
}

export interface EfficiencyRow {
  name: string;
  refreshMode: string;
  /** What the table's latest refresh did (pgt_stream_tables.effective_refresh_mode). */
  effectiveMode: string | null;
  /** A top-K table: each refresh recomputes the top K, whatever history calls it. */
  topK: boolean;
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
  /** Refreshes of top-K tables (each one a recompute of the top K). */
  topK: number;
}

export interface AdviceRow {
  name: string;
  currentMode: string;
  effectiveMode: string | null;
  recommended: string;
  confidence: string;
  reason: string;
}

/** The latest refreshes that did work. */
export function historySql(features: EngineFeatures, limit = 12): string {
  // NO_DATA rows (a schedule came round with nothing to do) are noise here.
  return `SELECT st.pgt_name, rh.action, rh.status, rh.rows_inserted, rh.rows_deleted,
            ${optionalColumn(features.rowsUpdated, 'rh.rows_updated', 'bigint', 'rows_updated')},
            ${optionalColumn(features.durationMs, 'rh.duration_ms', 'double precision', 'duration_ms')},
            ${optionalColumn(features.refreshReason, 'rh.refresh_reason', 'text', 'reason')},
            extract(epoch FROM now() - rh.start_time) AS age_s,
            rh.initiated_by, rh.error_message, st.topk_limit IS NOT NULL AS topk,
            st.effective_refresh_mode AS effective,
            rh.refresh_id = (SELECT max(l.refresh_id) FROM pgtrickle.pgt_refresh_history l
                             WHERE l.pgt_id = rh.pgt_id AND l.action <> 'NO_DATA'
                               AND l.status = 'COMPLETED') AS latest
     FROM pgtrickle.pgt_refresh_history rh
     JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = rh.pgt_id
     WHERE rh.action <> 'NO_DATA'
     ORDER BY rh.refresh_id DESC
     LIMIT ${Math.trunc(limit)}`;
}

export function parseHistory(rows: readonly Row[]): HistoryRow[] {
  return rows.map(
    (r): HistoryRow => ({
      name: String(r.pgt_name),
      action: String(r.action),
      // The table's effective mode speaks only of its latest refresh.
      did: whatItDid(Boolean(r.topk), r.latest ? strOrNull(r.effective) : null, String(r.action)),
      status: String(r.status),
      rowsInserted: r.status === 'RUNNING' ? null : numOrNull(r.rows_inserted),
      rowsUpdated: r.status === 'RUNNING' ? null : numOrNull(r.rows_updated),
      rowsDeleted: r.status === 'RUNNING' ? null : numOrNull(r.rows_deleted),
      durationMs: numOrNull(r.duration_ms),
      ageS: Math.max(0, num(r.age_s)),
      reason: strOrNull(r.reason),
      initiatedBy: strOrNull(r.initiated_by),
      error: strOrNull(r.error_message),
    }),
  );
}

/** pg_trickle's own efficiency summary, per stream table. */
export const EFFICIENCY_SQL = `SELECT e.pgt_name, e.refresh_mode, e.total_refreshes, e.diff_count, e.full_count,
            e.avg_diff_ms, e.avg_full_ms, e.avg_change_ratio, e.diff_speedup,
            st.effective_refresh_mode, st.topk_limit IS NOT NULL AS topk
     FROM pgtrickle.refresh_efficiency() e
     JOIN pgtrickle.pgt_stream_tables st ON st.pgt_schema = e.pgt_schema AND st.pgt_name = e.pgt_name
     ORDER BY st.pgt_id`;

export function parseEfficiency(rows: readonly Row[], features: EngineFeatures): EfficiencyRow[] {
  // Without per-refresh durations the engine's averages are averages of zeros: not shown.
  const timed = (v: unknown) => (features.durationMs ? numOrNull(v) : null);
  return rows.map((r) => ({
    name: String(r.pgt_name),
    refreshMode: String(r.refresh_mode),
    effectiveMode: strOrNull(r.effective_refresh_mode),
    topK: Boolean(r.topk),
    total: num(r.total_refreshes),
    diffCount: num(r.diff_count),
    fullCount: num(r.full_count),
    avgDiffMs: timed(r.avg_diff_ms),
    avgFullMs: timed(r.avg_full_ms),
    avgChangeRatio: numOrNull(r.avg_change_ratio),
    speedup: features.durationMs ? strOrNull(r.diff_speedup) : null,
  }));
}

/** Refreshes per minute by kind over the last 15 minutes, for the efficiency chart. */
export const SERIES_SQL = `SELECT to_char(m.minute AT TIME ZONE 'UTC', 'HH24:MI') AS minute,
            count(rh.refresh_id) FILTER (WHERE NOT topk AND rh.action = 'DIFFERENTIAL') AS diff,
            count(rh.refresh_id) FILTER (WHERE NOT topk AND rh.action IN ('FULL', 'REINITIALIZE')) AS full,
            count(rh.refresh_id) FILTER (WHERE topk) AS topk
     FROM generate_series(date_trunc('minute', now()) - interval '14 minutes',
                          date_trunc('minute', now()), interval '1 minute') AS m(minute)
     LEFT JOIN (
       SELECT h.refresh_id, h.action, h.start_time, st.topk_limit IS NOT NULL AS topk
       FROM pgtrickle.pgt_refresh_history h
       JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = h.pgt_id
       WHERE h.status = 'COMPLETED' AND h.action <> 'NO_DATA'
         AND h.start_time >= date_trunc('minute', now()) - interval '14 minutes'
     ) rh ON rh.start_time >= m.minute AND rh.start_time < m.minute + interval '1 minute'
     GROUP BY m.minute ORDER BY m.minute`;

export function parseSeries(rows: readonly Row[]): SeriesPoint[] {
  return rows.map((r) => ({
    minute: String(r.minute),
    diff: num(r.diff),
    full: num(r.full),
    topK: num(r.topk),
  }));
}

/**
 * pg_trickle's advisor reads its change buffers, which a read-only role may not see, so the
 * dashboard's role calls it through demo_meta.refresh_mode_advice(), a SECURITY DEFINER wrapper
 * the bootstrap grants to that role alone (db/setup/roles.ts). Where this role may not call it
 * (EngineFeatures.advisor), the panel says so instead of failing the whole read.
 */
export const ADVICE_SQL = `SELECT pgt_name, current_mode, effective_mode, recommended_mode, confidence, reason
       FROM demo_meta.refresh_mode_advice()`;

export const ADVICE_UNAVAILABLE = 'the advisor is not available to this read-only role';

export function parseAdvice(rows: readonly Row[]): AdviceRow[] {
  return rows.map((r) => ({
    name: String(r.pgt_name),
    currentMode: String(r.current_mode),
    effectiveMode: strOrNull(r.effective_mode),
    recommended: String(r.recommended_mode),
    confidence: String(r.confidence),
    reason: String(r.reason),
  }));
}

/** The engine's own latency figures per table (pgtrickle.commit_latency_stats(), newer releases). */
export interface EngineLatencyRow {
  name: string;
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /**
   * What the engine measured: 'commit_timestamp' (source commit → visible, with
   * track_commit_timestamp) or 'refresh_duration' (how long its refreshes took).
   */
  trackingMode: string;
}

export const LATENCY_SQL = `SELECT pgt_name, samples, p50_ms, p95_ms, max_ms, tracking_mode
FROM pgtrickle.commit_latency_stats() WHERE pgt_schema = 'public'`;

export const parseLatency = (rows: readonly Row[]): EngineLatencyRow[] =>
  rows.map((r) => ({
    name: String(r.pgt_name),
    samples: num(r.samples),
    p50Ms: numOrNull(r.p50_ms),
    p95Ms: numOrNull(r.p95_ms),
    maxMs: numOrNull(r.max_ms),
    trackingMode: String(r.tracking_mode ?? ''),
  }));

/** The engine's freshness report per table (pgtrickle.freshness(), 0.90+): its SLA status. */
export interface EngineFreshnessRow {
  name: string;
  /** The table's freshness target, seconds; null where none is set. */
  targetS: number | null;
  p95S: number | null;
  status: string;
}

export const FRESHNESS_REPORT_SQL = `SELECT stream_table, extract(epoch FROM target)::float8 AS target_s,
       extract(epoch FROM p95)::float8 AS p95_s, status
FROM pgtrickle.freshness()`;

export const parseFreshnessReport = (rows: readonly Row[]): EngineFreshnessRow[] =>
  rows.map((r) => ({
    // The engine names a table schema.table, as in pgt_status().
    name: String(r.stream_table).replace(/^public\./, ''),
    targetS: numOrNull(r.target_s),
    p95S: numOrNull(r.p95_s),
    status: String(r.status ?? ''),
  }));
