import type { Example } from '../types';

/** The seed's psql examples for ecommerce_demo, verbatim. */
export const examples: readonly Example[] = [
  {
    id: 'category-revenue',
    title: 'See category revenue live',
    sql: 'SELECT * FROM category_revenue ORDER BY revenue DESC;',
  },
  {
    id: 'top-customers',
    title: 'Top 10 customers leaderboard',
    sql: 'SELECT * FROM top_10_customers;',
  },
  {
    id: 'price-changes',
    title: 'Price changes in the catalog',
    sql: `SELECT product_name, base_price, current_price, pct_change
FROM   catalog_price_impact
ORDER  BY ABS(pct_change) DESC;`,
  },
  {
    id: 'efficiency',
    title: 'Refresh efficiency comparison',
    sql: `SELECT pgt_name, avg_diff_ms, diff_speedup, avg_change_ratio
FROM   pgtrickle.refresh_efficiency()
ORDER  BY pgt_name;`,
  },
];
