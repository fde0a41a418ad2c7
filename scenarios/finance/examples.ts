import type { Example } from '../types';

/** The seed's psql examples for finance_demo, verbatim (two cannot work as printed). */
export const examples: readonly Example[] = [
  {
    id: 'prices',
    title: 'Current market prices (L1)',
    sql: 'SELECT symbol, sector, bid, ask, mid FROM price_snapshot ORDER BY symbol;',
  },
  {
    id: 'positions',
    title: 'Account net positions (L1)',
    sql: `SELECT account_id, instrument_symbol, net_quantity, position_value
FROM   net_positions WHERE net_quantity != 0;`,
  },
  {
    id: 'pnl-var',
    title: 'Portfolio P&L and VaR (L4 and L8)',
    sql: `SELECT portfolio_name, pnl, portfolio_var_95pct
FROM   portfolio_var ORDER BY portfolio_name;`,
  },
  {
    id: 'breaches',
    title: 'Top 10 capital-constrained portfolios (L10)',
    sql: `SELECT rank, portfolio_name, capital_required, capital_limit, utilization_ratio
FROM   breach_dashboard ORDER BY rank;`,
  },
  {
    id: 'change-ratios',
    title: 'Observe change ratios: L1 high, L10 very low',
    sql: `SELECT pgt_name, avg_change_ratio, diff_speedup
FROM   pgtrickle.refresh_efficiency()
WHERE  pgt_id <= 10
ORDER  BY pgt_id;`,
    broken: {
      reason: 'refresh_efficiency() has no pgt_id column; join pgt_stream_tables for it',
      sqlstate: '42703',
      corrected: `SELECT e.pgt_name, e.avg_change_ratio, e.diff_speedup
FROM   pgtrickle.refresh_efficiency() e
JOIN   pgtrickle.pgt_stream_tables st
       ON st.pgt_schema = e.pgt_schema AND st.pgt_name = e.pgt_name
WHERE  st.pgt_id <= 10
ORDER  BY st.pgt_id;`,
    },
  },
  {
    id: 'cascade',
    title: 'Watch real-time refresh cascade (last 5 seconds)',
    sql: `SELECT st.pgt_name, rh.action, (rh.end_time - rh.start_time)::int8 AS ms
FROM pgtrickle.pgt_refresh_history rh
JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = rh.pgt_id
WHERE rh.start_time > now() - interval '5 seconds'
ORDER BY rh.start_time DESC;`,
    broken: {
      reason: 'an interval does not cast to int8; take its epoch in milliseconds',
      sqlstate: '42846',
      corrected: `SELECT st.pgt_name, rh.action,
       round(extract(epoch FROM rh.end_time - rh.start_time) * 1000)::int8 AS ms
FROM pgtrickle.pgt_refresh_history rh
JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = rh.pgt_id
WHERE rh.start_time > now() - interval '5 seconds'
ORDER BY rh.start_time DESC;`,
    },
  },
];
