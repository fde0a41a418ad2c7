// Creates a scenario's database, engine, schema, seed data and stream tables. Idempotent: run
// again on a live database it changes nothing and loses nothing.

import { type Db, withDb } from '../client';
import type { DbConfig } from '../config';
import { DbError } from '../errors';
import { detectEngine, type Engine } from '../pgtrickle/engine';
import { quoteIdent } from '../values';
import { ensureRoles, grantScenario, type RolePasswords, rolePasswords } from './roles';

export interface StreamTableSpec {
  name: string;
  query: string;
  schedule: string;
  refreshMode: string;
}

export interface BootstrapSpec {
  database: string;
  schemaSql: string;
  seedSql: string;
  streamTables: readonly StreamTableSpec[];
  /** Generator state for a new database (JSON). */
  initialGeneratorState: unknown;
  /** Seed of the generator's random source for a new database. */
  generatorSeed: number;
}

export interface BootstrapResult {
  database: string;
  engine: Engine;
  createdDatabase: boolean;
  createdStreamTables: string[];
  /**
   * Stream tables whose stored query differed from the scenario's: dropped (with the stream
   * tables that read them) and created again from the scenario's definitions. Their rows are
   * derived, so nothing is lost; a deployment picks up a changed definition at its next bootstrap.
   */
  changedStreamTables: string[];
}

const DEMO_SCHEMA = `
CREATE SCHEMA IF NOT EXISTS demo_meta;
CREATE TABLE IF NOT EXISTS demo_meta.generator_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seed integer NOT NULL,
  cycle bigint NOT NULL DEFAULT 0,
  state jsonb NOT NULL,
  last_tick_at timestamptz,
  events_total bigint NOT NULL DEFAULT 0
);
-- The event window the generator prunes to, so the dashboard can say what aggregates cover.
ALTER TABLE demo_meta.generator_state ADD COLUMN IF NOT EXISTS retention_minutes integer;
-- Changes the dashboard follows through the DAG: every generator tick (for freshness per stream
-- table), its bursts and other named moments, and visitors' actions. 'at' is taken just before
-- the writing transaction commits; 'tables' are the base tables it wrote. Pruned to minutes.
CREATE TABLE IF NOT EXISTS demo_meta.traced_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  source text NOT NULL CHECK (source IN ('generator', 'visitor')),
  kind text NOT NULL,
  label text NOT NULL,
  tables text[] NOT NULL,
  events integer NOT NULL
);
CREATE INDEX IF NOT EXISTS traced_events_at ON demo_meta.traced_events (at);
-- The live proof (db/demo/proof.ts): each stream table compared with its own defining query as a
-- multiset by the generator, the only writer, at moments with no write in flight. One row per
-- table per round; 'at' is the snapshot that decided it; pruned to minutes like traced_events.
CREATE TABLE IF NOT EXISTS demo_meta.proofs (
  round bigint NOT NULL,
  at timestamptz NOT NULL,
  table_name text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('equal', 'differs', 'unchecked')),
  missing integer NOT NULL DEFAULT 0,
  extra integer NOT NULL DEFAULT 0,
  rows_held integer,
  why text,
  compare_ms integer NOT NULL,
  PRIMARY KEY (round, table_name)
);
CREATE SEQUENCE IF NOT EXISTS demo_meta.proof_rounds;
CREATE INDEX IF NOT EXISTS proofs_at ON demo_meta.proofs (at);`;

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

async function ensureDatabase(cfg: DbConfig, database: string): Promise<boolean> {
  return withDb(cfg, 'postgres', async (db) => {
    const rows = await db.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rows.length > 0) return false;
    try {
      // Identifiers cannot be bound; the name comes from the scenario registry, never a request.
      await db.query(`CREATE DATABASE ${quoteIdent(database)}`);
      return true;
    } catch (err) {
      if (err instanceof DbError && err.sqlstate === '42P04') return false; // created meanwhile
      throw err;
    }
  });
}

