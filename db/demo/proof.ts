// The live proof: every stream table compared with its own defining query as a multiset, at a
// moment when no write is in flight, and the result recorded in demo_meta.proofs for the page.
// The generator runs it between two ticks (it is the only writer; visitors' actions go through it
// too), so the base tables hold still while the engine catches up. A difference is reported only
// when a re-check confirms it: the table still differs after the engine refreshed it with its
// inputs settled (base tables unwritten, every stream table it reads equal to its own query);
// anything else that differs is "not checked this round", never a difference.
import { type Db, inTransaction } from '../client';
import { quoteIdent } from '../values';

export type ProofOutcome = 'equal' | 'differs' | 'unchecked';

/** A stream table to prove: its name and the query it was defined by (the scenario's). */
export interface ProvedTable {
  name: string;
  query: string;
}

/** One look at one table: rows its query has that it lacks, rows it has that its query lacks. */
export interface Comparison {
  table: string;
  missing: number;
  extra: number;
  rows: number;
}

export interface TableProof {
  table: string;
  outcome: ProofOutcome;
  missing: number;
  extra: number;
  rows: number | null;
  /** Why a table was not checked, in words for the page. */
  why: string | null;
  /** The snapshot that decided it (the database's clock), ms since the epoch. */
  atMs: number;
}

export interface ProofRound {
  tables: TableProof[];
  /** Time spent in the comparisons' statements, ms (the proof's cost to the database). */
  compareMs: number;
  looks: number;
}

export const WRITES_CAME_IN = 'writes came in while it was checked';
export const NOT_CAUGHT_UP = 'the engine had not refreshed it with settled inputs';
export const CHECK_FAILED = 'the check did not finish';

/**
 * Compares `tables` with their queries in one snapshot (REPEATABLE READ, read only), one statement.
 * No locks: a visitor's read never waits on the proof. A refresh that empties a table before it
 * fills it (TRUNCATE is not MVCC-safe) can make one look see a table empty; the re-check rule
 * keeps that from ever being reported.
 */
export async function compareAll(
  db: Db,
  tables: readonly ProvedTable[],
  timeoutMs: number,
): Promise<{ atMs: number; results: Comparison[]; ms: number }> {
  const started = performance.now();
  return inTransaction(
    db,
    async () => {
      await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await db.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      // The stream tables' own columns (pg_trickle adds hidden __pgt_ ones), in their order.
      const colRows = await db.query(
        `SELECT c.relname AS t, array_agg(a.attname::text ORDER BY a.attnum) AS cols
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1::text[])
           AND a.attnum > 0 AND NOT a.attisdropped AND a.attname NOT LIKE '\\_\\_pgt%'
         GROUP BY c.relname`,
        [tables.map((t) => t.name)],
      );
      const colsOf = new Map(colRows.map((r) => [String(r.t), r.cols as string[]]));
      // Names and queries come from the scenario registry, never from a request.
      const parts = tables.map((t, i) => {
        const cols = (colsOf.get(t.name) ?? []).map(quoteIdent).join(', ');
        const table = quoteIdent(t.name);
        return `SELECT ${i} AS i,
           (SELECT count(*) FROM (SELECT ${cols} FROM (${t.query}) q
                                  EXCEPT ALL SELECT ${cols} FROM ${table}) m) AS missing,
           (SELECT count(*) FROM (SELECT ${cols} FROM ${table}
                                  EXCEPT ALL SELECT ${cols} FROM (${t.query}) q) e) AS extra,
           (SELECT count(*) FROM ${table}) AS rows,
           extract(epoch FROM now()) * 1000 AS at_ms`;
      });
      const rows = await db.query(parts.join('\nUNION ALL\n'));
      const results = rows
        .sort((a, b) => Number(a.i) - Number(b.i))
        .map((r) => ({
          table: (tables[Number(r.i)] as ProvedTable).name,
          missing: Number(r.missing),
          extra: Number(r.extra),
          rows: Number(r.rows),
        }));
      return { atMs: Number(rows[0]?.at_ms), results, ms: performance.now() - started };
    },
    { readOnly: true },
  );
}

/** What the proof knows at the end of a round, for `decide`. */
export interface RoundFacts {
  tables: readonly string[];
  /** Per table, the snapshot at which it was seen equal to its query. */
  equalAt: ReadonlyMap<string, number>;
  /** Per table still differing, every look at it (time and result), oldest first. */
  looks: ReadonlyMap<string, readonly { atMs: number; c: Comparison }[]>;
  /** A write was committed during the round: what still differed was not checked. */
  writesCameIn: boolean;
  /** When the round began (the database's clock, ms): every write before it had committed. */
  startedMs: number;
  /** Per table still differing, when each completed refresh since the round began started (ms). */
  refreshesMs: ReadonlyMap<string, readonly number[]>;
  /** The stream tables each table reads. */
  upstream: ReadonlyMap<string, readonly string[]>;
  /** The round's failure, if a look failed (a timeout): what still differed was not checked. */
  failed?: boolean;
}

