import { num } from '../../db/values';
import { StackedBar } from '../../ui/bars';
import { fmt } from '../../ui/format';
import { col, definePanel, type Row, tablePanel } from '../../ui/panel';
import type { Panel } from '../../ui/types';
import { ChartData, ClockTime, Kpis, Table } from '../../ui/ui';

const s = (v: unknown) => String(v ?? '');
const LEVELS = ['LOW', 'MEDIUM', 'HIGH'] as const;
const levelClass = (l: unknown) => `risk risk-${s(l).toLowerCase()}`;

export const kpis = definePanel({
  id: 'kpis',
  title: 'Fraud detection at a glance',
  note: 'transactions in the {window} · stream table alert_summary',
  lead: true,
  reads: {
    rows: 'SELECT risk_level, txn_count FROM alert_summary',
  },
  build({ rows }) {
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
});

export const recentAlerts = tablePanel({
  id: 'recent-alerts',
  title: 'Recent HIGH / MEDIUM alerts',
  note: 'stream table risk_scores (FULL refresh, reads user_velocity and merchant_stats)',
  span: 2,
  sql: `SELECT txn_id, user_name, merchant_name, merchant_category, amount, risk_level,
              user_txn_count, merchant_avg_amount
       FROM risk_scores WHERE risk_level IN ('HIGH', 'MEDIUM') ORDER BY txn_id DESC LIMIT 10`,
  empty: 'No alerts in the window.',
  columns: [
    col.int('Txn', 'txn_id'),
    col.text('User', 'user_name'),
    col.text('Merchant', 'merchant_name'),
    col.text('Category', 'merchant_category'),
    col.money('Amount', 'amount'),
    col.money('Merchant avg', 'merchant_avg_amount'),
    {
      label: 'Risk',
      cell: (r) => <span class={levelClass(r.risk_level)}>{s(r.risk_level)}</span>,
    },
  ],
});

export const leaderboard = definePanel({
  id: 'merchant-risk',
  title: 'Merchant Risk Leaderboard',
  note: 'stream table top_risky_merchants (L3, reads risk_scores)',
  chart: 'bar',
  reads: {
    rows: `SELECT merchant_name, merchant_category, total_txns, high_risk_count, medium_risk_count,
              risk_rate_pct
       FROM top_risky_merchants ORDER BY risk_rate_pct DESC, merchant_name LIMIT 8`,
  },
  build: (r) => r.rows,
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
            col.text('Merchant', 'merchant_name'),
            col.text('Category', 'merchant_category'),
            col.int('Txns', 'total_txns'),
            col.int('HIGH', 'high_risk_count'),
            col.int('MEDIUM', 'medium_risk_count'),
            col.percent('Risk rate', 'risk_rate_pct'),
          ]}
        />
      </>
    );
  },
});

export const velocity = tablePanel({
  id: 'user-velocity',
  title: 'User Velocity',
  note: 'transactions in the {window} · stream table user_velocity (1s)',
  sql: `SELECT user_name, country, txn_count, total_spent, avg_txn_amount, unique_merchants
       FROM user_velocity ORDER BY txn_count DESC, user_name LIMIT 8`,
  columns: [
    col.text('User', 'user_name'),
    col.text('Country', 'country'),
    col.int('Txns', 'txn_count'),
    col.money0('Spent', 'total_spent'),
    col.int('Merchants', 'unique_merchants'),
  ],
});

export const countries = tablePanel({
  id: 'country-risk',
  title: 'Country overview',
  note: 'transactions in the {window} · stream table country_risk (reads user_velocity)',
  sql: `SELECT country, user_count, total_txns, total_volume, avg_txn_amount
       FROM country_risk ORDER BY total_volume DESC, country LIMIT 10`,
  columns: [
    col.text('Country', 'country'),
    col.int('Users', 'user_count'),
    col.int('Txns', 'total_txns'),
    col.money0('Volume', 'total_volume'),
    col.money('Avg', 'avg_txn_amount'),
  ],
});

export const categories = definePanel({
  id: 'category-volume',
  title: 'Category volume',
  note: 'transactions in the {window} · stream table category_volume (1s)',
  chart: 'doughnut',
  reads: {
    rows: `SELECT category, txn_count, total_volume, avg_txn_amount, unique_users, active_merchants
       FROM category_volume ORDER BY category`,
  },
  build: (r) => r.rows,
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
            col.text('Category', 'category'),
            col.int('Txns', 'txn_count'),
            col.money0('Volume', 'total_volume'),
            col.money('Avg', 'avg_txn_amount'),
            col.int('Users', 'unique_users'),
          ]}
        />
      </>
    );
  },
});

