// Following one change through the DAG, from pg_trickle's refresh history alone (so it works the
// same on the extension and in compatibility mode). A change enters at the base tables it wrote
// (demo_meta.traced_events); a stream table picks it up with its first completed refresh that
// started, and was recorded, after one of its affected sources picked it up — the change's own
// time for a base table, the source's pick-up refresh for a stream table, provided that refresh
// changed rows. Where an upstream refresh changed nothing, the change stops there: nothing to
// pass on. The same walk, over every generator tick of the last minutes, gives each stream
// table's freshness.
import type { Db, Row } from '../client';
import { num, numOrNull, percentile, strOrNull } from '../values';
import { type Edge, loadEdges, streamLevels } from './dag';
import { type Engine, type EngineFeatures, featuresOf } from './engine';

export interface TracedChange {
  id: number;
  at: Date;
  source: 'generator' | 'visitor';
  kind: string;
  label: string;
  /** The base tables it wrote. */
  tables: string[];
  events: number;
}

/** One refresh as the walk needs it (completed, not NO_DATA). */
export interface RefreshRow {
  /** pg_trickle's refresh_id: history rows are numbered in the order refreshes were recorded. */
  id: number;
  name: string;
  startMs: number;
  endMs: number;
  action: string;
  /** Rows inserted + updated + deleted, where counted; null while unknown. */
  rows: number | null;
}

export type StepState =
  /** Its refresh picked the change up. */
  | 'reached'
  /** Not yet: no refresh of it has started since the change reached its sources. */
  | 'waiting'
  /** Its sources did not change (an upstream refresh changed no row): nothing to pick up. */
  | 'stopped'
  /** It does not read, even indirectly, what the change wrote. */
  | 'unaffected';

export interface TraceStep {
  name: string;
  state: StepState;
  /** From the change to the end of the refresh that picked it up, ms. */
  ms: number | null;
  /** Rows that refresh changed. */
  rows: number | null;
  action: string | null;
  /** That refresh's id and start (epoch ms), for the tables below. */
  refreshId: number | null;
  startMs: number | null;
  endMs: number | null;
}

/**
 * Walks the DAG in dependency order. `refreshes` must be sorted by start time; `order` lists the
 * stream tables sources first (a table after everything it reads).
 */
export function followChange(
  change: TracedChange,
  order: readonly string[],
  edges: readonly Edge[],
  refreshes: readonly RefreshRow[],
): TraceStep[] {
  const at = change.at.getTime();
  const written = new Set(change.tables);
  const steps = new Map<string, TraceStep>();
  const step = (name: string, state: StepState, r?: RefreshRow): TraceStep => ({
    name,
    state,
    ms: r ? Math.max(0, r.endMs - at) : null,
    rows: r ? r.rows : null,
    action: r ? r.action : null,
    refreshId: r ? r.id : null,
    startMs: r ? r.startMs : null,
    endMs: r ? r.endMs : null,
  });
  for (const name of order) {
    const sources = edges.filter((e) => e.target === name);
    // When the change reached each affected source: its refresh's start and end (a base
    // table: the change's own time).
    const arrivals: { start: number; id: number }[] = [];
    let waiting = false;
    let stopped = false;
    for (const e of sources) {
      if (e.sourceType !== 'STREAM_TABLE') {
        if (written.has(e.source)) arrivals.push({ start: at, id: 0 });
        continue;
      }
      const up = steps.get(e.source);
      if (!up || up.state === 'unaffected') continue;
      if (up.state === 'waiting') waiting = true;
      else if (up.state === 'stopped' || up.rows === 0) stopped = true;
      else if (up.startMs !== null && up.refreshId !== null) {
        arrivals.push({ start: up.startMs, id: up.refreshId });
      }
    }
    // The first refresh that began no earlier than one affected source's pick-up and was
    // recorded after it: a scheduler refreshes in dependency order, one table after another, so
    // that refresh saw the change (a table reading the written base table too may see it before
    // its stream-table sources do).
    const r = refreshes.find(
      (x) => x.name === name && arrivals.some((a) => x.startMs >= a.start && x.id > a.id),
    );
    if (r) steps.set(name, step(name, 'reached', r));
    else if (arrivals.length > 0 || waiting) steps.set(name, step(name, 'waiting'));
    else steps.set(name, step(name, stopped ? 'stopped' : 'unaffected'));
  }
  return order.map((n) => steps.get(n) ?? step(n, 'unaffected'));
}

