// What a database's `pgtrickle` schema says about itself, in the shapes of db/pgtrickle/api.ts's
// contract: read the same way from the compatibility mode (tests/integration/bootstrap.test.ts)
// and from a real engine (tests/pgtrickle/engine.test.ts).
import type { Db } from '../db';
import { ENGINE_ROLES } from '../db/pgtrickle/api';

/** Every column of a catalog table: [name, type, NOT NULL], in order. */
export async function tableColumns(db: Db, table: string): Promise<[string, string, boolean][]> {
  const rows = await db.query(
    `SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull
     FROM pg_attribute
     WHERE attrelid = format('pgtrickle.%I', $1::text)::regclass AND attnum > 0 AND NOT attisdropped
     ORDER BY attnum`,
    [table],
  );
  return rows.map((r) => [String(r.attname), String(r.type), r.attnotnull === true]);
}

/** The values each single-column CHECK of a table allows (`col IN (…)`), sorted. */
export async function tableChecks(db: Db, table: string): Promise<Record<string, string[]>> {
  const rows = await db.query(
    `SELECT a.attname, pg_get_constraintdef(c.oid) AS def
     FROM pg_constraint c
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     WHERE c.conrelid = format('pgtrickle.%I', $1::text)::regclass AND c.contype = 'c'
       AND cardinality(c.conkey) = 1`,
    [table],
  );
  const out: Record<string, string[]> = {};
  for (const r of rows) {
    const values = [...String(r.def).matchAll(/'([^']*)'::text/g)].map((m) => m[1] as string);
    if (values.length) out[String(r.attname)] = values.sort();
  }
  return out;
}

/** Columns with a foreign key to pgt_stream_tables(pgt_id) that cascades on delete. */
export async function cascadingKeys(db: Db, table: string): Promise<string[]> {
  const rows = await db.query(
    `SELECT a.attname
     FROM pg_constraint c
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     WHERE c.conrelid = format('pgtrickle.%I', $1::text)::regclass AND c.contype = 'f'
       AND c.confrelid = 'pgtrickle.pgt_stream_tables'::regclass AND c.confdeltype = 'c'
     ORDER BY 1`,
    [table],
  );
  return rows.map((r) => String(r.attname));
}

/** Input parameters of each overload of a function: [name, type][] per overload. */
export async function functionInputs(db: Db, fn: string): Promise<[string, string][][]> {
  const rows = await db.query(
    `SELECT p.oid, coalesce(p.proargnames, '{}') AS names,
            (SELECT array_agg(format_type(t, NULL) ORDER BY o)
             FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS x(t, o)) AS types
     FROM pg_proc p WHERE p.pronamespace = 'pgtrickle'::regnamespace AND p.proname = $1`,
    [fn],
  );
  return rows.map((r) => {
    const names = (r.names as string[]) ?? [];
    const types = (r.types as string[] | null) ?? [];
    return types.map((t, i) => [names[i] ?? '', t] as [string, string]);
  });
}

/** Who among PUBLIC and the engine's roles may execute a function (its first overload). */
export async function executeGrantees(db: Db, fn: string): Promise<string[]> {
  const rows = await db.query(
    `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS who
     FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
     WHERE p.pronamespace = 'pgtrickle'::regnamespace AND p.proname = $1
       AND a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner
     ORDER BY 1`,
    [fn],
  );
  const engine: readonly string[] = ['PUBLIC', ...ENGINE_ROLES];
  return [...new Set(rows.map((r) => String(r.who)))].filter((w) => engine.includes(w));
}

/** The engine's roles as they exist: attributes, and who may use the schema. */
export async function engineRoles(db: Db) {
  const roles = await db.query(
    `SELECT rolname, rolcanlogin, rolinherit,
            has_schema_privilege(oid, 'pgtrickle', 'USAGE') AS usage,
            coalesce((SELECT array_agg(m.roleid::regrole::text ORDER BY 1) FROM pg_auth_members m
                      WHERE m.member = r.oid), '{}') AS member_of
     FROM pg_roles r WHERE rolname = ANY($1::text[]) ORDER BY rolname`,
    [[...ENGINE_ROLES]],
  );
  const [pub] = await db.query(
    `SELECT has_schema_privilege('public', 'pgtrickle', 'USAGE') AS usage`,
  );
  return { roles, publicUsage: pub?.usage === true };
}
