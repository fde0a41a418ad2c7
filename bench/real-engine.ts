// `npm run bench:engine` (or `npm run bench` with PGTRICKLE_BENCH_URL set): the demo measured on a
// real pg_trickle server. PGTRICKLE_BENCH_URL names it (a superuser role, as for the engine
// suite); the bootstrap creates or reuses the three demo databases there, the dashboard Worker
// runs in wrangler dev as demo_reader, and events are written as demo_writer. Writes
// bench/real-engine.json and the "Real pg_trickle" section of bench/RESULTS.md, labelled with
// the engine's version. Nothing here builds or starts pg_trickle: it must already run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGenerator } from '../cron/run';
import { type Db, type DbConfig, detectEngine, type Engine, withDb } from '../db';
import { bootstrapScenario } from '../db/bootstrap';
import { findScenario } from '../scenarios';
import type { Scenario } from '../scenarios/types';
import {
  bootstrapSpec,
  compatSql,
  dbVars,
  ROOT,
  roleConfigs,
  setupAll,
  startDatabase,
  startWrangler,
} from '../scripts/stack';
import '../tests/helpers';
import { measureDemoFreshness } from './freshness';
import { round, summary } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const JSON_FILE = join(ROOT, 'bench', 'real-engine.json');
const MD_FILE = join(ROOT, 'bench', 'RESULTS.md');
const SECTION = '## Real pg_trickle';

type Summary = ReturnType<typeof summary>;

export interface RealEngineResults {
  engine: string;
  measuredAt: string;
  machine: string;
  freshness: {
    events: number;
    limitMs: number;
    stream1s: { visitor: Summary; server: Summary };
    financeL10: { visitor: Summary; server: Summary };
  };
  financeLevels: {
    runSeconds: number;
    ticks: number;
    rows: {
      level: string;
      table: string;
      refreshes: number;
      rowsHeld: number;
      changedPerRefresh: number;
      ratio: number;
      effectiveModes: string[];
      note?: string;
    }[];
    l10ChangedPerTickSeen: number;
  };
  /** The engine's own timings from its server log, where a log was given (PGTRICKLE_BENCH_LOG). */
  engineLog?: { path: string; rows: LogDurations[] };
  durations:
    | { source: 'engine'; rows: { table: string; action: string; ms: Summary }[] }
    | {
        source: 'client';
        why: string;
        table: string;
        rowsInTable: number;
        differential: Summary;
        full: Summary;
      };
}

const levelOf = (s: Scenario, table: string) =>
  s.streamTables.find((t) => t.name === table)?.layer ?? '?';

