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
import { detectEngine, withDb } from '../db';
import { ROOT } from '../local/paths';
import { setupAll } from '../local/scenario-setup';
import { roleConfigs, startDatabase } from '../local/stack';
import { findScenario } from '../scenarios';
import type { Scenario } from '../scenarios/types';
import '../local/driver';
import { durations, durationsFromLog } from './measure/engine-durations';
import { measureEngineInterval } from './measure/engine-interval';
import { financeLevels } from './measure/engine-levels';
import type { RealEngineResults, Summary } from './measure/engine-types';
import { measureEngineWorkers } from './measure/engine-workers';
import { measureNetwork, networkMarkdown } from './measure/network';
import { measureProof, proofMarkdown } from './measure/proof';
import { refuseOtherSchedulers } from './measure/section';
import { round } from './stats';

export type { RealEngineResults } from './measure/engine-types';

/** "deadlock detected" lines in a server log since `since` (lines start with their timestamp). */
export function deadlockLines(log: string, since: Date): number {
  return log.split('\n').filter((line) => {
    if (!line.includes('deadlock detected')) return false;
    const at = Date.parse(`${line.slice(0, 23).replace(' ', 'T')}Z`);
    return Number.isFinite(at) && at >= since.getTime();
  }).length;
}

const JSON_FILE = join(ROOT, 'bench', 'real-engine.json');
const MD_FILE = join(ROOT, 'bench', 'RESULTS.md');
const SECTION = '## Real pg_trickle';

