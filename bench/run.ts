// `npm run bench`: how fresh, how fast, how cheap — measured on this machine against the local
// stack (embedded PostgreSQL 18 in compatibility mode, our proxy, the Workers in wrangler dev).
// Prints a table and writes bench/results.json and bench/RESULTS.md. Figures are medians and
// percentiles with min–max; these machines are noisy, so compare ratios, not absolutes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { refreshDue } from '../cron/run';
import { type Db, type DbConfig, withDb } from '../db';
import { freePort } from '../db/local/embedded';
import { type RunningProxy, startWsProxy } from '../db/local/ws-proxy';
import { scenarios } from '../scenarios';
import { createRandom, tickSeed } from '../scenarios/random';
import type { Scenario } from '../scenarios/types';
import {
  dbVars,
  ROOT,
  roleConfigs,
  setupAll,
  startDatabase,
  startWrangler,
} from '../scripts/stack';
import { freshScenario } from '../tests/helpers';
import { simulate } from '../tests/simulate';
import { measureDemoFreshness, probes } from './freshness';
import { benchRealEngine, lastRealEngineResults, writeRealEngineSection } from './real-engine';
import { median, percentile, round, summary } from './stats';

const t0 = Date.now();
const log = (m: string) => console.log(`[bench +${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const results: Record<string, unknown> = {};

// ---- 5b. Bootstrap of all three scenarios on an empty server -------------------------------
log('starting an empty embedded PostgreSQL 18');
const db = await startDatabase({});
const tb = Date.now();
await setupAll(db.cfg);
const bootstrapMs = Date.now() - tb;
log(`bootstrap of all three scenarios: ${bootstrapMs} ms`);

const roles = roleConfigs(db.cfg);
const proxyOn = await startWsProxy();
const proxyOff = await startWsProxy();
const via = (cfg: DbConfig, proxy: RunningProxy) => ({ ...cfg, DB_WS_PROXY: proxy.url });
const [dashOn, dashOff] = await Promise.all([
  startWrangler({ vars: { ...dbVars(via(roles.reader, proxyOn)), RATE_LIMIT: 'off' } }),
  startWrangler({
    vars: { ...dbVars(via(roles.reader, proxyOff)), RATE_LIMIT: 'off', EDGE_CACHE: 'off' },
  }),
]);

// ---- 1. Freshness: INSERT → a fragment served by the Worker shows it ------------------------
/** The engine's side in compatibility mode: refresh what is due every second, as the generator does. */
function refreshLoop(cfg: DbConfig, database: string, stop: { done: boolean }) {
  return withDb(cfg, database, async (c) => {
    while (!stop.done) {
      const started = Date.now();
      await refreshDue(c, new Date());
      await sleep(Math.max(0, 1000 - (Date.now() - started)));
    }
  });
}

log(
  'freshness: 100 orders (customer_stats, 1 s) and 100 trades (breach_dashboard, L10), page polled every 2 s',
);
const stop = { done: false };
const loops = [
  refreshLoop(roles.writer, 'ecommerce_demo', stop),
  refreshLoop(roles.writer, 'finance_demo', stop),
];
const EVENTS = 100;
const [f1, f10] = await measureDemoFreshness({
  writeCfg: roles.writer,
  readCfg: roles.reader,
  dashboardUrl: dashOn.url,
  events: EVENTS,
});
const fresh1s = f1.visitor;
const freshL10 = f10.visitor;
stop.done = true;
await Promise.all(loops);
const limitMs = (scheduleS: number) => (scheduleS + 2) * 1000; // schedule + the page's 2 s poll
results.freshness = {
  measuredOn:
    'compatibility mode (full refresh every second, driven like the generator), edge cache on',
  pollNote:
    'visitor: the page polled every 2 s at a random phase to the write; server: the stream table polled every 25 ms',
  stream1s: {
    ...summary(fresh1s),
    limitMs: limitMs(1),
    p95OverLimit: round(percentile(fresh1s, 95) / limitMs(1), 2),
    server: summary(f1.server),
  },
  financeL10: {
    ...summary(freshL10),
    limitMs: limitMs(1),
    p95OverLimit: round(percentile(freshL10, 95) / limitMs(1), 2),
    server: summary(f10.server),
    note: 'net_positions (1 s) → 9 calculated levels → breach_dashboard',
  },
};
log(
  `freshness 1 s table p50 ${median(fresh1s)} ms p95 ${percentile(fresh1s, 95)} ms; L10 p50 ${median(freshL10)} ms p95 ${percentile(freshL10, 95)} ms`,
);

// ---- 2. Fragment serving under load, next to a static asset ---------------------------------
async function closedLoop(url: string, clients: number, ms: number) {
  const lat: number[] = [];
  const end = Date.now() + ms;
  let errors = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const s = performance.now();
        try {
          const r = await fetch(url);
          await r.arrayBuffer();
          if (!r.ok) errors++;
        } catch {
          errors++;
        }
        lat.push(performance.now() - s);
      }
    }),
  );
  return { ...summary(lat), rps: round(lat.length / (ms / 1000), 0), errors };
}

const serving: Record<string, unknown> = {};
for (const c of [1, 50, 200]) {
  const runs: {
    frag: Awaited<ReturnType<typeof closedLoop>>;
    stat: Awaited<ReturnType<typeof closedLoop>>;
  }[] = [];
  for (let r = 0; r < 3; r++) {
    const frag = await closedLoop(`${dashOn.url}/fragments/all?scenario=ecommerce`, c, 3000);
    const stat = await closedLoop(`${dashOn.url}/app.css`, c, 3000);
    runs.push({ frag, stat });
  }
  const m = (f: (x: (typeof runs)[number]) => number) => round(median(runs.map(f)), 1);
  serving[`${c}`] = {
    fragmentP50ms: m((x) => x.frag.p50),
    fragmentP99ms: m((x) => x.frag.p99),
    fragmentRps: m((x) => x.frag.rps),
    staticP50ms: m((x) => x.stat.p50),
    staticP99ms: m((x) => x.stat.p99),
    staticRps: m((x) => x.stat.rps),
    p50Ratio: round(m((x) => x.frag.p50) / m((x) => x.stat.p50), 2),
    rpsRatio: round(m((x) => x.frag.rps) / m((x) => x.stat.rps), 2),
    fragmentP50RangeMs: [
      round(Math.min(...runs.map((x) => x.frag.p50))),
      round(Math.max(...runs.map((x) => x.frag.p50))),
    ],
    errors: runs.reduce((s, x) => s + x.frag.errors + x.stat.errors, 0),
  };
  log(`serving ${c} clients: ${JSON.stringify(serving[`${c}`])}`);
}
results.serving = {
  measuredOn: 'closed loop on loopback, 3 runs × 3 s per level, medians',
  levels: serving,
};

// ---- 3. Database load per visitor, edge caching on and off -----------------------------------
async function pollers(url: string, n: number, seconds: number, proxy: RunningProxy) {
  await sleep(2000);
  const before = proxy.total();
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await sleep((2000 * i) / n);
      while (Date.now() < end) {
        const s = Date.now();
        await fetch(url)
          .then((r) => r.arrayBuffer())
          .catch(() => undefined);
        await sleep(Math.max(0, 2000 - (Date.now() - s)));
      }
    }),
  );
  return round((proxy.total() - before) / seconds, 2);
}
const load: Record<string, { cacheOn: number; cacheOff: number }> = {};
for (const n of [1, 50, 200]) {
  const on = await pollers(`${dashOn.url}/fragments/all?scenario=fraud`, n, 10, proxyOn);
  const off = await pollers(`${dashOff.url}/fragments/all?scenario=fraud`, n, 10, proxyOff);
  load[n] = { cacheOn: on, cacheOff: off };
  log(`db sessions/s with ${n} pollers: cache on ${on}, off ${off}`);
}
results.dbLoad = {
  measuredOn:
    'pollers every 2 s for 10 s; database sessions opened per second (one per fragment computation, ~20 queries each)',
  sessionsPerSecond: load,
  ratios: {
    cacheOn200vs1: round((load[200]?.cacheOn ?? 0) / (load[1]?.cacheOn ?? 1), 2),
    cacheOff200vs1: round((load[200]?.cacheOff ?? 0) / (load[1]?.cacheOff ?? 1), 2),
    off200vsOn200: round((load[200]?.cacheOff ?? 0) / (load[200]?.cacheOn ?? 1), 1),
  },
};

// ---- 4. Weight --------------------------------------------------------------------------------
const weight: Record<string, unknown> = {};
for (const s of scenarios) {
  const html = await (await fetch(`${dashOn.url}/?scenario=${s.id}`)).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/[^"?#]+\.(?:js|css|svg))"/g)].map(
    (m) => m[1] as string,
  );
  let bytes = gzipSync(html).length;
  for (const a of assets)
    bytes += gzipSync(Buffer.from(await (await fetch(`${dashOn.url}${a}`)).arrayBuffer())).length;
  const poll = await (await fetch(`${dashOn.url}/fragments/all?scenario=${s.id}`)).text();
  weight[s.id] = {
    firstLoadRequests: 1 + assets.length,
    firstLoadKiBGzip: round(bytes / 1024, 1),
    perPollKiBGzip: round(gzipSync(poll).length / 1024, 1),
    perPollKiBRaw: round(poll.length / 1024, 1),
  };
}
const bundleDir = mkdtempSync(join(tmpdir(), 'pgtd-bundle-'));
spawnSync(
  process.execPath,
  [
    join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
    'deploy',
    '--env=',
    '--dry-run',
    '--outdir',
    bundleDir,
  ],
  { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
);
const bundle = readFileSync(join(bundleDir, 'index.js'));
rmSync(bundleDir, { recursive: true, force: true });
results.weight = {
  measuredOn:
    'bytes gzip-compressed here (wrangler dev does not compress); requests = HTML + its assets',
  scenarios: weight,
  dashboardBundleKiBGzip: round(gzipSync(bundle).length / 1024, 1),
};
log(`weight: ${JSON.stringify(results.weight)}`);

await Promise.all([dashOn.stop(), dashOff.stop()]);
await proxyOn.close();
await proxyOff.close();

// ---- 6. Generator headroom (compatibility mode) ----------------------------------------------
/** One refresh cycle per second must fit in the second: the tick's writes plus refresh_due. */
async function headroom(s: Scenario) {
  const copy = await freshScenario(db.cfg, s, 'bench');
  const rates = [1, 4, 16, 64, 256];
  const out: Record<string, number> = {};
  let sustained = 0;
  const start = Date.now() + 3_600_000;
  await withDb(
    db.cfg,
    copy.database,
    async (c) => {
      // First an hour of ordinary traffic, so that the tables have their steady-state sizes.
      await simulate(c, copy, {
        start: start - 3_600_000,
        seconds: 3600,
        seed: 11,
        refreshEvery: 300,
        retentionMinutes: 60,
      });
      let state = copy.generator.initialState();
      let world = await copy.generator.loadWorld(c);
      let cycle = 0;
      for (const rate of rates) {
        const durations: number[] = [];
        for (let k = 0; k < 15; k++) {
          const now = new Date(start + cycle * 1000);
          const s0 = performance.now();
          await c.query('BEGIN');
          for (let j = 0; j < rate; j++) {
            const r = copy.generator.tick(
              state,
              world,
              createRandom(tickSeed(7, cycle * 100 + j)),
              now,
            );
            state = r.state;
            world = copy.generator.updateWorld(world, r.writes);
            await copy.generator.apply(c, r.writes);
          }
          await c.query('COMMIT');
          await refreshDue(c, now);
          durations.push(performance.now() - s0);
          cycle++;
        }
        out[`${rate}/s`] = round(percentile(durations, 95), 0);
        if (percentile(durations, 95) > 1000) break;
        sustained = rate;
      }
    },
    { statementTimeoutMs: 60_000 },
  );
  return {
    cycleP95ms: out,
    highestSustainedTicksPerSecond: sustained,
    atTheTopOfTheRange: sustained === rates.at(-1),
  };
}
const head: Record<string, unknown> = {};
for (const s of scenarios) {
  head[s.id] = await headroom(s);
  log(`headroom ${s.id}: ${JSON.stringify(head[s.id])}`);
}
results.headroom = {
  measuredOn:
    'compatibility mode, after an hour of ordinary traffic (steady-state table sizes); generator ticks per second (each about 1–2 events) applied and refreshed in one cycle; sustained = p95 of the cycle ≤ 1 s, so freshness stays within ~2× of the 1 s schedule',
  scenarios: head,
};
await db.stop();

// ---- 5a. npm run dev from a checkout with dependencies installed to first live data ----------
async function devStartup(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pgtd-dev-'));
  spawnSync('chmod', ['755', dataDir]);
  const port = await freePort();
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/dev.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), PGDATA_DIR: join(dataDir, 'pg') },
      stdio: 'ignore',
    },
  );
  try {
    let first = Number.NaN;
    for (;;) {
      if (Date.now() - started > 120_000) throw new Error('npm run dev: no live data after 120 s');
      const html = await fetch(`http://127.0.0.1:${port}/fragments/kpis?scenario=ecommerce`).then(
        (r) => (r.ok ? r.text() : ''),
        () => '',
      );
      const orders = Number(probes.ordersKpi().readPage(html).replaceAll(',', '') || Number.NaN);
      if (Number.isFinite(orders)) {
        if (Number.isNaN(first)) first = orders;
        else if (orders !== first) return Date.now() - started;
      }
      await sleep(100);
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
const devRuns: number[] = [];
for (let i = 0; i < 2; i++) devRuns.push(await devStartup());
results.startup = {
  measuredOn: 'scripts/dev.ts (what npm run dev runs after vendoring), empty data directory',
  // Two runs (each starts a cluster from nothing): both are reported, not a "median" of two.
  devToFirstLiveDataMs: { runs: devRuns, min: Math.min(...devRuns), max: Math.max(...devRuns) },
  bootstrapAllThreeOnEmptyServerMs: bootstrapMs,
};
log(`startup: ${JSON.stringify(results.startup)}`);

