// When the engine's scheduler makes new data visible, learned from its refresh history. The page
// still polls every 2 s on average, but just after a scheduler pass rather than at a random
// moment, and the edge keeps a fragment only until the next pass is due: a change then waits for
// one refresh and at most one pass interval, never for a poll that happens to have just gone by
// or for a cached copy older than the data.
export interface Cadence {
  /**
   * When the latest pass's data was surely readable, ms since the epoch: its recorded end plus
   * VISIBLE_AFTER_MS and the usual lateness of a pass (`cadenceOf`).
   */
  readableMs: number;
  /** The usual time between two passes, ms (the median of the recent gaps). */
  periodMs: number;
}

/** One refresh's end: which stream table (its pgt_id) and when, ms. */
export type RefreshEnd = readonly [table: number, endMs: number];

/** Outside this range the history says nothing usable about a schedule (e.g. an idle engine). */
const MIN_PERIOD_MS = 500;
const MAX_PERIOD_MS = 10_000;
/** A table refreshed about this much more or less often than the pass is not part of it. */
const SAME_PERIOD_SHARE = 0.25;
/**
 * After a pass is recorded as ended, how long until its data is surely readable: the recorded end
 * precedes the commit (0.67 records each refresh's start as its end, the compatibility mode the
 * end of each refresh inside one transaction).
 */
export const VISIBLE_AFTER_MS = 120;
/** The most a pass's usual lateness may add to that. */
const MAX_SLACK_MS = 500;

/** The value at quantile `q` of numbers sorted ascending (the lower one between two). */
const at = (sorted: readonly number[], q: number) =>
  sorted[Math.floor((sorted.length - 1) * q)] as number;
const ascending = (a: number, b: number) => a - b;

/**
 * The scheduler's rhythm from the ends of recent refreshes of the DAG's first level, table by
 * table: when the last pass's data was readable and the usual time between passes.
 *
 * Each table's own refreshes give its period (the median gap between them); the pass's period is
 * the median of those, and tables refreshed on another rhythm (a slower schedule) are left out.
 * Within a period the tables end at their own moments: together, in the compatibility mode (one
 * transaction), or one after another on pg_trickle 0.67, whose single refresh worker takes them
 * in turn, 200–400 ms apart, their order drifting as each keeps its own ~1.05 s rhythm (a pass
 * then fills most of the period). The pass ends where the longest pause before the next table's
 * refresh begins: a poll, and the producer's read, just after it find every table of the level
 * refreshed as recently as it will be for a while. Grouping ends by closeness instead (as before)
 * chained such evenly spread refreshes into "passes" 1.5–2 s long.
 *
 * A scheduler whose refreshes wander (0.67 waits its interval after each one's work) gets the
 * spread of that table's intervals added (upper decile − median, at most MAX_SLACK_MS), so that a
 * poll and the producer's read land after a refresh that comes a little late rather than just
 * before it. Not the longest interval: one stalled refresh would then delay every poll for the
 * 15 s it stays in the window. Undefined without a table refreshed at least three times on a
 * plausible period: the page then polls on its own 2 s timer.
 */