async function financeLevels(cfg: DbConfig, writer: DbConfig, runSeconds: number) {
  const finance = findScenario('finance') as Scenario;
  const modes = new Map<string, Set<string>>();
  const l10: string[][] = [];
  let running = true;
  const started = new Date();
  const sampler = withDb(cfg, finance.database, async (db) => {
    while (running) {
      for (const r of await db.query(
        'SELECT pgt_name, effective_refresh_mode FROM pgtrickle.pgt_stream_tables',
      )) {
        const k = String(r.pgt_name);
        modes.set(k, (modes.get(k) ?? new Set()).add(String(r.effective_refresh_mode)));
      }
      const rows = await db.query(
        `SELECT rank, portfolio_name, capital_required, utilization_ratio, capital_status
         FROM breach_dashboard ORDER BY rank`,
      );
      l10.push(rows.map((r) => JSON.stringify(r)));
      await sleep(1000);
    }
  });
  const [sum] = await runGenerator({
    cfg: writer,
    scenarios: [finance],
    runMs: runSeconds * 1000,
    tickMs: 1000,
    retentionMinutes: 60,
    log: () => {},
  });
  running = false;
  await sampler;
  let l10Changed = 0;
  for (let i = 1; i < l10.length; i++) {
    const before = new Set(l10[i - 1]);
    l10Changed += (l10[i] ?? []).filter((r) => !before.has(r)).length;
  }
  const rows = await withDb(cfg, finance.database, async (db) => {
    const out: RealEngineResults['financeLevels']['rows'] = [];
    const hist = await db.query(
      `SELECT st.pgt_name, st.topk_limit IS NOT NULL AS topk, count(*)::int AS refreshes,
              avg(coalesce((to_jsonb(h) ->> 'rows_updated')::bigint, 0)
                  + greatest(h.rows_inserted, h.rows_deleted))::float8 AS changed
       FROM pgtrickle.pgt_stream_tables st
       LEFT JOIN pgtrickle.pgt_refresh_history h ON h.pgt_id = st.pgt_id
        AND h.status = 'COMPLETED' AND h.action NOT IN ('NO_DATA') AND h.start_time >= $1
       GROUP BY st.pgt_id, st.pgt_name, st.topk_limit ORDER BY st.pgt_id`,
      [started.toISOString()],
    );
    for (const h of hist) {
      const table = String(h.pgt_name);
      const [n] = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
      const held = Number(n?.n ?? 0);
      const changed = Number(h.changed ?? 0);
      out.push({
        level: levelOf(finance, table),
        table,
        refreshes: Number(h.refreshes),
        rowsHeld: held,
        changedPerRefresh: round(changed, 2),
        ratio: round(held ? changed / held : 0, 3),
        effectiveModes: [...(modes.get(table) ?? [])].sort(),
        ...(h.topk
          ? {
              note: 'top-K: the engine counts the rows its MERGE touched; what a reader saw change is below',
            }
          : {}),
      });
    }
    return out;
  });
  return {
    runSeconds,
    ticks: sum?.ticks ?? 0,
    rows,
    l10ChangedPerTickSeen: round(l10Changed / Math.max(1, sum?.ticks ?? 1), 3),
  };
}

export interface LogDurations {
  table: string;
  differential: Summary;
  /** Cycles the engine ran FULL (its adaptive fallback), by the warning it logs before them. */
  full: Summary | null;
}

/**
 * pg_trickle logs every refresh it runs, with the time its own clock measured
 * ("pg_trickle: refreshed public.t (DIFFERENTIAL, +1 -0 rows, 12ms)"), and warns before a cycle it
 * falls back to FULL. Where the catalog records no duration, the server's log still does.
 */
export function durationsFromLog(text: string, since: Date, tables: string[]): LogDurations[] {
  const line = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) UTC \[(\d+)\] (?:LOG|WARNING):\s+(.*)$/;
  const fallback = new Set<string>(); // pid:table of a cycle announced as FULL
  const out = new Map(tables.map((t) => [t, { diff: [] as number[], full: [] as number[] }]));
  for (const raw of text.split('\n')) {
    const m = line.exec(raw);
    if (!m) continue;
    const at = new Date(`${m[1]?.replace(' ', 'T')}Z`);
    if (at < since) continue;
    const pid = m[2];
    const msg = m[3] ?? '';
    const fb = /Falling back to FULL refresh for public\.(\w+)/.exec(msg);
    if (fb) {
      fallback.add(`${pid}:${fb[1]}`);
      continue;
    }
    const r = /pg_trickle: refreshed public\.(\w+) \((\w+), .*?(\d+)ms\)/.exec(msg);
    if (!r) continue;
    const bucket = out.get(r[1] ?? '');
    if (!bucket || r[2] === 'NO_DATA') continue;
    const key = `${pid}:${r[1]}`;
    const isFull = r[2] === 'FULL' || fallback.delete(key);
    (isFull ? bucket.full : bucket.diff).push(Number(r[3]));
  }
  return [...out].flatMap(([table, b]) =>
    b.diff.length === 0
      ? []
      : [{ table, differential: summary(b.diff), full: b.full.length ? summary(b.full) : null }],
  );
}

