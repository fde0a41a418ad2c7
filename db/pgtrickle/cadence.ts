// When the engine's scheduler makes new data visible, learned from its refresh history. The page
// still polls every 2 s on average, but just after a scheduler pass rather than at a random
// moment, and the edge keeps a fragment only until the next pass is due: a change then waits for
// one refresh and at most one pass interval, never for a poll that happens to have just gone by
// or for a cached copy older than the data.
import type { Db } from '../client';

export interface Cadence {
  /** When the latest scheduler pass ended, ms since the epoch. */
  lastPassMs: number;
  /** The usual time between two passes, ms (the median of the recent gaps). */
  periodMs: number;
}

/** Refreshes whose ends are closer than this belong to one scheduler pass. */
const PASS_GAP_MS = 300;
/** Outside this range the history says nothing usable about a schedule (e.g. an idle engine). */
const MIN_PERIOD_MS = 500;
const MAX_PERIOD_MS = 10_000;
/**
 * After a pass is recorded as ended, how long until its data is surely readable: the recorded end
 * precedes the commit (0.67 records the start of the pass as its end, the compatibility mode the
 * end of each refresh inside one transaction).
 */
export const VISIBLE_AFTER_MS = 120;

/**
 * The scheduler's rhythm from the end times of recent refreshes (any order): the last pass and
 * the median interval between passes. Undefined with fewer than three passes or an implausible
 * interval: the page then polls on its own 2 s timer.
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
  const periodMs = gaps[Math.floor((gaps.length - 1) / 2)] as number;
  if (periodMs < MIN_PERIOD_MS || periodMs > MAX_PERIOD_MS) return undefined;
  return { lastPassMs: passes[passes.length - 1] as number, periodMs };
}

/** Moves a cadence read on the database's clock onto this process's clock. */
export const shifted = (c: Cadence, offsetMs: number): Cadence => ({
  ...c,
  lastPassMs: c.lastPassMs - offsetMs,
});

/** When the next pass's data should be readable. If that moment is past, the pass is late. */
export const nextVisibleMs = (c: Cadence): number => c.lastPassMs + c.periodMs + VISIBLE_AFTER_MS;

/** How long from `nowMs` until the data of the next pass after it is readable. */
export function nextRefreshInMs(c: Cadence, nowMs: number): number {
  const k = Math.max(0, Math.ceil((nowMs - c.lastPassMs - VISIBLE_AFTER_MS) / c.periodMs));
  return Math.round(c.lastPassMs + k * c.periodMs + VISIBLE_AFTER_MS - nowMs);
}

/**
 * When a page that sent its previous poll at `sentAt` should send the next: the moment after a
 * pass (a later one than that poll saw) nearest to one poll interval later, given one such
 * moment `refreshAt` on the page's clock and passes every `periodMs`; kept within ±25 % of the
 * interval so the page still polls every `pollMs` on average. The dashboard's app.js does the
 * same in the browser.
 */
export function nextPollAt(
  sentAt: number,
  refreshAt: number,
  periodMs: number,
  pollMs: number,
): number {
  const want = sentAt + pollMs;
  let at = refreshAt + Math.round((want - refreshAt) / periodMs) * periodMs;
  // A pass the previous poll already saw is no reason to poll again.
  if (at <= sentAt) at += periodMs;
  return Math.min(want + pollMs / 4, Math.max(want - pollMs / 4, at));
}

/**
 * The page's view of the server's clock: the smallest (arrival − server's send time) over its
 * recent answers. That is the clock difference plus the quickest delivery; the slower answers
 * waited in a queue, and taking theirs would place every pass, and so every poll, late.
 */
export class ServerClock {
  private readonly recent: number[] = [];
  constructor(private readonly keep = 15) {}

  /** Notes an answer sent at `serverMs` (server clock) that arrived at `arrivedMs`. */
  note(serverMs: number, arrivedMs: number): void {
    this.recent.push(arrivedMs - serverMs);
    if (this.recent.length > this.keep) this.recent.shift();
  }

  /** A server time on this clock. */
  local(serverMs: number): number {
    return serverMs + Math.min(...this.recent);
  }
}

/**
 * The scheduler's cadence from the last 15 s of refreshes (the database's clock, ms), and the
 * database's clock itself. The newest rows by refresh_id: the primary key, cheap however long the
 * history.
 */
export async function loadCadence(db: Db): Promise<{ cadence?: Cadence; dbNowMs: number }> {
  const [row] = await db.query(
    `SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now_ms,
            ARRAY(SELECT extract(epoch FROM end_time) * 1000
                  FROM (SELECT end_time FROM pgtrickle.pgt_refresh_history
                        ORDER BY refresh_id DESC LIMIT 80) recent
                  WHERE end_time > clock_timestamp() - interval '15 seconds') AS ends`,
  );
  const ends = ((row?.ends as unknown[] | null) ?? []).map(Number);
  const cadence = cadenceOf(ends);
  return { ...(cadence ? { cadence } : {}), dbNowMs: Number(row?.now_ms) };
}
