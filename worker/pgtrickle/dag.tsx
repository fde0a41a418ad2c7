// The live DAG, drawn server-side from pg_trickle's dependency data: base tables on top, each
// stream table one row below its deepest source. Wide screens get an SVG graph; narrow ones the
// same nodes as a list by level (CSS shows one). Every stream table is a link to its SQL whose
// text is its accessible name: name, what its refreshes did, age, duration, rows changed of held
// (also drawn as a bar). Nodes refreshed since the last poll pulse.

import type { ProofView } from '../../db/demo/proof';
import type { Edge } from '../../db/pgtrickle/dag';
import type { StreamTableStatus } from '../../db/pgtrickle/status';
import { definePanel } from '../../ui/panel';
import type { LoadedPanel } from '../../ui/types';
import { layoutDag } from './dag-layout';
import { clip, DagList, type DagProps, nodeClass, nodeFacts, proofFacts } from './dag-node';

export { layoutDag } from './dag-layout';

export function DagSvg(props: DagProps) {
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
        const p = proofFacts(props.proofs.get(n.name), props.nowMs);
        // The bar ends where the right-aligned "n of m rows" can begin (10 px text, ~5.8 px a
        // char), sized by the rows held so that it keeps its length from poll to poll.
        const held = (s?.rowsHeld ?? 0).toLocaleString('en-US').length;
        const barW = Math.max(30, Math.round(n.w - 26 - (2 * held + 9) * 5.8));
        return (
          <a href={props.urls.nodeSql(n.name)} class="node-link">
            <g
              class={nodeClass(s, f.fresh, props.selected === n.name)}
              data-node={n.name}
              data-proof={p.state}
              data-proof-at={p.at}
              transform={`translate(${n.x},${n.y})`}
            >
              <rect width={n.w} height={n.h} rx="8" />
              <text x="10" y="15" class="name">
                {clip(n.name, 26)}
              </text>
              <text x="10" y="29" class="meta">
                {clip(`L${n.level} · ${f.meta}`, 36)}
              </text>
              <rect class="ratio-track" x="10" y="34" width={barW} height="5" rx="2" />
              {f.ratio !== null ? (
                <rect
                  class="ratio-fill"
                  x="10"
                  y="34"
                  width={Math.max(f.ratio > 0 ? 2 : 0, f.ratio * barW).toFixed(1)}
                  height="5"
                  rx="2"
                />
              ) : null}
              <text x={n.w - 8} y="40" class="rows" text-anchor="end">
                {f.rows}
              </text>
              <text x="10" y="51" class={`proof proof-${p.state}`}>
                {clip(p.text, 38)}
              </text>
            </g>
          </a>
        );
      })}
    </svg>
  );
}

interface DagData {
  status: StreamTableStatus[];
  edges: Edge[];
  proofs: ProofView[];
  nowMs: number;
}

/** Drawn taller than this, the graph fills the first screen's height on its own. */
const TALL_PX = 420;

/**
 * Whether the loaded DAG panel draws a graph taller than its side column's first panels (the
 * finance chain): the page then keeps the followed change beside it rather than below it.
 */
export function dagIsTall(loaded: LoadedPanel): boolean {
  const d = loaded.data as DagData;
  return layoutDag(d.status, d.edges).height > TALL_PX;
}

export const dagPanel = definePanel<DagData>({
  id: 'dag',
  title: 'The DAG, live',
  lead: true,
  note: 'from pgtrickle.pgt_dependencies · base tables on top · nodes pulse when refreshed · click a node for its SQL',
  span: 2,
  reads: {},
  build: (_rows, ctx) => ({
    status: [...ctx.status],
    edges: [...ctx.edges],
    proofs: [...ctx.proofs],
    nowMs: ctx.nowMs,
  }),
  render: (d, view) => {
    const layout = layoutDag(d.status, d.edges);
    const sel = {
      ...(view.selected ? { selected: view.selected } : {}),
      proofs: new Map(d.proofs.map((p) => [p.table, p])),
      nowMs: d.nowMs,
    };
    return (
      <>
        <DagSvg layout={layout} urls={view.urls} {...sel} />
        <DagList layout={layout} urls={view.urls} {...sel} />
      </>
    );
  },
});
