// All three scenarios on one server: objects as specified, the seed's DAG shapes, the seed's
// psql examples, correctness after ticks, and one failing scenario not stopping the others.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runGenerator } from '../../cron/run';
import { DbError, withDb } from '../../db';
import { refreshDue } from '../../db/pgtrickle/maintenance';
import { compareStreamTable } from '../../db/setup/verify';
import { freshScenario } from '../../local/scenario-setup';
import { simulate } from '../../local/simulate';
import { scenarios } from '../../scenarios';
import { SECTOR_NAMES } from '../../scenarios/finance/stream-tables';
import type { Scenario } from '../../scenarios/types';

const { cfg } = inject('stack');
const byId = (id: string) => scenarios.find((s) => s.id === id) as Scenario;

describe('three scenarios on one server', () => {
  it('has one database per scenario with the specified stream tables, modes and schedules', async () => {
    expect(scenarios.map((s) => [s.id, s.database, s.streamTables.length])).toEqual([
      ['ecommerce', 'ecommerce_demo', 6],
      ['fraud', 'fraud_demo', 9],
      ['finance', 'finance_demo', 11],
    ]);
    for (const s of scenarios) {
      const rows = await withDb(cfg, s.database, (db) =>
        db.query(
          'SELECT pgt_name, refresh_mode, schedule, status FROM pgtrickle.pgt_stream_tables ORDER BY pgt_id',
        ),
      );
      expect(rows, s.id).toEqual(
        s.streamTables.map((st) => ({
          pgt_name: st.name,
          refresh_mode: st.refreshMode,
          schedule: st.schedule === 'calculated' ? null : st.schedule,
          status: 'ACTIVE',
        })),
      );
    }
    const modes = (id: string) =>
      Object.fromEntries(
        byId(id).streamTables.map((st) => [st.name, `${st.refreshMode} ${st.schedule}`]),
      );
    expect(modes('fraud').risk_scores).toBe('FULL calculated');
    expect(Object.values(modes('fraud')).filter((m) => m.startsWith('FULL'))).toHaveLength(1);
    const finance = modes('finance');
    expect(finance.price_snapshot).toBe('DIFFERENTIAL 2s');
    // price_snapshot spells sector names from SECTOR_NAMES (a two-input join, see its comment):
    // they must be the sectors table's.
    const sectors = await withDb(cfg, 'finance_demo', (db) =>
      db.query('SELECT name FROM sectors ORDER BY id'),
    );
    expect(sectors.map((r) => r.name)).toEqual([...SECTOR_NAMES]);
    expect(finance.net_positions).toBe('DIFFERENTIAL 1s');
    expect(Object.values(finance).filter((m) => m.endsWith('calculated'))).toHaveLength(9);
  });

  it('fraud has the diamond: transactions → user_velocity and merchant_stats → risk_scores', async () => {
    const edges = await withDb(cfg, 'fraud_demo', (db) =>
      db.query(
        `SELECT s.pgt_name AS st, d.source_relid::regclass::text AS source
         FROM pgtrickle.pgt_dependencies d JOIN pgtrickle.pgt_stream_tables s USING (pgt_id)`,
      ),
    );
    const sources = (st: string) => edges.filter((e) => e.st === st).map((e) => e.source);
    expect(sources('user_velocity')).toContain('transactions');
    expect(sources('merchant_stats')).toContain('transactions');
    expect(sources('risk_scores')).toEqual(
      expect.arrayContaining([
        'transactions',
        'users',
        'merchants',
        'user_velocity',
        'merchant_stats',
      ]),
    );
  });

  it('finance has a chain 10 stream tables deep, L1 → L10, in the dependency data', async () => {
    // Longest path through stream-table-to-stream-table edges, computed from pgt_dependencies.
    const [deepest] = await withDb(cfg, 'finance_demo', (db) =>
      db.query(
        `WITH RECURSIVE edge AS (
           SELECT up.pgt_name AS src, s.pgt_name AS dst
           FROM pgtrickle.pgt_dependencies d
           JOIN pgtrickle.pgt_stream_tables s ON s.pgt_id = d.pgt_id
           JOIN pgtrickle.pgt_stream_tables up ON up.pgt_relid = d.source_relid),
         chain AS (
           SELECT s.pgt_name AS head, ARRAY[s.pgt_name] AS path
           FROM pgtrickle.pgt_stream_tables s
           WHERE NOT EXISTS (SELECT 1 FROM edge WHERE edge.dst = s.pgt_name)
           UNION ALL
           SELECT e.dst, c.path || e.dst FROM chain c JOIN edge e ON e.src = c.head)
         SELECT path, array_length(path, 1) AS depth FROM chain ORDER BY depth DESC, path LIMIT 1`,
      ),
    );
    expect(deepest?.depth).toBe(10);
    expect(deepest?.path).toEqual([
      'net_positions',
      'position_values',
      'account_pnl',
      'portfolio_pnl',
      'sector_exposure',
      'var_contributions',
      'account_var',
      'portfolio_var',
      'regulatory_capital',
      'breach_dashboard',
    ]);
  });
});

