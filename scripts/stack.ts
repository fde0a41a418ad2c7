// The local stack, shared by `npm run dev`, `npm run db:setup` and the tests: embedded
// PostgreSQL (or an existing server), our WebSocket proxy, the bootstrap, and `wrangler dev`.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { DbConfig } from '../db';
import { type BootstrapResult, type BootstrapSpec, bootstrapScenario } from '../db/bootstrap';
import { setWebSocketConstructor } from '../db/client';
import {
  freePort,
  type RunningPostgres,
  serverUserCanEnter,
  startEmbeddedPostgres,
} from '../db/local/embedded';
import { LOOPBACK_HOSTS, type RunningProxy, startWsProxy } from '../db/local/ws-proxy';
import { rolePasswords, workerConfigs } from '../db/roles';
import { scenarios } from '../scenarios';
import type { Scenario } from '../scenarios/types';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

// Node 20 has no global WebSocket; the driver is handed `ws`.
setWebSocketConstructor(WebSocket);

/**
 * Where `npm run dev` keeps its cluster: `.data/postgres` in the checkout, unless the server's
 * user (`postgres`, when running as root) cannot enter the checkout, e.g. under /root; then a
 * directory under /var/lib named after the checkout. PGDATA_DIR overrides both.
 */
export function defaultDataDir(): string {
  if (process.env.PGDATA_DIR) return process.env.PGDATA_DIR;
  const inCheckout = join(ROOT, '.data', 'postgres');
  if (serverUserCanEnter(ROOT)) return inCheckout;
  const hash = createHash('sha256').update(ROOT).digest('hex').slice(0, 12);
  return `/var/lib/pg-trickle-demo/${hash}/postgres`;
}

export interface Database {
  cfg: DbConfig;
  postgres?: RunningPostgres;
  proxy?: RunningProxy;
  stop(): Promise<void>;
}

/**
 * An embedded cluster (persistent at `dataDir`, or throwaway) behind our proxy; or, when
 * `databaseUrl` is given, that server, behind our proxy unless `wsProxy` names one already.
 */
export async function startDatabase(opts: {
  dataDir?: string;
  databaseUrl?: string;
  wsProxy?: string;
  log?: (line: string) => void;
}): Promise<Database> {
  let postgres: RunningPostgres | undefined;
  let url = opts.databaseUrl;
  if (!url) {
    postgres = await startEmbeddedPostgres({
      ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
    url = postgres.url;
  }
  let proxy: RunningProxy | undefined;
  let wsProxy = opts.wsProxy;
  if (!wsProxy) {
    const target = new URL(url).hostname.replace(/^\[|\]$/g, '');
    proxy = await startWsProxy({ allow: [...LOOPBACK_HOSTS, target] });
    wsProxy = proxy.url;
  }
  const cfg: DbConfig = { DATABASE_URL: url, DB_WS_PROXY: wsProxy };
  return {
    cfg,
    ...(postgres ? { postgres } : {}),
    ...(proxy ? { proxy } : {}),
    async stop() {
      await proxy?.close();
      await postgres?.stop();
    },
  };
}

export function scenarioSql(scenario: Scenario) {
  const dir = join(ROOT, 'scenarios', scenario.id);
  return {
    schemaSql: readFileSync(join(dir, 'schema.sql'), 'utf8'),
    seedSql: readFileSync(join(dir, 'seed.sql'), 'utf8'),
  };
}

export const compatSql = () =>
  readFileSync(join(ROOT, 'db', 'compat', 'pgtrickle-compat.sql'), 'utf8');

/** What the bootstrap needs for `scenario`, optionally under another database name (tests). */
export function bootstrapSpec(scenario: Scenario, database = scenario.database): BootstrapSpec {
  return {
    database,
    ...scenarioSql(scenario),
    streamTables: scenario.streamTables,
    initialGeneratorState: scenario.generator.initialState(),
    // A fixed seed per database: a new database replays the same story.
    generatorSeed: Number.parseInt(
      createHash('sha256').update(database).digest('hex').slice(0, 7),
      16,
    ),
  };
}

/** Bootstraps every scenario in the registry (idempotent). */
export async function setupAll(
  cfg: DbConfig,
  only: readonly Scenario[] = scenarios,
): Promise<BootstrapResult[]> {
  const compat = compatSql();
  const results: BootstrapResult[] = [];
  for (const scenario of only) {
    results.push(
      await bootstrapScenario(cfg, bootstrapSpec(scenario), compat, rolePasswords(process.env)),
    );
  }
  return results;
}

export interface WranglerDev {
  url: string;
  port: number;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `wrangler dev` (the dashboard, or `--env generator`) and waits until it answers. */
export async function startWrangler(opts: {
  env?: 'generator';
  port?: number;
  /** Interface to listen on (0.0.0.0 inside a container). Default 127.0.0.1. */
  ip?: string;
  vars: Record<string, string>;
  testScheduled?: boolean;
  echo?: boolean;
}): Promise<WranglerDev> {
  const port = opts.port ?? (await freePort());
  const inspector = await freePort();
  // Each instance keeps its local state (cache, rate limiter) apart: several wrangler dev
  // processes sharing .wrangler/state lock each other's SQLite files (SQLITE_BUSY).
  const state = mkdtempSync(join(tmpdir(), 'pgtd-wrangler-'));
  const args = [
    join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
    'dev',
    '--ip',
    opts.ip ?? '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspector),
    '--show-interactive-dev-session=false',
    '--log-level',
    'log',
    ...(opts.env ? ['--env', opts.env] : []),
    ...(opts.testScheduled ? ['--test-scheduled'] : []),
    '--persist-to',
    state,
    ...Object.entries(opts.vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stopping it also stops the workerd it starts.
    detached: true,
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const stopOnExit = () => signalGroup('SIGKILL');
  process.once('exit', stopOnExit);
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    if (opts.echo) process.stdout.write(d);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited: ${out.slice(-3000)}`);
    try {
      await fetch(`${url}/__wrangler_ready`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        signalGroup('SIGKILL');
        throw new Error(`wrangler dev did not start: ${out.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    url,
    port,
    process: child,
    output: () => out,
    stop: () =>
      new Promise<void>((done) => {
        process.removeListener('exit', stopOnExit);
        const finish = () => {
          signalGroup('SIGKILL'); // workerd, if wrangler left it behind
          rmSync(state, { recursive: true, force: true });
          done();
        };
        if (child.exitCode !== null) return finish();
        child.once('exit', finish);
        signalGroup('SIGTERM');
        setTimeout(() => signalGroup('SIGKILL'), 5000).unref();
      }),
  };
}

/** The Worker variables for a database configuration. */
export function dbVars(cfg: DbConfig): Record<string, string> {
  return {
    DATABASE_URL: cfg.DATABASE_URL,
    ...(cfg.DB_WS_PROXY ? { DB_WS_PROXY: cfg.DB_WS_PROXY } : {}),
  };
}

/** The dashboard's (reader) and generator's (writer) database settings, from the admin's. */
export function roleConfigs(cfg: DbConfig) {
  return workerConfigs(cfg, rolePasswords(process.env));
}
