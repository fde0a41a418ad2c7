import type { JSX } from 'hono/jsx/jsx-runtime';
import type { Db, Engine, Row } from '../db';
import type { ProofView } from '../db/demo/proof';
import type { Edge, StreamTableStatus } from '../db/pgtrickle/status';

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

/** An append-only event table, pruned to the retention window. */
export interface EventTable {
  table: string;
  timeColumn: string;
}

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

/** How a panel is placed on the page. */
export interface PanelMeta {
  id: string;
  title: string;
  /** Small print under the title, e.g. the window that aggregates cover. */
  note?: string;
  /** A chart drawn above the panel body; its data travels in the body as JSON. */
  chart?: 'bar' | 'doughnut' | 'line';
  /** Grid width: 1 (one column) or 2 (wide). */
  span?: 1 | 2;
  /** Shown on the first screen, beside the DAG (the scenario's headline figures). */
  lead?: boolean;
  /**
   * Read at most this often by the snapshot producer (its rows are reused in between), for a
   * panel whose figures move slowly and whose reads cost the most; the panel's note says so.
   */
  readEverySeconds?: number;
}

/** What a panel's queries may depend on: the engine (columns some versions lack). */
export interface ReadContext {
  engine: Engine;
}

/** What a panel's build may use besides its own rows: reads every panel shares, and the time. */
export interface BuildContext {
  engine: Engine;
  /** pg_trickle's status rows, read once for every panel of one snapshot. */
  status: readonly StreamTableStatus[];
  /** pg_trickle's dependency edges, read once likewise (the DAG, the trace, freshness). */
  edges: readonly Edge[];
  /** The live proof's latest results, per stream table (empty where there are none yet). */
  proofs: readonly ProofView[];
  /** When the snapshot was read (the database's clock), ms since the epoch. */
  nowMs: number;
}

/** What a panel's drawing may need to know about the page it is on. */
export interface ViewContext {
  scenario: string;
  engine: Engine;
  /** The stream table a deep link (?node=) selected, if any. */
  selected?: string;
}

/**
 * A panel as written: the queries it reads (named, without parameters: they run together with
 * every other panel's in one statement, db/snapshot.ts), what it makes of their rows, and how it
 * draws that.
 */
export interface PanelDef<D, R extends string = string> extends PanelMeta {
  reads: Readonly<Record<R, string>> | ((ctx: ReadContext) => Readonly<Record<R, string>>);
  build(rows: Readonly<Record<R, Row[]>>, ctx: BuildContext): D;
  render(data: D, view: ViewContext): JSX.Element;
}

/**
 * A panel with its data type sealed in (see definePanel): only what its own `build` made can
 * reach its `render`. One source of truth for the page and its fragments.
 */
export interface Panel extends PanelMeta {
  reads(ctx: ReadContext): Readonly<Record<string, string>>;
  build(rows: Readonly<Record<string, Row[]>>, ctx: BuildContext): LoadedPanel;
}

/** A panel with the data it read, ready to draw. */
export interface LoadedPanel {
  panel: Panel;
  data: unknown;
  render(view: ViewContext): JSX.Element;
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
