// What pg_trickle says about each stream table: its status and latest refresh, and what that
// refresh really did. Read through pg_trickle's API, or the compatibility mode's copy of it; the
// engine panels and the engine suite use these. The DAG is in dag.ts, the query in definition.ts.
import type { Row } from '../client';
import { num, numOrNull, strOrNull } from '../values';
import { type EngineFeatures, optionalColumn } from './engine';

/** pg_trickle names tables in public unqualified in some places, qualified in others. */
export const unqualify = (name: unknown) => String(name).replace(/^public\./, '');

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
