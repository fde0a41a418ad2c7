// Where each node of the DAG goes: base tables on top, each stream table one row below its
// deepest source, each row ordered by the mean position of what it reads (fewer crossings).
import { type Edge, streamLevels } from '../../db/pgtrickle/dag';
import type { StreamTableStatus } from '../../db/pgtrickle/status';

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
const ST = { w: 214, h: 56 };
const SRC = { w: 124, h: 24 };
const GAP_X = 12;
const GAP_Y = 10;
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
  const level = new Map<string, number>([
    ...sources.map((s) => [s, 0] as const),
    ...streamLevels(streams, edges),
  ]);

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
