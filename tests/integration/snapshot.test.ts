// The producer's snapshot read against a real PostgreSQL as the dashboard's role: the panels whose
// figures move slowly (readEverySeconds) are read only when due, their rows held in between, and
// every other panel is read each time.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runGenerator } from '../../cron/run';
import { openDb } from '../../db';
import { detectEngine } from '../../db/pgtrickle/engine';
import { freshScenario } from '../../local/scenario-setup';
import { ecommerce } from '../../scenarios/ecommerce';
import type { Scenario } from '../../scenarios/types';
import type { FreshnessView } from '../../worker/pgtrickle/trace';
import {
  buildSnapshot,
  type HeldRows,
  readSnapshot,
  readSnapshotNow,
  snapshotReads,
  stillHeld,
} from '../../worker/snapshot';

const { cfg, readerCfg, writerCfg } = inject('stack');

describe('slowly moving panels in the producer’s reads', () => {
  let shop: Scenario;
  beforeAll(async () => {
    shop = await freshScenario(cfg, ecommerce, 'held');
  });

  it('reads efficiency and the advisor once per 30 s, everything else every time', async () => {
    const conn = await openDb(readerCfg, shop.database);
    try {
      const engine = await detectEngine(conn.db);
      const held: HeldRows = new Map();
      const first = await readSnapshot(conn.db, shop, engine, held);
      expect([...held.keys()].sort()).toEqual(['advisor', 'efficiency']);
      expect(first.rows['efficiency.rows']?.length).toBe(shop.streamTables.length);

      // New refreshes land; the next read does not ask for the held panels again.
      await runGenerator({
        cfg: writerCfg,
        scenarios: [shop],
        runMs: 2500,
        tickMs: 500,
        retentionMinutes: 60,
        proofEveryTicks: 0,
        log: () => {},
      });
      const skip = stillHeld(shop, engine, held, Date.now());
      expect([...skip].sort()).toEqual(['advisor', 'efficiency']);
      expect(
        Object.keys(snapshotReads(shop, engine, skip)).some((k) => k.startsWith('efficiency.')),
      ).toBe(false);
      const second = await readSnapshot(conn.db, shop, engine, held);
      expect(second.rows['efficiency.rows']).toEqual(first.rows['efficiency.rows']);
      expect(second.rows['advisor.advice']).toEqual(first.rows['advisor.advice']);
      // The history panel is read each time: it has the new refreshes.
      expect(second.rows['history.rows']).not.toEqual(first.rows['history.rows']);

      // 30 s later (the held copy aged by hand), they are read again and show the new refreshes.
      for (const h of held.values()) h.readAtMs -= 30_000;
      const third = await readSnapshot(conn.db, shop, engine, held);
      expect(third.rows['efficiency.rows']).not.toEqual(first.rows['efficiency.rows']);
      expect((held.get('efficiency')?.readAtMs ?? 0) > Date.now() - 5000).toBe(true);
    } finally {
      await conn.close();
    }
  });

  it('carries the stand-in’s commit_latency_stats() into the freshness panel, per table', async () => {
    const s = buildSnapshot(shop, await readSnapshotNow(readerCfg, shop));
    const fresh = s.panels.find((p) => p.panel.id === 'freshness')?.data as FreshnessView;
    expect(s.engine.kind !== 'none' && s.engine.features.commitLatency).toBe(true);
    expect(fresh.sla).toBeNull();
    expect([...(fresh.latency?.keys() ?? [])].sort()).toEqual(
      shop.streamTables.map((t) => t.name).sort(),
    );
    for (const l of fresh.latency?.values() ?? []) {
      expect(l.trackingMode).toBe('refresh_duration');
      expect(l.samples, l.name).toBeGreaterThan(0);
      expect(l.p50Ms ?? -1, l.name).toBeGreaterThan(0);
    }
  });
});
