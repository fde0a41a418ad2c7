// `npm run dev`: the whole demo on this machine, no Docker needed. Starts embedded PostgreSQL 18
// (or uses DATABASE_URL), our WebSocket proxy, the bootstrap, the dashboard Worker on :8080 and
// the generator Worker, whose scheduled handler is triggered once a minute as the Cron Trigger
// would (wrangler dev never fires crons by itself).
// DEMO_COLOS=N: N dashboards on :8080, :8081, …, each a data centre of its own (its own workerd,
// cache and isolate), all reading the first one's snapshot producers. DB_DELAY_MS=20: the
// Workers reach the database through a proxy that delays each direction by 20 ms.

import { engineLabel } from '../db';
import { setupAll } from '../local/scenario-setup';
import { dbVars, defaultDataDir, roleConfigs, startDatabase } from '../local/stack';
import { devRegistry, startWrangler } from '../local/wrangler';
import { scenarios } from '../scenarios';

const PORT = Number(process.env.PORT ?? 8080);
const HOST = process.env.HOST ?? '127.0.0.1';
// Which scenario `/` shows (all three always run); Docker Compose passes DEMO_SCENARIO.
const DEFAULT_SCENARIO = process.env.DEMO_SCENARIO ?? 'ecommerce';
if (!scenarios.some((s) => s.id === DEFAULT_SCENARIO)) {
  console.error(
    `DEMO_SCENARIO=${DEFAULT_SCENARIO} is not a scenario; choose one of: ${scenarios.map((s) => s.id).join(', ')}`,
  );
  process.exit(2);
}
/** A whole number from the environment, within [min, max]; exits with a clear message if not. */
function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`${name}=${raw} is not a whole number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}
const COLOS = intFromEnv('DEMO_COLOS', 1, 1, 8);
const DELAY_MS = intFromEnv('DB_DELAY_MS', 0, 0, 1000);
const t0 = Date.now();
const say = (msg: string) => console.log(`[dev +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

const external = process.env.DATABASE_URL;
say(
  external
    ? `using the server at DATABASE_URL (${new URL(external).host})`
    : `starting embedded PostgreSQL 18 (data: ${defaultDataDir()}; npm run db:reset wipes it)`,
);
const db = await startDatabase({
  ...(external ? { databaseUrl: external } : { dataDir: defaultDataDir() }),
  ...(process.env.DB_WS_PROXY ? { wsProxy: process.env.DB_WS_PROXY } : {}),
  delayMs: DELAY_MS,
});
if (db.postgres) {
  say(`PostgreSQL 18: psql postgres://demo:demo@127.0.0.1:${db.postgres.port}/ecommerce_demo`);
}
if (db.proxy) say(`WebSocket proxy on ${db.proxy.url}`);
if (db.distantProxy) {
  say(
    `the Workers reach the database ${DELAY_MS} ms away each way, through ${db.distantProxy.url}`,
  );
}

for (const r of await setupAll(db.cfg)) {
  say(`${r.database} ready (engine: ${engineLabel(r.engine)})`);
  if (r.changedStreamTables.length > 0) {
    say(
      `  ${r.changedStreamTables.join(', ')} differed from their definitions: recreated, with what reads them`,
    );
  }
}

// Least privilege, as deployed: the dashboard reads as demo_reader, the generator writes as
// demo_writer (both created by the bootstrap).
const roles = roleConfigs(db.workersCfg);
// The dashboard reaches the generator (visitors' actions) through a service binding.
const registry = devRegistry();
const dashboardVars = { ...dbVars(roles.reader), DEFAULT_SCENARIO };
const [dashboard, generator] = await Promise.all([
  startWrangler({ port: PORT, ip: HOST, vars: dashboardVars, registry }),
  startWrangler({ env: 'generator', vars: dbVars(roles.writer), testScheduled: true, registry }),
]);
say(`generator Worker on ${generator.url} (runs every minute)`);
// The other data centres, once the first (which hosts the producers) is in the registry.
const colos = await Promise.all(
  Array.from({ length: COLOS - 1 }, (_, i) =>
    startWrangler({ env: 'colo', port: PORT + 1 + i, ip: HOST, vars: dashboardVars, registry }),
  ),
);

let stopping = false;
async function trigger() {
  if (stopping) return;
  try {
    const res = await fetch(`${generator.url}/__scheduled?cron=*+*+*+*+*`);
    if (!res.ok) say(`generator run answered ${res.status}`);
  } catch (err) {
    if (!stopping) say(`generator run failed: ${String(err)}`);
  }
}
// A run ticks for ~55 s; the next starts a minute after the previous one did, like the cron.
void trigger();
const timer = setInterval(() => void trigger(), 60_000);

// Relay the Workers' own logs (generator summaries, request errors).
for (const [name, w] of [
  ['dashboard', dashboard],
  ['generator', generator],
  ...colos.map((c, i) => [`dashboard ${i + 2}`, c] as const),
] as const) {
  const relay = (d: Buffer) => {
    for (const line of d.toString().split('\n')) {
      if (line.includes('"msg"')) console.log(`[${name}] ${line.trim()}`);
    }
  };
  w.process.stdout?.on('data', relay);
  w.process.stderr?.on('data', relay);
}

say(
  `dashboard: http://localhost:${PORT}  (?scenario=ecommerce, fraud, finance) — Ctrl+C stops everything`,
);
for (const c of colos) say(`another data centre's dashboard: http://localhost:${c.port}`);

async function shutdown() {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  say('stopping…');
  await Promise.allSettled([dashboard.stop(), generator.stop(), ...colos.map((c) => c.stop())]);
  await db.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
