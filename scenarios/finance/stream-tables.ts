import type { StreamTableDef } from '../types';

/** Daily volatility by asset class, for the parametric VaR (95 %: 1.645 σ). */
export const DAILY_VOLATILITY: Record<string, number> = {
  Equity: 0.02,
  Bond: 0.005,
  Commodity: 0.025,
  Crypto: 0.05,
};

const vol = `CASE pv.asset_class ${Object.entries(DAILY_VOLATILITY)
  .map(([c, v]) => `WHEN '${c}' THEN ${v}`)
  .join(' ')} END`;

/** The static sectors table's names, by id (1-based), as seed.sql inserts them. */
export const SECTOR_NAMES = [
  'Technology',
  'Finance',
  'Healthcare',
  'Energy',
  'Consumer',
  'Industrials',
  'Materials',
  'Utilities',
] as const;

/** Gross sector exposure per concentration tier, and the VaR each tier adds (a share of it). */
export const SECTOR_BAND = 3_000_000;
const MAX_TIER = 5;
const TIER_ADDON = 0.1;

/** Basel-style multiplier from VaR to capital. */
export const CAPITAL_MULTIPLIER = 3;

/**
 * The 11 stream tables of reference/scenarios.md §3. Only the two L1 tables have schedules; the
 * rest are calculated. Each level reads the one above it, so the longest chain
 * (net_positions → … → breach_dashboard) is 10 stream tables deep.
 */