/**
 * A refresh that began this long before a look's snapshot had landed in it (the demo's refreshes
 * take milliseconds; 0.67 records only when a refresh began).
 */
const LANDED_MS = 500;

/**
 * Each table's outcome. Equal where a look saw it equal. Differs only where the difference is
 * confirmed: seen in two looks or more, the last after a refresh of the table that began once its
 * inputs were settled (after the round began, with no write since, and after every stream table
 * it reads was seen equal), and no write came in. Anything else still differing is unchecked,
 * with the reason.
 */
export function decide(f: RoundFacts): TableProof[] {
  return f.tables.map((table): TableProof => {
    const eq = f.equalAt.get(table);
    const seen = f.looks.get(table) ?? [];
    const last = seen[seen.length - 1];
    if (eq !== undefined) {
      return { table, outcome: 'equal', missing: 0, extra: 0, rows: null, why: null, atMs: eq };
    }
    const base = {
      table,
      missing: last?.c.missing ?? 0,
      extra: last?.c.extra ?? 0,
      rows: last?.c.rows ?? null,
      atMs: last?.atMs ?? f.startedMs,
    };
    if (f.writesCameIn) return { ...base, outcome: 'unchecked', why: WRITES_CAME_IN };
    if (f.failed || !last) return { ...base, outcome: 'unchecked', why: CHECK_FAILED };
    const ups = f.upstream.get(table) ?? [];
    const settledAt = Math.max(f.startedMs, ...ups.map((u) => f.equalAt.get(u) ?? Infinity));
    const refreshed = (f.refreshesMs.get(table) ?? []).some(
      (ms) => ms > settledAt && ms < last.atMs - LANDED_MS,
    );
    const confirmed = seen.length >= 2 && Number.isFinite(settledAt) && refreshed;
    return confirmed
      ? { ...base, outcome: 'differs', why: null }
      : { ...base, outcome: 'unchecked', why: NOT_CAUGHT_UP };
  });
}

const LAST_WRITE_SQL = `SELECT coalesce(max(id), 0) AS id,
       extract(epoch FROM clock_timestamp()) * 1000 AS now_ms
  FROM demo_meta.traced_events`;

