import { num } from '../../db/values';
import { fmt } from '../../ui/format';
import { col, definePanel, type Row, tablePanel } from '../../ui/panel';
import type { Panel } from '../../ui/types';
import { ChartData, Kpis, Table } from '../../ui/ui';

const s = (v: unknown) => String(v ?? '');
const signed = (n: number) => (n > 0 ? 'up' : n < 0 ? 'down' : undefined);
const statusClass = (v: unknown) => `capital capital-${s(v).toLowerCase()}`;

export const kpis = definePanel({
  id: 'kpis',
  title: 'Risk book at a glance',
  note: 'trades in the {window} · positions, P&L and VaR flow through 10 levels',
  lead: true,
  reads: {
    row: `SELECT (SELECT count(*) FROM net_positions WHERE net_quantity <> 0) AS positions,
              (SELECT sum(gross_exposure) FROM portfolio_pnl) AS exposure,
              (SELECT sum(pnl) FROM portfolio_pnl) AS pnl,
              (SELECT sum(portfolio_var_95pct) FROM portfolio_var) AS var`,
  },
  build({ row: [r] }) {
    return {
      positions: num(r?.positions),
      exposure: num(r?.exposure),
      pnl: num(r?.pnl),
      var: num(r?.var),
    };
  },
  render(d: { positions: number; exposure: number; pnl: number; var: number }) {
    return (
      <Kpis
        items={[
          { label: 'Positions', value: fmt.int(d.positions), hint: 'net_positions (L1)' },
          {
            label: 'Book exposure',
            value: fmt.money0(d.exposure),
            hint: 'gross, portfolio_pnl (L4)',
          },
          { label: 'Unrealized P&L', value: fmt.money0(d.pnl), hint: 'portfolio_pnl (L4)' },
          { label: 'Total VaR 95 %', value: fmt.money0(d.var), hint: 'portfolio_var (L8)' },
        ]}
      />
    );
  },
});

export const breaches = definePanel({
  id: 'breach-dashboard',
  title: 'Breach Dashboard',
  note: 'stream table breach_dashboard (L10, the end of the 10-level chain)',
  span: 2,
  chart: 'bar',
  reads: {
    rows: `SELECT rank, portfolio_name, capital_required, capital_limit, utilization_ratio, capital_status
       FROM breach_dashboard ORDER BY rank`,
  },
  build: (r) => r.rows,
  render(rows: Row[]) {
    const fixed = [...rows].sort((a, b) => s(a.portfolio_name).localeCompare(s(b.portfolio_name)));
    return (
      <>
        <ChartData
          labels={fixed.map((r) => s(r.portfolio_name))}
          datasets={[
            {
              label: 'Utilization (%)',
              data: fixed.map((r) => Math.round(num(r.utilization_ratio) * 1000) / 10),
            },
          ]}
          unit="%"
        />
        <Table
          rows={rows}
          columns={[
            col.rank('#', 'rank'),
            col.text('Portfolio', 'portfolio_name'),
            col.money0('Capital required', 'capital_required'),
            col.money0('Limit', 'capital_limit'),
            {
              label: 'Utilization',
              numeric: true,
              cell: (r) => `${(num(r.utilization_ratio) * 100).toFixed(1)} %`,
            },
            {
              label: 'Status',
              cell: (r) => <span class={statusClass(r.capital_status)}>{s(r.capital_status)}</span>,
            },
          ]}
        />
      </>
    );
  },
});

