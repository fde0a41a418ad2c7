// The part of pg_trickle's SQL API this project reads, with exact output columns and types, as
// the newest release (0.108.3) has it; the project still runs on 0.67.0, which lacks the columns
// listed in NEWEST_ONLY_COLUMNS (the code adapts to their absence, never to a version string).
// The compatibility mode must match all of it, and the real-engine suite checks the extension
// against the same definition.

export const FUNCTION_COLUMNS: Record<string, [string, string][]> = {
  pgt_status: [
    ['name', 'text'],
    ['status', 'text'],
    ['refresh_mode', 'text'],
    ['is_populated', 'boolean'],
    ['consecutive_errors', 'integer'],
    ['schedule', 'text'],
    ['data_timestamp', 'timestamp with time zone'],
    ['staleness', 'interval'],
    ['scc_id', 'integer'],
  ],
  dependency_tree: [
    ['tree_line', 'text'],
    ['node', 'text'],
    ['node_type', 'text'],
    ['depth', 'integer'],
    ['status', 'text'],
    ['refresh_mode', 'text'],
  ],
  refresh_efficiency: [
    ['pgt_schema', 'text'],
    ['pgt_name', 'text'],
    ['refresh_mode', 'text'],
    ['total_refreshes', 'bigint'],
    ['diff_count', 'bigint'],
    ['full_count', 'bigint'],
    ['avg_diff_ms', 'double precision'],
    ['avg_full_ms', 'double precision'],
    ['avg_change_ratio', 'double precision'],
    ['diff_speedup', 'text'],
    ['last_refresh_at', 'text'],
  ],
  // Newer releases only (not 0.67): read where the engine has it (EngineFeatures.commitLatency).
  commit_latency_stats: [
    ['pgt_schema', 'text'],
    ['pgt_name', 'text'],
    ['samples', 'bigint'],
    ['min_ms', 'double precision'],
    ['p50_ms', 'double precision'],
    ['p95_ms', 'double precision'],
    ['max_ms', 'double precision'],
    ['tracking_mode', 'text'],
  ],
  recommend_refresh_mode: [
    ['pgt_schema', 'text'],
    ['pgt_name', 'text'],
    ['current_mode', 'text'],
    ['effective_mode', 'text'],
    ['recommended_mode', 'text'],
    ['confidence', 'text'],
    ['reason', 'text'],
    ['signals', 'jsonb'],
  ],
};

/** Functions of FUNCTION_COLUMNS that 0.67.0 lacks (newer releases have them). */
export const NEWEST_ONLY_FUNCTIONS: readonly string[] = ['commit_latency_stats'];

/**
 * Functions read where the engine has them that the compatibility mode does not provide (it has
 * no freshness targets, so no honest SLA report): 0.108.3's output columns.
 */
export const ENGINE_ONLY_FUNCTION_COLUMNS: Record<string, [string, string][]> = {
  freshness: [
    ['stream_table', 'text'],
    ['target', 'interval'],
    ['p50', 'interval'],
    ['p95', 'interval'],
    ['p99', 'interval'],
    ['status', 'text'],
  ],
};

/** Catalog columns this project reads that both 0.67.0 and 0.108.3 have (the real tables have more). */
export const TABLE_COLUMNS: Record<string, string[]> = {
  pgt_stream_tables: [
    'pgt_id',
    'pgt_relid',
    'pgt_name',
    'pgt_schema',
    'defining_query',
    'original_query',
    'schedule',
    'refresh_mode',
    'status',
    'is_populated',
    'data_timestamp',
    'last_refresh_at',
    'consecutive_errors',
    'effective_refresh_mode',
    'last_full_ms',
    'topk_limit',
  ],
  pgt_refresh_history: [
    'refresh_id',
    'pgt_id',
    'data_timestamp',
    'start_time',
    'end_time',
    'action',
    'rows_inserted',
    'rows_deleted',
    'delta_row_count',
    'was_full_fallback',
    'error_message',
    'status',
    'initiated_by',
  ],
  pgt_dependencies: ['pgt_id', 'source_relid', 'source_type'],
};

