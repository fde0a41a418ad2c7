import { Client, neonConfig } from '@neondatabase/serverless';
import { type DbConfig, urlForDatabase } from './config';
import { DbError, toDbError } from './errors';

export type Row = Record<string, unknown>;

/** The one narrow interface the rest of the code sees: parameterised queries. */
export interface Db {
  query(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface ConnectOptions {
  /** Milliseconds to wait for a connection (WebSocket + startup + auth). */
  connectTimeoutMs?: number;
  /** Server-side statement_timeout for this session, milliseconds. */
  statementTimeoutMs?: number;
  /** application_name, visible in pg_stat_activity. */
  applicationName?: string;
}

/**
 * Settings for a self-hosted proxy, applied to one client (the driver's per-client
 * `client.neonConfig`), only when one is configured; otherwise the client keeps the driver's
 * defaults (Neon's own proxy, TLS). Nothing process-wide changes, so clients for different
 * proxies can live side by side (tests run several stacks in one process).
 */
function configureClient(client: Client, cfg: DbConfig): void {
  const proxy = cfg.DB_WS_PROXY;
  if (!proxy) return;
  const url = new URL(proxy);
  const base = `${url.host}${url.pathname === '/' ? '/v1' : url.pathname}`;
  const c = client.neonConfig;
  c.wsProxy = (host, port) => `${base}?address=${host}:${port}`;
  // A self-hosted server authenticates with SCRAM, which cannot be pipelined like Neon's
  // cleartext-password flow.
  c.pipelineConnect = false;
  if (url.protocol === 'ws:') {
    c.useSecureWebSocket = false;
    c.pipelineTLS = false;
    c.forceDisablePgSSL = true;
  }
}

/**
 * Node has no global WebSocket before v22; scripts and tests hand in `ws` here, once for the
 * process (what the runtime offers, not a per-connection setting).
 */
export function setWebSocketConstructor(ctor: unknown): void {
  neonConfig.webSocketConstructor = ctor as typeof neonConfig.webSocketConstructor;
}

/** An open connection: queries until `close()`, or until it breaks (`broken` turns true). */
export interface Connection {
  db: Db;
  /** The connection failed (dropped, or a query found it dead): open another. */
  readonly broken: boolean;
  close(): Promise<void>;
}

/**
 * Opens one connection to `database`. Workers close it at the end of the request (withDb); a
 * Durable Object may keep one across its requests.
 */
export async function openDb(
  cfg: DbConfig,
  database: string,
  opts: ConnectOptions = {},
): Promise<Connection> {
  const client = new Client({
    connectionString: urlForDatabase(cfg.DATABASE_URL, database),
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    statement_timeout: opts.statementTimeoutMs ?? 10_000,
    application_name: opts.applicationName ?? 'pg_trickle_demo',
  });
  configureClient(client, cfg);
  let broken = false;
  // A connection dropped while idle must not become an unhandled rejection.
  client.on('error', () => {
    broken = true;
  });
  client.on('end', () => {
    broken = true;
  });
  const connectTimeout = opts.connectTimeoutMs ?? 5000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // The driver does not always notice a proxy that closes the socket during the handshake
    // (e.g. the database refused the proxy's TCP connection): enforce the timeout ourselves.
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new DbError('unavailable', `no connection within ${connectTimeout} ms`)),
          connectTimeout,
        );
      }),
    ]);
  } catch (err) {
    void client.end().catch(() => {});
    throw toDbError(err);
  } finally {
    clearTimeout(timer);
  }
  return {
    db: {
      async query(text, params = []) {
        try {
          const res = await client.query(text, params as unknown[]);
          return res.rows as Row[];
        } catch (err) {
          const e = toDbError(err);
          if (e.kind === 'unavailable') broken = true;
          throw e;
        }
      },
    },
    get broken() {
      return broken;
    },
    async close() {
      broken = true;
      // Closing a connection whose socket already died can hang: wait a moment, not forever.
      await Promise.race([client.end().catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);
    },
  };
}

/**
 * Opens one connection to `database`, runs `fn`, and always closes it: Workers must not keep
 * connections across requests.
 */
export async function withDb<T>(
  cfg: DbConfig,
  database: string,
  fn: (db: Db) => Promise<T>,
  opts: ConnectOptions = {},
): Promise<T> {
  const conn = await openDb(cfg, database, opts);
  try {
    return await fn(conn.db);
  } finally {
    await conn.close();
  }
}

/** Runs `fn` inside BEGIN/COMMIT, rolling back on any error; `readOnly` refuses every write. */
export async function inTransaction<T>(
  db: Db,
  fn: () => Promise<T>,
  opts: { readOnly?: boolean } = {},
): Promise<T> {
  await db.query(opts.readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN');
  try {
    const result = await fn();
    await db.query('COMMIT');
    return result;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
