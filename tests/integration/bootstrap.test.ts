import { beforeAll, describe, expect, inject, it } from 'vitest';
import { withDb } from '../../db';
import {
  CATALOG_CONTRACT,
  ENGINE_ROLES,
  EXECUTE_GRANTS,
  FUNCTION_COLUMNS,
  FUNCTION_SIGNATURES,
  NEWEST_ONLY_COLUMNS,
  TABLE_COLUMNS,
} from '../../db/pgtrickle/api';
import { detectEngine } from '../../db/pgtrickle/engine';
import { bootstrapScenario } from '../../db/setup/bootstrap';
import { bootstrapSpec, compatSql, freshScenario } from '../../local/scenario-setup';
import { ecommerce } from '../../scenarios/ecommerce';
import type { Scenario } from '../../scenarios/types';
import {
  cascadingKeys,
  engineRoles,
  executeGrantees,
  functionInputs,
  tableChecks,
  tableColumns,
} from '../catalog';
import { checkDependencyTree } from '../dependency-tree';

const { cfg } = inject('stack');
let scenario: Scenario;

const counts = (database: string) =>
  withDb(cfg, database, async (db) => {
    const [r] = await db.query(
      `SELECT (SELECT count(*) FROM categories) AS categories, (SELECT count(*) FROM products) AS products,
              (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM orders) AS orders,
              (SELECT count(*) FROM product_catalog) AS catalog,
              (SELECT count(*) FROM pgtrickle.pgt_stream_tables) AS stream_tables,
              (SELECT count(*) FROM pgtrickle.pgt_refresh_history) AS history,
              (SELECT cycle FROM demo_meta.generator_state) AS cycle`,
    );
    return r;
  });

beforeAll(async () => {
  scenario = await freshScenario(cfg, ecommerce, 'boot');
});