/**
 * Columns that only newer releases have (all present in 0.108.3, absent in 0.67.0). Readers ask
 * the catalog whether each exists (db/engine.ts) and say "not recorded by this version" when not.
 */
export const NEWEST_ONLY_COLUMNS = {
  pgt_stream_tables: ['requested_refresh_mode', 'refresh_reason', 'refresh_reason_detail'],
  pgt_refresh_history: ['rows_updated', 'duration_ms', 'refresh_reason', 'refresh_reason_detail'],
} as const satisfies Record<string, readonly string[]>;

/**
 * Functions 0.108.3 revokes from PUBLIC that the dashboard calls: the bootstrap grants EXECUTE on
 * them to the dashboard's role (a no-op on 0.67.0, where every function is PUBLIC).
 */
export const READER_FUNCTION_GRANTS = ['refresh_efficiency()'] as const;

/**
 * 0.108.3's catalog tables as far as the compatibility mode lays them out (it keeps only the
 * columns it fills): each column as [name, type, NOT NULL], in the install script's order; the
 * values each CHECK allows; the foreign keys (all `ON DELETE CASCADE` to pgt_stream_tables).
 * Read from `sql/archive/pg_trickle--0.108.3.sql`. The stand-in must match it exactly; a real
 * engine must have these columns in this order with these types (0.67 lacks the NEWEST_ONLY ones
 * and some CHECK values).
 */
export const CATALOG_CONTRACT: Record<
  string,
  { columns: [string, string, boolean][]; checks: Record<string, string[]>; cascades: string[] }
> = {
  pgt_stream_tables: {
    columns: [
      ['pgt_id', 'bigint', true],
      ['pgt_relid', 'oid', true],
      ['pgt_name', 'text', true],
      ['pgt_schema', 'text', true],
      ['defining_query', 'text', true],
      ['original_query', 'text', false],
      ['schedule', 'text', false],
      ['refresh_mode', 'text', true],
      ['requested_refresh_mode', 'text', true],
      ['status', 'text', true],
      ['is_populated', 'boolean', true],
      ['data_timestamp', 'timestamp with time zone', false],
      ['last_refresh_at', 'timestamp with time zone', false],
      ['consecutive_errors', 'integer', true],
      ['last_full_ms', 'double precision', false],
      ['topk_limit', 'integer', false],
      ['effective_refresh_mode', 'text', false],
      ['refresh_reason', 'text', false],
      ['refresh_reason_detail', 'text', false],
    ],
    checks: {
      refresh_mode: ['FULL', 'DIFFERENTIAL', 'IMMEDIATE'],
      requested_refresh_mode: ['AUTO', 'FULL', 'DIFFERENTIAL', 'IMMEDIATE'],
      status: ['INITIALIZING', 'ACTIVE', 'SUSPENDED', 'ERROR'],
    },
    cascades: [],
  },
  pgt_dependencies: {
    columns: [
      ['pgt_id', 'bigint', true],
      ['source_relid', 'oid', true],
      ['source_type', 'text', true],
    ],
    checks: { source_type: ['TABLE', 'STREAM_TABLE', 'VIEW', 'MATVIEW', 'FOREIGN_TABLE'] },
    cascades: ['pgt_id'],
  },
  pgt_refresh_history: {
    columns: [
      ['refresh_id', 'bigint', true],
      ['pgt_id', 'bigint', true],
      ['data_timestamp', 'timestamp with time zone', true],
      ['start_time', 'timestamp with time zone', true],
      ['end_time', 'timestamp with time zone', false],
      ['action', 'text', true],
      ['rows_inserted', 'bigint', false],
      ['rows_updated', 'bigint', true],
      ['rows_deleted', 'bigint', false],
      ['delta_row_count', 'bigint', false],
      ['merge_strategy_used', 'text', false],
      ['was_full_fallback', 'boolean', true],
      ['refresh_reason', 'text', false],
      ['refresh_reason_detail', 'text', false],
      ['error_message', 'text', false],
      ['status', 'text', true],
      ['initiated_by', 'text', false],
      ['duration_ms', 'double precision', false],
    ],
    checks: {
      action: ['NO_DATA', 'FULL', 'DIFFERENTIAL', 'REINITIALIZE', 'SKIP'],
      status: ['RUNNING', 'COMPLETED', 'FAILED', 'SKIPPED'],
      initiated_by: [
        'SCHEDULER',
        'MANUAL',
        'INITIAL',
        'SELF_MONITOR',
        'SCHEDULER_FUSED',
        'EXTERNAL_GRAPH',
      ],
    },
    cascades: ['pgt_id'],
  },
};

