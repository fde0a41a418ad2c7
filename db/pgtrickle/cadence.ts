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

/**
 * Refreshes whose ends are closer than this belong to one scheduler pass (0.67 on a busy machine
 * ends a pass's second level 200–400 ms after its first).
 */
const PASS_GAP_MS = 450;
/** Outside this range the history says nothing usable about a schedule (e.g. an idle engine). */
const MIN_PERIOD_MS = 500;
const MAX_PERIOD_MS = 10_000;
/**
 * After a pass is recorded as ended, how long until its data is surely readable: the recorded end
 * precedes the commit (0.67 records each refresh's start as its end, the compatibility mode the
 * end of each refresh inside one transaction).
 */
export const VISIBLE_AFTER_MS = 120;
/** The most a pass's usual lateness may add to that. */
const MAX_SLACK_MS = 500;

/**
 * The scheduler's rhythm from the end times of recent refreshes (any order): when the last pass's
 * data was readable and the median interval between passes. A scheduler whose passes wander
 * (0.67 runs its interval after each pass's work) gets the spread of the intervals added (upper
 * decile − median, at most MAX_SLACK_MS), so that a poll, and the snapshot producer's read, land
 * after a pass that comes a little late rather than just before it. Every pass later than
 * predicted costs the producer a read that finds nothing new (and the page a poll): with the
 * upper quartile a quarter of passes did so by construction. Not the longest interval: one
 * stalled pass would then delay every poll for the 15 s it stays in the window. Undefined with
 * fewer than three passes or an implausible interval: the page then polls on its own 2 s timer.
 */
export function cadenceOf(endsMs: readonly number[]): Cadence | undefined {
  const passes: number[] = [];
  for (const t of [...endsMs].filter(Number.isFinite).sort((a, b) => a - b)) {
    const last = passes.length - 1;
    if (last >= 0 && t - (passes[last] as number) < PASS_GAP_MS) passes[last] = t;
    else passes.push(t);
  }
  if (passes.length < 3) return undefined;
  const gaps = passes
    .slice(1)
    .map((t, i) => t - (passes[i] as number))
    .sort((a, b) => a - b);
  const at = (q: number) => gaps[Math.floor((gaps.length - 1) * q)] as number;
  const periodMs = at(0.5);
  if (periodMs < MIN_PERIOD_MS || periodMs > MAX_PERIOD_MS) return undefined;
  const slackMs = Math.min(MAX_SLACK_MS, at(0.9) - periodMs);
  return {
    readableMs: (passes[passes.length - 1] as number) + VISIBLE_AFTER_MS + slackMs,
    periodMs,
  };
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
 * A select-list expression for the query that opens a snapshot: the end times (ms, the database's
 * clock) of the last 15 s of refreshes of the DAG's first level, the stream tables that read only
 * base tables. A write becomes visible there first, and their refreshes are the rhythm to follow:
 * an engine that schedules each table on its own (0.67) refreshes the later levels at other
 * phases, 200–600 ms after, and with them counted the refreshes chained into long "passes"
 * (fraud on 0.67: one every 3.5 s; at times no cadence at all, and the producer and the page fell
 * back to a read every 2 s). The compatibility mode refreshes every level in one
 * transaction, so there the first level's rhythm is the whole DAG's. The newest rows by
 * refresh_id: the primary key, cheap however long the history.
 */
export const RECENT_ENDS_SQL = `ARRAY(SELECT extract(epoch FROM end_time) * 1000
      FROM (SELECT h.end_time FROM pgtrickle.pgt_refresh_history h
            WHERE NOT EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies d
                              WHERE d.pgt_id = h.pgt_id AND d.source_type = 'STREAM_TABLE')
            ORDER BY h.refresh_id DESC LIMIT 80) recent
      WHERE end_time > clock_timestamp() - interval '15 seconds')`;

/**
 * The cadence from those end times, moved onto this process's clock: the database's clock read
 * `dbNowMs` in the same query, sent at `sentMs` and answered at `answeredMs` on this clock.
 */
export function cadenceHere(
  ends: unknown,
  dbNowMs: number,
  sentMs: number,
  answeredMs: number,
): Cadence | undefined {
  const cadence = cadenceOf(((ends as unknown[] | null) ?? []).map(Number));
  const offsetMs = dbNowMs - (sentMs + answeredMs) / 2;
  if (!cadence || !Number.isFinite(offsetMs)) return undefined;
  return { ...cadence, readableMs: cadence.readableMs - offsetMs };
}
