export interface DashboardEnv {
  /** Reader credentials only: the public dashboard never holds write access. */
  DATABASE_URL: string;
  DB_WS_PROXY?: string;
  DEFAULT_SCENARIO?: string;
  ASSETS?: Fetcher;
  /** Workers rate limiting binding for /fragments/* (wrangler.toml [[ratelimits]]). */
  FRAGMENT_LIMITER?: { limit(opts: { key: string }): Promise<{ success: boolean }> };
  /** 'off' disables the rate limit (local load measurements). */
  RATE_LIMIT?: string;
  /** 'off' disables edge caching of fragments (to measure what it saves). */
  EDGE_CACHE?: string;
}
