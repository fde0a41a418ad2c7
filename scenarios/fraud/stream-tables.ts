import type { StreamTableDef } from '../types';
import { RISKY_CATEGORIES, TYPICAL_AMOUNT } from './amounts';

const risky = RISKY_CATEGORIES.map((c) => `'${c}'`).join(', ');
const typical = `CASE m.category ${Object.entries(TYPICAL_AMOUNT)
  .map(([c, a]) => `WHEN '${c}' THEN ${a}`)
  .join(' ')} END`;

/**
 * The risk rule (deterministic: no now(), no random()). Signals:
 * - velocity: the user's transactions in the 60 s up to this one (a burst fires 6–14 in seconds;
 *   a normal user makes about 2 a minute);
 * - amount against the merchant's average (merchant_stats) and the user's (user_velocity);
 * - the merchant's category and the account's age.
 * HIGH needs a burst at a Crypto/Gambling merchant with an amount ≥ 3× the category's typical
 * one: the escalated tail of a burst, a few percent of all transactions. MEDIUM is the band of
 * unusual-but-plausible ones. Windowed counts keep the mix steady over hours (the older demo's
 * lifetime counts turned everything MEDIUM).
 */
const RISK_SCORES = `WITH recent AS (
  SELECT t1.id, COUNT(*) AS n
  FROM transactions t1
  JOIN transactions t2 ON t2.user_id = t1.user_id
   AND t2.txn_at > t1.txn_at - INTERVAL '60 seconds' AND t2.txn_at <= t1.txn_at
  GROUP BY t1.id
)
SELECT t.id AS txn_id, t.user_id, u.name AS user_name, u.country AS user_country,
       t.merchant_id, m.name AS merchant_name, m.category AS merchant_category,
       t.amount, t.txn_at,
       uv.txn_count AS user_txn_count, uv.avg_txn_amount AS user_avg_amount,
       ms.avg_txn_amount AS merchant_avg_amount,
       CASE
         WHEN m.category IN (${risky}) AND r.n >= 5 AND t.amount >= 3 * ${typical} THEN 'HIGH'
         WHEN r.n >= 6
           OR t.amount >= 2 * ms.avg_txn_amount
           OR (m.category IN (${risky}) AND t.amount >= 1.5 * ms.avg_txn_amount)
           OR (u.account_age_days < 90 AND t.amount >= 1.5 * uv.avg_txn_amount) THEN 'MEDIUM'
         ELSE 'LOW'
       END AS risk_level
FROM transactions t
JOIN recent r ON r.id = t.id
JOIN users u ON u.id = t.user_id
JOIN merchants m ON m.id = t.merchant_id
JOIN user_velocity uv ON uv.user_id = t.user_id
JOIN merchant_stats ms ON ms.merchant_id = t.merchant_id`;

