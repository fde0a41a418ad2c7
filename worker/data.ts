// Everything one page or poll shows for a scenario, read over one connection.
import { type Db, type DbConfig, detectEngine, type Engine, withDb } from '../db';
import { type EngineFeatures, optionalColumn } from '../db/engine';
import { num, numOrNull, strOrNull as str } from '../scenarios/shared/format';
import type { Panel, Scenario } from '../scenarios/types';
import { whatItDid } from './engine-format';
import { type DefiningQuery, type Internals, loadDefiningQuery, loadInternals } from './internals';

const DEFAULT_RETENTION_MINUTES = 60;

/** Dashboard reads fail fast: a visitor waits for a poll, never for a hung database. */
export const READ_OPTS = {
  connectTimeoutMs: 4000,
  statementTimeoutMs: 4000,
  applicationName: 'pg_trickle_demo_dashboard',
};

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
}

/** What the table's latest refresh that did work actually did (see whatItDid). */
export function refreshDid(s: StreamTableStatus): string | null {
  return whatItDid(s.topK, s.effectiveMode, s.lastAction);
}

export interface Snapshot {
  scenario: Scenario;
  engine: Engine;
  /** Database time when the snapshot was read. */
  asOf: Date;
  /** The generator's event window, for notes such as "orders in the last 60 min". */
  retentionMinutes: number;
  panels: { panel: Panel; data: unknown }[];
  status: StreamTableStatus[];
  /** pg_trickle's panels; absent when only a scenario panel was asked for. */
  internals?: Internals;
  /** The deep-linked stream table and its defining query, when asked for. */
  node?: { name: string; def: DefiningQuery };
}

export async function loadStatus(db: Db, features: EngineFeatures): Promise<StreamTableStatus[]> {
  const rows = await db.query(
    `SELECT s.name, s.status, s.refresh_mode, s.schedule, s.is_populated, s.consecutive_errors,
            st.effective_refresh_mode, st.topk_limit IS NOT NULL AS topk,
            ${optionalColumn(features.requestedMode, 'st.requested_refresh_mode', 'text', 'requested_mode')},
            ${optionalColumn(features.refreshReason, 'st.refresh_reason', 'text', 'reason')},
            extract(epoch FROM now() - h.end_time) AS age_s, h.action, h.rows_inserted,
            h.rows_updated, h.rows_deleted, h.duration_ms
     FROM pgtrickle.pgt_status() s
     JOIN pgtrickle.pgt_stream_tables st ON st.pgt_schema || '.' || st.pgt_name = s.name
     LEFT JOIN LATERAL (
       SELECT rh.action, rh.rows_inserted, rh.rows_deleted, rh.end_time,
              ${optionalColumn(features.rowsUpdated, 'rh.rows_updated', 'bigint', 'rows_updated')},
              ${optionalColumn(features.durationMs, 'rh.duration_ms', 'double precision', 'duration_ms')}
       FROM pgtrickle.pgt_refresh_history rh
       WHERE rh.pgt_id = st.pgt_id AND rh.action <> 'NO_DATA' AND rh.status = 'COMPLETED'
       ORDER BY rh.refresh_id DESC LIMIT 1) h ON true
     ORDER BY st.pgt_id`,
  );
  return rows.map((r) => ({
    name: String(r.name).replace(/^public\./, ''),
    status: String(r.status),
    refreshMode: String(r.refresh_mode),
    requestedMode: str(r.requested_mode),
    effectiveMode: str(r.effective_refresh_mode),
    reason: str(r.reason),
    topK: Boolean(r.topk),
    schedule: str(r.schedule),
    isPopulated: Boolean(r.is_populated),
    consecutiveErrors: num(r.consecutive_errors),
    lastRefreshAgeS: r.age_s === null ? null : Math.max(0, num(r.age_s)),
    lastAction: str(r.action),
    lastRowsInserted: numOrNull(r.rows_inserted),
    lastRowsUpdated: numOrNull(r.rows_updated),
    lastRowsDeleted: numOrNull(r.rows_deleted),
    lastDurationMs: numOrNull(r.duration_ms),
  }));
}

export interface SnapshotOptions {
  /** The scenario panels to read (default: all). */
  panels?: readonly Panel[];
  /** Read pg_trickle's panels too (default: yes). */
  internals?: boolean;
  /** A stream table whose defining query to read as well (a deep link's ?node=). */
  node?: string;
}

export async function loadSnapshot(
  cfg: DbConfig,
  scenario: Scenario,
  opts: SnapshotOptions = {},
): Promise<Snapshot> {
  const panels = opts.panels ?? scenario.panels;
  return withDb(
    cfg,
    scenario.database,
    async (db) => {
      const engine = await detectEngine(db);
      const [t] = await db.query(
        `SELECT extract(epoch FROM now()) * 1000 AS now_ms,
                (SELECT retention_minutes FROM demo_meta.generator_state) AS retention`,
      );
      const loaded: Snapshot['panels'] = [];
      for (const panel of panels) loaded.push({ panel, data: await panel.load(db) });
      const status = engine.kind === 'none' ? [] : await loadStatus(db, engine.features);
      const internals =
        opts.internals !== false && engine.kind !== 'none'
          ? await loadInternals(db, engine)
          : undefined;
      const nodeDef = opts.node ? await loadDefiningQuery(db, opts.node) : undefined;
      return {
        ...(internals ? { internals } : {}),
        ...(opts.node && nodeDef ? { node: { name: opts.node, def: nodeDef } } : {}),
        scenario,
        engine,
        asOf: new Date(Number(t?.now_ms)),
        retentionMinutes: t?.retention ? Number(t.retention) : DEFAULT_RETENTION_MINUTES,
        panels: loaded,
        status,
      };
    },
    READ_OPTS,
  );
}
