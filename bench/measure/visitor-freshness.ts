// Freshness as a visitor sees it, in a real Chromium: orders are written about once a second (at
// random moments, as the generator's stream is to the page), and the time from each INSERT until
// the open page's "Orders" figure includes it is taken in the page itself. Beside it, the server's
// part: INSERT → the stream table includes it (read every 25 ms). With `visitors` > 1, the other
// visitors are plain HTTP clients polling the same fragment the way the page does
// (other-visitors.ts): they stand for other people's browsers, which load the dashboard and its
// edge cache; unlike those, they share this machine's two cores.
import { type DbConfig, withDb } from '../../db';
import { launchChromium } from '../../local/chromium';
import { percentile, round, summary } from '../stats';
import { startOtherVisitors } from './other-visitors';
import { sleep } from './section';

export interface VisitorFreshness {
  visitors: number;
  seconds: number;
  /** Orders written, and how many the page had not shown 30 s after the last one. */
  written: number;
  missing: number;
  /** INSERT → the page shows it, ms. */
  visitor: number[];
  /** INSERT → customer_stats shows it, ms. */
  server: number[];
  /** The page's own poll intervals, ms. */
  pollIntervals: number[];
}

const ORDERS_SQL = 'SELECT COALESCE(sum(order_count), 0)::bigint AS n FROM customer_stats';

/**
 * Records, in the page, every value the Orders figure takes and when; and every poll sent. A
 * string, not a function: tsx's transform would add helpers the page does not have.
 */
const WATCH = `(() => {
  window.seen = [];
  window.polls = [];
  const read = () =>
    Number(document.querySelector('dd[data-kpi="Orders"]')?.textContent?.replace(/,/g, ''));
  let last = read();
  window.seen.push([Date.now(), last]);
  new MutationObserver(() => {
    const v = read();
    if (v !== last) {
      last = v;
      window.seen.push([Date.now(), v]);
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
  document.body.addEventListener('htmx:beforeRequest', (e) => {
    if (e.target && e.target.id === 'poller') window.polls.push(Date.now());
  });
})()`;

/** The first time at or after `from` that a series of (time, value) reached `value`. */
function reached(series: readonly [number, number][], from: number, value: number) {
  const hit = series.find(([, v]) => v >= value);
  return hit ? Math.max(hit[0], from) : undefined;
}

