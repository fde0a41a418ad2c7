import type { Db } from '../db';
import type { EventTable } from '../db/demo/retention';
import type { Panel } from '../ui/types';

export type RefreshMode = 'DIFFERENTIAL' | 'FULL';

/** A stream table as the scenario defines it; created through pg_trickle's API in this order. */
export interface StreamTableDef {
  name: string;
  /** 'calculated' or a duration such as '1s', '5s'. */
  schedule: string;
  refreshMode: RefreshMode;
  /** Layer label shown on the dashboard (L1, L2, showcase...). */
  layer: string;
  query: string;
}

/** An append-only event table, pruned to the retention window (db/demo/retention.ts). */
export type { EventTable } from '../db/demo/retention';

/** A deterministic random source (see scenarios/random.ts). */
export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  int(min: number, max: number): number;
  float(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: readonly T[], weight: (item: T) => number): T;
  chance(p: number): boolean;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/**
 * A generator: a pure function of (state, world, random source, time) returning the writes to
 * perform and the next state. The cron run loads the world, executes the writes and stores the
 * state in the database, so a run can stop anywhere and the next resumes.
 */
export interface Generator<State, World, Writes> {
  initialState(): State;
  /** Reads the reference data a tick needs (ids, prices). */
  loadWorld(db: Db): Promise<World>;
  /** One tick; `moment` names what a visitor may want to follow (a burst starting, a reprice). */
  tick(
    state: State,
    world: World,
    rng: Random,
    now: Date,
  ): { state: State; writes: Writes; moment?: string };
  /** The base tables a batch of writes touches: where a change enters the DAG. */
  tablesOf(writes: Writes): string[];
  /** What a visitor may do to the stream, each built by the generator's own code. */
  actions: readonly GeneratorAction<World, Writes>[];
  /** The world as it is after the writes (e.g. new prices), for the next tick of the same run. */
  updateWorld(world: World, writes: Writes): World;
  /** Executes the writes; returns the number of events written. */
  apply(db: Db, writes: Writes): Promise<number>;
  /** Parses state read back from the database (JSON). */
  parseState(raw: unknown): State;
}

/** A named change a visitor can make (through the generator Worker, never the dashboard). */
export interface GeneratorAction<World, Writes> {
  id: string;
  /** The button's words: "Place an order". */
  title: string;
  /** What it does, in a sentence under the button. */
  says: string;
  /** The writes, and a label naming what was done ("Flash sale: 12 orders in Books at 80 %"). */
  make(world: World, rng: Random, now: Date): { writes: Writes; label: string };
}

/** One of the seed's psql examples, verbatim. */
export interface Example {
  id: string;
  title: string;
  sql: string;
  /** It changes something (e.g. a manual refresh): never offered as a read-only query. */
  writes?: boolean;
  /** It cannot work as printed in the seed: why, and the version that does. */
  broken?: { reason: string; sqlstate: string; corrected: string };
}

export interface Scenario {
  id: string;
  database: string;
  title: string;
  description: string;
  streamTables: readonly StreamTableDef[];
  eventTables: readonly EventTable[];
  // Method syntax makes each scenario's own State/World/Writes assignable here.
  generator: Generator<unknown, unknown, unknown>;
  panels: readonly Panel[];
  examples: readonly Example[];
}
