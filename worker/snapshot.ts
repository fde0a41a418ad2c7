// Everything one page or poll shows for a scenario: the scenario's panels, then pg_trickle's, read
// in one statement (one round trip, one snapshot of the data: db/snapshot.ts) as plain data that
// the producer (producer.ts) hands to every data centre, and drawn there.
import { type Db, DbError, type DbErrorKind, type Engine, type Row, withDb } from '../db';
import { type DbConfig, parseDbConfig } from '../db/config';
import { PROOF_SQL, parseProofs } from '../db/demo/proof';
import {
  type Cadence,
  cadenceHere,
  cadenceOf,
  RECENT_ENDS_SQL,
  refreshEnds,
} from '../db/pgtrickle/cadence';
import { EDGES_SQL, parseEdges } from '../db/pgtrickle/dag';
import type { DefiningQuery } from '../db/pgtrickle/definition';
import { detectEngine } from '../db/pgtrickle/engine';
import { parseStatus, statusSql } from '../db/pgtrickle/status';
import { type Reads, readTogether } from '../db/snapshot';
import type { Scenario } from '../scenarios/types';
import type { BuildContext, LoadedPanel, Panel } from '../ui/types';
import type { DashboardEnv } from './env';
import { ENGINE_PANELS, enginePanelsFor } from './pgtrickle/panels';

const DEFAULT_RETENTION_MINUTES = 60;

/** Dashboard reads fail fast: a visitor waits for a poll, never for a hung database. */
export const READ_OPTS = {
  connectTimeoutMs: 4000,
  statementTimeoutMs: 4000,
  applicationName: 'pg_trickle_demo_dashboard',
};

/** What one snapshot read returns: plain data, the same wherever it is drawn. */
export interface SnapshotData {
  scenario: string;
  engine: Engine;
  /** The database's clock when the statement began reading, ms since the epoch. */
  dbNowMs: number;
  retentionMinutes: number;
  /** The scheduler's rhythm on the reader's clock; absent without an engine or a steady schedule. */
  cadence?: Cadence;
  /**
   * The latest pass's end on the database's clock (without a cadence, the latest refresh's):
   * about the same in two reads, no new pass between them.
   */
  lastPassDbMs?: number;
  /** Every read's rows, by `panel.read` (and `~status`, `~edges`, read once for all panels). */
  rows: Record<string, Row[]>;
  /** When the statement was sent (the reader's clock), and how long its answer took, ms. */
  readAtMs: number;
  readMs: number;
  /**
   * The engine as the statement found it: where it differs from `engine` (an upgrade, the
   * extension installed), the reader's next read uses it.
   */
  engineNow: Engine;
}

export interface Snapshot {
  scenario: Scenario;
  engine: Engine;
  /** Database time when the snapshot was read. */
  asOf: Date;
  /** The generator's event window, for notes such as "orders in the last 60 min". */
  retentionMinutes: number;
  /** The engine's scheduler rhythm (see SnapshotData). */
  cadence?: Cadence;
  /** How long the database took to answer the snapshot's statement, ms. */
  readMs: number;
  /** The panels read, in page order, each with its data. */
  panels: LoadedPanel[];
  /** The deep-linked stream table and its defining query, when asked for. */
  node?: { name: string; def: DefiningQuery; picked: boolean };
}

/** Every panel a scenario's page can show, the engine's included, for lookups by id. */
export const allPanels = (scenario: Scenario): readonly Panel[] => [
  ...scenario.panels,
  ...ENGINE_PANELS,
];

const panelsOf = (scenario: Scenario, engine: Engine) => [
  ...scenario.panels,
  ...enginePanelsFor(engine),
];

const STATUS = '~status';
const EDGES = '~edges';
const PROOF = '~proof';

/**
 * Every query of the scenario's page, by `panel.read`, plus the reads all panels share; without
 * those of the panels named in `skip` (their rows are held from an earlier read).
 */
export function snapshotReads(
  scenario: Scenario,
  engine: Engine,
  skip: ReadonlySet<string> = new Set(),
): Reads {
  const reads: Record<string, string> = {};
  if (engine.kind !== 'none') {
    reads[STATUS] = statusSql(engine.features);
    reads[EDGES] = EDGES_SQL;
    if (engine.features.proof) reads[PROOF] = PROOF_SQL;
  }
  for (const panel of panelsOf(scenario, engine)) {
    if (skip.has(panel.id)) continue;
    for (const [name, sql] of Object.entries(panel.reads({ engine }))) {
      reads[`${panel.id}.${name}`] = sql;
    }
  }
  return reads;
}

/**
 * Rows of the slowly moving panels (`readEverySeconds`), kept by a producer between their reads:
 * by panel id, with when they were read (the producer's clock).
 */
export type HeldRows = Map<string, { rows: Record<string, Row[]>; readAtMs: number }>;

/** The panels whose rows `held` still covers at `nowMs` (not yet due for a read of their own). */
export function stillHeld(
  scenario: Scenario,
  engine: Engine,
  held: HeldRows,
  nowMs: number,
): Set<string> {
  const out = new Set<string>();
  for (const panel of panelsOf(scenario, engine)) {
    const h = held.get(panel.id);
    if (panel.readEverySeconds && h && nowMs - h.readAtMs < panel.readEverySeconds * 1000) {
      out.add(panel.id);
    }
  }
  return out;
}

