// Change ratios of the showcase tables, measured from refresh history (rows changed per
// refresh / rows in the table) after five simulated minutes refreshed every second.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { withDb } from '../../db';
import { freshScenario } from '../../local/scenario-setup';
import { simulate } from '../../local/simulate';
import { scenarios } from '../../scenarios';
import type { Scenario } from '../../scenarios/types';

const { cfg } = inject('stack');
const SHOWCASES: [scenario: string, table: string][] = [
  ['ecommerce', 'catalog_price_impact'],
  ['ecommerce', 'top_10_customers'],
  ['fraud', 'merchant_tier_stats'],
  ['fraud', 'top_10_risky_merchants'],
  ['finance', 'price_snapshot'],
  ['finance', 'breach_dashboard'],
];

const ratios = new Map<string, { ratio: number; refreshes: number }>();

beforeAll(async () => {
  await Promise.all(
    scenarios.map(async (s) => {
      const copy: Scenario = await freshScenario(cfg, s, 'ratios');
      await withDb(
        cfg,
        copy.database,
        async (db) => {
          await simulate(db, copy, {
            start: Date.now() + 5_000,
            seconds: 300,
            seed: 7,
            refreshEvery: 1,
            retentionMinutes: 60,
          });
          const rows = await db.query(
            'SELECT pgt_name, avg_change_ratio, full_count, diff_count FROM pgtrickle.refresh_efficiency()',
          );
          for (const r of rows) {
            ratios.set(`${s.id}.${r.pgt_name}`, {
              ratio: Number(r.avg_change_ratio),
              refreshes: Number(r.full_count) + Number(r.diff_count),
            });
          }
        },
        { statementTimeoutMs: 60_000 },
      );
    }),
  );
  console.log(
    'change ratios (compatibility mode, 300 simulated seconds):\n' +
      SHOWCASES.map(([s, t]) => {
        const r = ratios.get(`${s}.${t}`);
        return `  ${s}.${t}: ${r?.ratio.toFixed(3)} over ${r?.refreshes} refreshes`;
      }).join('\n'),
  );
}, 300_000);

describe('showcase change ratios', () => {
  it('one reprice or tier rotation changes one row of 15: ratio ≈ 0.07', () => {
    for (const key of ['ecommerce.catalog_price_impact', 'fraud.merchant_tier_stats']) {
      const r = ratios.get(key);
      expect(r?.refreshes, key).toBeGreaterThanOrEqual(5);
      expect(r?.ratio, key).toBeCloseTo(1 / 15, 2);
    }
  });

  it('price_snapshot changes a small fraction of its 30 rows per refresh', () => {
    const r = ratios.get('finance.price_snapshot');
    // One instrument moves each second and the table refreshes every 2 s: 2 rows of 30.
    expect(r?.ratio).toBeGreaterThan(0.02);
    expect(r?.ratio).toBeLessThan(0.1);
  });

  it('the top-10 tables change well below their size', () => {
    for (const key of [
      'ecommerce.top_10_customers',
      'fraud.top_10_risky_merchants',
      'finance.breach_dashboard',
    ]) {
      const r = ratios.get(key);
      expect(r?.refreshes, key).toBeGreaterThan(0);
      expect(r?.ratio, key).toBeLessThan(0.6);
    }
  });
});
