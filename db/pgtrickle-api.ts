// The part of pg_trickle's SQL API this project reads, with exact output columns and types
// (reference/pg_trickle-api.md, pg_trickle 0.67.0). The compatibility mode must match it, and
// the real-engine test suite checks the extension against the same definition.

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

/** Catalog columns this project reads (the real tables have more). */
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

/** Functions called with named arguments: name -> argument names in order. */
export const FUNCTION_ARGS: Record<string, string[]> = {
  create_stream_table: ['name', 'query', 'schedule', 'refresh_mode', 'initialize'],
  drop_stream_table: ['name', 'cascade'],
  refresh_stream_table: ['name'],
  recommend_refresh_mode: ['st_name'],
};
