// The live DAG, drawn server-side as SVG from pg_trickle's dependency data: base tables on top,
// each stream table one row below its deepest source. Nodes refreshed since the last poll pulse.
import {
  type Edge,
  loadEdges,
  refreshDid,
  type StreamTableStatus,
} from '../../db/pgtrickle/status';
import { fmt } from '../../scenarios/shared/format';
import { definePanel } from '../../scenarios/shared/panel';
import { rowsText, shortMode } from './format';

export interface DagNode {
  name: string;
  kind: 'source' | 'stream';
  level: number;
  x: number;
  y: number;
  w: number;
  h: number;
  status?: StreamTableStatus;
}

export interface DagLayout {
  nodes: DagNode[];
  edges: { from: DagNode; to: DagNode }[];
  width: number;
  height: number;
}

const ST = { w: 176, h: 62 };
const SRC = { w: 128, h: 30 };
const GAP_X = 14;
const GAP_Y = 40;
const PAD = 10;

/** Seconds since the previous poll: a refresh this recent is new to the viewer. */
export const PULSE_WINDOW_S = 2.5;

export function layoutDag(status: StreamTableStatus[], edges: Edge[]): DagLayout {
  const streams = status.map((s) => s.name);
  const sources = [
    ...new Set(edges.filter((e) => e.sourceType !== 'STREAM_TABLE').map((e) => e.source)),
  ];
  const srcOf = new Map<string, string[]>();
  for (const e of edges) srcOf.set(e.target, [...(srcOf.get(e.target) ?? []), e.source]);

  const level = new Map<string, number>(sources.map((s) => [s, 0]));
  const levelOf = (name: string, seen = new Set<string>()): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 1; // a cycle cannot happen in pg_trickle; do not loop if it did
    seen.add(name);
    const deps = srcOf.get(name) ?? [];
    const l = 1 + Math.max(0, ...deps.map((d) => levelOf(d, seen)));
    level.set(name, l);
    return l;
  };
  for (const s of streams) levelOf(s);

  const rows = new Map<number, string[]>();
  for (const name of [...sources, ...streams]) {
    const l = level.get(name) ?? 0;
    rows.set(l, [...(rows.get(l) ?? []), name]);
  }
  const maxLevel = Math.max(0, ...rows.keys());
  const size = (l: number) => (l === 0 ? SRC : ST);
  const rowWidth = (l: number) => {
    const n = rows.get(l)?.length ?? 0;
    return n * size(l).w + Math.max(0, n - 1) * GAP_X;
  };
  const width = Math.max(...[...rows.keys()].map(rowWidth)) + 2 * PAD;

  // Order each row by the mean position of what it reads (fewer crossings), then place.
  const xCenter = new Map<string, number>();
  const place = (l: number) => {
    const names = rows.get(l) ?? [];
    const s = size(l);
    let x = (width - rowWidth(l)) / 2;
    for (const name of names) {
      xCenter.set(name, x + s.w / 2);
      x += s.w + GAP_X;
    }
  };
  place(0);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  for (let l = 1; l <= maxLevel; l++) {
    const names = rows.get(l) ?? [];
    names.sort(
      (a, b) =>
        mean((srcOf.get(a) ?? []).map((d) => xCenter.get(d) ?? 0)) -
        mean((srcOf.get(b) ?? []).map((d) => xCenter.get(d) ?? 0)),
    );
    place(l);
  }

  let y = PAD;
  const nodes = new Map<string, DagNode>();
  for (let l = 0; l <= maxLevel; l++) {
    const s = size(l);
    for (const name of rows.get(l) ?? []) {
      const st = status.find((x) => x.name === name);
      nodes.set(name, {
        name,
        kind: l === 0 ? 'source' : 'stream',
        level: l,
        x: (xCenter.get(name) ?? 0) - s.w / 2,
        y,
        w: s.w,
        h: s.h,
        ...(st ? { status: st } : {}),
      });
    }
    y += s.h + GAP_Y;
  }
  const layoutEdges = edges.flatMap((e) => {
    const from = nodes.get(e.source);
    const to = nodes.get(e.target);
    return from && to ? [{ from, to }] : [];
  });
  return { nodes: [...nodes.values()], edges: layoutEdges, width, height: y - GAP_Y + PAD };
}

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