/** Stream tables in dependency order, from the edges (sources before their readers). */
export function dependencyOrder(names: readonly string[], edges: readonly Edge[]): string[] {
  const level = streamLevels(names, edges);
  const rank = (n: string) => level.get(n) ?? 1;
  return [...names].sort((a, b) => rank(a) - rank(b) || names.indexOf(a) - names.indexOf(b));
}

const changeOf = (r: Record<string, unknown>): TracedChange => ({
  id: num(r.id),
  at: new Date(num(r.at_ms)),
  source: r.source === 'visitor' ? 'visitor' : 'generator',
  kind: String(r.kind),
  label: String(r.label),
  tables: (r.tables as string[] | null) ?? [],
  events: num(r.events),
});

export const parseChanges = (rows: readonly Row[]): TracedChange[] => rows.map(changeOf);

const CHANGE_COLUMNS = `id, extract(epoch FROM at) * 1000 AS at_ms, source, kind, label, tables, events`;
const WORTH_FOLLOWING = `kind <> 'tick'`;

/** The latest change worth following (a visitor's or a moment), as one row or none. */
export const LATEST_CHANGE_SQL = `SELECT ${CHANGE_COLUMNS} FROM demo_meta.traced_events
     WHERE ${WORTH_FOLLOWING} ORDER BY at DESC LIMIT 1`;

/** A visitor's change by id, or the latest one worth following (a visitor's or a moment). */
export async function loadChange(
  db: Db,
  which: { id: number } | 'latest',
): Promise<TracedChange | undefined> {
  const [row] =
    which === 'latest'
      ? await db.query(LATEST_CHANGE_SQL)
      : await db.query(`SELECT ${CHANGE_COLUMNS} FROM demo_meta.traced_events WHERE id = $1`, [
          which.id,
        ]);
  return row ? changeOf(row) : undefined;
}

/**
 * Completed refreshes that did work, started in [from, to) (SQL timestamp expressions of the
 * code's own, or bind parameters), oldest first.
 */
function refreshesSql(features: EngineFeatures, from: string, to: string): string {
  const updated = features.rowsUpdated ? ' + coalesce(rh.rows_updated, 0)' : '';
  return `SELECT rh.refresh_id, st.pgt_name AS name, extract(epoch FROM rh.start_time) * 1000 AS start_ms,
            extract(epoch FROM rh.end_time) * 1000 AS end_ms, rh.action,
            rh.rows_inserted + rh.rows_deleted${updated} AS rows
     FROM pgtrickle.pgt_refresh_history rh
     JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = rh.pgt_id
     WHERE rh.status = 'COMPLETED' AND rh.action <> 'NO_DATA'
       AND rh.start_time >= ${from} AND rh.start_time < ${to}
     ORDER BY rh.start_time, rh.refresh_id`;
}

export const parseRefreshes = (rows: readonly Row[]): RefreshRow[] =>
  rows.map((r) => ({
    id: num(r.refresh_id),
    name: String(r.name),
    startMs: num(r.start_ms),
    endMs: num(r.end_ms),
    action: strOrNull(r.action) ?? '',
    rows: numOrNull(r.rows),
  }));

/** Completed refreshes that did work, started in [fromMs, toMs), oldest first. */
export async function loadRefreshes(
  db: Db,
  features: EngineFeatures,
  fromMs: number,
  toMs: number,
): Promise<RefreshRow[]> {
  const sql = refreshesSql(features, 'to_timestamp($1 / 1000.0)', 'to_timestamp($2 / 1000.0)');
  return parseRefreshes(await db.query(sql, [fromMs, toMs]));
}

