// The panel kit's types: what a panel reads, what it builds from its rows and how it draws them.
// Scenarios write panels with them (ui/panel.tsx); the dashboard Worker loads and draws them.
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { Engine, Row } from '../db';
import type { ProofView } from '../db/demo/proof';
import type { Edge } from '../db/pgtrickle/dag';
import type { StreamTableStatus } from '../db/pgtrickle/status';
import type { ScenarioUrls } from './urls';

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
  /** The scenario's URLs (ui/urls.ts): the only way a panel spells one. */
  urls: ScenarioUrls;
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
