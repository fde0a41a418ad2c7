// Correctness check, usable on real pg_trickle as well as in compatibility mode: a stream
// table's contents must equal its defining query run fresh, as multisets, in one snapshot.

import { type Db, inTransaction } from '../client';
import { quoteIdent } from '../values';

export interface Mismatch {
  name: string;
  /** Rows the fresh query has and the stream table lacks. */
  missing: number;
  /** Rows the stream table has and the fresh query lacks. */
  extra: number;
  rows: number;
}

/** Compares `name` with `query` over the query's own columns (pg_trickle adds hidden ones). */
export async function compareStreamTable(db: Db, name: string, query: string): Promise<Mismatch> {
  // Every stream table (this one and any it reads) is locked before the snapshot is taken:
  // pg_trickle refreshes some with TRUNCATE, which is not MVCC-safe, so a snapshot older than a
  // concurrent refresh would read such a table as empty.
  const streams = (
    await db.query(
      `SELECT format('%I.%I', pgt_schema, pgt_name) AS t FROM pgtrickle.pgt_stream_tables`,
    )
  ).map((r) => String(r.t));
  return inTransaction(db, async () => {
    await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    if (streams.length) await db.query(`LOCK TABLE ${streams.join(', ')} IN ACCESS SHARE MODE`);
    await db.query(`CREATE TEMP VIEW pgtd_verify AS ${query}`);
    const cols = await db.query(
      `SELECT attname FROM pg_attribute WHERE attrelid = 'pgtd_verify'::regclass AND attnum > 0
       AND NOT attisdropped ORDER BY attnum`,
    );
    const list = cols.map((c) => quoteIdent(String(c.attname))).join(', ');
    const [r] = await db.query(
      `SELECT
         (SELECT count(*) FROM (SELECT ${list} FROM pgtd_verify EXCEPT ALL SELECT ${list} FROM ${quoteIdent(name)}) m) AS missing,
         (SELECT count(*) FROM (SELECT ${list} FROM ${quoteIdent(name)} EXCEPT ALL SELECT ${list} FROM pgtd_verify) e) AS extra,
         (SELECT count(*) FROM ${quoteIdent(name)}) AS rows`,
    );
    await db.query('DROP VIEW pgtd_verify');
    return { name, missing: Number(r?.missing), extra: Number(r?.extra), rows: Number(r?.rows) };
  });
}