/** Engine-recorded durations where the engine has them, else client-timed manual refreshes. */
async function durations(cfg: DbConfig, engine: Engine): Promise<RealEngineResults['durations']> {
  if (engine.kind !== 'pg_trickle') throw new Error('not a pg_trickle server');
  if (engine.features.durationMs) {
    const rows = await withDb(cfg, 'finance_demo', (db) =>
      db.query(
        `SELECT st.pgt_name, h.action, array_agg(h.duration_ms) AS ms
         FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables st USING (pgt_id)
         WHERE h.status = 'COMPLETED' AND h.action IN ('DIFFERENTIAL', 'FULL')
           AND h.duration_ms IS NOT NULL AND h.start_time > now() - interval '30 minutes'
         GROUP BY st.pgt_name, h.action HAVING count(*) >= 5 ORDER BY 1, 2`,
      ),
    );
    return {
      source: 'engine',
      rows: rows.map((r) => ({
        table: String(r.pgt_name),
        action: String(r.action),
        ms: summary((r.ms as number[]).map(Number)),
      })),
    };
  }
  // The engine records no duration: time manual refreshes of one table from the client, on a
  // copy of the ecommerce database loaded with an hour of orders, the scheduler kept off it.
  const ecommerce = findScenario('ecommerce') as Scenario;
  const database = 'ecommerce_demo_rbench';
  await withDb(cfg, 'postgres', (db) =>
    db.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
  );
  await bootstrapScenario(cfg, bootstrapSpec(ecommerce, database), compatSql());
  const RUNS = 40;
  const timeRefreshes = async (db: Db) => {
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await db.query(
        `INSERT INTO orders (customer_id, product_id, quantity, unit_price) VALUES ($1, $2, 1, 10)`,
        [1 + (i % 30), 1 + (i % 15)],
      );
      const t = performance.now();
      await db.query(`SELECT pgtrickle.refresh_stream_table('customer_stats')`);
      ms.push(round(performance.now() - t, 2));
    }
    return ms;
  };
  const result = await withDb(
    cfg,
    database,
    async (db) => {
      await db.query(
        `INSERT INTO orders (customer_id, product_id, quantity, unit_price, ordered_at)
         SELECT 1 + g % 30, 1 + g % 15, 1 + g % 3, 10 + g % 90, now() - (g % 3600) * interval '1 second'
         FROM generate_series(1, 3600) g`,
      );
      await db.query(
        `SELECT pgtrickle.alter_stream_table(name => 'customer_stats', schedule => '1h')`,
      );
      await db.query(`SELECT pgtrickle.refresh_stream_table('customer_stats')`);
      const differential = await timeRefreshes(db);
      await db.query(
        `SELECT pgtrickle.alter_stream_table(name => 'customer_stats', refresh_mode => 'FULL')`,
      );
      await db.query(`SELECT pgtrickle.refresh_stream_table('customer_stats')`);
      const full = await timeRefreshes(db);
      const [n] = await db.query('SELECT count(*)::int AS n FROM orders');
      return { differential, full, orders: Number(n?.n) };
    },
    { statementTimeoutMs: 60_000 },
  );
  await withDb(cfg, 'postgres', (db) => db.query(`DROP DATABASE ${database} WITH (FORCE)`));
  return {
    source: 'client',
    why: `pg_trickle ${engine.version} records no refresh duration (start and end share one clock reading)`,
    table: `customer_stats over ${result.orders} orders (30 rows)`,
    rowsInTable: 30,
    differential: summary(result.differential),
    full: summary(result.full),
  };
}

