import type { Db } from '../client';

/**
 * What the engine's catalog records, asked of the catalog itself (a column present or not), never
 * inferred from a version string. 0.108.3 has all of these; 0.67.0 none; the compatibility mode
 * all but `fusedRecorded`'s reason to exist (it has no fused refresh).
 */
export interface EngineFeatures {
  /** pgt_refresh_history.duration_ms: a real duration per refresh (0.67 stamps start = end). */
  durationMs: boolean;
  /** pgt_refresh_history.rows_updated: updates counted apart from inserts and deletes. */
  rowsUpdated: boolean;
  /** refresh_reason on history rows and stream tables: why a refresh ran FULL. */
  refreshReason: boolean;
  /** pgt_stream_tables.requested_refresh_mode: the mode asked for, AUTO included. */
  requestedMode: boolean;
  /** History accepts initiated_by = 'SCHEDULER_FUSED' (0.68+); without it fused cycles vanish. */
  fusedRecorded: boolean;
  /**
   * This role may call demo_meta.refresh_mode_advice() (the bootstrap's wrapper around the
   * engine's advisor): the demo's grant, not the engine's, asked of the catalog all the same.
   */
  advisor: boolean;
  /** This role may read demo_meta.proofs (the live proof's results; a bootstrap of this code). */
  proof: boolean;
  /**
   * pgtrickle.commit_latency_stats() (newer releases; the compatibility mode has it too, from its
   * own refresh durations): the engine's own latency percentiles per table, callable here.
   */
  commitLatency: boolean;
  /** pgtrickle.freshness() (0.90+): the engine's freshness and SLA status per table, readable here. */
  freshnessReport: boolean;
}

/** Which engine maintains the stream tables in a database. */
export type Engine =
  | { kind: 'pg_trickle'; version: string; features: EngineFeatures }
  | { kind: 'compat'; version: string; features: EngineFeatures }
  | { kind: 'none' };

/** Nothing recorded beyond 0.67's columns: what a missing engine offers. */
export const NO_FEATURES: EngineFeatures = {
  durationMs: false,
  rowsUpdated: false,
  refreshReason: false,
  requestedMode: false,
  fusedRecorded: false,
  advisor: false,
  proof: false,
  commitLatency: false,
  freshnessReport: false,
};

export const featuresOf = (engine: Engine): EngineFeatures =>
  engine.kind === 'none' ? NO_FEATURES : engine.features;

/** The engine as every surface names it: the badge, /healthz, `npm run dev`'s log. */
export function engineLabel(engine: Engine): string {
  if (engine.kind === 'pg_trickle') return `pg_trickle ${engine.version}`;
  if (engine.kind === 'compat') return 'compatibility mode — full refresh only';
  return 'no stream table engine installed';
}

const FEATURE_COLUMNS = [
  'pgt_refresh_history.duration_ms',
  'pgt_refresh_history.rows_updated',
  'pgt_refresh_history.refresh_reason',
  'pgt_stream_tables.requested_refresh_mode',
];

/**
 * Which engine, and what its catalog records, in one parameterless statement (it also rides along
 * in each snapshot statement, so a producer notices an upgrade without asking separately).
 * pg_attribute and pg_constraint are readable by every role, the dashboard's included.
 */
export const ENGINE_SQL = `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'pg_trickle') AS ext,
            to_regclass('pgtrickle_compat.installed') IS NOT NULL AS has_compat,
            CASE WHEN to_regclass('pgtrickle_compat.installed') IS NOT NULL THEN
              (xpath('/row/version/text()', query_to_xml(
                 'SELECT version FROM pgtrickle_compat.installed', false, true, '')))[1]::text
            END AS compat_version,
            ARRAY(SELECT c.relname || '.' || a.attname
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                  WHERE c.relnamespace = to_regnamespace('pgtrickle')
                    AND c.relname || '.' || a.attname IN (${FEATURE_COLUMNS.map((c) => `'${c}'`).join(', ')})
                    AND NOT a.attisdropped) AS cols,
            EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = to_regclass('pgtrickle.pgt_refresh_history')
                      AND pg_get_constraintdef(oid) LIKE '%SCHEDULER_FUSED%') AS fused,
            coalesce(has_function_privilege(
              to_regprocedure('demo_meta.refresh_mode_advice()'), 'EXECUTE'), false) AS advisor,
            coalesce(has_table_privilege(to_regclass('demo_meta.proofs'), 'SELECT'), false) AS proof,
            coalesce(has_function_privilege(
              to_regprocedure('pgtrickle.commit_latency_stats()'), 'EXECUTE'), false) AS latency,
            coalesce(has_function_privilege(to_regprocedure('pgtrickle.freshness()'), 'EXECUTE'), false)
              AND coalesce(has_table_privilege(
                to_regclass('pgtrickle.pgt_freshness_controller_state'), 'SELECT'), true)
              AS freshness_report`;

/** The engine from ENGINE_SQL's row. */
export function engineFrom(row: Record<string, unknown> | undefined): Engine {
  if (!row?.ext && !row?.has_compat) return { kind: 'none' };
  const cols = new Set((row.cols as string[] | null) ?? []);
  const features: EngineFeatures = {
    durationMs: cols.has('pgt_refresh_history.duration_ms'),
    rowsUpdated: cols.has('pgt_refresh_history.rows_updated'),
    refreshReason: cols.has('pgt_refresh_history.refresh_reason'),
    requestedMode: cols.has('pgt_stream_tables.requested_refresh_mode'),
    fusedRecorded: Boolean(row.fused),
    advisor: Boolean(row.advisor),
    proof: Boolean(row.proof),
    commitLatency: Boolean(row.latency),
    freshnessReport: Boolean(row.freshness_report),
  };
  if (row.ext) return { kind: 'pg_trickle', version: String(row.ext), features };
  return { kind: 'compat', version: String(row.compat_version ?? 'unknown'), features };
}

export async function detectEngine(db: Db): Promise<Engine> {
  const [row] = await db.query(ENGINE_SQL);
  return engineFrom(row);
}

/** SQL for a column that only some versions have: the column, or a typed NULL in its place. */
export function optionalColumn(
  present: boolean,
  expr: string,
  type: 'text' | 'bigint' | 'double precision',
  alias: string,
): string {
  return present ? `${expr} AS ${alias}` : `NULL::${type} AS ${alias}`;
}
