// The page's poll timing from the scheduler's cadence: pure functions, checked against passes
// laid out by hand.
import { describe, expect, it } from 'vitest';
import {
  cadenceOf,
  nextRefreshInMs,
  nextVisibleMs,
  PollTimer,
  type RefreshEnd,
  refreshEnds,
  ServerClock,
  VISIBLE_AFTER_MS,
} from '../../db/pgtrickle/cadence';
import { cadenceHeaders, FRESH_UNTIL, POLL_MS } from '../../worker/poll-timing';

// Passes every 1000 ms starting at t=10 000, each refreshing tables 1, 2 and 3 40 ms apart.
const passEnds = (n: number, period = 1000, jitter: (i: number) => number = () => 0) =>
  Array.from({ length: n }, (_, i) => 10_000 + i * period + jitter(i)).flatMap(
    (t): RefreshEnd[] => [
      [1, t - 80],
      [2, t - 40],
      [3, t],
    ],
  );

/** One table's refreshes: at `first`, then after each of `gaps`. */
const refreshes = (table: number, first: number, gaps: readonly number[]): RefreshEnd[] => {
  const out: RefreshEnd[] = [[table, first]];
  for (const g of gaps) out.push([table, (out[out.length - 1] as RefreshEnd)[1] + g]);
  return out;
};

describe('the scheduler’s cadence, from refresh end times', () => {
  it('takes the tables’ usual interval and ends the pass with its last table', () => {
    const ends = passEnds(6, 1000, (i) => [0, 30, -20, 250, 10, 0][i] as number);
    const c = cadenceOf([...ends].reverse());
    // Each table's gaps 1030, 950, 1270, 760, 990 → median 990; upper decile (of five) 1030:
    // 40 ms late.
    expect(c?.periodMs).toBe(990);
    expect(c?.readableMs).toBe(15_000 + VISIBLE_AFTER_MS + 40);
  });

  it('ends a pass whose tables refresh one after another where the longest pause begins', () => {
    // As pg_trickle 0.67 with one refresh worker: three tables, each on its own ~1.05 s rhythm,
    // taken in turn 200–350 ms apart, so that the refreshes fill most of the period.
    // Table 2 at +200 ms, table 3 at +550 ms after table 1; the pause after table 3 (500 ms)
    // is the longest: the pass ends with table 3, however the tables are listed.
    const gaps = [1050, 1040, 1060, 1050, 1050];
    const ends = [...refreshes(3, 550, gaps), ...refreshes(1, 0, gaps), ...refreshes(2, 200, gaps)];
    const last3 = 550 + 5250;
    const c = cadenceOf(ends);
    expect(c?.periodMs).toBe(1050);
    expect(c?.readableMs).toBe(last3 + VISIBLE_AFTER_MS);
    // Read just after the next pass began (table 1 refreshed once more, at 6300): the latest
    // refresh is not the end of a pass; table 3's, before it, still is.
    const begun = [...ends, [1, 5250 + 1050] as RefreshEnd];
    expect(cadenceOf(begun)?.readableMs).toBe(last3 + VISIBLE_AFTER_MS);
    // The order drifted: table 1 now refreshes 100 ms after table 3, and ends the pass.
    const drifted = [
      ...refreshes(1, 650, gaps),
      ...refreshes(2, 200, gaps),
      ...refreshes(3, 550, gaps),
    ];
    expect(cadenceOf(drifted)?.readableMs).toBe(650 + 5250 + VISIBLE_AFTER_MS);
    // Evenly spread refreshes (the reason for this rule) are never chained into long passes.
    const even = [...refreshes(1, 0, gaps), ...refreshes(2, 350, gaps), ...refreshes(3, 700, gaps)];
    expect(cadenceOf(even)?.periodMs).toBe(1050);
  });

  it('leaves out a table refreshed on a slower schedule', () => {
    const ends = [...passEnds(11), ...refreshes(9, 10_500, [5000, 5000])];
    const c = cadenceOf(ends);
    expect(c?.periodMs).toBe(1000);
    // Table 9 last refreshed at 20 500, after the last pass (20 000): not its end.
    expect(c?.readableMs).toBe(20_000 + VISIBLE_AFTER_MS);
  });

  it('allows for the lateness of all but the latest tenth of passes, up to half a second', () => {
    // Eleven gaps: nine of 1000 ± 40 ms, two late (1200, 1300) → sorted index 9 of 0..10 is 1200.
    const gaps = [1000, 960, 1040, 1200, 980, 1020, 1000, 1300, 990, 1010, 1000];
    const ends = refreshes(1, 0, gaps);
    const last = (ends[ends.length - 1] as RefreshEnd)[1];
    const c = cadenceOf(ends);
    expect(c?.periodMs).toBe(1000);
    expect(c?.readableMs).toBe(last + VISIBLE_AFTER_MS + 200);
    // Three passes 2 s late (over a tenth of them) count for no more than 500 ms.
    const stalled = refreshes(1, 0, [...gaps, 3000, 3000, 3000]);
    expect(cadenceOf(stalled)?.readableMs).toBe(last + 9000 + VISIBLE_AFTER_MS + 500);
  });

  it('says nothing from fewer than three refreshes of a table or an implausible interval', () => {
    expect(cadenceOf(passEnds(2))).toBeUndefined();
    expect(cadenceOf([])).toBeUndefined();
    // Refreshes every 100 ms, or every 20 s: no schedule to follow.
    expect(cadenceOf(refreshes(1, 0, Array(50).fill(100)))).toBeUndefined();
    expect(cadenceOf(passEnds(4, 20_000))).toBeUndefined();
  });

  it('reads the pairs the snapshot statement returns, skipping anything else', () => {
    expect(refreshEnds([['7', '1000.5'], [8, 2000], ['x', 1], [1]])).toEqual([
      [7, 1000.5],
      [8, 2000],
    ]);
    expect(refreshEnds(null)).toEqual([]);
  });
});