export async function runRealEngineBench(url: string): Promise<RealEngineResults> {
  const log = (m: string) => console.log(`[bench:engine] ${m}`);
  const database = await startDatabase({ databaseUrl: url });
  const dash = { stop: async () => {} } as { stop(): Promise<void>; url?: string };
  try {
    await setupAll(database.cfg);
    const engine = await withDb(database.cfg, 'ecommerce_demo', detectEngine);
    if (engine.kind !== 'pg_trickle') throw new Error(`${url} has no pg_trickle (${engine.kind})`);
    log(`pg_trickle ${engine.version}`);
    const roles = roleConfigs(database.cfg);
    Object.assign(
      dash,
      await startWrangler({ vars: { ...dbVars(roles.reader), RATE_LIMIT: 'off' } }),
    );
    const benchStart = new Date();
    const EVENTS = Number(process.env.BENCH_FRESHNESS_EVENTS ?? 40);
    log(`freshness: ${EVENTS} orders and ${EVENTS} trades, page polled every 2 s`);
    const [f1, f10] = await measureDemoFreshness({
      writeCfg: roles.writer,
      readCfg: roles.reader,
      dashboardUrl: dash.url as string,
      events: EVENTS,
    });
    const RUN_S = Number(process.env.BENCH_LEVELS_SECONDS ?? 180);
    log(`finance levels: the generator for ${RUN_S} s`);
    const levels = await financeLevels(database.cfg, roles.writer, RUN_S);
    const logPath = process.env.PGTRICKLE_BENCH_LOG;
    const engineLog = logPath
      ? {
          path: logPath,
          rows: durationsFromLog(readFileSync(logPath, 'utf8'), benchStart, [
            ...(findScenario('ecommerce') as Scenario).streamTables.map((t) => t.name),
            ...(findScenario('finance') as Scenario).streamTables.map((t) => t.name),
          ]),
        }
      : undefined;
    log('refresh durations');
    const dur = await durations(database.cfg, engine);
    return {
      engine: `pg_trickle ${engine.version}`,
      measuredAt: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      freshness: {
        events: EVENTS,
        limitMs: 3000,
        stream1s: { visitor: summary(f1.visitor), server: summary(f1.server) },
        financeL10: { visitor: summary(f10.visitor), server: summary(f10.server) },
      },
      financeLevels: levels,
      ...(engineLog ? { engineLog } : {}),
      durations: dur,
    };
  } finally {
    await dash.stop();
    await database.stop();
  }
}

const fmtS = (s: Summary) =>
  `${round(s.p50, 0)} | ${round(s.p95, 0)} | ${round(s.p99, 0)} | ${round(s.min, 0)}–${round(s.max, 0)}`;