describe('bootstrap on a real PostgreSQL 18', () => {
  it('creates the schema, seed data and the 6 stream tables with their modes and schedules', async () => {
    expect(await counts(scenario.database)).toEqual({
      categories: '8',
      products: '15',
      customers: '30',
      orders: '50',
      catalog: '15',
      stream_tables: '6',
      history: '6', // one INITIAL refresh each
      cycle: '0',
    });
    const rows = await withDb(cfg, scenario.database, (db) =>
      db.query(
        `SELECT pgt_schema, pgt_name, refresh_mode, schedule, status, is_populated
         FROM pgtrickle.pgt_stream_tables ORDER BY pgt_id`,
      ),
    );
    expect(rows).toEqual(
      ecommerce.streamTables.map((st) => ({
        pgt_schema: 'public',
        pgt_name: st.name,
        refresh_mode: st.refreshMode,
        schedule: st.schedule === 'calculated' ? null : st.schedule,
        status: 'ACTIVE',
        is_populated: true,
      })),
    );
  });

  it('is idempotent: a second run changes and loses nothing', async () => {
    const before = await counts(scenario.database);
    const result = await bootstrapScenario(
      cfg,
      bootstrapSpec(ecommerce, scenario.database),
      compatSql(),
    );
    expect(result.createdDatabase).toBe(false);
    expect(result.createdStreamTables).toEqual([]);
    expect(result.changedStreamTables).toEqual([]);
    expect(result.engine).toMatchObject({ kind: 'compat', version: '0.108.3-compat' });
    expect(await counts(scenario.database)).toEqual(before);
  });

  it('replaces a stream table whose definition changed (and what reads it), and says so', async () => {
    const spec = bootstrapSpec(ecommerce, scenario.database);
    const stored = (name: string) =>
      withDb(cfg, scenario.database, async (db) => {
        const [r] = await db.query(
          `SELECT coalesce(original_query, defining_query) AS q FROM pgtrickle.pgt_stream_tables
           WHERE pgt_name = $1`,
          [name],
        );
        return String(r?.q);
      });
    // customer_stats is read by country_revenue and top_10_customers: they are recreated too.
    const altered = spec.streamTables.map((st) =>
      st.name === 'customer_stats' ? { ...st, query: `${st.query}\n-- changed` } : st,
    );
    const result = await bootstrapScenario(cfg, { ...spec, streamTables: altered }, compatSql());
    expect(result.changedStreamTables).toEqual(['customer_stats']);
    expect([...result.createdStreamTables].sort()).toEqual([
      'country_revenue',
      'customer_stats',
      'top_10_customers',
    ]);
    expect(await stored('customer_stats')).toContain('-- changed');
    const back = await bootstrapScenario(cfg, spec, compatSql());
    expect(back.changedStreamTables).toEqual(['customer_stats']);
    expect(await stored('customer_stats')).not.toContain('-- changed');
    expect((await counts(scenario.database))?.stream_tables).toBe('6');
  });

  it('derives dependencies from the defining queries', async () => {
    const rows = await withDb(cfg, scenario.database, (db) =>
      db.query(
        `SELECT s.pgt_name, string_agg(d.source_relid::regclass::text || ':' || d.source_type, ',' ORDER BY d.source_relid::regclass::text) AS sources
         FROM pgtrickle.pgt_stream_tables s JOIN pgtrickle.pgt_dependencies d USING (pgt_id)
         GROUP BY s.pgt_name ORDER BY s.pgt_name`,
      ),
    );
    expect(Object.fromEntries(rows.map((r) => [r.pgt_name, r.sources]))).toEqual({
      catalog_price_impact: 'categories:TABLE,product_catalog:TABLE,products:TABLE',
      category_revenue: 'categories:TABLE,orders:TABLE,products:TABLE',
      country_revenue: 'customer_stats:STREAM_TABLE',
      customer_stats: 'customers:TABLE,orders:TABLE',
      product_sales: 'categories:TABLE,orders:TABLE,products:TABLE',
      top_10_customers: 'customer_stats:STREAM_TABLE',
    });
  });

  it('draws the dependency tree as pg_trickle orients it: roots read no stream table, consumers below, [src] last', async () => {
    const rows = await withDb(cfg, scenario.database, async (db) => {
      await checkDependencyTree(db);
      return db.query(
        'SELECT tree_line FROM pgtrickle.dependency_tree() WITH ORDINALITY t ORDER BY t.ordinality',
      );
    });
    const lines = rows.map((r) => String(r.tree_line));
    expect(lines.slice(0, 4)).toEqual([
      '├── public.catalog_price_impact',
      '│   ├── public.categories [src]',
      '│   ├── public.product_catalog [src]',
      '│   └── public.products [src]',
    ]);
    const at = lines.indexOf('├── public.customer_stats');
    expect(lines.slice(at, at + 5)).toEqual([
      '├── public.customer_stats',
      '│   ├── public.country_revenue',
      '│   ├── public.top_10_customers',
      '│   ├── public.customers [src]',
      '│   └── public.orders [src]',
    ]);
    expect(lines).toContain('└── public.product_sales');
  });

  it('records each refresh as the full recomputation it is, with real durations and row counts', async () => {
    const rows = await withDb(cfg, scenario.database, async (db) => {
      await db.query(
        `UPDATE product_catalog SET current_price = current_price + 1 WHERE product_id = 3`,
      );
      await db.query(`SELECT pgtrickle.refresh_stream_table('catalog_price_impact')`);
      return db.query(
        `SELECT h.action, h.rows_inserted, h.rows_updated, h.rows_deleted, h.duration_ms,
                h.refresh_reason, h.refresh_reason_detail, st.effective_refresh_mode,
                st.requested_refresh_mode, st.refresh_mode, st.original_query
         FROM pgtrickle.pgt_refresh_history h
         JOIN pgtrickle.pgt_stream_tables st USING (pgt_id)
         WHERE st.pgt_name = 'catalog_price_impact' ORDER BY h.refresh_id DESC LIMIT 1`,
      );
    });
    expect(rows[0]).toMatchObject({
      action: 'FULL',
      // One product's price changed: one row updated in place (its key, product_id, is unique).
      rows_inserted: '0',
      rows_updated: '1',
      rows_deleted: '0',
      refresh_reason: null,
      effective_refresh_mode: 'FULL',
      requested_refresh_mode: 'DIFFERENTIAL',
      refresh_mode: 'DIFFERENTIAL',
      original_query: null,
    });
    expect(Number(rows[0]?.duration_ms)).toBeGreaterThan(0);
    expect(String(rows[0]?.refresh_reason_detail)).toMatch(/compatibility mode/);
  });
});

