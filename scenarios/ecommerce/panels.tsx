import { num } from '../../db/values';
import { fmt } from '../../ui/format';
import { col, definePanel, tablePanel } from '../../ui/panel';
import type { Panel } from '../../ui/types';
import { ChartData, Kpis, Table } from '../../ui/ui';

const WINDOW_NOTE = 'orders in the {window}';

export const kpis = definePanel({
  id: 'kpis',
  title: 'Store at a glance',
  note: 'orders in the {window}',
  lead: true,
  reads: {
    row: `SELECT COALESCE(SUM(order_count), 0) AS orders, COALESCE(SUM(total_spent), 0) AS revenue,
              COUNT(*) FILTER (WHERE order_count > 0) AS active_customers, COUNT(*) AS customers
       FROM customer_stats`,
  },
  build({ row: [r] }) {
    return {
      orders: num(r?.orders),
      revenue: num(r?.revenue),
      active: num(r?.active_customers),
      customers: num(r?.customers),
    };
  },
  render(d: { orders: number; revenue: number; active: number; customers: number }) {
    return (
      <Kpis
        items={[
          { label: 'Orders', value: fmt.int(d.orders) },
          { label: 'Revenue', value: fmt.money0(d.revenue) },
          {
            label: 'Avg order value',
            value: d.orders > 0 ? fmt.money(d.revenue / d.orders) : '–',
          },
          { label: 'Active customers', value: `${fmt.int(d.active)} of ${fmt.int(d.customers)}` },
        ]}
      />
    );
  },
});

type CategoryRow = {
  id: number;
  name: string;
  orders: number;
  units: number;
  revenue: number;
  avgPrice: number;
  customers: number;
};

export const categoryRevenue = definePanel({
  id: 'category-revenue',
  title: 'Revenue by Category',
  note: `${WINDOW_NOTE} · stream table category_revenue`,
  chart: 'bar',
  reads: {
    rows: `SELECT category_id, category_name, order_count, units_sold, revenue, avg_price, unique_customers
       FROM category_revenue ORDER BY revenue DESC, category_name`,
  },
  build({ rows }): CategoryRow[] {
    return rows.map((r) => ({
      id: num(r.category_id),
      name: String(r.category_name),
      orders: num(r.order_count),
      units: num(r.units_sold),
      revenue: num(r.revenue),
      avgPrice: num(r.avg_price),
      customers: num(r.unique_customers),
    }));
  },
  render(rows: CategoryRow[]) {
    // The chart keeps a fixed category order so bars grow in place; the table ranks by revenue.
    const fixed = [...rows].sort((a, b) => a.id - b.id);
    return (
      <>
        <ChartData
          labels={fixed.map((r) => r.name)}
          datasets={[{ label: 'Revenue (USD)', data: fixed.map((r) => Math.round(r.revenue)) }]}
          unit="USD"
        />
        <Table
          rows={rows}
          columns={[
            col.text('Category', 'name'),
            col.int('Orders', 'orders'),
            col.int('Units', 'units'),
            col.money0('Revenue', 'revenue'),
            col.int('Customers', 'customers'),
          ]}
        />
      </>
    );
  },
});

export const topProducts = tablePanel({
  id: 'top-products',
  title: 'Top Products',
  note: `${WINDOW_NOTE} · stream table product_sales`,
  sql: `SELECT product_name, category_name, units_sold, revenue, avg_selling_price
       FROM product_sales ORDER BY revenue DESC, product_name LIMIT 8`,
  columns: [
    col.text('Product', 'product_name'),
    col.text('Category', 'category_name'),
    col.int('Units', 'units_sold'),
    col.money0('Revenue', 'revenue'),
    col.money('Avg price', 'avg_selling_price'),
  ],
});

export const topCustomers = tablePanel({
  id: 'top-customers',
  title: 'Top 10 Customers',
  note: 'stream table top_10_customers (ORDER BY … LIMIT 10)',
  sql: `SELECT rank, customer_name, country, order_count, total_spent, avg_order_value
       FROM top_10_customers ORDER BY rank`,
  columns: [
    col.rank('#', 'rank'),
    col.text('Customer', 'customer_name'),
    col.text('Country', 'country'),
    col.int('Orders', 'order_count'),
    col.money0('Spent', 'total_spent'),
  ],
});

export const countryRevenue = tablePanel({
  id: 'country-revenue',
  title: 'Revenue by Country',
  note: `${WINDOW_NOTE} · stream table country_revenue (reads customer_stats)`,
  sql: `SELECT country, customer_count, total_orders, total_revenue, avg_order_value
       FROM country_revenue ORDER BY total_revenue DESC, country`,
  columns: [
    col.text('Country', 'country'),
    col.int('Customers', 'customer_count'),
    col.int('Orders', 'total_orders'),
    col.money0('Revenue', 'total_revenue'),
    col.money('AOV', 'avg_order_value'),
  ],
});

export const catalogPriceImpact = definePanel({
  id: 'catalog-price-impact',
  title: 'Catalog Price Impact',
  note: 'stream table catalog_price_impact (5s) · reprices change one row of 15',
  span: 2,
  reads: {
    rows: `SELECT product_name, category_name, base_price, current_price, price_delta, pct_change,
              price_last_updated
       FROM catalog_price_impact ORDER BY abs(pct_change) DESC, product_name`,
  },
  build: (r) => r.rows,
  render(rows: Record<string, unknown>[]) {
    const changed = (r: Record<string, unknown>) => num(r.pct_change) !== 0;
    return (
      <Table
        rows={rows}
        columns={[
          col.text('Product', 'product_name'),
          col.text('Category', 'category_name'),
          col.money('Base', 'base_price'),
          col.money('Current', 'current_price', {
            className: (r) => (changed(r) ? 'changed' : undefined),
          }),
          {
            label: 'Change',
            numeric: true,
            cell: (r) => fmt.pct(num(r.pct_change)),
            className: (r) =>
              num(r.pct_change) > 0 ? 'up' : num(r.pct_change) < 0 ? 'down' : undefined,
          },
        ]}
      />
    );
  },
});

export const panels: readonly Panel[] = [
  kpis,
  categoryRevenue,
  topProducts,
  topCustomers,
  countryRevenue,
  catalogPriceImpact,
];
