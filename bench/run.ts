// `npm run bench`: how fresh, how fast, how cheap — measured on this machine against the local
// stack (embedded PostgreSQL 18 in compatibility mode, our proxy, the Workers in wrangler dev).
// One module per measurement in measure/; report.ts writes bench/results.json and RESULTS.md.
// Figures are medians and percentiles with min–max; these machines are noisy, so compare
// ratios, not absolutes.
import type { DbConfig } from '../db';
import { setupAll } from '../local/scenario-setup';
import { dbVars, roleConfigs, startDatabase } from '../local/stack';
import { startWrangler } from '../local/wrangler';
import { type RunningProxy, startWsProxy } from '../local/ws-proxy';
import { measureActions } from './measure/action-trace';
import { measureDbLoad } from './measure/db-load';
import { measureHeadroom } from './measure/headroom';
import { measureLocalFreshness } from './measure/local-freshness';
import type { Section } from './measure/section';
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

// Two dashboards, each behind a proxy of its own that counts its database sessions: one with
// the edge cache, one without.
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

sections.push(
  await measureLocalFreshness({
    writerCfg: roles.writer,
    readerCfg: roles.reader,
    dashboardUrl: dashOn.url,
    log,
  }),
);
sections.push(
  await measureActions({ writerCfg: roles.writer, readerCfg: roles.reader, n: 25, log }),
);
sections.push(await measureServing({ dashboardUrl: dashOn.url, log }));
sections.push(
  await measureDbLoad({
    writerCfg: roles.writer,
    cacheOn: { url: dashOn.url, proxy: proxyOn },
    cacheOff: { url: dashOff.url, proxy: proxyOff },
    log,
  }),
);
sections.push(await measureWeight({ dashboardUrl: dashOn.url, log }));
await Promise.all([dashOn.stop(), dashOff.stop()]);
await proxyOn.close();
await proxyOff.close();

const headroom = await measureHeadroom({ adminCfg: db.cfg, log });
await db.stop();
// Start-up runs npm run dev itself (a cluster of its own), once the bench's is gone.
sections.push(await measureStartup({ bootstrapMs, log }), headroom);

const md = writeReport(machineInfo(t0), sections);
// The real engine's section: measured now when a server is given, else the last one kept.
const engineUrl = process.env.PGTRICKLE_BENCH_URL;
const lastEngine = lastRealEngineResults();
if (engineUrl) await benchRealEngine(engineUrl);
else if (lastEngine) writeRealEngineSection(lastEngine);
console.log(`\n${md}`);
log('wrote bench/results.json and bench/RESULTS.md');
process.exit(0);
