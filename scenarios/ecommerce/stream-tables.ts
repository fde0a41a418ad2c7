import type { StreamTableDef } from '../types';

/**
 * The 6 stream tables of reference/scenarios.md §1, in creation (topological) order.
 *
 * Counts across a LEFT JOIN are written COALESCE(COUNT(o.id), 0), which pg_trickle recomputes
 * for each affected group ("group-rescan"), instead of a bare COUNT(o.id), which it maintains
 * algebraically: on 0.67 the bare count drifted one above the query's under the generator
 * (after retention deletes, with adaptive FULL cycles), while the rescanned sums beside it held.
 */
export const streamTables: readonly StreamTableDef[] = [
  {
    name: 'product_sales',
    layer: 'L1',
    refreshMode: 'DIFFERENTIAL',
    schedule: '1s',
    // Products and their categories are named in a subquery first: grouping by p.name and c.name
    // directly makes pg_trickle 0.67's differential refresh fail ("column reference "name" is
    // ambiguous"), every time orders arrive.
    query: `SELECT p.product_id, p.product_name, p.category_name,
       COALESCE(COUNT(o.id), 0) AS order_count,
       COALESCE(SUM(o.quantity), 0) AS units_sold,
       COALESCE(SUM(o.quantity * o.unit_price), 0) AS revenue,
       ROUND(COALESCE(AVG(o.unit_price), 0), 2) AS avg_selling_price
FROM (
  SELECT pr.id AS product_id, pr.name AS product_name, c.name AS category_name
  FROM products pr
  JOIN categories c ON c.id = pr.category_id
) p
LEFT JOIN orders o ON o.product_id = p.product_id
GROUP BY p.product_id, p.product_name, p.category_name`,
  },
  {
    name: 'customer_stats',
    layer: 'L1',
    refreshMode: 'DIFFERENTIAL',
    schedule: '1s',
    query: `SELECT cu.id AS customer_id, cu.name AS customer_name, cu.country,
       COALESCE(COUNT(o.id), 0) AS order_count,
       COALESCE(SUM(o.quantity * o.unit_price), 0) AS total_spent,
       ROUND(COALESCE(SUM(o.quantity * o.unit_price) / NULLIF(COUNT(o.id), 0), 0), 2) AS avg_order_value
FROM customers cu
LEFT JOIN orders o ON o.customer_id = cu.id
GROUP BY cu.id, cu.name, cu.country`,
  },
  {
    name: 'category_revenue',
    layer: 'L1',
    refreshMode: 'DIFFERENTIAL',
    schedule: '1s',
    query: `SELECT c.id AS category_id, c.name AS category_name,
       COALESCE(COUNT(o.id), 0) AS order_count,
       COALESCE(SUM(o.quantity), 0) AS units_sold,
       COALESCE(SUM(o.quantity * o.unit_price), 0) AS revenue,
       ROUND(COALESCE(AVG(o.unit_price), 0), 2) AS avg_price,
       COUNT(DISTINCT o.customer_id) AS unique_customers
FROM categories c
LEFT JOIN products p ON p.category_id = c.id
LEFT JOIN orders o ON o.product_id = p.id
GROUP BY c.id, c.name`,
  },
  {
    name: 'country_revenue',
    layer: 'L2',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    query: `SELECT country,
       COUNT(*) AS customer_count,
       SUM(order_count) AS total_orders,
       SUM(total_spent) AS total_revenue,
       ROUND(SUM(total_spent) / NULLIF(SUM(order_count), 0), 2) AS avg_order_value
FROM customer_stats
WHERE order_count > 0
GROUP BY country`,
  },
  {
    name: 'catalog_price_impact',
    layer: 'showcase',
    refreshMode: 'DIFFERENTIAL',
    schedule: '5s',
    query: `SELECT p.id AS product_id, p.name AS product_name, c.name AS category_name,
       p.base_price, pc.current_price,
       pc.current_price - p.base_price AS price_delta,
       ROUND((pc.current_price - p.base_price) / p.base_price * 100, 1) AS pct_change,
       pc.updated_at AS price_last_updated
FROM product_catalog pc
JOIN products p ON p.id = pc.product_id
JOIN categories c ON c.id = p.category_id`,
  },
  {
    name: 'top_10_customers',
    layer: 'showcase',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    query: `SELECT ROW_NUMBER() OVER (ORDER BY total_spent DESC, customer_name) AS rank,
       customer_name, country, order_count, total_spent, avg_order_value
FROM customer_stats
ORDER BY total_spent DESC, customer_name
LIMIT 10`,
  },
];