describe('compatibility mode API shape', () => {
  const fnColumns = (name: string) =>
    withDb(cfg, scenario.database, (db) =>
      db.query(
        `SELECT a.name, format_type(a.type, NULL) AS type
         FROM pg_proc p, unnest(p.proargnames, p.proallargtypes, p.proargmodes)
              WITH ORDINALITY AS a(name, type, mode, ord)
         WHERE p.pronamespace = 'pgtrickle'::regnamespace AND p.proname = $1 AND a.mode IN ('o', 't')
         ORDER BY a.ord`,
        [name],
      ),
    );

  for (const [fn, expected] of Object.entries(FUNCTION_COLUMNS)) {
    it(`pgtrickle.${fn}() has pg_trickle's output columns and types`, async () => {
      const cols = await fnColumns(fn);
      expect(cols.map((c) => [c.name, c.type])).toEqual(expected);
    });
  }

  for (const [table, expected] of Object.entries(TABLE_COLUMNS)) {
    const newest = (NEWEST_ONLY_COLUMNS as Record<string, readonly string[]>)[table] ?? [];
    it(`pgtrickle.${table} has the columns the project reads, the newest release's included`, async () => {
      const cols = await withDb(cfg, scenario.database, (db) =>
        db.query(
          `SELECT column_name FROM information_schema.columns
           WHERE table_schema = 'pgtrickle' AND table_name = $1`,
          [table],
        ),
      );
      expect(cols.map((c) => c.column_name)).toEqual(
        expect.arrayContaining([...expected, ...newest]),
      );
    });
  }

  // 0.108.3's install script, as db/pgtrickle/api.ts transcribes it: a future change on either
  // side (the stand-in, or the contract when a newer release is read) fails here.
  for (const [table, want] of Object.entries(CATALOG_CONTRACT)) {
    it(`pgtrickle.${table} is laid out as 0.108.3's: columns in order, types, NOT NULL, CHECKs, cascading keys`, async () => {
      await withDb(cfg, scenario.database, async (db) => {
        expect(await tableColumns(db, table)).toEqual(want.columns);
        const sorted = Object.fromEntries(
          Object.entries(want.checks).map(([c, v]) => [c, [...v].sort()]),
        );
        expect(await tableChecks(db, table)).toEqual(sorted);
        expect(await cascadingKeys(db, table)).toEqual(want.cascades);
      });
    });
  }

  it('has 0.108.3’s parameters, every one, for each function the project calls', async () => {
    await withDb(cfg, scenario.database, async (db) => {
      for (const [fn, params] of Object.entries(FUNCTION_SIGNATURES)) {
        expect(await functionInputs(db, fn), fn).toEqual([params]);
      }
    });
  });

  it('grants as 0.108.3 does: its three roles, USAGE theirs and not PUBLIC’s, EXECUTE by role', async () => {
    await withDb(cfg, scenario.database, async (db) => {
      for (const [fn, who] of Object.entries(EXECUTE_GRANTS)) {
        expect(await executeGrantees(db, fn), fn).toEqual(who);
      }
      const { roles, publicUsage } = await engineRoles(db);
      expect(publicUsage).toBe(false);
      expect(roles.map((r) => [r.rolname, r.rolcanlogin, r.rolinherit, r.usage])).toEqual(
        [...ENGINE_ROLES].sort().map((r) => [r, false, false, true]),
      );
      const memberOf = Object.fromEntries(roles.map((r) => [r.rolname, r.member_of]));
      expect(memberOf.pgtrickle_operator).toContain('pgtrickle_reader');
      expect(memberOf.pgtrickle_admin).toContain('pgtrickle_operator');
    });
  });

  it('records fused refreshes, as 0.108.3’s history CHECK allows: the bootstrap’s probe agrees', async () => {
    const engine = await withDb(cfg, scenario.database, detectEngine);
    expect(engine.kind === 'compat' && engine.features.fusedRecorded).toBe(true);
  });

  it('alters a stream table as pg_trickle does, and refuses what it cannot do', async () => {
    await withDb(cfg, scenario.database, async (db) => {
      const mode = async () =>
        (
          await db.query(
            `SELECT refresh_mode, requested_refresh_mode, schedule, status
             FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'customer_stats'`,
          )
        )[0];
      const before = await mode();
      try {
        await db.query(
          `SELECT pgtrickle.alter_stream_table(name => 'customer_stats', refresh_mode => 'FULL', schedule => '5s')`,
        );
        expect(await mode()).toMatchObject({
          refresh_mode: 'FULL',
          requested_refresh_mode: 'FULL',
          schedule: '5s',
        });
        await expect(
          db.query(`SELECT pgtrickle.alter_stream_table(name => 'customer_stats', fuse => 'on')`),
        ).rejects.toThrow(/alter_stream_table\(fuse\) is not supported/);
        await expect(
          db.query(
            `SELECT pgtrickle.alter_stream_table(name => 'customer_stats', schedule => '0s')`,
          ),
        ).rejects.toThrow(/minimum of 1s|invalid schedule/);
        await expect(
          db.query(
            `SELECT pgtrickle.create_stream_table(name => 'x_append', query => 'SELECT 1 AS a', append_only => true)`,
          ),
        ).rejects.toThrow(/create_stream_table\(append_only\) is not supported/);
      } finally {
        await db.query(
          `SELECT pgtrickle.alter_stream_table(name => 'customer_stats', refresh_mode => $1, schedule => $2)`,
          [before?.requested_refresh_mode, before?.schedule ?? 'calculated'],
        );
      }
    });
  });

  it('answers the advisor and efficiency honestly: no differential refreshes, no speedup', async () => {
    const [eff] = await withDb(cfg, scenario.database, (db) =>
      db.query(`SELECT * FROM pgtrickle.refresh_efficiency() WHERE pgt_name = 'product_sales'`),
    );
    expect(eff).toMatchObject({ diff_count: '0', avg_diff_ms: null, diff_speedup: null });
    const [rec] = await withDb(cfg, scenario.database, (db) =>
      db.query(`SELECT * FROM pgtrickle.recommend_refresh_mode('product_sales')`),
    );
    expect(rec).toMatchObject({ recommended_mode: 'KEEP', confidence: 'low' });
    expect(String(rec?.reason)).toMatch(/needs? the pg_trickle extension/);
  });
});
