// Everything one page or poll shows for a scenario, read over one connection.
import { type Db, type DbConfig, detectEngine, type Engine, withDb } from '../db';
import { num } from '../scenarios/shared/format';
import type { Panel, Scenario } from '../scenarios/types';
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
  refreshMode: string;
  schedule: string | null;
  isPopulated: boolean;
  consecutiveErrors: number;
  /** Seconds since the last refresh that did work (not NO_DATA); null if none yet. */
  lastRefreshAgeS: number | null;
  lastAction: string | null;
  lastRowsInserted: number;
  lastRowsDeleted: number;
  lastDurationMs: number | null;
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

export async function loadStatus(db: Db): Promise<StreamTableStatus[]> {
  const rows = await db.query(
    `SELECT s.name, s.status, s.refresh_mode, s.schedule, s.is_populated, s.consecutive_errors,
            extract(epoch FROM now() - h.end_time) AS age_s, h.action, h.rows_inserted,
            h.rows_deleted, extract(epoch FROM h.end_time - h.start_time) * 1000 AS duration_ms
     FROM pgtrickle.pgt_status() s
     JOIN pgtrickle.pgt_stream_tables st ON st.pgt_schema || '.' || st.pgt_name = s.name
     LEFT JOIN LATERAL (
       SELECT action, rows_inserted, rows_deleted, start_time, end_time
       FROM pgtrickle.pgt_refresh_history rh
       WHERE rh.pgt_id = st.pgt_id AND rh.action <> 'NO_DATA' AND rh.status = 'COMPLETED'
       ORDER BY rh.refresh_id DESC LIMIT 1) h ON true
     ORDER BY st.pgt_id`,
  );
  return rows.map((r) => ({
    name: String(r.name).replace(/^public\./, ''),
    status: String(r.status),
    refreshMode: String(r.refresh_mode),
    schedule: r.schedule === null ? null : String(r.schedule),
    isPopulated: Boolean(r.is_populated),
    consecutiveErrors: num(r.consecutive_errors),
    lastRefreshAgeS: r.age_s === null ? null : Math.max(0, num(r.age_s)),
    lastAction: r.action === null ? null : String(r.action),
    lastRowsInserted: num(r.rows_inserted),
    lastRowsDeleted: num(r.rows_deleted),
    lastDurationMs: r.duration_ms === null ? null : num(r.duration_ms),
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
      const status = engine.kind === 'none' ? [] : await loadStatus(db);
      const internals =
        opts.internals !== false && engine.kind !== 'none' ? await loadInternals(db) : undefined;
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