export function cadenceOf(
  ends: readonly RefreshEnd[],
): (Cadence & { /** The latest pass's end, on the ends' clock. */ passEndMs: number }) | undefined {
  const byTable = new Map<number, number[]>();
  for (const [table, t] of ends) {
    if (!Number.isFinite(t)) continue;
    const list = byTable.get(table) ?? [];
    list.push(t);
    byTable.set(table, list);
  }
  const tables = [...byTable.values()]
    .filter((list) => list.length >= 3)
    .map((list) => {
      const times = list.sort(ascending);
      const gaps = times
        .slice(1)
        .map((t, i) => t - (times[i] as number))
        .sort(ascending);
      return { last: times[times.length - 1] as number, gaps, periodMs: at(gaps, 0.5) };
    })
    .filter((x) => x.periodMs >= MIN_PERIOD_MS && x.periodMs <= MAX_PERIOD_MS);
  if (tables.length === 0) return undefined;
  const periodMs = at(tables.map((x) => x.periodMs).sort(ascending), 0.5);
  const members = tables.filter(
    (x) => Math.abs(x.periodMs - periodMs) <= periodMs * SAME_PERIOD_SHARE,
  );
  // Each member's latest refresh, as how long before the latest of all (within one period),
  // latest first.
  const latest = Math.max(...members.map((x) => x.last));
  const byAgo = members
    .map((x) => ({ x, ago: (((latest - x.last) % periodMs) + periodMs) % periodMs }))
    .sort((a, b) => a.ago - b.ago);
  // Forward in time, the pause after each refresh lasts until the next one; after the latest,
  // until the earliest table's next refresh, a period after its last. The pass ends with the
  // refresh the longest pause follows (the latest, on a tie).
  let end = byAgo[0] as (typeof byAgo)[number];
  let longest = -1;
  let nextAgo = (byAgo[byAgo.length - 1] as (typeof byAgo)[number]).ago - periodMs;
  for (const o of byAgo) {
    if (o.ago - nextAgo > longest) {
      longest = o.ago - nextAgo;
      end = o;
    }
    nextAgo = o.ago;
  }
  const slackMs = Math.max(0, Math.min(MAX_SLACK_MS, at(end.x.gaps, 0.9) - end.x.periodMs));
  const passEndMs = latest - end.ago;
  return { readableMs: passEndMs + VISIBLE_AFTER_MS + slackMs, periodMs, passEndMs };
}

/** When the next pass's data should be readable. If that moment is past, the pass is late. */
export const nextVisibleMs = (c: Cadence): number => c.readableMs + c.periodMs;

/** How long from `nowMs` until the data of the next pass after it is readable. */
export function nextRefreshInMs(c: Cadence, nowMs: number): number {
  const k = Math.max(0, Math.ceil((nowMs - c.readableMs) / c.periodMs));
  return Math.round(c.readableMs + k * c.periodMs - nowMs);
}

// When the page polls: the one copy of the rule is public/poll-timer.js, which the page loads as
// is; the Worker, the tests and the bench's stand-in visitors use it from here.
export { PollTimer, ServerClock } from '../../public/poll-timer.js';

/**
 * A select-list expression for the query that opens a snapshot: each refresh's table and end time
 * (ms, the database's clock; pairs in a two-dimensional array) for the last 15 s of refreshes of
 * the DAG's first level, the stream tables that read only base tables. A write becomes visible
 * there first, and their refreshes are the rhythm to follow: an engine that schedules each table
 * on its own (0.67) refreshes the later levels at other phases, 200–600 ms after, and with them
 * counted the refreshes chained into long "passes" (fraud on 0.67: one every 3.5 s; at times no
 * cadence at all, and the producer and the page fell back to a read every 2 s). The
 * compatibility mode refreshes every level in one transaction, so there the first level's rhythm
 * is the whole DAG's. The newest rows by refresh_id: the primary key, cheap however long the
 * history.
 */
export const RECENT_ENDS_SQL = `ARRAY(SELECT ARRAY[pgt_id, extract(epoch FROM end_time) * 1000]
      FROM (SELECT h.pgt_id, h.end_time FROM pgtrickle.pgt_refresh_history h
            WHERE NOT EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies d
                              WHERE d.pgt_id = h.pgt_id AND d.source_type = 'STREAM_TABLE')
            ORDER BY h.refresh_id DESC LIMIT 80) recent
      WHERE end_time > clock_timestamp() - interval '15 seconds')`;

/** Those pairs as the driver hands them over (numbers as strings; nothing for none). */
export function refreshEnds(extra: unknown): RefreshEnd[] {
  if (!Array.isArray(extra)) return [];
  return extra
    .filter((pair): pair is unknown[] => Array.isArray(pair) && pair.length === 2)
    .map(([table, t]) => [Number(table), Number(t)] as const)
    .filter(([table, t]) => Number.isFinite(table) && Number.isFinite(t));
}

/**
 * A cadence read on the database's clock, moved onto this process's: the database's clock read
 * `dbNowMs` in the same query, sent at `sentMs` and answered at `answeredMs` on this clock.
 */
export function cadenceHere(
  onDb: Cadence,
  dbNowMs: number,
  sentMs: number,
  answeredMs: number,
): Cadence | undefined {
  const offsetMs = dbNowMs - (sentMs + answeredMs) / 2;
  if (!Number.isFinite(offsetMs)) return undefined;
  return { readableMs: onDb.readableMs - offsetMs, periodMs: onDb.periodMs };
}