/** The functions the project calls, with 0.108.3's input parameters: [name, type] in order. */
export const FUNCTION_SIGNATURES: Record<string, [string, string][]> = {
  create_stream_table: [
    ['name', 'text'],
    ['query', 'text'],
    ['schedule', 'text'],
    ['refresh_mode', 'text'],
    ['initialize', 'boolean'],
    ['diamond_consistency', 'text'],
    ['diamond_schedule_policy', 'text'],
    ['cdc_mode', 'text'],
    ['append_only', 'boolean'],
    ['pooler_compatibility_mode', 'boolean'],
    ['partition_by', 'text'],
    ['max_differential_joins', 'integer'],
    ['max_delta_fraction', 'double precision'],
    ['output_distribution_column', 'text'],
    ['temporal', 'boolean'],
    ['storage_backend', 'text'],
    ['fillfactor', 'integer'],
    ['target_freshness', 'text'],
    ['orchestration_mode', 'text'],
  ],
  // Used by the bench to time FULL against DIFFERENTIAL on one table.
  alter_stream_table: [
    ['name', 'text'],
    ['query', 'text'],
    ['schedule', 'text'],
    ['refresh_mode', 'text'],
    ['status', 'text'],
    ['diamond_consistency', 'text'],
    ['diamond_schedule_policy', 'text'],
    ['cdc_mode', 'text'],
    ['append_only', 'boolean'],
    ['pooler_compatibility_mode', 'boolean'],
    ['tier', 'text'],
    ['fuse', 'text'],
    ['fuse_ceiling', 'bigint'],
    ['fuse_sensitivity', 'integer'],
    ['partition_by', 'text'],
    ['max_differential_joins', 'integer'],
    ['max_delta_fraction', 'double precision'],
    ['post_refresh_action', 'text'],
    ['reindex_drift_threshold', 'double precision'],
    ['target_freshness', 'text'],
  ],
  drop_stream_table: [
    ['name', 'text'],
    ['cascade', 'boolean'],
  ],
  refresh_stream_table: [['name', 'text']],
  recommend_refresh_mode: [['st_name', 'text']],
};

/**
 * Who 0.108.3 lets call each function the project calls, among PUBLIC and its own three roles
 * (the bootstrap adds grants to the demo's roles on top): an empty list is nobody.
 */
export const EXECUTE_GRANTS: Record<string, string[]> = {
  pgt_status: ['PUBLIC'],
  dependency_tree: ['PUBLIC'],
  recommend_refresh_mode: ['PUBLIC'],
  commit_latency_stats: ['PUBLIC'],
  refresh_efficiency: [],
  refresh_stream_table: ['pgtrickle_operator'],
  create_stream_table: ['pgtrickle_admin'],
  alter_stream_table: ['pgtrickle_admin'],
  drop_stream_table: ['pgtrickle_admin'],
};

/** 0.108.3's roles, NOLOGIN NOINHERIT, each granted to the next; USAGE on `pgtrickle` is theirs. */
export const ENGINE_ROLES = ['pgtrickle_reader', 'pgtrickle_operator', 'pgtrickle_admin'] as const;

/** Functions called with named arguments: name -> argument names in order (both releases). */
export const FUNCTION_ARGS: Record<string, string[]> = {
  create_stream_table: ['name', 'query', 'schedule', 'refresh_mode', 'initialize'],
  alter_stream_table: ['name', 'query', 'schedule', 'refresh_mode'],
  drop_stream_table: ['name', 'cascade'],
  refresh_stream_table: ['name'],
  recommend_refresh_mode: ['st_name'],
};