describe('generators against real databases', () => {
  const copies: Record<string, Scenario> = {};
  const start = Date.now() + 5_000;
  const SECONDS = 120;
  beforeAll(async () => {
    // Two simulated minutes of ticks, refreshed every second as the engine would, in a copy of
    // each scenario's database (a burst, a flash sale, reprices and rotations included).
    await Promise.all(
      scenarios.map(async (s) => {
        const copy = await freshScenario(cfg, s, 'corr');
        copies[s.id] = copy;
        await withDb(
          cfg,
          copy.database,
          (db) =>
            simulate(db, copy, {
              start,
              seconds: SECONDS,
              seed: 99,
              refreshEvery: 1,
              retentionMinutes: 60,
            }),
          { statementTimeoutMs: 60_000 },
        );
      }),
    );
  });

  for (const s of scenarios) {
    it(`${s.id}: after ticks and refreshes every stream table equals its defining query`, async () => {
      const copy = copies[s.id] as Scenario;
      await withDb(
        cfg,
        copy.database,
        async (db) => {
          // Tables on a fixed schedule lag until they are due: let every schedule come round.
          await refreshDue(db, new Date(start + (SECONDS + 10) * 1000));
          for (const st of copy.streamTables) {
            const m = await compareStreamTable(db, st.name, st.query);
            expect(m, st.name).toMatchObject({ missing: 0, extra: 0 });
          }
        },
        { statementTimeoutMs: 60_000 },
      );
    });
  }

  describe("the seed's psql examples, verbatim", () => {
    for (const s of scenarios) {
      for (const ex of s.examples) {
        it(`${s.id}: ${ex.title}${ex.broken ? ' (fails as printed; corrected version works)' : ''}`, async () => {
          await withDb(cfg, (copies[s.id] as Scenario).database, async (db) => {
            if (ex.broken) {
              const err = await db.query(ex.sql).then(
                () => undefined,
                (e: unknown) => e,
              );
              expect(err).toBeInstanceOf(DbError);
              expect((err as DbError).sqlstate).toBe(ex.broken.sqlstate);
              await db.query(ex.broken.corrected);
            } else {
              const rows = await db.query(ex.sql);
              expect(rows.length).toBeGreaterThan(0);
            }
          });
        });
      }
    }
  });

  it('one cron run drives every scenario, and one failing does not stop the others', async () => {
    const broken: Scenario = { ...byId('fraud'), id: 'broken', database: 'no_such_database' };
    const live = [copies.ecommerce, copies.fraud].filter((s): s is Scenario => s !== undefined);
    const before = await Promise.all(
      live.map((s) =>
        withDb(cfg, s.database, (db) => db.query('SELECT cycle FROM demo_meta.generator_state')),
      ),
    );
    const logs: Record<string, unknown>[] = [];
    const summaries = await runGenerator({
      cfg,
      scenarios: [live[0] as Scenario, broken, live[1] as Scenario],
      runMs: 4000, // room for two ticks even when the suite loads the machine
      tickMs: 500,
      retentionMinutes: 60,
      now: () => new Date(Date.now() + 3_600_000),
      log: (e) => logs.push(e),
    });
    expect(summaries.map((x) => x.scenario)).toEqual(['ecommerce', 'broken', 'fraud']);
    expect(summaries[1]?.error).toMatch(/no_such_database/);
    expect(summaries[0]?.ticks).toBeGreaterThanOrEqual(2);
    expect(summaries[2]?.ticks).toBeGreaterThanOrEqual(2);
    expect(logs.find((l) => l.scenario === 'broken')).toMatchObject({ level: 'error' });
    const after = await Promise.all(
      live.map((s) =>
        withDb(cfg, s.database, (db) => db.query('SELECT cycle FROM demo_meta.generator_state')),
      ),
    );
    after.forEach((rows, i) => {
      expect(Number(rows[0]?.cycle)).toBeGreaterThan(Number(before[i]?.[0]?.cycle));
    });
  });
});
