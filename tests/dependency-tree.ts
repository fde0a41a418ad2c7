// What pg_trickle's dependency_tree() and pgt_status() promise, checked the same way against the
// real engine (tests/pgtrickle) and the compatibility mode (tests/integration): a root is a
// stream table that reads no other stream table; under a stream table come the stream tables
// that read it, then the base tables it reads, marked [src]; pgt_status() is ordered by name.
import { expect } from 'vitest';
import type { Db } from '../db';

export async function checkDependencyTree(db: Db): Promise<void> {
  const edges = await db.query(
    `SELECT s.pgt_schema || '.' || s.pgt_name AS reader,
            n.nspname || '.' || c.relname AS source,
            EXISTS (SELECT 1 FROM pgtrickle.pgt_stream_tables x WHERE x.pgt_relid = d.source_relid) AS is_st
     FROM pgtrickle.pgt_dependencies d
     JOIN pgtrickle.pgt_stream_tables s ON s.pgt_id = d.pgt_id
     JOIN pg_class c ON c.oid = d.source_relid JOIN pg_namespace n ON n.oid = c.relnamespace`,
  );
  const reads = (reader: string, source: string) =>
    edges.some((e) => e.reader === reader && e.source === source);
  const streams = (
    await db.query(`SELECT pgt_schema || '.' || pgt_name AS name FROM pgtrickle.pgt_stream_tables`)
  ).map((r) => String(r.name));
  const readsNoStream = streams.filter(
    (st) => !edges.some((e) => e.reader === st && e.is_st === true),
  );

  const rows = await db.query(
    `SELECT tree_line, node, node_type, depth FROM pgtrickle.dependency_tree() WITH ORDINALITY t
     ORDER BY t.ordinality`,
  );
  expect(rows.length).toBeGreaterThan(streams.length);
  const roots = rows.filter((r) => Number(r.depth) === 0).map((r) => String(r.node));
  expect(roots.sort()).toEqual(readsNoStream.sort());
  const path: string[] = [];
  for (const r of rows) {
    const depth = Number(r.depth);
    const node = String(r.node);
    path.length = depth;
    const parent = path[depth - 1];
    if (parent !== undefined) {
      if (r.node_type === 'stream_table') {
        expect(reads(node, parent), `${node} under ${parent}`).toBe(true);
      } else {
        expect(r.node_type).toBe('source_table');
        expect(reads(parent, node), `${node} [src] under ${parent}`).toBe(true);
        expect(String(r.tree_line)).toMatch(/ \[src\]$/);
      }
    }
    path[depth] = node;
  }
  for (const st of streams)
    expect(
      rows.some((r) => r.node === st),
      st,
    ).toBe(true);

  const status = (await db.query('SELECT name FROM pgtrickle.pgt_status()')).map((r) =>
    String(r.name),
  );
  expect(status).toEqual([...status].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}
