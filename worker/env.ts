export interface DashboardEnv {
  /** Reader credentials only: the public dashboard never holds write access. */
  DATABASE_URL: string;
  DB_WS_PROXY?: string;
  DEFAULT_SCENARIO?: string;
  ASSETS?: Fetcher;
}
