// Least privilege: the public dashboard connects as demo_reader (SELECT on stream tables and
// what pg_trickle's monitoring functions read, read-only, time- and connection-limited); the
// generator as demo_writer (DML on base tables, its own state, the compatibility scheduler; it
// reads stream tables for the live proof). The bootstrap (a role that may create roles) sets them
// up; neither may alter a stream table.

import type { Db } from '../client';
import { withDb } from '../client';
import type { DbConfig } from '../config';
import { READER_FUNCTION_GRANTS } from '../pgtrickle/api';
import { quoteIdent } from '../values';

export const READER = 'demo_reader';
export const WRITER = 'demo_writer';

export interface RolePasswords {
  reader: string;
  writer: string;
}

/** Local defaults; production sets DEMO_READER_PASSWORD / DEMO_WRITER_PASSWORD. */
export function rolePasswords(env: Record<string, string | undefined>): RolePasswords {
  return {
    reader: env.DEMO_READER_PASSWORD ?? 'demo_reader',
    writer: env.DEMO_WRITER_PASSWORD ?? 'demo_writer',
  };
}

/** The same server and database as `databaseUrl`, as another role. */
export function roleUrl(databaseUrl: string, role: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = encodeURIComponent(password);
  return url.toString();
}

/** Creates or updates both roles (cluster-wide), one bootstrap at a time. */
export async function ensureRoles(cfg: DbConfig, passwords: RolePasswords): Promise<void> {
  await withDb(cfg, 'postgres', async (db) => {
    await db.query("SELECT pg_advisory_lock(hashtext('demo.roles'))");
    try {
      for (const [role, password, extra] of [
        // Read-only by default, short statements, a bounded number of connections.
        [READER, passwords.reader, 'CONNECTION LIMIT 60'],
        [WRITER, passwords.writer, 'CONNECTION LIMIT 20'],
      ] as const) {
        const [exists] = await db.query('SELECT 1 AS x FROM pg_roles WHERE rolname = $1', [role]);
        const [stmt] = await db.query(
          `SELECT format('${exists ? 'ALTER' : 'CREATE'} ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE ${extra} PASSWORD %L', $1::text, $2::text) AS sql`,
          [role, password],
        );
        await db.query(String(stmt?.sql));
      }
      await db.query(`ALTER ROLE ${READER} SET default_transaction_read_only = on`);
      await db.query(`ALTER ROLE ${READER} SET statement_timeout = '5s'`);
      await db.query(`ALTER ROLE ${WRITER} SET statement_timeout = '20s'`);
    } finally {
      await db.query("SELECT pg_advisory_unlock(hashtext('demo.roles'))");
    }
  });
}

