import type { Db } from '../../db';
import { StackedBar } from '../shared/bars';
import { fmt, num } from '../shared/format';
import { tablePanel } from '../shared/table-panel';
import { ChartData, Kpis, Table } from '../shared/ui';
import type { Panel } from '../types';

type Row = Record<string, unknown>;
const s = (v: unknown) => String(v ?? '');
const LEVELS = ['LOW', 'MEDIUM', 'HIGH'] as const;
const levelClass = (l: unknown) => `risk risk-${s(l).toLowerCase()}`;

const kpis: Panel = {
  id: 'kpis',
  title: 'Fraud detection at a glance',
  note: 'transactions in the {window} · stream table alert_summary',
  span: 2,
  async load(db: Db) {
    const rows = await db.query('SELECT risk_level, txn_count FROM alert_summary');
    const by = Object.fromEntries(rows.map((r) => [s(r.risk_level), num(r.txn_count)]));
    return { low: by.LOW ?? 0, medium: by.MEDIUM ?? 0, high: by.HIGH ?? 0 };
  },
  render(d: { low: number; medium: number; high: number }) {
    const total = d.low + d.medium + d.high;
    const share = (n: number) =>
      total > 0 ? `${((100 * n) / total).toFixed(1)} % of all` : undefined;
    return (
      <>
        <Kpis
          items={[
            { label: 'Transactions', value: fmt.int(total) },
            { label: 'LOW', value: fmt.int(d.low), hint: share(d.low) },
            { label: 'MEDIUM', value: fmt.int(d.medium), hint: share(d.medium) },
            { label: 'HIGH', value: fmt.int(d.high), hint: share(d.high) },
          ]}
        />
        <StackedBar
          parts={[
            { label: 'LOW', value: d.low, className: 'fill-low' },
            { label: 'MEDIUM', value: d.medium, className: 'fill-medium' },
            { label: 'HIGH', value: d.high, className: 'fill-high' },
          ]}
        />
      </>
    );
  },
};

const recentAlerts = tablePanel({
  id: 'recent-alerts',
  title: 'Recent HIGH / MEDIUM alerts',
  note: 'stream table risk_scores (FULL refresh, reads user_velocity and merchant_stats)',
  span: 2,
  sql: `SELECT txn_id, user_name, merchant_name, merchant_category, amount, risk_level,
              user_txn_count, merchant_avg_amount
       FROM risk_scores WHERE risk_level IN ('HIGH', 'MEDIUM') ORDER BY txn_id DESC LIMIT 10`,
  empty: 'No alerts in the window.',
  columns: [
    { label: 'Txn', numeric: true, cell: (r) => fmt.int(num(r.txn_id)) },
    { label: 'User', cell: (r) => s(r.user_name) },
    { label: 'Merchant', cell: (r) => s(r.merchant_name) },
    { label: 'Category', cell: (r) => s(r.merchant_category) },
    { label: 'Amount', numeric: true, cell: (r) => fmt.money(num(r.amount)) },
    {
      label: 'Merchant avg',
      numeric: true,
      cell: (r) => fmt.money(num(r.merchant_avg_amount)),
    },
    {
      label: 'Risk',
      cell: (r) => <span class={levelClass(r.risk_level)}>{s(r.risk_level)}</span>,
    },
  ],
});

const leaderboard: Panel = {
  id: 'merchant-risk',
  title: 'Merchant Risk Leaderboard',
  note: 'stream table top_risky_merchants (L3, reads risk_scores)',
  chart: 'bar',
  async load(db: Db) {
    return db.query(
      `SELECT merchant_name, merchant_category, total_txns, high_risk_count, medium_risk_count,
              risk_rate_pct
       FROM top_risky_merchants ORDER BY risk_rate_pct DESC, merchant_name LIMIT 8`,
    );
  },
  render(rows: Row[]) {
    const fixed = [...rows].sort((a, b) => s(a.merchant_name).localeCompare(s(b.merchant_name)));
    return (
      <>
        <ChartData
          labels={fixed.map((r) => s(r.merchant_name))}
          datasets={[{ label: 'Risk rate (%)', data: fixed.map((r) => num(r.risk_rate_pct)) }]}
          unit="%"
        />
        <Table
          rows={rows}
          columns={[
            { label: 'Merchant', cell: (r) => s(r.merchant_name) },
            { label: 'Category', cell: (r) => s(r.merchant_category) },
            { label: 'Txns', numeric: true, cell: (r) => fmt.int(num(r.total_txns)) },
            { label: 'HIGH', numeric: true, cell: (r) => fmt.int(num(r.high_risk_count)) },
            { label: 'MEDIUM', numeric: true, cell: (r) => fmt.int(num(r.medium_risk_count)) },
            {
              label: 'Risk rate',
              numeric: true,
              cell: (r) => `${num(r.risk_rate_pct).toFixed(1)} %`,
            },
          ]}
        />
      </>
    );
  },
};

const velocity = tablePanel({
  id: 'user-velocity',
  title: 'User Velocity',
  note: 'transactions in the {window} · stream table user_velocity (1s)',
  sql: `SELECT user_name, country, txn_count, total_spent, avg_txn_amount, unique_merchants
       FROM user_velocity ORDER BY txn_count DESC, user_name LIMIT 8`,
  columns: [
    { label: 'User', cell: (r) => s(r.user_name) },
    { label: 'Country', cell: (r) => s(r.country) },
    { label: 'Txns', numeric: true, cell: (r) => fmt.int(num(r.txn_count)) },
    { label: 'Spent', numeric: true, cell: (r) => fmt.money0(num(r.total_spent)) },
    { label: 'Merchants', numeric: true, cell: (r) => fmt.int(num(r.unique_merchants)) },
  ],
});

