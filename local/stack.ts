// The local database side of the stack, shared by `npm run dev`, `npm run db:setup`, the tests
// and the benchmarks: embedded PostgreSQL (or an existing server) behind our WebSocket proxy, and
// the settings each Worker gets from it. (wrangler.ts runs the Workers; scenario-setup.ts the
// bootstrap.)
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { DbConfig } from '../db';
import { rolePasswords, workerConfigs } from '../db/setup/roles';
import {
  type RunningPostgres,
  serverUserCanEnter,
  startEmbeddedPostgres,
} from './embedded-postgres';
import './driver';
import { ROOT } from './paths';
import { LOOPBACK_HOSTS, type RunningProxy, startWsProxy } from './ws-proxy';

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
  /** For setup and tests: straight through our proxy, with no delay. */
  cfg: DbConfig;
  /**
   * For the Workers: the same database, `delayMs` away in each direction when asked for (a
   * second proxy of ours), else `cfg`.
   */
  workersCfg: DbConfig;
  postgres?: RunningPostgres;
  proxy?: RunningProxy;
  /** The Workers' proxy, when it is another one (with a delay). */
  distantProxy?: RunningProxy;
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
  /** Delay in each direction between the Workers and the database, ms (DB_DELAY_MS). */
  delayMs?: number;
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
  let distantProxy: RunningProxy | undefined;
  let wsProxy = opts.wsProxy;
  const delayMs = opts.delayMs ?? 0;
  if (delayMs > 0 && wsProxy) {
    throw new Error('DB_DELAY_MS needs our own proxy: leave DB_WS_PROXY unset');
  }
  const target = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const allow = [...LOOPBACK_HOSTS, target];
  if (!wsProxy) {
    proxy = await startWsProxy({ allow });
    wsProxy = proxy.url;
  }
  if (delayMs > 0) distantProxy = await startWsProxy({ allow, delayMs });
  const cfg: DbConfig = { DATABASE_URL: url, DB_WS_PROXY: wsProxy };
  return {
    cfg,
    workersCfg: distantProxy ? { ...cfg, DB_WS_PROXY: distantProxy.url } : cfg,
    ...(postgres ? { postgres } : {}),
    ...(proxy ? { proxy } : {}),
    ...(distantProxy ? { distantProxy } : {}),
    async stop() {
      await distantProxy?.close();
      await proxy?.close();
      await postgres?.stop();
    },
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