/** The 9 stream tables of reference/scenarios.md §2, in creation (topological) order. */
export const streamTables: readonly StreamTableDef[] = [
  {
    name: 'user_velocity',
    layer: 'L1',
    refreshMode: 'DIFFERENTIAL',
    schedule: '1s',
    query: `SELECT u.id AS user_id, u.name AS user_name, u.country,
       COALESCE(COUNT(t.id), 0) AS txn_count,
       COALESCE(SUM(t.amount), 0) AS total_spent,
       ROUND(COALESCE(AVG(t.amount), 0), 2) AS avg_txn_amount,
       COUNT(DISTINCT t.merchant_id) AS unique_merchants
FROM users u
LEFT JOIN transactions t ON t.user_id = u.id
GROUP BY u.id, u.name, u.country`,
  },
  {
    name: 'merchant_stats',
    layer: 'L1',
    refreshMode: 'DIFFERENTIAL',
    schedule: '1s',
    query: `SELECT m.id AS merchant_id, m.name AS merchant_name, m.category,
       COALESCE(COUNT(t.id), 0) AS txn_count,
       COALESCE(SUM(t.amount), 0) AS total_volume,
       ROUND(COALESCE(AVG(t.amount), 0), 2) AS avg_txn_amount,
       COUNT(DISTINCT t.user_id) AS unique_users
FROM merchants m
LEFT JOIN transactions t ON t.merchant_id = m.id
GROUP BY m.id, m.name, m.category`,
  },
  {
    name: 'category_volume',
    layer: 'L1',
    refreshMode: 'DIFFERENTIAL',
    schedule: '1s',
    // An inner join, and counts written COALESCE(COUNT(t.id), 0) (recomputed per group; see
    // scenarios/ecommerce/stream-tables.ts): with a LEFT JOIN and a bare COUNT, pg_trickle 0.67
    // drifted here (a txn_count one above the query's). Every category has transactions within
    // minutes.
    query: `SELECT m.category,
       COALESCE(COUNT(t.id), 0) AS txn_count,
       COALESCE(SUM(t.amount), 0) AS total_volume,
       ROUND(COALESCE(AVG(t.amount), 0), 2) AS avg_txn_amount,
       COUNT(DISTINCT t.user_id) AS unique_users,
       COUNT(DISTINCT t.merchant_id) AS active_merchants
FROM merchants m
JOIN transactions t ON t.merchant_id = m.id
GROUP BY m.category`,
  },
  {
    name: 'risk_scores',
    layer: 'L2',
    refreshMode: 'FULL',
    schedule: 'calculated',
    query: RISK_SCORES,
  },
  {
    name: 'country_risk',
    layer: 'L2',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    query: `SELECT country,
       COUNT(*) AS user_count,
       SUM(txn_count) AS total_txns,
       SUM(total_spent) AS total_volume,
       ROUND(SUM(total_spent) / NULLIF(SUM(txn_count), 0), 2) AS avg_txn_amount
FROM user_velocity
WHERE txn_count > 0
GROUP BY country`,
  },
  {
    name: 'alert_summary',
    layer: 'L3',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    query: `SELECT risk_level,
       COUNT(*) AS txn_count,
       SUM(amount) AS total_amount,
       ROUND(AVG(amount), 2) AS avg_amount,
       MAX(txn_at) AS last_seen_at
FROM risk_scores
GROUP BY risk_level`,
  },
  {
    name: 'top_risky_merchants',
    layer: 'L3',
    refreshMode: 'DIFFERENTIAL',
    schedule: 'calculated',
    query: `SELECT merchant_name, merchant_category,
       COUNT(*) AS total_txns,
       COUNT(*) FILTER (WHERE risk_level = 'HIGH') AS high_risk_count,
       COUNT(*) FILTER (WHERE risk_level = 'MEDIUM') AS medium_risk_count,
       COUNT(*) FILTER (WHERE risk_level = 'LOW') AS low_risk_count,
       -- Not COUNT(*) FILTER (…) inside the expression: pg_trickle 0.67's differential engine
       -- drops the FILTER when it rebuilds such an expression (every merchant would read 100.0).
       ROUND(100.0 * SUM(CASE WHEN risk_level <> 'LOW' THEN 1 ELSE 0 END)
             / NULLIF(COUNT(*), 0), 1) AS risk_rate_pct
FROM risk_scores
GROUP BY merchant_name, merchant_category`,
  },
  {
    name: 'merchant_tier_stats',
    layer: 'showcase',
    refreshMode: 'DIFFERENTIAL',
    schedule: '5s',
    query: `SELECT m.id AS merchant_id, m.name AS merchant_name, m.category,
       rt.tier AS merchant_tier,
       CASE rt.tier WHEN 'HIGH' THEN 3 WHEN 'ELEVATED' THEN 2 ELSE 1 END AS risk_score,
       rt.updated_at AS tier_last_changed
FROM merchant_risk_tier rt
JOIN merchants m ON m.id = rt.merchant_id`,
  },
  {
    name: 'top_10_risky_merchants',
    layer: 'showcase',
    refreshMode: 'DIFFERENTIAL',
    schedule: '5s',
    query: `SELECT ROW_NUMBER() OVER (ORDER BY high_risk_count DESC, merchant_name) AS rank,
       merchant_name, merchant_category, total_txns, high_risk_count, medium_risk_count,
       risk_rate_pct
FROM top_risky_merchants
ORDER BY high_risk_count DESC, merchant_name
LIMIT 10`,
  },
];
