// `npm run bench`: how fresh, how fast, how cheap — measured on this machine against the local
// stack (embedded PostgreSQL 18 in compatibility mode, our proxy, the Workers in wrangler dev).
// One module per measurement in measure/; report.ts writes bench/results.json and RESULTS.md.
// Figures are medians and percentiles with min–max; these machines are noisy, so compare
// ratios, not absolutes.
import { withDb } from '../db';
import { setupAll } from '../local/scenario-setup';
import { dbVars, roleConfigs, startDatabase } from '../local/stack';
import { startWrangler } from '../local/wrangler';
import { measureActions } from './measure/action-trace';
import { measureHeadroom } from './measure/headroom';
import { measureNetwork, networkMarkdown } from './measure/network';
import { proofSection } from './measure/proof';
import { compatScheduler, type Section } from './measure/section';
import { measureServing } from './measure/serving';
import { measureStartup } from './measure/startup';
import { measureWeight } from './measure/weight';
import { benchRealEngine, lastRealEngineResults, writeRealEngineSection } from './real-engine';
import { machineInfo, writeReport } from './report';

const t0 = Date.now();
const log = (m: string) => console.log(`[bench +${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}`);
const sections: Section[] = [];

log('starting an empty embedded PostgreSQL 18');
const db = await startDatabase({});
const tb = Date.now();
await setupAll(db.cfg);
const bootstrapMs = Date.now() - tb;
log(`bootstrap of all three scenarios: ${bootstrapMs} ms`);

const roles = roleConfigs(db.cfg);
const server = await withDb(db.cfg, 'postgres', async (c) => {
  const [r] = await c.query('SHOW server_version');
  return `embedded PostgreSQL ${String(r?.server_version)}, compatibility mode (no pg_trickle)`;
});

// The engine's side, as the generator drives it in compatibility mode: a pass every second.
const stop = { done: false };
const scheduler = compatScheduler(roles.writer, 'ecommerce_demo', stop);
try {
  const network = await measureNetwork({
    db,
    roles,
    engine: 'compatibility mode',
    seconds: Number(process.env.BENCH_FRESHNESS_SECONDS ?? 60),
    log,
  });
  sections.push({
    key: 'network',
    results: network,
    markdown: [
      '## Freshness and database load at a distance (compatibility mode)',
      '',
      ...networkMarkdown(network),
    ],
  });
} finally {
  stop.done = true;
  await scheduler;
}
sections.push(
  await measureActions({ writerCfg: roles.writer, readerCfg: roles.reader, n: 25, log }),
);
sections.push(
  await proofSection({
    adminCfg: db.cfg,
    writerCfg: roles.writer,
    engine: 'compatibility mode',
    runSeconds: Number(process.env.BENCH_PROOF_SECONDS ?? 120),
    log,
  }),
);
// One dashboard for what a single data centre serves.
const dash = await startWrangler({ vars: { ...dbVars(roles.reader), RATE_LIMIT: 'off' } });
sections.push(await measureServing({ dashboardUrl: dash.url, log }));
sections.push(await measureWeight({ dashboardUrl: dash.url, log }));
await dash.stop();

const headroom = await measureHeadroom({ adminCfg: db.cfg, log });
await db.stop();
// Start-up runs npm run dev itself (a cluster of its own), once the bench's is gone.
sections.push(await measureStartup({ bootstrapMs, log }), headroom);

const md = writeReport(machineInfo(t0, server), sections);
// The real engine's section: measured now when a server is given, else the last one kept.
const engineUrl = process.env.PGTRICKLE_BENCH_URL;
const lastEngine = lastRealEngineResults();
if (engineUrl) await benchRealEngine(engineUrl);
else if (lastEngine?.network) writeRealEngineSection(lastEngine);
else if (lastEngine)
  log('bench/real-engine.json predates the network tables: run npm run bench:engine');
console.log(`\n${md}`);
log('wrote bench/results.json and bench/RESULTS.md');
process.exit(0);
