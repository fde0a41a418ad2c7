// The live proof's rule (db/demo/proof.ts: a difference is reported only when a re-check confirms
// it) and what a DAG node says of it. The comparisons themselves run against PostgreSQL in
// tests/integration/proof.test.ts and, on the real engine, in tests/pgtrickle/engine.test.ts.

import { describe, expect, it } from 'vitest';
import {
  type Comparison,
  decide,
  NOT_CAUGHT_UP,
  type ProofView,
  type RoundFacts,
  WRITES_CAME_IN,
} from '../../db/demo/proof';
import { urlsFor } from '../../ui/urls';
import { dagPanel } from '../../worker/pgtrickle/dag';
import { ALL_FEATURES, statusRow } from './engines';

const T0 = 1_800_000_000_000;
const look = (table: string, atMs: number, missing = 1, extra = 0) => ({
  atMs,
  c: { table, missing, extra, rows: 10 } satisfies Comparison,
});

const facts = (over: Partial<RoundFacts>): RoundFacts => ({
  tables: ['a', 'b'],
  equalAt: new Map(),
  looks: new Map(),
  writesCameIn: false,
  startedMs: T0,
  refreshesMs: new Map(),
  upstream: new Map([['b', ['a']]]),
  ...over,
});

const outcome = (f: RoundFacts) => Object.fromEntries(decide(f).map((t) => [t.table, t.outcome]));

describe('the live proof’s rule', () => {
  it('reports equal where a look saw the table equal to its query', () => {
    const f = facts({
      equalAt: new Map([
        ['a', T0 + 10],
        ['b', T0 + 1010],
      ]),
    });
    expect(outcome(f)).toEqual({ a: 'equal', b: 'equal' });
    expect(decide(f)[1]?.atMs).toBe(T0 + 1010);
  });

  it('confirms a difference only after a refresh with settled inputs, seen in two looks', () => {
    const base = {
      equalAt: new Map([['a', T0 + 10]]),
      looks: new Map([['b', [look('b', T0 + 10, 5, 1), look('b', T0 + 3000, 5, 1)]]]),
    };
    // b refreshed 2 s after a (its input) was seen equal, still differs 1 s later: confirmed.
    const confirmed = facts({ ...base, refreshesMs: new Map([['b', [T0 + 2000]]]) });
    expect(outcome(confirmed)).toEqual({ a: 'equal', b: 'differs' });
    expect(decide(confirmed)[1]).toMatchObject({ missing: 5, extra: 1, atMs: T0 + 3000 });
    // Its last refresh began before its input was settled: not checked, never "differs".
    const early = facts({ ...base, refreshesMs: new Map([['b', [T0 + 5]]]) });
    expect(decide(early)[1]).toMatchObject({ outcome: 'unchecked', why: NOT_CAUGHT_UP });
    // The refresh began too shortly before the last look to have landed in it.
    const late = facts({ ...base, refreshesMs: new Map([['b', [T0 + 2800]]]) });
    expect(outcome(late).b).toBe('unchecked');
    // One look is no re-check.
    const once = facts({
      ...base,
      looks: new Map([['b', [look('b', T0 + 3000)]]]),
      refreshesMs: new Map([['b', [T0 + 2000]]]),
    });
    expect(outcome(once).b).toBe('unchecked');
  });

  it('never confirms a table whose input still differs', () => {
    const f = facts({
      looks: new Map([
        ['a', [look('a', T0 + 10), look('a', T0 + 3000)]],
        ['b', [look('b', T0 + 10), look('b', T0 + 3000)]],
      ]),
      refreshesMs: new Map([
        ['a', [T0 + 1000]],
        ['b', [T0 + 1500]],
      ]),
    });
    // a (reading base tables only) is confirmed; b reads a, which never settled.
    expect(outcome(f)).toEqual({ a: 'differs', b: 'unchecked' });
  });

  it('says "not checked this round" for everything still differing when a write came in', () => {
    const f = facts({
      equalAt: new Map([['a', T0 + 10]]),
      looks: new Map([['b', [look('b', T0 + 10), look('b', T0 + 3000)]]]),
      refreshesMs: new Map([['b', [T0 + 2000]]]),
      writesCameIn: true,
    });
    expect(decide(f)).toMatchObject([
      { table: 'a', outcome: 'equal' },
      { table: 'b', outcome: 'unchecked', why: WRITES_CAME_IN },
    ]);
  });
});

const st = (name: string) => statusRow({ name, lastRowsUpdated: 0, lastDurationMs: 3 });

const view = (over: Partial<ProofView> & { table: string }): ProofView => ({
  latest: 'equal',
  why: null,
  outcome: 'equal',
  missing: 0,
  extra: 0,
  atMs: T0 - 12_000,
  ...over,
});

describe('a DAG node’s proof', () => {
  it('says what the latest round found, with data-proof and data-proof-at for tools', async () => {
    const names = ['same', 'drift', 'busy', 'fresh'];
    const proofs = [
      view({ table: 'same' }),
      view({ table: 'drift', latest: 'differs', outcome: 'differs', missing: 4, extra: 1 }),
      view({ table: 'busy', latest: 'unchecked', why: WRITES_CAME_IN }),
    ];
    const data = {
      status: names.map(st),
      edges: names.map((n) => ({ target: n, source: 'orders', sourceType: 'TABLE' })),
      proofs,
      nowMs: T0,
    };
    const engine = { kind: 'pg_trickle', version: '0.108.3', features: ALL_FEATURES } as const;
    const html = String(
      await dagPanel
        .show(data)
        .render({ scenario: 'ecommerce', urls: urlsFor('ecommerce'), engine }),
    );
    const iso = new Date(T0 - 12_000).toISOString();
    const node = (n: string) =>
      html.match(new RegExp(`<g [^>]*data-node="${n}"[^>]*>[\\s\\S]*?</g>`))?.[0] ?? '';
    expect(node('same')).toContain('data-proof="equal"');
    expect(node('same')).toContain(`data-proof-at="${iso}"`);
    expect(node('same')).toContain('✓ matches its query · 12.0 s ago');
    expect(node('drift')).toContain('data-proof="differs"');
    expect(node('drift')).toContain('≠ 5 rows differ from its query');
    expect(node('busy')).toContain('data-proof="unchecked"');
    expect(node('busy')).toContain('not checked now · matched 12.0 s ago');
    expect(node('fresh')).toContain('data-proof="unchecked"');
    expect(node('fresh')).not.toContain('data-proof-at');
    // The narrow screens' list says the same.
    expect(html).toMatch(/<li [^>]*data-node="drift"[^>]*data-proof="differs"/);
  });
});