/**
 * Reads a scenario's snapshot over `db` in one statement. With `held` (a producer's), the slowly
 * moving panels are read only when due; their rows come from `held` in between, and `held` is
 * updated with those read now.
 */
export async function readSnapshot(
  db: Db,
  scenario: Scenario,
  engine: Engine,
  held?: HeldRows,
): Promise<SnapshotData> {
  const readAtMs = Date.now();
  const skip = held ? stillHeld(scenario, engine, held, readAtMs) : new Set<string>();
  const r = await readTogether(
    db,
    snapshotReads(scenario, engine, skip),
    engine.kind === 'none' ? undefined : RECENT_ENDS_SQL,
  );
  if (held) {
    for (const panel of panelsOf(scenario, engine)) {
      const prefix = `${panel.id}.`;
      if (skip.has(panel.id)) {
        Object.assign(r.rows, held.get(panel.id)?.rows);
      } else if (panel.readEverySeconds) {
        const rows = Object.fromEntries(
          Object.entries(r.rows).filter(([k]) => k.startsWith(prefix)),
        );
        held.set(panel.id, { rows, readAtMs });
      }
    }
  }
  const answeredMs = Date.now();
  const ends = refreshEnds(r.extra);
  const onDb = cadenceOf(ends);
  const cadence = onDb && cadenceHere(onDb, r.dbNowMs, readAtMs, answeredMs);
  const lastPassDbMs =
    onDb?.passEndMs ?? (ends.length ? Math.max(...ends.map(([, t]) => t)) : undefined);
  return {
    scenario: scenario.id,
    engine,
    dbNowMs: r.dbNowMs,
    retentionMinutes: r.retentionMinutes ?? DEFAULT_RETENTION_MINUTES,
    ...(cadence ? { cadence } : {}),
    ...(lastPassDbMs !== undefined ? { lastPassDbMs } : {}),
    rows: r.rows,
    readAtMs,
    readMs: answeredMs - readAtMs,
    engineNow: r.engine,
  };
}

/** A snapshot read here, over a connection of its own (where there is no producer). */
export function readSnapshotNow(cfg: DbConfig, scenario: Scenario): Promise<SnapshotData> {
  return withDb(
    cfg,
    scenario.database,
    async (db) => readSnapshot(db, scenario, await detectEngine(db)),
    READ_OPTS,
  );
}

/** The panels drawn from a snapshot's data: all of them, or only the one with id `only`. */
export function buildSnapshot(
  scenario: Scenario,
  data: SnapshotData,
  opts: { only?: string; node?: { name: string; def: DefiningQuery; picked: boolean } } = {},
): Snapshot {
  const { engine, rows } = data;
  const ctx: BuildContext = {
    engine,
    status: parseStatus(rows[STATUS] ?? []),
    edges: parseEdges(rows[EDGES] ?? []),
    proofs: parseProofs(rows[PROOF] ?? []),
    nowMs: data.dbNowMs,
  };
  const panels = panelsOf(scenario, engine)
    .filter((p) => opts.only === undefined || p.id === opts.only)
    .map((panel) => {
      const own: Record<string, Row[]> = {};
      for (const name of Object.keys(panel.reads({ engine }))) {
        own[name] = rows[`${panel.id}.${name}`] ?? [];
      }
      return panel.build(own, ctx);
    });
  return {
    ...(opts.node ? { node: opts.node } : {}),
    ...(data.cadence ? { cadence: data.cadence } : {}),
    scenario,
    engine,
    asOf: new Date(data.dbNowMs),
    retentionMinutes: data.retentionMinutes,
    readMs: data.readMs,
    panels,
  };
}

/** A producer's reads since it started, and those that found no new pass (it came late). */
export interface ProducerReads {
  total: number;
  late: number;
}

/** What crosses from a producer to a dashboard: data, or a failure with its kind kept. */
export type Produced =
  | { ok: true; data: SnapshotData; reads: ProducerReads; dueMs: number }
  | { ok: false; kind: DbErrorKind; message: string };

/**
 * The scenario's latest snapshot data: from its producer where the Worker has one (SNAPSHOTS),
 * else read here (tests in Node, a Worker deployed without Durable Objects).
 */
export async function snapshotData(
  env: DashboardEnv,
  scenario: Scenario,
): Promise<{ data: SnapshotData; reads?: ProducerReads; dueMs?: number }> {
  const ns = env.SNAPSHOTS;
  if (!ns) return { data: await readSnapshotNow(parseDbConfig(env), scenario) };
  const hint = env.PRODUCER_LOCATION as DurableObjectLocationHint | undefined;
  const stub = ns.get(ns.idFromName(scenario.id), hint ? { locationHint: hint } : {});
  const got = (await stub.latest(scenario.id)) as Produced;
  if (!got.ok) throw new DbError(got.kind, got.message);
  return { data: got.data, reads: got.reads, dueMs: got.dueMs };
}