// ---- Output -----------------------------------------------------------------------------------
const machine = {
  date: new Date().toISOString(),
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: round(totalmem() / 2 ** 30, 0),
  node: process.version,
  postgres: 'embedded PostgreSQL 18.4, compatibility mode (no pg_trickle)',
  totalBenchSeconds: round((Date.now() - t0) / 1000, 0),
};
const all = { machine, ...results };
writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(all, null, 2)}\n`);

type Fresh = ReturnType<typeof summary> & {
  p95OverLimit: number;
  server: ReturnType<typeof summary>;
};
const f = results.freshness as { stream1s: Fresh; financeL10: Fresh };
const freshRow = (label: string, x: Fresh) => [
  `| ${label} | visitor | ${x.n} | ${x.p50} | ${x.p95} | ${x.p99} | ${x.min}–${x.max} | ${x.p95OverLimit} |`,
  `| ${label} | server | ${x.server.n} | ${x.server.p50} | ${x.server.p95} | ${x.server.p99} | ${x.server.min}–${x.server.max} | — |`,
];
const md = [
  '# Benchmark results',
  '',
  `Measured ${machine.date.slice(0, 10)} on ${machine.cpus}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.postgres}. Re-run with \`npm run bench\` (about ${Math.ceil(machine.totalBenchSeconds / 60)} min); raw figures in [results.json](results.json). Medians and percentiles; min–max where runs repeat. Every section but the last is **compatibility mode** (full refresh, no pg_trickle) on one small machine; the last, "Real pg_trickle", was measured on the extension and says which version.`,
  '',
  '## Freshness as a visitor sees it (compatibility mode)',
  '',
  'Visitor: INSERT → a poll of the page (every 2 s, at a random phase to the write, through the edge cache) shows the new value. Server: INSERT → the stream table shows it (polled every 25 ms).',
  '',
  '| stream table | part | events | p50 ms | p95 ms | p99 ms | min–max ms | p95 / limit (1 s + 2 s poll) |',
  '|---|---|---|---|---|---|---|---|',
  ...freshRow('customer_stats (1 s)', f.stream1s),
  ...freshRow('breach_dashboard (finance L10)', f.financeL10),
  '',
  '## Fragment serving vs a static asset (closed loop, loopback)',
  '',
  '| clients | fragment p50 / p99 ms | fragment req/s | static p50 / p99 ms | static req/s | p50 ratio | req/s ratio |',
  '|---|---|---|---|---|---|---|',
  ...Object.entries(serving).map(([c, v]) => {
    const x = v as Record<string, number>;
    return `| ${c} | ${x.fragmentP50ms} / ${x.fragmentP99ms} | ${x.fragmentRps} | ${x.staticP50ms} / ${x.staticP99ms} | ${x.staticRps} | ${x.p50Ratio} | ${x.rpsRatio} |`;
  }),
  '',
  '## Database load per visitor (pollers every 2 s)',
  '',
  '| pollers | sessions/s, edge cache on | sessions/s, cache off (every poll queries) |',
  '|---|---|---|',
  ...Object.entries(load).map(([n, v]) => `| ${n} | ${v.cacheOn} | ${v.cacheOff} |`),
  '',
  `Ratios: 200 vs 1 pollers with the cache ${(results.dbLoad as { ratios: Record<string, number> }).ratios.cacheOn200vs1}×, without ${(results.dbLoad as { ratios: Record<string, number> }).ratios.cacheOff200vs1}×; at 200 pollers, no cache costs ${(results.dbLoad as { ratios: Record<string, number> }).ratios.off200vsOn200}× the sessions. Each session runs the ~20 queries of one fragment.`,
  '',
  '## Weight',
  '',
  '| scenario | first load: requests | first load KiB (gzip) | per poll KiB (gzip / raw) |',
  '|---|---|---|---|',
  ...Object.entries(weight).map(([s, v]) => {
    const x = v as Record<string, number>;
    return `| ${s} | ${x.firstLoadRequests} | ${x.firstLoadKiBGzip} | ${x.perPollKiBGzip} / ${x.perPollKiBRaw} |`;
  }),
  '',
  `Dashboard Worker bundle: ${(results.weight as { dashboardBundleKiBGzip: number }).dashboardBundleKiBGzip} KiB gzip.`,
  '',
  '## Start-up',
  '',
  `- \`npm run dev\` (dependencies installed, empty data directory) to first live data: ${devRuns.join(' ms and ')} ms (${devRuns.length} runs).`,
  `- Bootstrap of all three scenarios on an empty server: ${bootstrapMs} ms.`,
  '',
  '## Generator headroom (compatibility mode)',
  '',
  '| scenario | cycle p95 at 1 / 4 / 16 / 64 / 256 ticks per second (ms) | highest sustained |',
  '|---|---|---|',
  ...Object.entries(head).map(([s, v]) => {
    const x = v as {
      cycleP95ms: Record<string, number>;
      highestSustainedTicksPerSecond: number;
      atTheTopOfTheRange: boolean;
    };
    const top = `${x.atTheTopOfTheRange ? '≥ ' : ''}${x.highestSustainedTicksPerSecond} ticks/s`;
    return `| ${s} | ${Object.values(x.cycleP95ms).join(' / ')} | ${top} |`;
  }),
  '',
  'After an hour of ordinary traffic (steady-state table sizes), a cycle applies that many generator ticks (each about 1–2 events) and runs the compatibility scheduler once; a rate is sustained while the cycle’s p95 fits in the 1 s tick, which keeps freshness within about 2× of the 1 s schedule. The cycle stops at the first rate that does not fit.',
  '',
];
writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), `${md.join('\n')}\n`);
// The real engine's section: measured now when a server is given, else the last one kept.
const engineUrl = process.env.PGTRICKLE_BENCH_URL;
const lastEngine = lastRealEngineResults();
if (engineUrl) await benchRealEngine(engineUrl);
else if (lastEngine) writeRealEngineSection(lastEngine);
console.log(`\n${md.join('\n')}`);
log('wrote bench/results.json and bench/RESULTS.md');
process.exit(0);
