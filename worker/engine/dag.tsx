// The live DAG, drawn server-side from pg_trickle's dependency data: base tables on top, each
// stream table one row below its deepest source. Wide screens get an SVG graph; narrow ones the
// same nodes as a list by level (CSS shows one). Every stream table is a link to its SQL whose
// text is its accessible name: name, what its refreshes did, age, duration, rows changed of held
// (also drawn as a bar). Nodes refreshed since the last poll pulse.
import {
  changeRatio,
  type Edge,
  loadEdges,
  refreshDid,
  type StreamTableStatus,
} from '../../db/pgtrickle/status';
import { fmt } from '../../scenarios/shared/format';
import { definePanel } from '../../scenarios/shared/panel';
import { msText, rowsText, shortMode } from './format';

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

// Compact enough that the finance chain (10 levels) fits a 900 px high first screen.
const ST = { w: 214, h: 52 };
const SRC = { w: 124, h: 24 };
const GAP_X = 12;
const GAP_Y = 14;
const PAD = 6;

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

/** What one stream table node says, the same in the graph and in the list. */
function nodeFacts(s: StreamTableStatus | undefined) {
  // The mode it is configured for, and what its refreshes did when that differs (a FULL in
  // compatibility mode, an adaptive fallback, a top-K recompute): never DIFF for a FULL.
  const did = s ? refreshDid(s) : null;
  const mode =
    s && did && did !== s.refreshMode
      ? `${shortMode(s.refreshMode)}→${shortMode(did)}`
      : shortMode(s?.refreshMode ?? null);
  const ms = s?.lastDurationMs === null || !s ? '' : ` · ${msText(s.lastDurationMs)} ms`;
  const changed = s
    ? (s.lastRowsInserted ?? 0) + (s.lastRowsUpdated ?? 0) + (s.lastRowsDeleted ?? 0)
    : 0;
  const ratio = s ? changeRatio(s) : null;
  return {
    did,
    meta: `${mode} · ${fmt.ago(s?.lastRefreshAgeS ?? null)}${ms}`,
    rows:
      s?.lastAction && s.rowsHeld !== null
        ? `${fmt.int(changed)} of ${fmt.int(s.rowsHeld)} rows`
        : '',
    ratio,
    fresh: s?.lastRefreshAgeS !== null && (s?.lastRefreshAgeS ?? 99) < PULSE_WINDOW_S,
    title: `${s?.schedule ?? 'calculated'} · configured ${s?.refreshMode ?? '?'} · latest refresh did ${did ?? 'nothing yet'} · ${s?.status ?? ''} · ${s ? rowsText(s.lastRowsInserted, s.lastRowsUpdated, s.lastRowsDeleted) : ''}`,
  };
}

const nodeClass = (s: StreamTableStatus | undefined, fresh: boolean, selected: boolean) =>
  [
    'node',
    'stream',
    `status-${(s?.status ?? 'unknown').toLowerCase()}`,
    fresh ? 'pulse' : '',
    selected ? 'selected' : '',
  ]
    .filter(Boolean)
    .join(' ');

const sqlHref = (scenario: string, name: string) => `/?scenario=${scenario}&node=${name}#sql`;

export function DagSvg(props: { layout: DagLayout; scenario: string; selected?: string }) {
  const { layout } = props;
  const streams = layout.nodes.filter((n) => n.kind === 'stream').length;
  return (
    <svg
      class="dag"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width={layout.width}
      height={layout.height}
      aria-label={`Dependency graph: ${streams} stream tables`}
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
              <rect width={n.w} height={n.h} rx="6" />
              <text x={n.w / 2} y={n.h / 2 + 4} text-anchor="middle">
                {clip(n.name, 18)}
              </text>
            </g>
          );
        }
        const s = n.status;
        const f = nodeFacts(s);
        const barW = n.w - 104;
        return (
          <a href={sqlHref(props.scenario, n.name)} class="node-link">
            <g
              class={nodeClass(s, f.fresh, props.selected === n.name)}
              data-node={n.name}
              transform={`translate(${n.x},${n.y})`}
            >
              <rect width={n.w} height={n.h} rx="8" />
              <text x="10" y="16" class="name">
                {clip(n.name, 26)}
              </text>
              <text x="10" y="31" class="meta">
                {clip(`L${n.level} · ${f.meta}`, 36)}
              </text>
              <rect class="ratio-track" x="10" y="39" width={barW} height="5" rx="2" />
              {f.ratio !== null ? (
                <rect
                  class="ratio-fill"
                  x="10"
                  y="39"
                  width={Math.max(f.ratio > 0 ? 2 : 0, f.ratio * barW).toFixed(1)}
                  height="5"
                  rx="2"
                />
              ) : null}
              <text x={n.w - 8} y="45" class="rows" text-anchor="end">
                {f.rows}
              </text>
            </g>
          </a>
        );
      })}
    </svg>
  );
}

/** Rows changed over rows held, drawn (SVG attributes, not inline styles: the CSP holds). */
function RatioBar(props: { ratio: number | null }) {
  return (
    <svg class="ratio" viewBox="0 0 100 5" preserveAspectRatio="none" aria-hidden="true">
      <rect class="ratio-track" width="100" height="5" rx="2" />
      {props.ratio !== null ? (
        <rect
          class="ratio-fill"
          width={Math.max(1, props.ratio * 100).toFixed(1)}
          height="5"
          rx="2"
        />
      ) : null}
    </svg>
  );
}

/** The same graph for a narrow screen: levels top to bottom, what each table reads beside it. */
export function DagList(props: { layout: DagLayout; scenario: string; selected?: string }) {
  const { layout } = props;
  const levels = [...new Set(layout.nodes.map((n) => n.level))].sort((a, b) => a - b);
  const reads = (name: string) =>
    layout.edges.filter((e) => e.to.name === name).map((e) => e.from.name);
  return (
    <ol class="dag-list" aria-label="Dependency graph by level">
      {levels.map((l) => {
        const nodes = layout.nodes.filter((n) => n.level === l);
        return (
          <li class="dag-level">
            <p class="level-name">{l === 0 ? 'Base tables' : `Level ${l}`}</p>
            {l === 0 ? (
              <p class="sources">{nodes.map((n) => n.name).join(' · ')}</p>
            ) : (
              <ul>
                {nodes.map((n) => {
                  const f = nodeFacts(n.status);
                  return (
                    <li
                      class={nodeClass(n.status, f.fresh, props.selected === n.name)}
                      data-node={n.name}
                    >
                      <a href={sqlHref(props.scenario, n.name)} title={f.title}>
                        <strong>{n.name}</strong> <span class="meta">{f.meta}</span>
                        <RatioBar ratio={f.ratio} />
                        <span class="rows">{f.rows}</span>
                      </a>
                      <span class="reads">reads {reads(n.name).join(', ')}</span>
                    </li>
                  );
                })}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}

export const dagPanel = definePanel<{ status: StreamTableStatus[]; edges: Edge[] }>({
  id: 'dag',
  title: 'The DAG, live',
  lead: true,
  note: 'from pgtrickle.pgt_dependencies · base tables on top · nodes pulse when refreshed · click a node for its SQL',
  span: 2,
  load: async (db, ctx) => ({ status: await ctx.status(), edges: await loadEdges(db) }),
  render: (d, view) => {
    const layout = layoutDag(d.status, d.edges);
    const sel = view.selected ? { selected: view.selected } : {};
    return (
      <>
        <DagSvg layout={layout} scenario={view.scenario} {...sel} />
        <DagList layout={layout} scenario={view.scenario} {...sel} />
      </>
    );
  },
});