export function DagSvg(props: { layout: DagLayout; scenario: string; selected?: string }) {
  const { layout } = props;
  return (
    <svg
      class="dag"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width={layout.width}
      height={layout.height}
      role="img"
      aria-label={`Dependency graph: ${layout.nodes.filter((n) => n.kind === 'stream').length} stream tables`}
    >
      <g class="edges">
        {layout.edges.map(({ from, to }) => {
          const x1 = from.x + from.w / 2;
          const y1 = from.y + from.h;
          const x2 = to.x + to.w / 2;
          const y2 = to.y;
          const mid = (y1 + y2) / 2;
          return (
            <path
              d={`M${x1.toFixed(1)},${y1} C${x1.toFixed(1)},${mid} ${x2.toFixed(1)},${mid} ${x2.toFixed(1)},${y2}`}
              data-edge={`${from.name}->${to.name}`}
            />
          );
        })}
      </g>
      {layout.nodes.map((n) => {
        if (n.kind === 'source') {
          return (
            <g class="node source" data-node={n.name} transform={`translate(${n.x},${n.y})`}>
              <title>{`${n.name}: base table`}</title>
              <rect width={n.w} height={n.h} rx="6" />
              <text x={n.w / 2} y={n.h / 2 + 4} text-anchor="middle">
                {clip(n.name, 18)}
              </text>
            </g>
          );
        }
        const s = n.status;
        const fresh = s?.lastRefreshAgeS !== null && (s?.lastRefreshAgeS ?? 99) < PULSE_WINDOW_S;
        const cls = [
          'node',
          'stream',
          `status-${(s?.status ?? 'unknown').toLowerCase()}`,
          fresh ? 'pulse' : '',
          props.selected === n.name ? 'selected' : '',
        ]
          .filter(Boolean)
          .join(' ');
        const rows = s ? rowsText(s.lastRowsInserted, s.lastRowsUpdated, s.lastRowsDeleted) : '';
        const ms = s?.lastDurationMs === null || !s ? '' : ` · ${s.lastDurationMs.toFixed(0)} ms`;
        // The mode it is configured for, and what its refreshes did when that differs (a FULL in
        // compatibility mode, an adaptive fallback, a top-K recompute): never DIFF for a FULL.
        const did = s ? refreshDid(s) : null;
        const mode =
          s && did && did !== s.refreshMode
            ? `${shortMode(s.refreshMode)}→${shortMode(did)}`
            : shortMode(s?.refreshMode ?? null);
        return (
          <a
            href={`/?scenario=${props.scenario}&node=${n.name}#sql`}
            class="node-link"
            aria-label={`${n.name}: show its SQL`}
          >
            <g class={cls} data-node={n.name} transform={`translate(${n.x},${n.y})`}>
              <title>
                {`${n.name} — configured ${s?.refreshMode ?? '?'}, latest refresh did ${did ?? 'nothing yet'}; ${s?.schedule ?? 'calculated'}, ${s?.status ?? ''}; last refresh ${fmt.ago(s?.lastRefreshAgeS ?? null)}`}
              </title>
              <rect width={n.w} height={n.h} rx="8" />
              <text x="10" y="19" class="name">
                {clip(n.name, 22)}
              </text>
              <text x="10" y="36" class="meta">
                {`${mode} · ${s?.schedule ?? 'calculated'} · L${n.level}`}
              </text>
              <text x="10" y="52" class="meta">
                {`${fmt.ago(s?.lastRefreshAgeS ?? null)}${ms} · ${rows}`}
              </text>
            </g>
          </a>
        );
      })}
    </svg>
  );
}

export const dagPanel = definePanel<{ status: StreamTableStatus[]; edges: Edge[] }>({
  id: 'dag',
  title: 'The DAG, live',
  note: 'from pgtrickle.pgt_dependencies · base tables on top · nodes pulse when refreshed · click a node for its SQL',
  span: 2,
  load: async (db, ctx) => ({ status: await ctx.status(), edges: await loadEdges(db) }),
  render: (d, view) => (
    <DagSvg
      layout={layoutDag(d.status, d.edges)}
      scenario={view.scenario}
      {...(view.selected ? { selected: view.selected } : {})}
    />
  ),
});