export const sectors = definePanel({
  id: 'sector-exposure',
  title: 'Sector Exposure',
  note: 'stream table sector_exposure (L5: positions of the portfolios in portfolio_pnl); % of book computed when read',
  chart: 'bar',
  reads: {
    // The share of the book is computed here, when read: stored in the stream table, it would
    // rewrite every sector (and every level below) on every price tick.
    rows: `SELECT sector_id, sector, position_count, net_exposure, gross_exposure, concentration_tier,
              100 * gross_exposure / NULLIF(SUM(gross_exposure) OVER (), 0) AS pct_of_book
       FROM sector_exposure ORDER BY gross_exposure DESC, sector`,
  },
  build: (r) => r.rows,
  render(rows: Row[]) {
    const fixed = [...rows].sort((a, b) => num(a.sector_id) - num(b.sector_id));
    return (
      <>
        <ChartData
          labels={fixed.map((r) => s(r.sector))}
          datasets={[
            {
              label: 'Gross exposure (USD)',
              data: fixed.map((r) => Math.round(num(r.gross_exposure))),
            },
          ]}
          unit="USD"
        />
        <Table
          rows={rows}
          columns={[
            col.text('Sector', 'sector'),
            col.int('Positions', 'position_count'),
            col.money0('Net', 'net_exposure'),
            col.money0('Gross', 'gross_exposure'),
            {
              label: '% of book',
              numeric: true,
              cell: (r) => (r.pct_of_book === null ? '—' : `${num(r.pct_of_book).toFixed(1)} %`),
            },
            col.int('Tier', 'concentration_tier'),
          ]}
        />
      </>
    );
  },
});

export const pnl = tablePanel({
  id: 'portfolio-pnl',
  title: 'Portfolio P&L',
  note: 'stream table portfolio_pnl (L4)',
  sql: `SELECT portfolio_name, strategy, account_count, market_value, gross_exposure, pnl, return_pct
       FROM portfolio_pnl ORDER BY portfolio_name`,
  columns: [
    col.text('Portfolio', 'portfolio_name'),
    col.text('Strategy', 'strategy'),
    col.money0('Gross', 'gross_exposure'),
    col.money0('P&L', 'pnl', { className: (r) => signed(num(r.pnl)) }),
    {
      label: 'Return',
      numeric: true,
      // NULL when the portfolio has no gross exposure yet: no return, not a 0 % one.
      cell: (r) => (r.return_pct === null ? '—' : fmt.pct(num(r.return_pct))),
      className: (r) => signed(num(r.return_pct)),
    },
  ],
});

export const var95 = tablePanel({
  id: 'portfolio-var',
  title: 'Portfolio VaR',
  note: 'stream table portfolio_var (L8): 95 % one-day VaR, stressed ×2.5',
  sql: `SELECT portfolio_name, pnl, portfolio_var_95pct, stressed_var, summed_var
       FROM portfolio_var ORDER BY portfolio_name`,
  columns: [
    col.text('Portfolio', 'portfolio_name'),
    col.money0('VaR 95 %', 'portfolio_var_95pct'),
    col.money0('Stressed', 'stressed_var'),
    col.money0('Undiversified', 'summed_var'),
  ],
});

export const prices = definePanel({
  id: 'price-snapshot',
  title: 'Live Price Snapshot',
  note: 'stream table price_snapshot (2s) · one instrument of 30 moves each second',
  span: 2,
  reads: {
    rows: `SELECT symbol, name, sector, asset_class, bid, ask, mid, drift_pct,
              updated_at = max(updated_at) OVER () AND count(*) OVER (PARTITION BY updated_at) = 1 AS latest
       FROM price_snapshot ORDER BY symbol`,
  },
  build: (r) => r.rows,
  render(rows: Row[]) {
    const px = (v: unknown) => num(v).toFixed(2);
    return (
      <Table
        rows={rows}
        columns={[
          {
            label: 'Symbol',
            cell: (r) => <code>{s(r.symbol)}</code>,
            className: (r) => (r.latest ? 'changed' : undefined),
          },
          col.text('Name', 'name'),
          col.text('Sector', 'sector'),
          col.text('Class', 'asset_class'),
          { label: 'Bid', numeric: true, cell: (r) => px(r.bid) },
          { label: 'Ask', numeric: true, cell: (r) => px(r.ask) },
          { label: 'Mid', numeric: true, cell: (r) => px(r.mid) },
          {
            label: 'Drift',
            numeric: true,
            cell: (r) => fmt.pct(num(r.drift_pct), 2),
            className: (r) => signed(num(r.drift_pct)),
          },
        ]}
      />
    );
  },
});

export const panels: readonly Panel[] = [kpis, breaches, sectors, pnl, var95, prices];
