import type { Example } from '../types';

/** The seed's psql examples for fraud_demo, verbatim. */
export const examples: readonly Example[] = [
  {
    id: 'status',
    title: 'See all stream table status',
    sql: 'SELECT * FROM pgtrickle.pgt_status();',
  },
  {
    id: 'dag',
    title: 'Inspect the DAG dependency graph (full tree)',
    // Works, but sorts the drawing's lines alphabetically; WITH ORDINALITY keeps tree order.
    sql: `SELECT tree_line FROM pgtrickle.dependency_tree()
ORDER BY tree_line;`,
  },
  {
    id: 'high-alerts',
    title: 'Most recent HIGH-risk alerts',
    sql: `SELECT txn_id, user_name, merchant_name, amount, risk_level
FROM   risk_scores
WHERE  risk_level = 'HIGH'
ORDER  BY txn_id DESC LIMIT 10;`,
  },
  {
    id: 'manual-refresh',
    title: 'Trigger a manual refresh (normally the background worker does this)',
    sql: `SELECT pgtrickle.refresh_stream_table('risk_scores');`,
    writes: true,
  },
  {
    id: 'history',
    title: 'See refresh history',
    sql: `SELECT st.pgt_name, rh.action, rh.status, 
       (rh.end_time - rh.start_time) AS duration, rh.start_time
FROM pgtrickle.pgt_refresh_history rh
JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = rh.pgt_id
ORDER  BY rh.start_time DESC LIMIT 20;`,
  },
];