export interface ProofOptions {
  tables: readonly ProvedTable[];
  /** Without a background scheduler (the compatibility mode), refreshes what is due: the caller's. */
  refresh?: () => Promise<unknown>;
  sleep?: (ms: number) => Promise<void>;
  /** The longest a round holds the base tables still, ms. */
  maxWaitMs?: number;
  /** Between two looks, ms. */
  recheckMs?: number;
  /** Each look's statement timeout, ms. */
  timeoutMs?: number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One round: looks until every table equals its query or `maxWaitMs` has gone by, then decides.
 * The caller holds its own writes for the round's length.
 */
export async function proveRound(db: Db, o: ProofOptions): Promise<ProofRound> {
  const sleep = o.sleep ?? realSleep;
  const maxWaitMs = o.maxWaitMs ?? 8000;
  const recheckMs = o.recheckMs ?? 1000;
  const timeoutMs = o.timeoutMs ?? 5000;
  const [w0] = await db.query(LAST_WRITE_SQL);
  const lastWriteId = Number(w0?.id ?? 0);
  const startedMs = Number(w0?.now_ms ?? 0);
  const started = Date.now();
  const equalAt = new Map<string, number>();
  const looks = new Map<string, { atMs: number; c: Comparison }[]>();
  let pending = [...o.tables];
  let writesCameIn = false;
  let failed = false;
  let compareMs = 0;
  let count = 0;
  for (;;) {
    if (o.refresh) await o.refresh();
    let look: Awaited<ReturnType<typeof compareAll>>;
    try {
      look = await compareAll(db, pending, timeoutMs);
    } catch {
      failed = true;
      break;
    }
    compareMs += look.ms;
    count++;
    // Checked after the look: a write committed before its snapshot is seen here too.
    const [w] = await db.query(LAST_WRITE_SQL);
    if (Number(w?.id ?? 0) !== lastWriteId) {
      writesCameIn = true;
      break;
    }
    for (const c of look.results) {
      if (c.missing === 0 && c.extra === 0) equalAt.set(c.table, look.atMs);
      else looks.set(c.table, [...(looks.get(c.table) ?? []), { atMs: look.atMs, c }]);
    }
    pending = pending.filter((t) => !equalAt.has(t.name));
    if (pending.length === 0 || Date.now() - started + recheckMs > maxWaitMs) break;
    await sleep(recheckMs);
  }
  const names = o.tables.map((t) => t.name);
  const refreshesMs = new Map<string, number[]>();
  const upstream = new Map<string, string[]>();
  if (pending.length > 0) {
    const refreshes = await db.query(
      `SELECT s.pgt_name AS t, extract(epoch FROM h.start_time) * 1000 AS ms
       FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables s USING (pgt_id)
       WHERE h.status = 'COMPLETED' AND s.pgt_name = ANY($1::text[])
         AND h.start_time >= to_timestamp($2 / 1000.0)
       ORDER BY h.refresh_id`,
      [pending.map((t) => t.name), startedMs],
    );
    for (const r of refreshes) {
      const t = String(r.t);
      refreshesMs.set(t, [...(refreshesMs.get(t) ?? []), Number(r.ms)]);
    }
    const edges = await db.query(
      `SELECT s.pgt_name AS t, u.pgt_name AS up
       FROM pgtrickle.pgt_dependencies d
       JOIN pgtrickle.pgt_stream_tables s ON s.pgt_id = d.pgt_id
       JOIN pgtrickle.pgt_stream_tables u ON u.pgt_relid = d.source_relid`,
    );
    for (const e of edges)
      upstream.set(String(e.t), [...(upstream.get(String(e.t)) ?? []), String(e.up)]);
  }
  const tables = decide({
    tables: names,
    equalAt,
    looks,
    writesCameIn,
    startedMs,
    refreshesMs,
    upstream,
    failed,
  });
  return { tables, compareMs: Math.round(compareMs), looks: count };
}

/** Stores a round's outcome, one row per table. */
export async function recordProof(db: Db, round: ProofRound): Promise<number> {
  const [r] = await db.query(`SELECT nextval('demo_meta.proof_rounds') AS n`);
  const id = Number(r?.n);
  await db.query(
    `INSERT INTO demo_meta.proofs
       (round, at, table_name, outcome, missing, extra, rows_held, why, compare_ms)
     SELECT $1, to_timestamp(x.at_ms / 1000.0), x.t, x.outcome, x.missing, x.extra, x.rows_held,
            x.why, $3
     FROM jsonb_to_recordset($2::jsonb)
       AS x(t text, outcome text, missing int, extra int, rows_held int, why text, at_ms float8)`,
    [
      id,
      JSON.stringify(
        round.tables.map((t) => ({
          t: t.table,
          outcome: t.outcome,
          missing: t.missing,
          extra: t.extra,
          rows_held: t.rows,
          why: t.why,
          at_ms: t.atMs,
        })),
      ),
      round.compareMs,
    ],
  );
  return id;
}

/** Proof rounds are shown for minutes: older ones are deleted, in bounded batches. */
export async function pruneProofs(db: Db, now: Date, keepMinutes = 15, batch = 1000) {
  const rows = await db.query(
    `WITH gone AS (
       DELETE FROM demo_meta.proofs WHERE (round, table_name) IN (
         SELECT round, table_name FROM demo_meta.proofs WHERE at < $1 ORDER BY round LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [new Date(now.getTime() - keepMinutes * 60_000).toISOString(), batch],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * For the page (a parameterless read of the snapshot statement): per stream table, the latest
 * round's outcome, and the latest conclusive one (equal or differs) with when it was decided.
 */
export const PROOF_SQL = `SELECT l.table_name AS table, l.outcome AS latest, l.why,
       c.outcome, c.missing, c.extra, extract(epoch FROM c.at) * 1000 AS at_ms,
       extract(epoch FROM l.at) * 1000 AS latest_at_ms
  FROM (SELECT DISTINCT ON (table_name) table_name, outcome, why, at
        FROM demo_meta.proofs ORDER BY table_name, round DESC) l
  LEFT JOIN (SELECT DISTINCT ON (table_name) table_name, outcome, missing, extra, at
             FROM demo_meta.proofs WHERE outcome <> 'unchecked'
             ORDER BY table_name, round DESC) c USING (table_name)
  ORDER BY l.table_name`;

/** What the page knows of one stream table's proof (from PROOF_SQL). */
export interface ProofView {
  table: string;
  /** The latest round's outcome for it, and why it was not checked then. */
  latest: ProofOutcome;
  why: string | null;
  /** The latest conclusive outcome (equal or differs) and its counts; null if none yet. */
  outcome: 'equal' | 'differs' | null;
  missing: number;
  extra: number;
  /** When that conclusive outcome was decided (ms since the epoch, the database's clock). */
  atMs: number | null;
}

export const parseProofs = (rows: readonly Record<string, unknown>[]): ProofView[] =>
  rows.map((r) => ({
    table: String(r.table),
    latest: String(r.latest) as ProofOutcome,
    why: r.why === null || r.why === undefined ? null : String(r.why),
    outcome: r.outcome === 'equal' || r.outcome === 'differs' ? r.outcome : null,
    missing: Number(r.missing ?? 0),
    extra: Number(r.extra ?? 0),
    atMs: r.at_ms === null || r.at_ms === undefined ? null : Number(r.at_ms),
  }));