/** pg_trickle where the server has it; otherwise the compatibility mode, never both. */
async function ensureEngine(db: Db, compatSql: string): Promise<void> {
  const [row] = await db.query(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trickle') AS available,
            to_regclass('pgtrickle_compat.installed') IS NOT NULL AS has_compat`,
  );
  if (row?.available) {
    if (row.has_compat) {
      throw new Error(
        'this database has the compatibility mode installed but the server has pg_trickle: ' +
          'reset the database (npm run db:reset, or docker compose down -v) to use the real engine',
      );
    }
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_trickle');
    return;
  }
  await db.query(compatSql);
}

/**
 * Server settings the demo needs from pg_trickle, set (ALTER SYSTEM, then a reload, which its
 * scheduler rereads) where the role may and the server differs, and said aloud:
 * - fused refresh off where history has no 'SCHEDULER_FUSED' in its CHECK (before 0.68): there
 *   every fused refresh is rejected by history and vanishes from it;
 * - trigger-based change capture everywhere (see below);
 * - change buffers cleaned with DELETE, not TRUNCATE: a buffer is shared by every stream table
 *   that reads the same source, TRUNCATE is not MVCC-safe, and on 0.67 a refresh whose snapshot
 *   predated another's TRUNCATE lost those changes (stream tables drifted from their queries);
 * - the scheduler's wait after each pass at its minimum, 100 ms (the source's default is 1000,
 *   the image's 500): 0.67 waits the interval after a pass's work, so at 1000 ms a write waited
 *   p50 0.89 / p95 2.66 s for customer_stats, at 100 ms p50 0.60 / p95 1.29 s (README, "The real
 *   engine"). Schedules still say how often a table refreshes; this only says how soon a due
 *   table is noticed;
 * - one refresh at a time per database, each in a refresh worker of its own
 *   (`max_concurrent_refreshes = 1`, `parallel_refresh_mode = on`): with several workers, 0.67's
 *   workers lock the change buffers that several stream tables share in opposite orders and, under
 *   the demo's load, deadlock (110 "deadlock detected" panics in 25 minutes of `npm run dev`),
 *   each delaying a refresh. Turning parallel refresh off instead runs every refresh in the
 *   scheduler's one process, where 0.67 carries the effective mode of one table's refresh over to
 *   the next table whose differential refresh ends early (its per-process "last mode" is read but
 *   never reset): the engine suite saw every finance table labelled TOP_K, the mode of
 *   breach_dashboard. A worker per refresh starts with no mode. The demo's tables refresh in
 *   milliseconds; bench/RESULTS.md counts the deadlocks of a whole `npm run bench:engine` run;
 * - differential refreshes stay differential (`refresh_strategy = differential`): under 'auto'
 *   the engine falls back to FULL when a cycle's changes pass a share of the source (a burst
 *   while a table is young) or its cost model prefers it. 0.67's FULL fallback reads the sources
 *   as of its own snapshot but then clears the change buffers only up to the frontier it took
 *   before (post_full_refresh_cleanup, src/refresh/merge/mod.rs): a change committed in between
 *   is in the table and still in the buffer, and the next differential refresh adds it again.
 *   The live proof saw finance's net_positions differ right after such fallbacks, until the
 *   next one. Tables configured FULL, and top-K tables, are recomputed as before.
 */
async function engineSettings(db: Db, engine: Engine & { kind: 'pg_trickle' }): Promise<void> {
  const wanted: [string, string, string][] = [
    ['pg_trickle.cleanup_use_truncate', 'off', 'TRUNCATE of a shared change buffer loses changes'],
    // The image's 'auto' moves sources to WAL capture while replication slots last: three
    // databases have more sources than its 10 slots, so which table ends up where would vary.
    ['pg_trickle.cdc_mode', 'trigger', 'more source tables than replication slots'],
    [
      'pg_trickle.scheduler_interval_ms',
      '100',
      'a due table is noticed within 100 ms of the last pass, not 1 s',
    ],
    [
      'pg_trickle.max_concurrent_refreshes',
      '1',
      'refresh workers of one database deadlock on shared change buffers',
    ],
    [
      'pg_trickle.parallel_refresh_mode',
      'on',
      'a refresh in the scheduler itself may inherit the previous table’s effective mode',
    ],
    [
      'pg_trickle.refresh_strategy',
      'differential',
      'a FULL fallback counts changes committed during it twice',
    ],
  ];
  if (!engine.features.fusedRecorded) {
    wanted.push([
      'pg_trickle.enable_fused_refresh',
      'off',
      'this version drops fused refreshes from its history',
    ]);
  }
  const [role] = await db.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
  let changed = false;
  for (const [name, value, why] of wanted) {
    const [row] = await db.query('SELECT current_setting($1, true) AS v', [name]);
    if (row?.v === null || row?.v === undefined || row.v === value) continue;
    if (!role?.rolsuper) {
      console.warn(`pg_trickle ${engine.version}: set ${name} = ${value} on the server (${why})`);
      continue;
    }
    // A setting name cannot be bound; these come from the list above, never from input.
    await db.query(`ALTER SYSTEM SET ${name} = ${value}`);
    console.log(`pg_trickle ${engine.version}: ALTER SYSTEM SET ${name} = ${value} (${why})`);
    changed = true;
  }
  if (changed) await db.query('SELECT pg_reload_conf()');
}

export async function bootstrapScenario(
  cfg: DbConfig,
  spec: BootstrapSpec,
  compatSql: string,
  passwords: RolePasswords = rolePasswords({}),
): Promise<BootstrapResult> {
  const createdDatabase = await ensureDatabase(cfg, spec.database);
  await ensureRoles(cfg, passwords);
  return withDb(
    cfg,
    spec.database,
    async (db) => {
      // One bootstrap at a time per database (npm run dev may be started twice).
      // Everything the scenario names lives in public (the seed's psql examples rely on it),
      // whatever the role's search_path says.
      await db.query('SET search_path = public');
      await db.query("SELECT pg_advisory_lock(hashtext('demo.bootstrap'))");
      await ensureEngine(db, compatSql);
      const installed = await detectEngine(db);
      // Before any stream table is created: capture mode is chosen at creation.
      if (installed.kind === 'pg_trickle') await engineSettings(db, installed);
      await db.query('BEGIN');
      try {
        await db.query(DEMO_SCHEMA);
        await db.query(spec.schemaSql);
        await db.query(spec.seedSql);
        await db.query(
          `INSERT INTO demo_meta.generator_state (seed, state) VALUES ($1, $2::jsonb)
           ON CONFLICT (singleton) DO NOTHING`,
          [spec.generatorSeed, JSON.stringify(spec.initialGeneratorState)],
        );
        await db.query('COMMIT');
      } catch (err) {
        await db.query('ROLLBACK').catch(() => {});
        throw err;
      }

      // pg_trickle keeps original_query only when it rewrote the query; otherwise the query as
      // given is defining_query.
      const existing = await db.query(
        `SELECT pgt_name, coalesce(original_query, defining_query) AS query
         FROM pgtrickle.pgt_stream_tables WHERE pgt_schema = 'public'`,
      );
      const stored = new Map(existing.map((r) => [String(r.pgt_name), String(r.query)]));
      const created: string[] = [];
      const changed = spec.streamTables
        .filter((st) => {
          const query = stored.get(st.name);
          return query !== undefined && normalise(query) !== normalise(st.query);
        })
        .map((st) => st.name);
      if (changed.length > 0) {
        // Dependants go with them (cascade); every stream table missing afterwards is created
        // below, sources first, in the scenario's order.
        for (const name of changed) {
          const [still] = await db.query(
            `SELECT 1 AS x FROM pgtrickle.pgt_stream_tables WHERE pgt_schema = 'public' AND pgt_name = $1`,
            [name],
          );
          if (still) {
            await db.query('SELECT pgtrickle.drop_stream_table(name => $1, "cascade" => true)', [
              name,
            ]);
          }
        }
        const left = await db.query(
          `SELECT pgt_name FROM pgtrickle.pgt_stream_tables WHERE pgt_schema = 'public'`,
        );
        stored.clear();
        for (const r of left) stored.set(String(r.pgt_name), '');
      }
      for (const st of spec.streamTables) {
        if (stored.has(st.name)) continue;
        await db.query(
          `SELECT pgtrickle.create_stream_table(name => $1, query => $2, schedule => $3,
             refresh_mode => $4)`,
          [st.name, st.query, st.schedule, st.refreshMode],
        );
        created.push(st.name);
      }
      const engine = await detectEngine(db);
      await grantScenario(db, spec.database, engine.kind === 'compat');
      await db.query("SELECT pg_advisory_unlock(hashtext('demo.bootstrap'))");
      return {
        database: spec.database,
        engine,
        createdDatabase,
        createdStreamTables: created,
        changedStreamTables: changed,
      };
    },
    { statementTimeoutMs: 120_000, applicationName: 'pg_trickle_demo_bootstrap' },
  );
}