describe('when the page polls next', () => {
  const c = { readableMs: 10_000 + VISIBLE_AFTER_MS, periodMs: 1000 };

  it('knows when the next pass’s data is readable', () => {
    expect(nextRefreshInMs(c, 10_100)).toBe(VISIBLE_AFTER_MS - 100);
    expect(nextRefreshInMs(c, 10_500)).toBe(1000 + VISIBLE_AFTER_MS - 500);
    expect(nextRefreshInMs(c, 13_250)).toBe(14_000 + VISIBLE_AFTER_MS - 13_250);
  });

  it('lands just after a pass, 2 s apart, however slow the answers', () => {
    const timer = new PollTimer(POLL_MS);
    const sent: number[] = [];
    let at = 10_437;
    for (let i = 0; i < 60; i++) {
      sent.push(at);
      // Answers take 20 ms to 900 ms (a crowded server).
      const now = at + 20 + ((i * 373) % 880);
      const next = timer.next(at, now + nextRefreshInMs(c, now), c.periodMs);
      expect(next - at).toBeGreaterThanOrEqual(1500);
      expect(next - at).toBeLessThanOrEqual(2500);
      at = next;
      // Every poll from the second on sits just after a pass.
      expect((((at - c.readableMs) % 1000) + 1000) % 1000).toBe(0);
    }
    const gaps = sent.slice(2).map((t, i) => t - (sent[i + 1] as number));
    expect(gaps.every((g) => g === 2000)).toBe(true);
  });

  it('does not alternate 1 s and 3 s intervals when its slot falls halfway between passes', () => {
    // Passes every 1001 ms, each up to ±80 ms off (as the generator's ticks are): a 2 s timetable
    // drifts 2 ms a poll against them, so a slot halfway between two passes stays there for
    // minutes, and the nearer pass changes side with every jitter.
    const jitter = (k: number) => Math.round(80 * Math.sin(k * 12.9898) * Math.cos(k * 4.1414));
    const pass = (k: number) => 10_000 + k * 1001 + jitter(k);
    const timer = new PollTimer(POLL_MS);
    const sent: number[] = [pass(0) + 500]; // the first poll: halfway between two passes
    for (let i = 0; i < 150; i++) {
      const last = sent[sent.length - 1] as number;
      const now = last + 200;
      let k = 0;
      while (pass(k + 1) <= now) k++;
      const c = { readableMs: pass(k), periodMs: 1001 };
      sent.push(timer.next(last, now + nextRefreshInMs(c, now), c.periodMs));
    }
    const gaps = sent.slice(1).map((t, i) => t - (sent[i] as number));
    const odd = gaps.filter((g) => g < 1700 || g > 2300);
    expect(odd.length).toBeLessThanOrEqual(2); // at most one change of side (two intervals)
    const mean = ((sent[150] as number) - (sent[0] as number)) / 150;
    expect(Math.abs(mean - 2000)).toBeLessThan(30);
  });

  it('polls every 2 s on average when passes are 1.5 s apart, each just after a pass', () => {
    const wandering = { readableMs: 10_000, periodMs: 1500 };
    const timer = new PollTimer(POLL_MS);
    const sent: number[] = [10_000];
    for (let i = 0; i < 60; i++) {
      const last = sent[sent.length - 1] as number;
      const now = last + 50;
      const next = timer.next(last, now + nextRefreshInMs(wandering, now), wandering.periodMs);
      sent.push(next);
    }
    const mean = ((sent[60] as number) - (sent[0] as number)) / 60;
    expect(mean).toBeGreaterThan(1950);
    expect(mean).toBeLessThan(2050);
    const onPass = sent.filter((t) => (t - 10_000) % 1500 === 0).length;
    expect(onPass / sent.length).toBeGreaterThan(0.6);
  });

  it('keeps the interval within a quarter of 2 s when passes are far apart', () => {
    const slow = { readableMs: 10_000 + VISIBLE_AFTER_MS, periodMs: 5000 };
    const now = 10_300;
    // The next pass is readable 4.8 s later: too far; the page polls 2.5 s after its last.
    const refreshAt = now + nextRefreshInMs(slow, now);
    expect(new PollTimer(POLL_MS).next(10_250, refreshAt, slow.periodMs)).toBe(12_750);
  });

  it('without a cadence, polls 2 s after the previous poll', () => {
    expect(new PollTimer(POLL_MS).next(10_000)).toBe(12_000);
  });
});

