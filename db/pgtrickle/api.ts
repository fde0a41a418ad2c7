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

/** Functions called with named arguments: name -> argument names in order. */
export const FUNCTION_ARGS: Record<string, string[]> = {
  create_stream_table: ['name', 'query', 'schedule', 'refresh_mode', 'initialize'],
  drop_stream_table: ['name', 'cascade'],
  refresh_stream_table: ['name'],
  recommend_refresh_mode: ['st_name'],
};