export function realEngineMarkdown(r: RealEngineResults): string[] {
  const f = r.freshness;
  const lines = [
    SECTION,
    '',
    `Measured ${r.measuredAt.slice(0, 10)} on **${r.engine}** (built from its source beside the project, PostgreSQL 18.6, \`shared_preload_libraries = pg_trickle\`, trigger-based capture, fused refresh off), ${r.machine}, with \`PGTRICKLE_BENCH_URL=… npm run bench:engine\`. The dashboard Worker ran in wrangler dev as demo_reader, events were written as demo_writer through our proxy, on one machine with the server.`,
    '',
    `### Freshness as a visitor sees it (${f.events} events each)`,
    '',
    'Visitor: INSERT → a poll of the page (every 2 s, at a random phase to the write, through the edge cache) shows the new value. Server: INSERT → the stream table shows it (polled every 25 ms).',
    '',
    '| stream table | part | p50 ms | p95 ms | p99 ms | min–max ms | p95 / limit (1 s + 2 s poll) |',
    '|---|---|---|---|---|---|---|',
    `| customer_stats (1 s) | visitor | ${fmtS(f.stream1s.visitor)} | ${round(f.stream1s.visitor.p95 / f.limitMs, 2)} |`,
    `| customer_stats (1 s) | server | ${fmtS(f.stream1s.server)} | — |`,
    `| breach_dashboard (finance L10) | visitor | ${fmtS(f.financeL10.visitor)} | ${round(f.financeL10.visitor.p95 / f.limitMs, 2)} |`,
    `| breach_dashboard (finance L10) | server | ${fmtS(f.financeL10.server)} | — |`,
    '',
    `### Finance, level by level (the generator for ${r.financeLevels.runSeconds} s, ${r.financeLevels.ticks} ticks)`,
    '',
    'Rows changed per refresh = updated + the greater of inserted and deleted, as the engine recorded them; ratio = that over the rows the table holds.',
    '',
    '| level | stream table | refreshes | rows held | rows changed / refresh | change ratio | effective modes seen |',
    '|---|---|---|---|---|---|---|',
    ...r.financeLevels.rows.map(
      (x) =>
        `| ${x.level} | ${x.table}${x.note ? ' ¹' : ''} | ${x.refreshes} | ${x.rowsHeld} | ${x.changedPerRefresh} | ${x.ratio} | ${x.effectiveModes.join(', ')} |`,
    ),
    '',
    `¹ top-K table: the engine's counts are the rows its MERGE touched. Rows of breach_dashboard a reader saw change: ${r.financeLevels.l10ChangedPerTickSeen} per generator tick (sampled every second).`,
    '',
    '### Refresh duration, DIFFERENTIAL vs FULL',
    '',
  ];
  if (r.engineLog) {
    lines.push(
      `From the engine's own clock, as it logs each refresh (\`pg_trickle: refreshed … Nms\`; a cycle it announced as a fallback to FULL counts as FULL), over the whole run above (${r.engineLog.rows.reduce((n, x) => n + x.differential.n + (x.full?.n ?? 0), 0)} refreshes that did work):`,
      '',
      '| stream table | DIFFERENTIAL n | p50 ms | p95 ms | p99 ms | min–max ms | FULL (fallback) n | p50 ms | p95 ms | min–max ms |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...r.engineLog.rows.map(
        (x) =>
          `| ${x.table} | ${x.differential.n} | ${fmtS(x.differential)} | ${x.full ? `${x.full.n} | ${round(x.full.p50, 0)} | ${round(x.full.p95, 0)} | ${round(x.full.min, 0)}–${round(x.full.max, 0)}` : '0 | — | — | —'} |`,
      ),
      '',
    );
  }
  const d = r.durations;
  if (d.source === 'engine') {
    lines.push(
      'From the engine’s `duration_ms` over the last 30 minutes.',
      '',
      '| stream table | action | p50 ms | p95 ms | p99 ms | min–max ms |',
      '|---|---|---|---|---|---|',
      ...d.rows.map((x) => `| ${x.table} | ${x.action} | ${fmtS(x.ms)} |`),
    );
  } else {
    lines.push(
      `Not recorded by this version: ${d.why}. Instead, manual \`pgtrickle.refresh_stream_table()\` calls timed by the client (round trip through the proxy included), one new order before each, on ${d.table}, first in DIFFERENTIAL mode, then altered to FULL.`,
      '',
      '| mode | runs | p50 ms | p95 ms | p99 ms | min–max ms |',
      '|---|---|---|---|---|---|',
      `| DIFFERENTIAL | ${d.differential.n} | ${fmtS(d.differential)} |`,
      `| FULL | ${d.full.n} | ${fmtS(d.full)} |`,
    );
  }
  return lines;
}

/** Replaces (or appends) the real-engine section of RESULTS.md; it is always the last one. */
export function writeRealEngineSection(r: RealEngineResults): void {
  const md = existsSync(MD_FILE) ? readFileSync(MD_FILE, 'utf8') : '# Benchmark results\n';
  const at = md.indexOf(`\n${SECTION}`);
  const head = (at < 0 ? md : md.slice(0, at)).trimEnd();
  writeFileSync(MD_FILE, `${head}\n\n${realEngineMarkdown(r).join('\n')}\n`);
}

export function lastRealEngineResults(): RealEngineResults | undefined {
  return existsSync(JSON_FILE) ? JSON.parse(readFileSync(JSON_FILE, 'utf8')) : undefined;
}

export async function benchRealEngine(url: string): Promise<RealEngineResults> {
  const r = await runRealEngineBench(url);
  writeFileSync(JSON_FILE, `${JSON.stringify(r, null, 2)}\n`);
  writeRealEngineSection(r);
  console.log(realEngineMarkdown(r).join('\n'));
  return r;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.PGTRICKLE_BENCH_URL;
  if (!url) {
    console.error(
      'bench:engine needs PGTRICKLE_BENCH_URL=postgres://user:pw@host:5432/postgres (a pg_trickle server, superuser role)',
    );
    process.exit(2);
  }
  await benchRealEngine(url);
}