export const tiers = definePanel({
  id: 'merchant-tiers',
  title: 'Merchant Tier Stats',
  note: 'stream table merchant_tier_stats (5s) · a rotation changes one row of 15',
  reads: {
    rows: `SELECT merchant_name, category, merchant_tier, risk_score, tier_last_changed,
              tier_last_changed = max(tier_last_changed) OVER ()
                AND count(*) OVER (PARTITION BY tier_last_changed) = 1 AS latest
       FROM merchant_tier_stats ORDER BY risk_score DESC, merchant_name`,
  },
  build: (r) => r.rows,
  render(rows: Row[]) {
    return (
      <Table
        rows={rows}
        columns={[
          col.text('Merchant', 'merchant_name'),
          col.text('Category', 'category'),
          {
            label: 'Tier',
            cell: (r) => s(r.merchant_tier),
            className: (r) => (r.latest ? 'changed' : undefined),
          },
          col.rank('Score', 'risk_score'),
          {
            label: 'Last changed',
            cell: (r) => <ClockTime at={r.tier_last_changed} />,
            className: (r) => (r.latest ? 'changed' : undefined),
          },
        ]}
      />
    );
  },
});

export const top10 = tablePanel({
  id: 'top-10-risky',
  title: 'Top 10 Risky Merchants',
  note: 'stream table top_10_risky_merchants (5s, ORDER BY … LIMIT 10)',
  sql: `SELECT rank, merchant_name, merchant_category, total_txns, high_risk_count,
              medium_risk_count, risk_rate_pct
       FROM top_10_risky_merchants ORDER BY rank`,
  columns: [
    col.rank('#', 'rank'),
    col.text('Merchant', 'merchant_name'),
    col.text('Category', 'merchant_category'),
    col.int('Total txns', 'total_txns'),
    col.int('HIGH', 'high_risk_count'),
    col.int('MEDIUM', 'medium_risk_count'),
    col.percent('Risk rate', 'risk_rate_pct'),
  ],
});

export const summary = definePanel({
  id: 'alert-summary',
  title: 'Alert Summary',
  note: 'stream table alert_summary (L3, reads risk_scores)',
  reads: {
    rows: 'SELECT risk_level, txn_count, total_amount, avg_amount, last_seen_at FROM alert_summary',
  },
  build({ rows }) {
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
          col.int('Txns', 'txn_count'),
          col.money0('Amount', 'total_amount'),
          col.money('Avg', 'avg_amount'),
        ]}
      />
    );
  },
});

/** LOW / MEDIUM / HIGH transactions per merchant category, read from risk_scores. */
export const riskByCategory = definePanel({
  id: 'risk-by-category',
  title: 'Risk distribution by category',
  note: 'transactions in the {window} · stream table risk_scores, grouped when read',
  chart: 'bar',
  reads: {
    rows: `SELECT merchant_category AS category,
              count(*) FILTER (WHERE risk_level = 'LOW') AS low,
              count(*) FILTER (WHERE risk_level = 'MEDIUM') AS medium,
              count(*) FILTER (WHERE risk_level = 'HIGH') AS high
       FROM risk_scores GROUP BY merchant_category ORDER BY merchant_category`,
  },
  build({ rows }) {
    return rows.map((r) => ({
      category: s(r.category),
      low: num(r.low),
      medium: num(r.medium),
      high: num(r.high),
    }));
  },
  render(rows: { category: string; low: number; medium: number; high: number }[]) {
    const share = (r: (typeof rows)[number]) => {
      const total = r.low + r.medium + r.high;
      return total > 0 ? (100 * (r.medium + r.high)) / total : 0;
    };
    return (
      <>
        <ChartData
          labels={rows.map((r) => r.category)}
          stacked
          datasets={[
            { label: 'LOW', data: rows.map((r) => r.low), tone: 'up' },
            { label: 'MEDIUM', data: rows.map((r) => r.medium), tone: 'warn' },
            { label: 'HIGH', data: rows.map((r) => r.high), tone: 'down' },
          ]}
        />
        <Table
          rows={rows}
          columns={[
            col.text('Category', 'category'),
            col.int('LOW', 'low'),
            col.int('MEDIUM', 'medium'),
            col.int('HIGH', 'high'),
            { label: 'MEDIUM + HIGH', numeric: true, cell: (r) => `${share(r).toFixed(1)} %` },
          ]}
        />
      </>
    );
  },
});

export const panels: readonly Panel[] = [
  kpis,
  recentAlerts,
  leaderboard,
  top10,
  velocity,
  categories,
  riskByCategory,
  countries,
  tiers,
  summary,
];
