// Everything one page or poll shows for a scenario, read over one connection: the scenario's
// panels, then pg_trickle's.
import { type DbConfig, detectEngine, type Engine, withDb } from '../db';
import { type Cadence, cadenceHere, RECENT_ENDS_SQL } from '../db/pgtrickle/cadence';
import {
  type DefiningQuery,
  type Edge,
  loadDefiningQuery,
  loadEdges,
  loadStatus,
  type StreamTableStatus,
} from '../db/pgtrickle/status';
import type { LoadContext, LoadedPanel, Panel, Scenario } from '../scenarios/types';
import { ENGINE_PANELS, enginePanelsFor } from './engine/panels';

const DEFAULT_RETENTION_MINUTES = 60;

/** Dashboard reads fail fast: a visitor waits for a poll, never for a hung database. */
export const READ_OPTS = {
  connectTimeoutMs: 4000,
  statementTimeoutMs: 4000,
  applicationName: 'pg_trickle_demo_dashboard',
};

export interface Snapshot {
  scenario: Scenario;
  engine: Engine;
  /** Database time when the snapshot was read. */
  asOf: Date;
  /** The generator's event window, for notes such as "orders in the last 60 min". */
  retentionMinutes: number;
  /**
   * The engine's scheduler rhythm on this Worker's clock, read before the panels (so the panels
   * hold at least the last pass it names). Absent without an engine or a steady schedule.
   */
  cadence?: Cadence;
  /** The panels read, in page order, each with its data. */
  panels: LoadedPanel[];
  /** The deep-linked stream table and its defining query, when asked for. */
  node?: { name: string; def: DefiningQuery };
}

/** Every panel a scenario's page can show, the engine's included, for lookups by id. */
export const allPanels = (scenario: Scenario): readonly Panel[] => [
  ...scenario.panels,
  ...ENGINE_PANELS,
];

export interface SnapshotOptions {
  /** Read only the panel with this id (a fragment); default: the whole page. */
  only?: string;
  /** A stream table whose defining query to read as well (a deep link's ?node=). */
  node?: string;
}

export async function loadSnapshot(
  cfg: DbConfig,
  scenario: Scenario,
  opts: SnapshotOptions = {},
): Promise<Snapshot> {
  return withDb(
    cfg,
    scenario.database,
    async (db) => {
      const engine = await detectEngine(db);
      // The clock, the event window and the scheduler's recent passes in one round trip, before
      // the panels (so they hold at least the last pass the cadence names).
      const sentMs = Date.now();
      const [t] = await db.query(
        `SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now_ms,
                (SELECT retention_minutes FROM demo_meta.generator_state) AS retention,
                ${engine.kind === 'none' ? 'NULL' : RECENT_ENDS_SQL} AS ends`,
      );
      const cadence = cadenceHere(t?.ends, Number(t?.now_ms), sentMs, Date.now());
      // Read once, whichever panels ask (the DAG and the status table both need the status; the
      // DAG, the trace and freshness the edges).
      let status: Promise<StreamTableStatus[]> | undefined;
      let edges: Promise<Edge[]> | undefined;
      const ctx: LoadContext = {
        engine,
        status: () => {
          status ??= engine.kind === 'none' ? Promise.resolve([]) : loadStatus(db, engine.features);
          return status;
        },
        edges: () => {
          edges ??= engine.kind === 'none' ? Promise.resolve([]) : loadEdges(db);
          return edges;
        },
      };
      const panels = [...scenario.panels, ...enginePanelsFor(engine)].filter(
        (p) => opts.only === undefined || p.id === opts.only,
      );
      // One connection answers one query at a time: read the panels in order.
      const loaded: LoadedPanel[] = [];
      for (const panel of panels) loaded.push(await panel.load(db, ctx));
      const nodeDef = opts.node ? await loadDefiningQuery(db, opts.node) : undefined;
      return {
        ...(opts.node && nodeDef ? { node: { name: opts.node, def: nodeDef } } : {}),
        ...(cadence ? { cadence } : {}),
        scenario,
        engine,
        asOf: new Date(Number(t?.now_ms)),
        retentionMinutes: t?.retention ? Number(t.retention) : DEFAULT_RETENTION_MINUTES,
        panels: loaded,
      };
    },
    READ_OPTS,
  );
}
