// Freshness as a visitor meets it: one INSERT, then the time until a page that polls every 2 s
// (at a random phase, as a real page's timer is to a write) shows the new value; beside it,
// separately, the server-side part: the time until the stream table itself shows it.
import { type Db, type DbConfig, withDb } from '../../db';

export interface FreshnessProbe {
  /** Writes the i-th event. */
  write(c: Db, i: number): Promise<void>;
  /** The value in the database that the event must change (read from the stream table). */
  readDb(c: Db): Promise<string>;
  /** The same value as the page shows it, from the HTML of one poll. */
  readPage(html: string): string;
}

export interface FreshnessRun {
  /** INSERT → a 2 s poller's response shows it, ms. */
  visitor: number[];
  /** INSERT → the stream table shows it, ms (polled every 25 ms). */
  server: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function page(url: string): Promise<string> {
  const res = await fetch(url);
  return res.ok ? res.text() : '';
}

export async function measureFreshness(opts: {
  /** Writes the events (the generator's role). */
  writeCfg: DbConfig;
  /** Watches the stream table (the dashboard's role). */
  readCfg: DbConfig;
  database: string;
  pageUrl: string;
  events: number;
  probe: FreshnessProbe;
  pollMs?: number;
  timeoutMs?: number;
  /** A deterministic phase source in [0, 1) per event. */
  phase?: (i: number) => number;
}): Promise<FreshnessRun> {
  const pollMs = opts.pollMs ?? 2000;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const phase = opts.phase ?? ((i) => (((i * 0.618034) % 1) + 1) % 1);
  const run: FreshnessRun = { visitor: [], server: [] };
  await withDb(opts.writeCfg, opts.database, async (writer) =>
    withDb(opts.readCfg, opts.database, async (watcher) => {
      for (let i = 0; i < opts.events; i++) {
        // Let the previous event settle everywhere (page cache included) before the next.
        await sleep(2500);
        const beforeDb = await opts.probe.readDb(watcher);
        const beforePage = opts.probe.readPage(await page(opts.pageUrl));
        const written = Date.now();
        await opts.probe.write(writer, i);
        const server = (async () => {
          for (;;) {
            if ((await opts.probe.readDb(watcher)) !== beforeDb) return Date.now() - written;
            if (Date.now() - written > timeoutMs) throw new Error(`event ${i}: table unchanged`);
            await sleep(25);
          }
        })();
        const visitor = (async () => {
          // The page's timer fires at a random phase of its 2 s period relative to the write.
          let next = written + phase(i) * pollMs;
          for (;;) {
            await sleep(next - Date.now());
            const html = await page(opts.pageUrl);
            if (opts.probe.readPage(html) !== beforePage) return Date.now() - written;
            if (Date.now() - written > timeoutMs) throw new Error(`event ${i}: page unchanged`);
            next += pollMs;
          }
        })();
        const [s, v] = await Promise.all([server, visitor]);
        run.server.push(s);
        run.visitor.push(v);
      }
    }),
  );
  return run;
}

/** The HTML of one panel's body inside a page or an all-fragments poll. */
export function panelBody(html: string, id: string): string {
  const start = html.indexOf(`id="body-${id}"`);
  if (start < 0) return '';
  const end = html.indexOf('id="body-', start + 1);
  return html.slice(start, end < 0 ? undefined : end);
}

/** The ecommerce Orders KPI (customer_stats, a 1 s table) and the finance L10 table. */
export const probes = {
  ordersKpi: (): FreshnessProbe => ({
    write: (c, i) =>
      c
        .query(
          `INSERT INTO orders (customer_id, product_id, quantity, unit_price) VALUES ($1, $2, 1, 10)`,
          [1 + (i % 30), 1 + (i % 15)],
        )
        .then(() => {}),
    readDb: async (c) =>
      String((await c.query('SELECT sum(order_count) AS n FROM customer_stats'))[0]?.n),
    readPage: (html) => /data-kpi="Orders">([0-9,]+)/.exec(html)?.[1] ?? '',
  }),
  // A large trade in a crypto tracker for a Digital Assets account, alternating sides: its
  // capital requirement moves by tens of thousands, visible at L10 after ten levels.
  breachDashboard: (): FreshnessProbe => ({
    write: (c, i) =>
      c
        .query(
          `INSERT INTO trades (account_id, instrument_id, quantity, price)
           SELECT 41 + ($1::int % 10), 4, (CASE WHEN $1::int % 2 = 0 THEN 1 ELSE -1 END) * 20000, mid
           FROM market_prices WHERE instrument_id = 4`,
          [i],
        )
        .then(() => {}),
    readDb: async (c) =>
      String(
        (
          await c.query(
            `SELECT string_agg(portfolio_name || ':' || capital_required, ',' ORDER BY rank) AS v
             FROM breach_dashboard`,
          )
        )[0]?.v,
      ),
    readPage: (html) =>
      // Figures only: the panel's text minus anything that ages by itself.
      panelBody(html, 'breach-dashboard')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' '),
  }),
};

/**
 * The two freshness measurements every benchmark makes, side by side: a 1 s table (ecommerce's
 * Orders KPI) and the end of the finance chain (L10), both on the dashboard at `dashboardUrl`.
 */
export function measureDemoFreshness(opts: {
  writeCfg: DbConfig;
  readCfg: DbConfig;
  dashboardUrl: string;
  events: number;
}): Promise<[FreshnessRun, FreshnessRun]> {
  const run = (scenario: string, database: string, probe: FreshnessProbe) =>
    measureFreshness({
      writeCfg: opts.writeCfg,
      readCfg: opts.readCfg,
      database,
      pageUrl: `${opts.dashboardUrl}/fragments/all?scenario=${scenario}`,
      events: opts.events,
      probe,
    });
  return Promise.all([
    run('ecommerce', 'ecommerce_demo', probes.ordersKpi()),
    run('finance', 'finance_demo', probes.breachDashboard()),
  ]);
}
