import type { DbConfig, DbEnv } from '../db';
import type { Scenario } from '../scenarios/types';
import type { SnapshotProducer } from './producer';

export interface DashboardEnv extends DbEnv {
  DEFAULT_SCENARIO?: string;
  ASSETS?: Fetcher;
  /** Workers rate limiting binding for /fragments/* (wrangler.toml [[ratelimits]]). */
  FRAGMENT_LIMITER?: { limit(opts: { key: string }): Promise<{ success: boolean }> };
  /** Workers rate limiting binding for visitors' actions, per client. */
  ACTION_LIMITER?: { limit(opts: { key: string }): Promise<{ success: boolean }> };
  /** The generator Worker (service binding): visitors' actions go there, never to the database. */
  GENERATOR?: Fetcher;
  /** 'off' disables the rate limit (local load measurements). */
  RATE_LIMIT?: string;
  /** 'off' disables edge caching of fragments (to measure what it saves). */
  EDGE_CACHE?: string;
  /** One snapshot producer per scenario for every data centre (producer.ts). */
  SNAPSHOTS?: DurableObjectNamespace<SnapshotProducer>;
  /** Where the producers are placed: a Durable Object location hint near the database. */
  PRODUCER_LOCATION?: string;
}

/** Every request: the Worker's bindings, nothing resolved yet (the guards, the limits). */
export interface Dashboard {
  Bindings: DashboardEnv;
}

/** A sub-app that reads the database: its middleware parses the settings once (c.var.db). */
export interface WithDb {
  Bindings: DashboardEnv;
  Variables: {
    /** The database settings, parsed once per request. */
    db: DbConfig;
  };
}

/** A sub-app about one scenario: its middleware resolves ?scenario= (c.var.scenario). */
export interface WithScenario {
  Bindings: DashboardEnv;
  Variables: {
    /** The scenario named by ?scenario= (or the default). */
    scenario: Scenario;
  };
}

/** Both: the page and its fragments. */
export interface WithDbAndScenario {
  Bindings: DashboardEnv;
  Variables: WithDb['Variables'] & WithScenario['Variables'];
}