/** Grants for one scenario database (run by the bootstrap, after the stream tables exist). */
export async function grantScenario(db: Db, database: string, compat: boolean): Promise<void> {
  const streams = (
    await db.query(`SELECT pgt_name FROM pgtrickle.pgt_stream_tables WHERE pgt_schema = 'public'`)
  ).map((r) => String(r.pgt_name));
  const bases = (
    await db.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public'
       AND tablename <> ALL($1::text[]) ORDER BY tablename`,
      [streams],
    )
  ).map((r) => String(r.tablename));
  const list = (names: string[]) => names.map((n) => `public.${quoteIdent(n)}`).join(', ');
  const sql = [
    `GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${READER}, ${WRITER}`,
    `GRANT USAGE ON SCHEMA public, pgtrickle, demo_meta TO ${READER}, ${WRITER}`,
    // The reader: stream tables, pg_trickle's catalog (its monitoring functions read it), the
    // generator's state (retention window, freshness for /healthz).
    `GRANT SELECT ON ${list(streams)} TO ${READER}`,
    `GRANT SELECT ON pgtrickle.pgt_stream_tables, pgtrickle.pgt_dependencies, pgtrickle.pgt_refresh_history TO ${READER}, ${WRITER}`,
    `GRANT SELECT ON demo_meta.generator_state, demo_meta.traced_events, demo_meta.proofs TO ${READER}`,
    // The writer: events and slowly changing tables, its own state, pruning of old history.
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${list(bases)} TO ${WRITER}`,
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public, demo_meta TO ${WRITER}`,
    `GRANT SELECT, UPDATE ON demo_meta.generator_state TO ${WRITER}`,
    `GRANT SELECT, INSERT, DELETE ON demo_meta.traced_events, demo_meta.proofs TO ${WRITER}`,
    // The live proof compares stream tables with their queries: it reads them, never writes.
    `GRANT SELECT ON ${list(streams)} TO ${WRITER}`,
    `GRANT DELETE ON pgtrickle.pgt_refresh_history TO ${WRITER}`,
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
  ];
  // 0.108 revokes some read functions from PUBLIC; granting them is a no-op where they are PUBLIC.
  for (const fn of READER_FUNCTION_GRANTS) {
    sql.push(`GRANT EXECUTE ON FUNCTION pgtrickle.${fn} TO ${READER}`);
  }
  // The refresh mode advisor counts rows in pg_trickle's change buffers, which no reader may see.
  // The dashboard gets its answer, and only its answer, through a function that runs as the
  // bootstrap's role: no argument, a fixed query, a pinned search_path, granted to the reader alone.
  sql.push(
    `CREATE OR REPLACE FUNCTION demo_meta.refresh_mode_advice()
     RETURNS TABLE (pgt_schema text, pgt_name text, current_mode text, effective_mode text,
                    recommended_mode text, confidence text, reason text)
     LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
       SELECT a.pgt_schema, a.pgt_name, a.current_mode, a.effective_mode, a.recommended_mode,
              a.confidence, a.reason
       FROM pgtrickle.recommend_refresh_mode() a
     $$`,
    `REVOKE ALL ON FUNCTION demo_meta.refresh_mode_advice() FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION demo_meta.refresh_mode_advice() TO ${READER}`,
  );
  // pg_trickle's explain_diff_sql() (the SQL panel's "how it is maintained") reads which change
  // buffer tracks each source: catalog metadata, not the changes themselves. And the engine's
  // freshness() (0.90+) reads its controller's table, which 0.108.3 revokes from PUBLIC.
  const [present] = await db.query(
    `SELECT to_regclass('pgtrickle.pgt_change_tracking') IS NOT NULL AS tracking,
            to_regclass('pgtrickle.pgt_freshness_controller_state') IS NOT NULL AS controller`,
  );
  if (!compat && present?.tracking) {
    sql.push(`GRANT SELECT ON pgtrickle.pgt_change_tracking TO ${READER}`);
  }
  if (!compat && present?.controller) {
    sql.push(`GRANT SELECT ON pgtrickle.pgt_freshness_controller_state TO ${READER}`);
  }
  if (compat) {
    sql.push(
      `GRANT USAGE ON SCHEMA pgtrickle_compat TO ${READER}, ${WRITER}`,
      `GRANT SELECT ON pgtrickle_compat.installed, pgtrickle_compat.st_state TO ${READER}, ${WRITER}`,
      `REVOKE EXECUTE ON FUNCTION pgtrickle_compat.refresh_due(timestamptz) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION pgtrickle_compat.refresh_due(timestamptz) TO ${WRITER}`,
    );
  }
  for (const q of sql) await db.query(q);
}

/** Database configurations for the two Workers, from the bootstrap's (admin) configuration. */
export function workerConfigs(cfg: DbConfig, passwords: RolePasswords) {
  return {
    reader: { ...cfg, DATABASE_URL: roleUrl(cfg.DATABASE_URL, READER, passwords.reader) },
    writer: { ...cfg, DATABASE_URL: roleUrl(cfg.DATABASE_URL, WRITER, passwords.writer) },
  };
}