export const streamTables: readonly StreamTableDef[] = [
  {
    name: 'price_snapshot',
    layer: 'L1',
    refreshMode: 'DIFFERENTIAL',
    schedule: '2s',
    // Two inputs, not three: joined with sectors as well, pg_trickle 0.67's differential refresh
    // now and then kept the old version of a repriced instrument beside the new one when the
    // price's transaction committed during a refresh (reproduced with three-way joins only). The
    // sector's name is spelled from SECTOR_NAMES, the static sectors table's contents (a test
    // checks they agree).
    query: `SELECT i.id AS instrument_id, i.symbol, i.name,
       CASE i.sector_id ${SECTOR_NAMES.map((n, k) => `WHEN ${k + 1} THEN '${n}'`).join(' ')} END AS sector,
       i.asset_class, mp.bid, mp.ask, mp.mid, i.base_price,
       ROUND((mp.mid - i.base_price) / i.base_price * 100, 2) AS drift_pct,
       mp.updated_at
FROM instruments i
JOIN market_prices mp ON mp.instrument_id = i.id`,
  },
  {
    name: 'net_positions',
    layer: 'L1',
    refreshMode: 'DIFFERENTIAL',
    schedule: '1s',
    // Every (account, instrument) that has traded in the window, closed positions (net 0)
    // included: position_values drops those. No HAVING, on purpose. Under a HAVING, pg_trickle
    // 0.67 fills a group that is new to the table by re-aggregating it from the base tables as
    // they are when the refresh runs (its "HAVING rescan", src/dvm/operators/aggregate.rs), not
    // as of the changes the refresh consumes; a trade committed in between was then counted by
    // the re-aggregation and again as the next refresh's change, and the live proof found
    // single-trade positions counted twice or missing (README "The real engine"). Without a
    // HAVING, COUNT and SUM are kept as old + inserted − deleted, from the changes alone.
    query: `SELECT t.account_id, a.portfolio_id, t.instrument_id, i.symbol AS instrument_symbol,
       i.sector_id,
       COUNT(*) AS trade_count,
       SUM(t.quantity) AS net_quantity,
       SUM(t.quantity * t.price) AS position_value,
       ROUND(SUM(t.quantity * t.price) / NULLIF(SUM(t.quantity), 0), 4) AS avg_cost
FROM trades t
JOIN accounts a ON a.id = t.account_id
JOIN instruments i ON i.id = t.instrument_id
GROUP BY t.account_id, a.portfolio_id, t.instrument_id, i.symbol, i.sector_id`,
  },
  {
    name: 'position_values',
    layer: 'L2',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    query: `SELECT np.account_id, np.portfolio_id, np.instrument_id, np.instrument_symbol,
       np.sector_id, ps.sector, ps.asset_class, np.net_quantity,
       np.position_value AS cost_basis, ps.mid,
       np.net_quantity * ps.mid AS market_value,
       np.net_quantity * ps.mid - np.position_value AS unrealized_pnl
FROM net_positions np
JOIN price_snapshot ps ON ps.instrument_id = np.instrument_id
WHERE np.net_quantity <> 0`,
  },
  {
    name: 'account_pnl',
    layer: 'L3',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    query: `SELECT account_id, portfolio_id,
       COUNT(*) AS position_count,
       SUM(market_value) AS market_value,
       SUM(ABS(market_value)) AS gross_exposure,
       SUM(unrealized_pnl) AS pnl,
       ROUND(100 * SUM(unrealized_pnl) / NULLIF(SUM(ABS(cost_basis)), 0), 3) AS return_pct
FROM position_values
GROUP BY account_id, portfolio_id`,
  },
  {
    name: 'portfolio_pnl',
    layer: 'L4',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    query: `SELECT p.id AS portfolio_id, p.name AS portfolio_name, p.manager, p.strategy,
       COUNT(ap.account_id) AS account_count,
       SUM(ap.market_value) AS market_value,
       SUM(ap.gross_exposure) AS gross_exposure,
       SUM(ap.pnl) AS pnl,
       ROUND(100 * SUM(ap.pnl) / NULLIF(SUM(ap.gross_exposure), 0), 3) AS return_pct
FROM portfolios p
JOIN account_pnl ap ON ap.portfolio_id = p.id
GROUP BY p.id, p.name, p.manager, p.strategy`,
  },
  {
    name: 'sector_exposure',
    layer: 'L5',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    // Exposure per sector of the positions of every portfolio on the book (portfolio_pnl, which
    // makes this level 5). Nothing here moves with the whole book: a price tick changes the row
    // of the ticked instrument's sector only. A sector's share of the book is computed when read.
    // The concentration tier steps every SECTOR_BAND of gross exposure, so it moves rarely.
    query: `SELECT pv.sector_id, pv.sector,
       COUNT(*) AS position_count,
       SUM(pv.market_value) AS net_exposure,
       SUM(ABS(pv.market_value)) AS gross_exposure,
       LEAST(FLOOR(SUM(ABS(pv.market_value)) / ${SECTOR_BAND}), ${MAX_TIER}) AS concentration_tier
FROM position_values pv
JOIN portfolio_pnl pp ON pp.portfolio_id = pv.portfolio_id
GROUP BY pv.sector_id, pv.sector`,
  },
  {
    name: 'var_contributions',
    layer: 'L6',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    // Parametric 95 % VaR per position; each concentration tier of its sector adds
    // ${TIER_ADDON * 100} % of the position's VaR.
    query: `SELECT p.account_id, p.portfolio_id, p.instrument_id, p.instrument_symbol, p.sector_id,
       p.sector, p.asset_class, p.market_value, p.unrealized_pnl, p.daily_volatility,
       ROUND(1.645 * p.daily_volatility * ABS(p.market_value), 2) AS var_95,
       ROUND(1.645 * p.daily_volatility * ABS(p.market_value)
             * ${TIER_ADDON} * se.concentration_tier, 2) AS concentration_addon,
       ROUND(1.645 * p.daily_volatility * ABS(p.market_value)
             * (1 + ${TIER_ADDON} * se.concentration_tier), 2) AS total_var
FROM (
  SELECT pv.account_id, pv.portfolio_id, pv.instrument_id, pv.instrument_symbol, pv.sector_id,
         pv.sector, pv.asset_class, pv.market_value, pv.unrealized_pnl, ${vol} AS daily_volatility
  FROM position_values pv
) p
JOIN sector_exposure se ON se.sector_id = p.sector_id`,
  },
  {
    name: 'account_var',
    layer: 'L7',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    // Summed VaR, and diversified VaR assuming independent positions (root of summed squares).
    query: `SELECT account_id, portfolio_id,
       COUNT(*) AS position_count,
       SUM(unrealized_pnl) AS pnl,
       SUM(total_var) AS summed_var,
       ROUND(SQRT(SUM(total_var * total_var)), 2) AS diversified_var
FROM var_contributions
GROUP BY account_id, portfolio_id`,
  },
  {
    name: 'portfolio_var',
    layer: 'L8',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    query: `SELECT p.id AS portfolio_id, p.name AS portfolio_name,
       SUM(av.pnl) AS pnl,
       COUNT(av.account_id) AS account_count,
       SUM(av.summed_var) AS summed_var,
       ROUND(SUM(av.diversified_var), 2) AS portfolio_var_95pct,
       ROUND(SUM(av.diversified_var) * 2.5, 2) AS stressed_var
FROM portfolios p
JOIN account_var av ON av.portfolio_id = p.id
GROUP BY p.id, p.name`,
  },
  {
    name: 'regulatory_capital',
    layer: 'L9',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    // Capital = VaR × multiplier plus any unrealised loss, held in whole thousands (as capital
    // is reported), so a price tick moves it only when it matters; limit = the accounts' limits.
    query: `SELECT c.portfolio_id, c.portfolio_name, c.capital_required, c.capital_limit,
       ROUND(c.capital_required / c.capital_limit, 3) AS utilization_ratio,
       CASE
         WHEN c.capital_required >= c.capital_limit THEN 'BREACH'
         WHEN c.capital_required >= 0.8 * c.capital_limit THEN 'WARNING'
         ELSE 'OK'
       END AS capital_status
FROM (
  SELECT pv.portfolio_id, pv.portfolio_name,
         ROUND(pv.portfolio_var_95pct * ${CAPITAL_MULTIPLIER} + GREATEST(-pv.pnl, 0), -3) AS capital_required,
         lim.capital_limit
  FROM portfolio_var pv
  JOIN (SELECT portfolio_id, SUM(capital_limit) AS capital_limit FROM accounts GROUP BY portfolio_id) lim
    ON lim.portfolio_id = pv.portfolio_id
) c`,
  },
  {
    name: 'breach_dashboard',
    layer: 'L10',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    query: `SELECT ROW_NUMBER() OVER (ORDER BY utilization_ratio DESC, portfolio_name) AS rank,
       portfolio_name, capital_required, capital_limit, utilization_ratio, capital_status
FROM regulatory_capital
ORDER BY utilization_ratio DESC, portfolio_name
LIMIT 10`,
  },
];
