// The live proof against a real PostgreSQL, run as the generator's role and read back as the
// dashboard's. In compatibility mode every refresh recomputes a table in full, so "equal" is true
// by construction here (whether the real engine keeps it is the engine suite's question); what
// these tests can fail on is the mechanism: the rounds the generator runs, the rule that reports a
// difference only when a re-check after a refresh confirms it, "not checked" when writes come in,
// and what the page shows.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runGenerator } from '../../cron/run';
import { withDb } from '../../db';
import { recordChange } from '../../db/demo/changes';
import {
  NOT_CAUGHT_UP,
  proveRound,
  pruneProofs,
  recordProof,
  WRITES_CAME_IN,
} from '../../db/demo/proof';
import { refreshDue } from '../../db/pgtrickle/maintenance';
import { freshScenario } from '../../local/scenario-setup';
import { ecommerce } from '../../scenarios/ecommerce';
import { finance } from '../../scenarios/finance';
import type { Scenario } from '../../scenarios/types';
import { buildSnapshot, readSnapshotNow } from '../../worker/snapshot';
import { AllFragments } from '../../worker/views/page';

const { cfg, readerCfg, writerCfg } = inject('stack');

const proofRows = (database: string) =>
  withDb(cfg, database, (db) =>
    db.query(
      `SELECT round, table_name, outcome, missing, extra, why, compare_ms
       FROM demo_meta.proofs ORDER BY round, table_name`,
    ),
  );

describe('the live proof (compatibility mode)', () => {
  let shop: Scenario;
  let chain: Scenario;
  beforeAll(async () => {
    [shop, chain] = await Promise.all([
      freshScenario(cfg, ecommerce, 'proof'),
      freshScenario(cfg, finance, 'proof'),
    ]);
  });

  it('runs from the generator as demo_writer and the page shows it on every node', async () => {
    const [sum] = await runGenerator({
      cfg: writerCfg,
      scenarios: [chain],
      runMs: 4500,
      tickMs: 1000,
      retentionMinutes: 60,
      proofEveryTicks: 2,
      log: () => {},
    });
    expect(sum?.error).toBeUndefined();
    expect(sum?.proofs).toBeGreaterThanOrEqual(1);
    const rows = await proofRows(chain.database);
    const last = Math.max(...rows.map((r) => Number(r.round)));
    const round = rows.filter((r) => Number(r.round) === last);
    expect(round.map((r) => r.table_name).sort()).toEqual(
      chain.streamTables.map((t) => t.name).sort(),
    );
    expect(round.every((r) => r.outcome === 'equal')).toBe(true);
    // The dashboard's role reads it in the snapshot statement; every node and the line say so.
    const data = await readSnapshotNow(readerCfg, chain);
    const html = String(await AllFragments({ snapshot: buildSnapshot(chain, data) }));
    const nodes = [...html.matchAll(/<g [^>]*data-node="(\w+)"[^>]*data-proof="(\w+)"/g)];
    expect(nodes.map((m) => m[1]).sort()).toEqual(chain.streamTables.map((t) => t.name).sort());
    expect(new Set(nodes.map((m) => m[2]))).toEqual(new Set(['equal']));
    expect(html).toMatch(/data-proof-at="\d{4}-\d\d-\d\dT/);
    expect(html).toContain('All 11 stream tables matched their own queries');
    expect(html).toContain('True by construction here');
  });

  it('reports a difference only when a re-check after a refresh confirms it', async () => {
    const tables = shop.streamTables;
    await withDb(writerCfg, shop.database, async (db) => {
      await refreshDue(db);
      // A row changed by hand (as the bootstrap's role: the generator may not write there), and
      // no refresh during the round: the table differs, but the engine never had its chance.
      await withDb(cfg, shop.database, (admin) =>
        admin.query(
          'UPDATE customer_stats SET order_count = order_count + 7 WHERE customer_id = 1',
        ),
      );
      const idle = await proveRound(db, { tables, maxWaitMs: 1500, recheckMs: 500 });
      const outcome = (r: typeof idle, t: string) => r.tables.find((x) => x.table === t);
      expect(outcome(idle, 'customer_stats')).toMatchObject({
        outcome: 'unchecked',
        why: NOT_CAUGHT_UP,
        missing: 1,
        extra: 1,
      });
      // Tables that do not read it still match; none is said to differ.
      expect(outcome(idle, 'product_sales')?.outcome).toBe('equal');
      expect(idle.tables.filter((t) => t.outcome === 'differs')).toEqual([]);
      // An engine that refreshes the table and keeps the wrong row (a stand-in for a
      // mis-maintaining engine, which the compatibility mode cannot be): confirmed.
      const wrong = await proveRound(db, {
        tables,
        maxWaitMs: 2500,
        recheckMs: 700,
        refresh: () =>
          withDb(cfg, shop.database, async (admin) => {
            await admin.query(`SELECT pgtrickle.refresh_stream_table('customer_stats')`);
            await admin.query(
              'UPDATE customer_stats SET order_count = order_count + 7 WHERE customer_id = 1',
            );
          }),
      });
      expect(outcome(wrong, 'customer_stats')).toMatchObject({
        outcome: 'differs',
        missing: 1,
        extra: 1,
      });
      // What reads it had no settled input: not checked, never "differs".
      expect(outcome(wrong, 'top_10_customers')?.outcome).not.toBe('differs');
      expect(wrong.looks).toBeGreaterThanOrEqual(2);
      await recordProof(db, wrong);
      // Writes in the middle of a round: what still differed is not checked, never "differs".
      const busy = await proveRound(db, {
        tables,
        maxWaitMs: 2500,
        recheckMs: 700,
        refresh: async () => {
          await db.query(
            `INSERT INTO orders (customer_id, product_id, quantity, unit_price) VALUES (2, 2, 1, 10)`,
          );
          await recordChange(db, {
            source: 'visitor',
            kind: 'test',
            label: 't',
            tables: ['orders'],
            events: 1,
          });
        },
      });
      expect(busy.tables.every((t) => t.outcome !== 'differs')).toBe(true);
      expect(busy.tables.some((t) => t.why === WRITES_CAME_IN)).toBe(true);
    });
    // The page names the confirmed difference.
    const data = await readSnapshotNow(readerCfg, shop);
    const html = String(await AllFragments({ snapshot: buildSnapshot(shop, data) }));
    expect(html).toMatch(/data-node="customer_stats"[^>]*data-proof="differs"/);
    expect(html).toContain('≠ 2 rows differ from its query');
    expect(html).toMatch(
      /1 of 6 stream tables differs from its own query: customer_stats \(2 rows\)/,
    );
  });

  it('prunes rounds older than its window', async () => {
    await withDb(writerCfg, shop.database, async (db) => {
      const before = (await proofRows(shop.database)).length;
      expect(before).toBeGreaterThan(0);
      expect(await pruneProofs(db, new Date(Date.now() + 16 * 60_000))).toBe(before);
      expect(await proofRows(shop.database)).toEqual([]);
    });
  });
});