export async function runRealEngineBench(url: string): Promise<RealEngineResults> {
  const log = (m: string) => console.log(`[bench:engine] ${m}`);
  const database = await startDatabase({ databaseUrl: url });
  try {
    await setupAll(database.cfg);
    const engine = await withDb(database.cfg, 'ecommerce_demo', detectEngine);
    if (engine.kind !== 'pg_trickle') throw new Error(`${url} has no pg_trickle (${engine.kind})`);
    log(`pg_trickle ${engine.version}`);
    await refuseOtherSchedulers(database.cfg);
    const roles = roleConfigs(database.cfg);
    const benchStart = new Date();
    const deadlocks = () =>
      withDb(database.cfg, 'postgres', async (c) => {
        const [r] = await c.query('SELECT sum(deadlocks)::bigint AS n FROM pg_stat_database');
        return Number(r?.n ?? 0);
      });
    const deadlocksBefore = await deadlocks();
    const settings = await withDb(database.cfg, 'postgres', async (c) => {
      const [r] = await c.query(
        `SELECT current_setting('server_version') AS server,
                current_setting('pg_trickle.scheduler_interval_ms', true) AS interval_ms,
                current_setting('pg_trickle.parallel_refresh_mode', true) AS parallel,
                current_setting('pg_trickle.max_concurrent_refreshes', true) AS concurrent`,
      );
      return {
        server: String(r?.server),
        schedulerIntervalMs: r?.interval_ms === null ? null : String(r?.interval_ms),
        parallelRefreshMode: r?.parallel === null ? null : String(r?.parallel),
        maxConcurrentRefreshes: r?.concurrent === null ? null : String(r?.concurrent),
      };
    });
    log('the engine part at two scheduler intervals');
    const interval = await measureEngineInterval({
      admin: database.cfg,
      writer: roles.writer,
      reader: roles.reader,
      seconds: Number(process.env.BENCH_INTERVAL_SECONDS ?? 90),
      log,
    });
    const logPathEarly = process.env.PGTRICKLE_BENCH_LOG;
    log('deadlocks: four refresh workers per database, then one');
    const workers = await measureEngineWorkers({
      admin: database.cfg,
      writer: roles.writer,
      seconds: Number(process.env.BENCH_WORKERS_SECONDS ?? 300),
      ...(logPathEarly
        ? { readLog: () => readFileSync(logPathEarly, 'utf8'), countLogLines: deadlockLines }
        : {}),
      log,
    });
    const network = await measureNetwork({
      db: database,
      roles,
      engine: `pg_trickle ${engine.version}`,
      seconds: Number(process.env.BENCH_FRESHNESS_SECONDS ?? 60),
      log,
    });
    const proof = await measureProof({
      adminCfg: database.cfg,
      writerCfg: roles.writer,
      engine: `pg_trickle ${engine.version}`,
      runSeconds: Number(process.env.BENCH_PROOF_SECONDS ?? 120),
      log,
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
    const logText = logPath ? readFileSync(logPath, 'utf8') : undefined;
    const deadlockRun = {
      seconds: Math.round((Date.now() - benchStart.getTime()) / 1000),
      statDatabase: (await deadlocks()) - deadlocksBefore,
      ...(logText ? { logLines: deadlockLines(logText, benchStart) } : {}),
    };
    return {
      engine: `pg_trickle ${engine.version}`,
      measuredAt: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      settings,
      interval,
      network,
      proof,
      workers,
      deadlocks: deadlockRun,
      financeLevels: levels,
      ...(engineLog ? { engineLog } : {}),
      durations: dur,
    };
  } finally {
    await database.stop();
  }
}

const fmtS = (s: Summary) =>
  `${round(s.p50, 0)} | ${round(s.p95, 0)} | ${round(s.p99, 0)} | ${round(s.min, 0)}–${round(s.max, 0)}`;

export function realEngineMarkdown(r: RealEngineResults): string[] {
  const s = r.settings;
  const lines = [
    SECTION,
    '',
    `Measured ${r.measuredAt.slice(0, 10)} on **${r.engine}** (built from its source beside the project, PostgreSQL ${s.server} as the server reports itself, \`shared_preload_libraries = pg_trickle\`, trigger-based capture, fused refresh off, \`scheduler_interval_ms = ${s.schedulerIntervalMs ?? 'n/a'}\`, \`parallel_refresh_mode = ${s.parallelRefreshMode ?? 'n/a'}\`, \`max_concurrent_refreshes = ${s.maxConcurrentRefreshes ?? 'n/a'}\`), ${r.machine}, with \`PGTRICKLE_BENCH_URL=… npm run bench:engine\`. The dashboards ran in wrangler dev as demo_reader, events were written as demo_writer through our proxy, on one machine with the server.`,
    '',
    '### What the scheduler interval buys',
    '',
    `The engine's own part: an order INSERTed → \`customer_stats\` includes it (read every 25 ms beside the database), orders about once a second at random moments, no generator running, at pg_trickle's default \`scheduler_interval_ms\` (1000) and at the bootstrap's (100). 0.67 waits the interval after each pass's work.`,
    '',
    '| scheduler_interval_ms | orders | p50 ms | p95 ms | p99 ms | min–max ms |',
    '|---|---|---|---|---|---|',
    ...r.interval.map((x) => `| ${x.intervalMs} | ${x.ms.n} | ${fmtS(x.ms)} |`),
    '',
    '### Freshness and database load at a distance',
    '',
    ...networkMarkdown(r.network),
    ...(r.proof ? ['### The live proof', '', ...proofMarkdown(r.proof)] : []),
    ...(r.workers?.length
      ? [
          '### Deadlocks: four refresh workers per database, or one',
          '',
          `The generator on all three scenarios plus visitor actions at the cap (each scenario's actions in turn, as often as its cap of 12 a minute allows), for the same time under pg_trickle's default \`max_concurrent_refreshes\` (4) and the bootstrap's (1), \`parallel_refresh_mode = on\` in both.`,
          '',
          '| max_concurrent_refreshes | seconds | deadlocks (pg_stat_database) | "deadlock detected" log lines | refreshes that did work | visitor actions |',
          '|---|---|---|---|---|---|',
          ...r.workers.map(
            (x) =>
              `| ${x.maxConcurrentRefreshes} | ${x.seconds} | ${x.deadlocks} | ${x.logLines ?? 'no log given'} | ${x.refreshes} | ${x.actions} |`,
          ),
          '',
        ]
      : []),
    ...(r.deadlocks
      ? [
          '### Deadlocks over the whole run',
          '',
          `Over the whole run (${r.deadlocks.seconds} s, \`parallel_refresh_mode = ${s.parallelRefreshMode ?? 'n/a'}\`, \`max_concurrent_refreshes = ${s.maxConcurrentRefreshes ?? 'n/a'}\`): ${r.deadlocks.statDatabase} counted by \`pg_stat_database.deadlocks\`${r.deadlocks.logLines !== undefined ? `, ${r.deadlocks.logLines} "deadlock detected" lines in the server log` : ''}.`,
          '',
        ]
      : []),
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
