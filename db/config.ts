import * as z from 'zod/mini';

/**
 * How the Workers and scripts reach PostgreSQL. `DATABASE_URL` names the server and role; the
 * database name in it is replaced by each scenario's own database.
 *
 * `DB_WS_PROXY` is the WebSocket proxy in front of a self-hosted server (`ws://` for a local,
 * non-TLS proxy; `wss://` for one behind TLS). Unset: the driver's defaults (Neon's own proxy).
 */
export const DbConfigSchema = z.object({
  DATABASE_URL: z.string().check(z.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')),
  DB_WS_PROXY: z.optional(
    z.string().check(z.regex(/^wss?:\/\/[^/?#]+(\/[^?#]*)?$/, 'must be ws://host[:port][/path]')),
  ),
});
export type DbConfig = z.infer<typeof DbConfigSchema>;

/** What both Workers' environments have in common: where the database is. */
export interface DbEnv {
  /** The dashboard gets reader credentials, the generator writer credentials. */
  DATABASE_URL: string;
  DB_WS_PROXY?: string;
}

export function parseDbConfig(env: { DATABASE_URL?: unknown; DB_WS_PROXY?: unknown }): DbConfig {
  const parsed = DbConfigSchema.safeParse({
    DATABASE_URL: env.DATABASE_URL,
    DB_WS_PROXY: env.DB_WS_PROXY || undefined,
  });
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid database configuration (${fields})`);
  }
  return parsed.data;
}

/** The same server and credentials, another database. */
export function urlForDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
