import type { Db } from '../../db';
import { fmt, num } from '../shared/format';
import { tablePanel } from '../shared/table-panel';
import { ChartData, Kpis, Table } from '../shared/ui';
import type { Panel } from '../types';

const WINDOW_NOTE = 'orders in the {window}';

const kpis: Panel = {
  id: 'kpis',
  title: 'Store at a glance',
  note: 'orders in the {window}',
  span: 2,
  async load(db: Db) {
    const [r] = await db.query(
      `SELECT COALESCE(SUM(order_count), 0) AS orders, COALESCE(SUM(total_spent), 0) AS revenue,
              COUNT(*) FILTER (WHERE order_count > 0) AS active_customers, COUNT(*) AS customers
       FROM customer_stats`,
    );
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
};

interface CategoryRow {
  id: number;
  name: string;
  orders: number;
  units: number;
  revenue: number;
  avgPrice: number;
  customers: number;
}

const categoryRevenue: Panel = {
  id: 'category-revenue',
  title: 'Revenue by Category',
  note: `${WINDOW_NOTE} · stream table category_revenue`,
  chart: 'bar',
  async load(db: Db): Promise<CategoryRow[]> {
    const rows = await db.query(
      `SELECT category_id, category_name, order_count, units_sold, revenue, avg_price, unique_customers
       FROM category_revenue ORDER BY revenue DESC, category_name`,
    );
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
            { label: 'Category', cell: (r) => r.name },
            { label: 'Orders', numeric: true, cell: (r) => fmt.int(r.orders) },
            { label: 'Units', numeric: true, cell: (r) => fmt.int(r.units) },
            { label: 'Revenue', numeric: true, cell: (r) => fmt.money0(r.revenue) },
            { label: 'Customers', numeric: true, cell: (r) => fmt.int(r.customers) },
          ]}
        />
      </>
    );
  },
};

const topProducts = tablePanel({
  id: 'top-products',
  title: 'Top Products',
  note: `${WINDOW_NOTE} · stream table product_sales`,
  sql: `SELECT product_name, category_name, units_sold, revenue, avg_selling_price
       FROM product_sales ORDER BY revenue DESC, product_name LIMIT 8`,
  columns: [
    { label: 'Product', cell: (r) => String(r.product_name) },
    { label: 'Category', cell: (r) => String(r.category_name) },
    { label: 'Units', numeric: true, cell: (r) => fmt.int(num(r.units_sold)) },
    { label: 'Revenue', numeric: true, cell: (r) => fmt.money0(num(r.revenue)) },
    { label: 'Avg price', numeric: true, cell: (r) => fmt.money(num(r.avg_selling_price)) },
  ],
});

const topCustomers = tablePanel({
  id: 'top-customers',
  title: 'Top 10 Customers',
  note: 'stream table top_10_customers (ORDER BY … LIMIT 10)',
  sql: `SELECT rank, customer_name, country, order_count, total_spent, avg_order_value
       FROM top_10_customers ORDER BY rank`,
  columns: [
    { label: '#', numeric: true, cell: (r) => String(r.rank) },
    { label: 'Customer', cell: (r) => String(r.customer_name) },
    { label: 'Country', cell: (r) => String(r.country) },
    { label: 'Orders', numeric: true, cell: (r) => fmt.int(num(r.order_count)) },
    { label: 'Spent', numeric: true, cell: (r) => fmt.money0(num(r.total_spent)) },
  ],
});

const countryRevenue = tablePanel({
  id: 'country-revenue',
  title: 'Revenue by Country',
  note: `${WINDOW_NOTE} · stream table country_revenue (reads customer_stats)`,
  sql: `SELECT country, customer_count, total_orders, total_revenue, avg_order_value
       FROM country_revenue ORDER BY total_revenue DESC, country`,
  columns: [
    { label: 'Country', cell: (r) => String(r.country) },
    { label: 'Customers', numeric: true, cell: (r) => fmt.int(num(r.customer_count)) },
    { label: 'Orders', numeric: true, cell: (r) => fmt.int(num(r.total_orders)) },
    { label: 'Revenue', numeric: true, cell: (r) => fmt.money0(num(r.total_revenue)) },
    { label: 'AOV', numeric: true, cell: (r) => fmt.money(num(r.avg_order_value)) },
  ],
});

const catalogPriceImpact: Panel = {
  id: 'catalog-price-impact',
  title: 'Catalog Price Impact',
  note: 'stream table catalog_price_impact (5s) · reprices change one row of 15',
  span: 2,
  async load(db: Db) {
    return db.query(
      `SELECT product_name, category_name, base_price, current_price, price_delta, pct_change,
              price_last_updated
       FROM catalog_price_impact ORDER BY abs(pct_change) DESC, product_name`,
    );
  },
  render(rows: Record<string, unknown>[]) {
    const changed = (r: Record<string, unknown>) => num(r.pct_change) !== 0;
    return (
      <Table
        rows={rows}
        columns={[
          { label: 'Product', cell: (r) => String(r.product_name) },
          { label: 'Category', cell: (r) => String(r.category_name) },
          { label: 'Base', numeric: true, cell: (r) => fmt.money(num(r.base_price)) },
          {
            label: 'Current',
            numeric: true,
            cell: (r) => fmt.money(num(r.current_price)),
            className: (r) => (changed(r) ? 'changed' : undefined),
          },
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
};

export const panels: readonly Panel[] = [
  kpis,
  categoryRevenue,
  topProducts,
  topCustomers,
  countryRevenue,
  catalogPriceImpact,
];