describe('the server’s clock, as the page places it', () => {
  it('goes by the quickest recent answer: queued answers do not make the polls late', () => {
    const clock = new ServerClock(5);
    // The server's clock runs 3 s behind; answers take 20 ms, or 600 ms when queued.
    for (const delay of [600, 20, 450, 600, 300]) clock.note(50_000, 53_000 + delay);
    expect(clock.local(50_000)).toBe(53_020);
    // Five slow answers later the quick one has left the window.
    for (let i = 0; i < 5; i++) clock.note(50_000, 53_000 + 400 + i);
    expect(clock.local(50_000)).toBe(53_400);
  });
});

describe('how long a computed fragment is fresh', () => {
  const c = { readableMs: 10_000 + VISIBLE_AFTER_MS, periodMs: 1000 };

  it('until the next pass’s data is readable', () => {
    const fresh = new Map(cadenceHeaders(c, 10_300)).get(FRESH_UNTIL);
    expect(Number(fresh)).toBe(nextVisibleMs(c));
    expect(nextVisibleMs(c)).toBe(11_000 + VISIBLE_AFTER_MS);
  });

  it('only briefly once that pass is due: it may land at any moment', () => {
    const fresh = Number(new Map(cadenceHeaders(c, 11_500)).get(FRESH_UNTIL));
    expect(fresh - 11_500).toBeGreaterThan(0);
    expect(fresh - 11_500).toBeLessThanOrEqual(300);
  });

  it('is left to the ttl where no cadence is known', () => {
    expect(cadenceHeaders(undefined, 10_000)).toEqual([]);
  });
});
