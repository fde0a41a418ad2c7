// Following a change through the DAG from refresh history alone: the walk itself, on made-up
// history shaped as both engines write it.
import { describe, expect, it } from 'vitest';
import type { Edge } from '../../db/pgtrickle/dag';
import {
  dependencyOrder,
  followChange,
  type RefreshRow,
  type TracedChange,
} from '../../db/pgtrickle/trace';
import { TraceView } from '../../worker/pgtrickle/trace';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const change = (tables: string[]): TracedChange => ({
  id: 1,
  at: new Date(T0),
  source: 'visitor',
  kind: 'x',
  label: 'x',
  tables,
  events: 1,
});
const e = (target: string, source: string, base = false): Edge => ({
  target,
  source,
  sourceType: base ? 'TABLE' : 'STREAM_TABLE',
});
let id = 0;
const r = (name: string, startMs: number, rows: number, endMs = startMs + 5): RefreshRow => ({
  id: ++id,
  name,
  startMs: T0 + startMs,
  endMs: T0 + endMs,
  action: 'DIFFERENTIAL',
  rows,
});

// The fraud diamond: t → a, b; a, b → c; c → d; and u → x (not downstream of t).
const edges = [
  e('a', 't', true),
  e('b', 't', true),
  e('c', 'a'),
  e('c', 'b'),
  e('d', 'c'),
  e('x', 'u', true),
];
const order = dependencyOrder(['d', 'c', 'x', 'b', 'a'], edges);

describe('following a change through the DAG', () => {
  it('orders tables after everything they read', () => {
    expect(order.indexOf('c')).toBeGreaterThan(order.indexOf('a'));
    expect(order.indexOf('c')).toBeGreaterThan(order.indexOf('b'));
    expect(order.indexOf('d')).toBeGreaterThan(order.indexOf('c'));
  });

  it('takes each table’s first refresh after one of its affected sources picked the change up', () => {
    id = 0;
    const history = [
      r('a', -100, 9), // before the change: not it
      r('a', 300, 2),
      r('b', 700, 1),
      r('c', 250, 4), // before a picked it up: not it
      r('c', 500, 3), // after a did (b has not yet): it
      r('c', 1200, 6),
      r('d', 1300, 1),
      r('x', 400, 5),
    ];
    const steps = followChange(change(['t']), order, edges, history);
    const by = Object.fromEntries(steps.map((s) => [s.name, s]));
    expect(by.a).toMatchObject({ state: 'reached', ms: 305, rows: 2 });
    expect(by.b).toMatchObject({ state: 'reached', ms: 705, rows: 1 });
    expect(by.c).toMatchObject({ state: 'reached', ms: 505, rows: 3 });
    expect(by.d).toMatchObject({ state: 'reached', ms: 1305, rows: 1 });
    expect(by.x?.state).toBe('unaffected');
  });

  it('sees a whole cascade in one scheduler call (rows stamped with the call’s start, in order)', () => {
    id = 0;
    const history = [r('a', 50, 1, 51), r('b', 50, 1, 52), r('c', 50, 1, 53), r('d', 50, 1, 54)];
    const steps = followChange(change(['t']), order, edges, history);
    const ms = Object.fromEntries(steps.map((s) => [s.name, s.ms]));
    expect(ms).toEqual({ a: 51, b: 52, c: 53, d: 54, x: null });
    // Recorded before its sources: a refresh that cannot have seen them.
    id = 0;
    const early = [r('c', 50, 1), r('a', 50, 1), r('b', 50, 1)];
    const by = Object.fromEntries(
      followChange(change(['t']), order, edges, early).map((s) => [s.name, s]),
    );
    expect(by.c?.state).toBe('waiting');
  });

  it('stops where an upstream refresh changed nothing, and waits where none ran yet', () => {
    id = 0;
    const history = [r('a', 100, 0), r('b', 100, 0), r('c', 400, 2)];
    const by = Object.fromEntries(
      followChange(change(['t']), order, edges, history).map((s) => [s.name, s]),
    );
    expect(by.c?.state).toBe('stopped');
    expect(by.d?.state).toBe('stopped');
    id = 0;
    const partial = Object.fromEntries(
      followChange(change(['t']), order, edges, [r('a', 100, 1)]).map((s) => [s.name, s]),
    );
    expect(partial.b?.state).toBe('waiting');
    expect(partial.c?.state).toBe('waiting');
    expect(partial.d?.state).toBe('waiting');
    // A table reading the written base table directly picks the change up from there first.
    id = 0;
    const direct = [...edges, e('c', 't', true)];
    const early = Object.fromEntries(
      followChange(change(['t']), dependencyOrder(['a', 'b', 'c', 'd'], direct), direct, [
        r('c', 20, 2),
      ]).map((s) => [s.name, s]),
    );
    expect(early.c).toMatchObject({ state: 'reached', rows: 2 });
  });
});

describe('a traced change, as the page says it', () => {
  it('counts the rows each refresh changed in words that agree with the number', async () => {
    const step = (name: string, rows: number | null) => ({
      name,
      state: 'reached' as const,
      ms: 310,
      rows,
      action: 'FULL',
      refreshId: 1,
      startMs: T0,
      endMs: T0 + 310,
      level: 1,
    });
    const trace = {
      change: change(['t']),
      steps: [step('a', 1), step('b', 2), step('c', 0), step('d', null)],
      complete: true,
      ageS: 2,
    };
    const html = String(await TraceView({ trace }).toString());
    expect(html).toContain('+0.31 s · 1 row changed · FULL');
    expect(html).toContain('+0.31 s · 2 rows changed');
    expect(html).toContain('+0.31 s · 0 rows changed');
    expect(html).toContain('+0.31 s · ? rows changed');
  });
});