const countries = tablePanel({
  id: 'country-risk',
  title: 'Country overview',
  note: 'transactions in the {window} · stream table country_risk (reads user_velocity)',
  sql: `SELECT country, user_count, total_txns, total_volume, avg_txn_amount
       FROM country_risk ORDER BY total_volume DESC, country LIMIT 10`,
  columns: [
    { label: 'Country', cell: (r) => s(r.country) },
    { label: 'Users', numeric: true, cell: (r) => fmt.int(num(r.user_count)) },
    { label: 'Txns', numeric: true, cell: (r) => fmt.int(num(r.total_txns)) },
    { label: 'Volume', numeric: true, cell: (r) => fmt.money0(num(r.total_volume)) },
    { label: 'Avg', numeric: true, cell: (r) => fmt.money(num(r.avg_txn_amount)) },
  ],
});

const categories: Panel = {
  id: 'category-volume',
  title: 'Category volume',
  note: 'transactions in the {window} · stream table category_volume (1s)',
  chart: 'doughnut',
  async load(db: Db) {
    return db.query(
      `SELECT category, txn_count, total_volume, avg_txn_amount, unique_users, active_merchants
       FROM category_volume ORDER BY category`,
    );
  },
  render(rows: Row[]) {
    return (
      <>
        <ChartData
          labels={rows.map((r) => s(r.category))}
          datasets={[
            { label: 'Volume (USD)', data: rows.map((r) => Math.round(num(r.total_volume))) },
          ]}
          unit="USD"
        />
        <Table
          rows={rows}
          columns={[
            { label: 'Category', cell: (r) => s(r.category) },
            { label: 'Txns', numeric: true, cell: (r) => fmt.int(num(r.txn_count)) },
            { label: 'Volume', numeric: true, cell: (r) => fmt.money0(num(r.total_volume)) },
            { label: 'Avg', numeric: true, cell: (r) => fmt.money(num(r.avg_txn_amount)) },
            { label: 'Users', numeric: true, cell: (r) => fmt.int(num(r.unique_users)) },
          ]}
        />
      </>
    );
  },
};

const tiers: Panel = {
  id: 'merchant-tiers',
  title: 'Merchant Tier Stats',
  note: 'stream table merchant_tier_stats (5s) · a rotation changes one row of 15',
  async load(db: Db) {
    return db.query(
      `SELECT merchant_name, category, merchant_tier, risk_score, tier_last_changed,
              tier_last_changed = max(tier_last_changed) OVER ()
                AND count(*) OVER (PARTITION BY tier_last_changed) = 1 AS latest
       FROM merchant_tier_stats ORDER BY risk_score DESC, merchant_name`,
    );
  },
  render(rows: Row[]) {
    return (
      <Table
        rows={rows}
        columns={[
          { label: 'Merchant', cell: (r) => s(r.merchant_name) },
          { label: 'Category', cell: (r) => s(r.category) },
          {
            label: 'Tier',
            cell: (r) => s(r.merchant_tier),
            className: (r) => (r.latest ? 'changed' : undefined),
          },
          { label: 'Score', numeric: true, cell: (r) => s(r.risk_score) },
        ]}
      />
    );
  },
};

const top10 = tablePanel({
  id: 'top-10-risky',
  title: 'Top 10 Risky Merchants',
  note: 'stream table top_10_risky_merchants (5s, ORDER BY … LIMIT 10)',
  sql: `SELECT rank, merchant_name, merchant_category, total_txns, high_risk_count,
              medium_risk_count, risk_rate_pct
       FROM top_10_risky_merchants ORDER BY rank`,
  columns: [
    { label: '#', numeric: true, cell: (r) => s(r.rank) },
    { label: 'Merchant', cell: (r) => s(r.merchant_name) },
    { label: 'HIGH', numeric: true, cell: (r) => fmt.int(num(r.high_risk_count)) },
    { label: 'MEDIUM', numeric: true, cell: (r) => fmt.int(num(r.medium_risk_count)) },
    {
      label: 'Risk rate',
      numeric: true,
      cell: (r) => `${num(r.risk_rate_pct).toFixed(1)} %`,
    },
  ],
});

const summary: Panel = {
  id: 'alert-summary',
  title: 'Alert Summary',
  note: 'stream table alert_summary (L3, reads risk_scores)',
  async load(db: Db) {
    const rows = await db.query(
      'SELECT risk_level, txn_count, total_amount, avg_amount, last_seen_at FROM alert_summary',
    );
    return LEVELS.map((l) => rows.find((r) => r.risk_level === l)).filter(
      (r): r is Row => r !== undefined,
    );
  },
  render(rows: Row[]) {
    return (
      <Table
        rows={rows}
        columns={[
          {
            label: 'Level',
            cell: (r) => <span class={levelClass(r.risk_level)}>{s(r.risk_level)}</span>,
          },
          { label: 'Txns', numeric: true, cell: (r) => fmt.int(num(r.txn_count)) },
          { label: 'Amount', numeric: true, cell: (r) => fmt.money0(num(r.total_amount)) },
          { label: 'Avg', numeric: true, cell: (r) => fmt.money(num(r.avg_amount)) },
        ]}
      />
    );
  },
};

export const panels: readonly Panel[] = [
  kpis,
  recentAlerts,
  leaderboard,
  top10,
  velocity,
  categories,
  countries,
  tiers,
  summary,
];
