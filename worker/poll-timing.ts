// The page's poll timing, from the scheduler's cadence (db/pgtrickle/cadence.ts). A computed
// fragment carries the cadence it was read with and until when it is fresh; every answer, cached
// or not, then tells the page when the next pass's data is readable (`X-Next-Refresh-In`, ms after
// `X-Server-Time`, when it is sent) and how far apart passes are (`X-Pass-Every`, ms): the page
// polls every 2 s on average, each poll just after a pass (public/poll-timer.js, the rule the
// page runs).
import { type Cadence, nextRefreshInMs, nextVisibleMs } from '../db/pgtrickle/cadence';

/** The page's poll interval, on average. */
export { POLL_MS } from '../public/poll-timer.js';

/**
 * A poll that arrives this little before the next pass's read waits for that read instead of
 * taking the previous pass (the edge copy's expiry and the producer's due time are both that
 * read). The page aims each poll at that moment from a prediction made a poll earlier; on 0.67,
 * whose first-level tables refresh one after another, each on its own ~1.05 s rhythm, the
 * moment had moved by up to 450 ms since, and a poll just early showed the previous pass: the
 * change then waited a whole poll more (one poll in two in a 40 s trace).
 */
export const WAIT_FOR_NEXT_READ_MS = 500;

/** A pass that is late is looked for again this soon (its data may land at any moment). */
const LATE_RECHECK_MS = 250;

/** When the latest pass's data was readable (server clock, ms). */
const READABLE_AT = 'X-Pass-Readable-At';
const PASS_EVERY = 'X-Pass-Every';
export const FRESH_UNTIL = 'X-Fresh-Until';
const NEXT_REFRESH_IN = 'X-Next-Refresh-In';
const SERVER_TIME = 'X-Server-Time';

/**
 * How long data read with `cadence` at `nowMs` stays the latest: until the next pass's data is
 * readable (or briefly, if that pass is already due); without a steady schedule, `otherwiseMs`.
 */
export function freshUntilMs(
  cadence: Cadence | undefined,
  nowMs: number,
  otherwiseMs: number,
): number {
  if (!cadence) return nowMs + otherwiseMs;
  const next = nextVisibleMs(cadence);
  return Math.round(next > nowMs ? next : nowMs + LATE_RECHECK_MS);
}

/**
 * Until when a copy drawn from a producer's data is kept: until the producer reads again (it
 * knows when, late passes included), or briefly if that read is due already (under way).
 */
export const untilProducerReads = (dueMs: number, nowMs: number): number =>
  Math.round(Math.max(dueMs, nowMs + LATE_RECHECK_MS));

/** Headers for a fragment computed now with `cadence`: it stays fresh until the next pass. */
export function cadenceHeaders(cadence: Cadence | undefined, nowMs: number): [string, string][] {
  if (!cadence) return [];
  return [
    [READABLE_AT, String(Math.round(cadence.readableMs))],
    [PASS_EVERY, String(Math.round(cadence.periodMs))],
    [FRESH_UNTIL, String(freshUntilMs(cadence, nowMs, 0))],
  ];
}

/** Says when the next pass's data is readable, on an answer about to be sent (never cached). */
export function withPollHint(res: Response, nowMs: number): Response {
  const readableMs = Number(res.headers.get(READABLE_AT));
  const periodMs = Number(res.headers.get(PASS_EVERY));
  if (readableMs > 0 && periodMs > 0) {
    res.headers.set(NEXT_REFRESH_IN, String(nextRefreshInMs({ readableMs, periodMs }, nowMs)));
    res.headers.set(SERVER_TIME, String(nowMs));
  }
  return res;
}
