// The engine path against real pg_trickle: run with PGTRICKLE_TEST_URL pointing at a pg_trickle
// PostgreSQL 18 server (a superuser role; e.g. the Docker image, see README). pg_trickle cannot
// run on the machines this project is built on, so here the suite is skipped, saying so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshDue, tickOnce } from '../../cron/run';
import { type DbConfig, detectEngine, withDb } from '../../db';
import { bootstrapScenario } from '../../db/bootstrap';
import { LOOPBACK_HOSTS, type RunningProxy, startWsProxy } from '../../db/local/ws-proxy';
import { FUNCTION_ARGS, FUNCTION_COLUMNS, TABLE_COLUMNS } from '../../db/pgtrickle-api';
import { compareStreamTable } from '../../db/verify';
import { scenarios } from '../../scenarios';
import type { Scenario } from '../../scenarios/types';
import { bootstrapSpec, compatSql } from '../../scripts/stack';
import { loadStatus } from '../../worker/data';
import { loadInternals } from '../../worker/internals';
import '../helpers';

const URL_ = process.env.PGTRICKLE_TEST_URL;
if (!URL_) {
  console.warn(
    'tests/pgtrickle: skipped — set PGTRICKLE_TEST_URL=postgres://demo:demo@host:5432/postgres ' +
      '(a pg_trickle server) to run the engine suite against real pg_trickle.',
  );
}

describe.skipIf(!URL_)('real pg_trickle', { timeout: 180_000 }, () => {
  let proxy: RunningProxy | undefined;
  let cfg: DbConfig;
  const copies: Scenario[] = [];

  beforeAll(async () => {
    const url = URL_ as string;
    let wsProxy = process.env.PGTRICKLE_TEST_WS_PROXY;
    if (!wsProxy) {
      proxy = await startWsProxy({ allow: [...LOOPBACK_HOSTS, new URL(url).hostname] });
      wsProxy = proxy.url;
    }
    cfg = { DATABASE_URL: url, DB_WS_PROXY: wsProxy };
    for (const s of scenarios) {
      const database = `${s.database}_pgt`;
      await withDb(cfg, 'postgres', (db) =>
        db.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
      );
      await bootstrapScenario(cfg, bootstrapSpec(s, database), compatSql());
      copies.push({ ...s, database });
    }
  }, 300_000);

  afterAll(async () => {
    await proxy?.close();
  });

  it('uses the extension, never the compatibility mode', async () => {
    for (const s of copies) {
      const engine = await withDb(cfg, s.database, detectEngine);
      expect(engine.kind, s.id).toBe('pg_trickle');
      const [compat] = await withDb(cfg, s.database, (db) =>
        db.query("SELECT to_regnamespace('pgtrickle_compat') AS ns"),
      );
      expect(compat?.ns).toBeNull();
    }
  });

  it('has the output columns and types the project reads (the same definition the compatibility mode is checked against)', async () => {
    const db0 = copies[0] as Scenario;
    await withDb(cfg, db0.database, async (db) => {
      for (const [fn, expected] of Object.entries(FUNCTION_COLUMNS)) {
        const cols = await db.query(
          `SELECT a.name, format_type(a.type, NULL) AS type
           FROM pg_proc p, unnest(p.proargnames, p.proallargtypes, p.proargmodes) WITH ORDINALITY AS a(name, type, mode, ord)
           WHERE p.pronamespace = 'pgtrickle'::regnamespace AND p.proname = $1 AND a.mode IN ('o', 't')
           ORDER BY a.ord`,
          [fn],
        );
        expect(
          cols.map((c) => [c.name, c.type]),
          fn,
        ).toEqual(expected);
      }
      for (const [table, expected] of Object.entries(TABLE_COLUMNS)) {
        const cols = await db.query(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = 'pgtrickle' AND table_name = $1`,
          [table],
        );
        expect(
          cols.map((c) => c.column_name),
          table,
        ).toEqual(expect.arrayContaining(expected));
      }
      for (const [fn, args] of Object.entries(FUNCTION_ARGS)) {
        const rows = await db.query(
          `SELECT proargnames FROM pg_proc WHERE pronamespace = 'pgtrickle'::regnamespace AND proname = $1`,
          [fn],
        );
        expect(
          rows.some(
            (r) =>
              JSON.stringify((r.proargnames as string[]).slice(0, args.length)) ===
              JSON.stringify(args),
          ),
          fn,
        ).toBe(true);
      }
    });
  });

  it('refreshes differentially in the background; every stream table then equals its query', async () => {
    await Promise.all(
      copies.map((s) =>
        withDb(cfg, s.database, async (db) => {
          let world = await s.generator.loadWorld(db);
          for (let i = 0; i < 20; i++) {
            const r = await tickOnce(db, s, world, new Date(), 1000);
            if (r.ticked) world = s.generator.updateWorld(world, r.writes);
            await new Promise((ok) => setTimeout(ok, 1000));
          }
        }),
      ),
    );
    // Quiet now: let the 5 s schedules and the calculated cascades come round.
    await new Promise((ok) => setTimeout(ok, 12_000));
    for (const s of copies) {
      await withDb(cfg, s.database, async (db) => {
        for (const st of s.streamTables) {
          const m = await compareStreamTable(db, st.name, st.query);
          expect(m, `${s.id}.${st.name}`).toMatchObject({ missing: 0, extra: 0 });
        }
        const actions = await db.query(
          `SELECT DISTINCT action FROM pgtrickle.pgt_refresh_history WHERE status = 'COMPLETED'`,
        );
        expect(
          actions.map((a) => a.action),
          s.id,
        ).toContain('DIFFERENTIAL');
      });
    }
  });

  it('answers every dashboard query (status, DAG, history, efficiency, advisor)', async () => {
    for (const s of copies) {
      await withDb(cfg, s.database, async (db) => {
        const status = await loadStatus(db);
        expect(status.map((x) => x.name).sort(), s.id).toEqual(
          s.streamTables.map((t) => t.name).sort(),
        );
        const internals = await loadInternals(db);
        expect(internals.edges.length, s.id).toBeGreaterThanOrEqual(s.streamTables.length);
        expect(internals.efficiency.length, s.id).toBe(s.streamTables.length);
        expect(internals.adviceError, s.id).toBeNull();
      });
    }
  });

  it('does not need the compatibility scheduler: refresh_due does not exist there', async () => {
    const s = copies[0] as Scenario;
    await withDb(cfg, s.database, async (db) => {
      await expect(refreshDue(db, new Date())).rejects.toThrow();
    });
  });
});
