// @ts-check
// When the dashboard polls: the one copy of the rule, loaded as is by the page (public/app.js
// imports it; no build step) and imported by the TypeScript that tests it, the bench's stand-in
// visitors and the Worker's poll timing (through db/pgtrickle/cadence.ts).

/** How often the page polls, on average, ms. */
export const POLL_MS = 2000;

/** Two passes this close (a share of the interval) to a poll's slot count as equally near. */
export const TIE_SHARE = 0.25;

/**
 * When a page polls next. It keeps an ideal timetable, one poll every `pollMs` from its first, and
 * sends each poll at the moment after a pass (a later one than its previous poll saw) nearest to
 * the timetable's next slot (of two about as near, the one a whole interval after the previous
 * poll), within ±25 % of the interval: every poll lands just after a pass, and however far apart
 * passes are the page polls every `pollMs` on average (taking the pass nearest to 2 s after each
 * poll would poll every 1.5 s with passes 1.5 s apart). The timetable starts again after a pause
 * or a very slow answer.
 */
export class PollTimer {
  /** @param {number} pollMs */
  constructor(pollMs) {
    /** @private @readonly */
    this.pollMs = pollMs;
    /** @private @type {number | undefined} */
    this.slot = undefined;
  }

  /**
   * The next poll's time, given when the previous one was sent and one moment `refreshAt` after a
   * pass (on the page's clock) with passes every `periodMs`; without those, one interval later.
   * @param {number} sentAt
   * @param {number} [refreshAt]
   * @param {number} [periodMs]
   * @returns {number}
   */
  next(sentAt, refreshAt, periodMs) {
    const poll = this.pollMs;
    let want = (this.slot ?? sentAt) + poll;
    if (Math.abs(want - (sentAt + poll)) > poll / 2) want = sentAt + poll;
    this.slot = want;
    if (refreshAt === undefined || !periodMs) return want;
    // The passes either side of the slot: the nearer one; but where both are about as near, the
    // one a whole interval after the previous poll. A slot halfway between passes (it stays there
    // for minutes when passes are about 1 s apart) would otherwise change side with every jitter
    // of the passes, and the page alternate 1 s and 3 s intervals.
    const before = refreshAt + Math.floor((want - refreshAt) / periodMs) * periodMs;
    const after = before + periodMs;
    /** @param {number} t @param {number} from */
    const offBy = (t, from) => Math.abs(t - from);
    let at = offBy(before, want) <= offBy(after, want) ? before : after;
    if (Math.abs(offBy(before, want) - offBy(after, want)) < periodMs * TIE_SHARE) {
      const interval = sentAt + poll;
      at = offBy(before, interval) <= offBy(after, interval) ? before : after;
    }
    // A pass the previous poll already saw is no reason to poll again.
    if (at <= sentAt) at += periodMs;
    return Math.min(want + poll / 4, Math.max(want - poll / 4, at));
  }
}

/**
 * The page's view of the server's clock: the smallest (arrival − server's send time) over its
 * recent answers. That is the clock difference plus the quickest delivery; the slower answers
 * waited in a queue, and taking theirs would place every pass, and so every poll, late.
 */
export class ServerClock {
  /** @param {number} [keep] how many recent answers count */
  constructor(keep = 15) {
    /** @private @readonly */
    this.keep = keep;
    /** @private @type {number[]} */
    this.recent = [];
  }

  /**
   * Notes an answer sent at `serverMs` (server clock) that arrived at `arrivedMs`.
   * @param {number} serverMs
   * @param {number} arrivedMs
   */
  note(serverMs, arrivedMs) {
    this.recent.push(arrivedMs - serverMs);
    if (this.recent.length > this.keep) this.recent.shift();
  }

  /**
   * A server time on this clock.
   * @param {number} serverMs
   * @returns {number}
   */
  local(serverMs) {
    return serverMs + Math.min(...this.recent);
  }
}
