// `npm run bench:condition`: one condition of the freshness bench (bench/measure/network.ts),
// run RUNS times, printed and not written anywhere: for trying a change against the one row that
// matters before running the whole bench. RTT_MS (0), COLOS (1), VISITORS (1), RUNS (3) and
// BENCH_FRESHNESS_SECONDS (60) choose it; with PGTRICKLE_BENCH_URL it runs on that server (as
// `npm run bench:engine` does), else on the embedded PostgreSQL in compatibility mode, with a
// scheduler pass every second as `npm run bench` runs it.
import { detectEngine, engineLabel, withDb } from '../db';
import { setupAll } from '../local/scenario-setup';
import { roleConfigs, startDatabase } from '../local/stack';
import '../local/driver';
import { atDistance, LIMIT_MS, startColos } from './measure/network';
import { compatScheduler, refuseOtherSchedulers } from './measure/section';
import { measureVisitorFreshness, visitorLine, visitorResult } from './measure/visitor-freshness';
import { round, summary } from './stats';

const num = (name: string, otherwise: number) => Number(process.env[name] ?? otherwise);
const rttMs = num('RTT_MS', 0);
const colos = num('COLOS', 1);
const visitors = num('VISITORS', 1);
const runs = num('RUNS', 3);
const seconds = num('BENCH_FRESHNESS_SECONDS', 60);
const url = process.env.PGTRICKLE_BENCH_URL;

const database = await startDatabase(url ? { databaseUrl: url } : {});
const stop = { done: false };
let scheduler: Promise<void> = Promise.resolve();
try {
  await setupAll(database.cfg);
  const roles = roleConfigs(database.cfg);
  const engine = await withDb(database.cfg, 'ecommerce_demo', detectEngine);
  if (engine.kind === 'pg_trickle') await refuseOtherSchedulers(database.cfg);
  if (engine.kind === 'compat') scheduler = compatScheduler(roles.writer, 'ecommerce_demo', stop);
  const { proxy, reader } = await atDistance(database.cfg, roles.reader, rttMs);
  const dashboards = await startColos(reader, colos);
  const p95s: number[] = [];
  try {
    console.log(
      `${engineLabel(engine)}: ${rttMs} ms round trip, ${colos} data centre(s), ${visitors} visitor(s)`,
    );
    for (let i = 0; i < runs; i++) {
      const r = visitorResult(
        await measureVisitorFreshness({
          dashboardUrl: (dashboards[0] as (typeof dashboards)[number]).url,
          otherUrls: dashboards.map((d) => d.url),
          writerCfg: roles.writer,
          readerCfg: roles.reader,
          visitors,
          seconds,
        }),
        LIMIT_MS,
      );
      p95s.push(r.visitor.p95);
      console.log(`run ${i + 1}: ${visitorLine(r)}; server p95 ${r.server.p95} ms`);
    }
    // Every run's p95, and their median only where there are three or more.
    const s = summary(p95s);
    const x = (ms: number) => `${round(ms / LIMIT_MS, 2)}×`;
    const median = runs >= 3 ? `median ${round(s.p50, 0)} ms (${x(s.p50)}), ` : '';
    console.log(
      `visitor p95 per run: ${p95s.map((v) => round(v, 0)).join(', ')} ms; ${median}min–max ${x(s.min)}–${x(s.max)}`,
    );
  } finally {
    await Promise.allSettled(dashboards.map((d) => d.stop()));
    await proxy.close();
  }
} finally {
  stop.done = true;
  await scheduler;
  await database.stop();
}