/** The refreshes that may pick up the latest change worth following (`followS` after it). */
export function latestChangeRefreshesSql(features: EngineFeatures, followS: number): string {
  const at = `(SELECT max(at) FROM demo_meta.traced_events WHERE ${WORTH_FOLLOWING})`;
  return refreshesSql(features, at, `${at} + make_interval(secs => ${Math.trunc(followS)})`);
}

/** Generator ticks (and moments) of the last `seconds`, oldest first, for freshness. */
export const recentChangesSql = (seconds: number): string =>
  `SELECT ${CHANGE_COLUMNS} FROM demo_meta.traced_events
     WHERE source = 'generator' AND at > now() - make_interval(secs => ${Math.trunc(seconds)})
     ORDER BY at`;

/** The refreshes that may pick up those ticks: from the first of them until now. */
export function recentRefreshesSql(features: EngineFeatures, seconds: number): string {
  const first = `(SELECT min(at) FROM demo_meta.traced_events
       WHERE source = 'generator' AND at > now() - make_interval(secs => ${Math.trunc(seconds)}))`;
  return refreshesSql(features, first, `clock_timestamp() + interval '1 second'`);
}

/** How long a change is followed before a table still waiting counts as not seen. */
export const FOLLOW_S = 60;

export interface Trace {
  change: TracedChange;
  steps: (TraceStep & { level: number })[];
  /** Every table that will pick it up has. */
  complete: boolean;
  ageS: number;
}

const streamNames = (edges: readonly Edge[]) => [...new Set(edges.map((e) => e.target))];

/** A change followed through the DAG, from refreshes already read (pure). */
export function traceOf(
  change: TracedChange,
  edges: readonly Edge[],
  refreshes: readonly RefreshRow[],
  nowMs: number,
): Trace {
  const order = dependencyOrder(streamNames(edges), edges);
  const level = streamLevels(order, edges);
  const steps = followChange(change, order, edges, refreshes).map((s) => ({
    ...s,
    level: level.get(s.name) ?? 1,
  }));
  const ageS = Math.max(0, (nowMs - change.at.getTime()) / 1000);
  return { change, steps, complete: !steps.some((s) => s.state === 'waiting'), ageS };
}

/** A change followed through the DAG, read now (one visitor's action: /fragments/follow). */
export async function traceChange(db: Db, engine: Engine, change: TracedChange): Promise<Trace> {
  const edges = await loadEdges(db);
  const at = change.at.getTime();
  const refreshes = await loadRefreshes(db, featuresOf(engine), at, at + FOLLOW_S * 1000);
  return traceOf(change, edges, refreshes, Date.now());
}

export interface NodeFreshness {
  name: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/**
 * Each stream table's freshness over a window of changes: how long after each write its refresh
 * picked it up (p50, p95, max ms), in the DAG's order; empty without changes.
 */
export function freshnessByTable(
  changes: readonly TracedChange[],
  edges: readonly Edge[],
  refreshes: readonly RefreshRow[],
): NodeFreshness[] {
  if (changes.length === 0) return [];
  const order = dependencyOrder(streamNames(edges), edges);
  const ms = new Map<string, number[]>(order.map((n) => [n, []]));
  for (const c of changes) {
    for (const s of followChange(c, order, edges, refreshes)) {
      if (s.state === 'reached' && s.ms !== null) ms.get(s.name)?.push(s.ms);
    }
  }
  return order.map((name) => {
    const v = ms.get(name) ?? [];
    return {
      name,
      n: v.length,
      p50: v.length ? percentile(v, 50) : 0,
      p95: v.length ? percentile(v, 95) : 0,
      max: v.length ? Math.max(...v) : 0,
    };
  });
}