export async function measureVisitorFreshness(opts: {
  dashboardUrl: string;
  writerCfg: DbConfig;
  readerCfg: DbConfig;
  visitors: number;
  seconds: number;
  /** Dashboards (data centres) the other visitors are spread over; default the page's. */
  otherUrls?: readonly string[];
}): Promise<VisitorFreshness> {
  const database = 'ecommerce_demo';
  const browser = await launchChromium();
  const stop = { done: false };
  let stopOthers = async () => {};
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${opts.dashboardUrl}/?scenario=ecommerce`);
    await page.waitForSelector('dd[data-kpi="Orders"]');
    stopOthers = startOtherVisitors(
      (opts.otherUrls ?? [opts.dashboardUrl]).map((u) => `${u}/fragments/all?scenario=ecommerce`),
      opts.visitors - 1,
    );
    // Let the page and the others settle into their rhythm.
    await sleep(6000);
    await page.evaluate(WATCH);
    return await withDb(opts.writerCfg, database, (writer) =>
      withDb(opts.readerCfg, database, async (reader) => {
        const base = Number((await reader.query(ORDERS_SQL))[0]?.n);
        const server: [number, number][] = [];
        const watching = (async () => {
          while (!stop.done) {
            server.push([Date.now(), Number((await reader.query(ORDERS_SQL))[0]?.n)]);
            await sleep(25);
          }
        })();
        const written: number[] = [];
        const end = Date.now() + opts.seconds * 1000;
        for (let i = 1; Date.now() < end; i++) {
          written.push(Date.now());
          await writer.query(
            `INSERT INTO orders (customer_id, product_id, quantity, unit_price) VALUES ($1, $2, 1, 10)`,
            [1 + (i % 30), 1 + (i % 15)],
          );
          // About one a second, at moments unrelated to the engine's or the page's timers.
          await sleep(500 + Math.random() * 1000);
        }
        // Let the last ones arrive: the table, then the page (at most 30 s).
        const total = base + written.length;
        const until = Date.now() + 30_000;
        const last = () => server[server.length - 1]?.[1] ?? 0;
        while (last() < total && Date.now() < until) await sleep(100);
        await sleep(3000);
        stop.done = true;
        await watching;
        const seen = (await page.evaluate('window.seen')) as [number, number][];
        const polls = (await page.evaluate('window.polls')) as number[];
        const visitor: number[] = [];
        const serverMs: number[] = [];
        let missing = 0;
        written.forEach((w, i) => {
          const shown = reached(seen, w, base + i + 1);
          const stored = reached(server, w, base + i + 1);
          if (stored !== undefined) serverMs.push(stored - w);
          if (shown !== undefined) visitor.push(shown - w);
          else missing++;
        });
        return {
          visitors: opts.visitors,
          seconds: opts.seconds,
          written: written.length,
          missing,
          visitor,
          server: serverMs,
          pollIntervals: polls.slice(1).map((t, i) => t - (polls[i] as number)),
        };
      }),
    );
  } finally {
    stop.done = true;
    await stopOthers();
    await browser.close();
  }
}

export type VisitorFreshnessResult = ReturnType<typeof visitorResult>;

/** Figures for results.json: the visitor's and the server's part, and the page's poll rhythm. */
export function visitorResult(r: VisitorFreshness, limitMs: number) {
  const p = r.pollIntervals;
  return {
    visitors: r.visitors,
    seconds: r.seconds,
    written: r.written,
    missing: r.missing,
    limitMs,
    visitor: summary(r.visitor),
    server: summary(r.server),
    p95OverLimit: round(percentile(r.visitor, 95) / limitMs, 2),
    pollIntervalMs: {
      n: p.length,
      mean: p.length ? round(p.reduce((a, b) => a + b, 0) / p.length, 0) : 0,
      min: Math.min(...p),
      max: Math.max(...p),
    },
  };
}

/** One run in a line, for the bench's progress log. */
export const visitorLine = (r: VisitorFreshnessResult) =>
  `freshness ${r.visitors}: visitor p50 ${r.visitor.p50} p95 ${r.visitor.p95} ms (${r.p95OverLimit}×), ${r.missing} not shown`;

/** The report's table: one pair of rows (visitor, server) per run. */
export function visitorTable(runs: readonly VisitorFreshnessResult[]): string[] {
  return [
    '| visitors | part | orders | p50 ms | p95 ms | p99 ms | min–max ms | p95 / limit (1 s + 2 s poll) | page polled every (mean, min–max ms) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...runs.flatMap((r) => {
      const shownOf = r.missing ? ` (of ${r.written}; ${r.missing} not shown)` : '';
      const v = r.visitor;
      const s = r.server;
      const p = r.pollIntervalMs;
      return [
        `| ${r.visitors} | visitor | ${v.n}${shownOf} | ${v.p50} | ${v.p95} | ${v.p99} | ${v.min}–${v.max} | ${r.p95OverLimit} | ${p.mean} (${p.min}–${p.max}) |`,
        `| ${r.visitors} | server | ${s.n} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.min}–${s.max} | — | — |`,
      ];
    }),
  ];
}

/** What the table measures, said once wherever it is printed. */
export const VISITOR_METHOD =
  'Visitor: INSERT of an order → the "Orders" figure on an open page in Chromium includes it (timed in the page). Orders are written about once a second at random moments for the run; the page polls every 2 s, timed by the dashboard to land just after the engine\'s refreshes. With 200 visitors, the other 199 are HTTP clients in a process of their own polling the same fragment by the same rule. Server: INSERT → customer_stats includes it (read every 25 ms).';
