// pg_trickle's own figures as the real engines return them: NULLs, RUNNING rows, versions that
// record no durations, top-K tables, and the compatibility mode's full refreshes.

import { describe, expect, it } from 'vitest';
import type { Engine } from '../../db';
import type { EfficiencyRow, HistoryRow } from '../../db/pgtrickle/activity';
import type { DefiningQuery } from '../../db/pgtrickle/definition';
import type { StreamTableStatus } from '../../db/pgtrickle/status';
import type { TypedPanel } from '../../ui/panel';
import { urlsFor } from '../../ui/urls';
import { dagPanel } from '../../worker/pgtrickle/dag';
import { efficiencyPanel } from '../../worker/pgtrickle/efficiency';
import { historyPanel } from '../../worker/pgtrickle/history';
import { statusPanel } from '../../worker/pgtrickle/status';
import { freshnessPanel } from '../../worker/pgtrickle/trace';
import { SqlBody } from '../../worker/views/explore';
import { ALL_FEATURES, NO_FEATURES, statusRow } from './engines';

const COMPAT: Engine = { kind: 'compat', version: '0.108.3-compat', features: ALL_FEATURES };
const V067: Engine = { kind: 'pg_trickle', version: '0.67.0', features: NO_FEATURES };
const V0108: Engine = { kind: 'pg_trickle', version: '0.108.3', features: ALL_FEATURES };

const table = statusRow;

const historyRow = (over: Partial<HistoryRow>): HistoryRow => ({
  name: 'customer_stats',
  action: 'DIFFERENTIAL',
  did: 'DIFFERENTIAL',
  status: 'COMPLETED',
  rowsInserted: 1,
  rowsUpdated: null,
  rowsDeleted: 0,
  durationMs: null,
  ageS: 1,
  reason: null,
  initiatedBy: 'SCHEDULER',
  error: null,
  ...over,
});

/** What a panel draws for the given data on the given engine. */
const draw = <D,>(panel: TypedPanel<D>, data: D, engine: Engine) =>
  String(panel.show(data).render({ scenario: 'ecommerce', urls: urlsFor('ecommerce'), engine }));

async function render(engine: Engine, status: StreamTableStatus[], history: HistoryRow[] = []) {
  const edges = status.map((s) => ({ target: s.name, source: 'orders', sourceType: 'TABLE' }));
  return {
    status: await draw(statusPanel, status, engine),
    dag: await draw(dagPanel, { status, edges, proofs: [], nowMs: Date.now() }, engine),
    history: await draw(historyPanel, history, engine),
  };
}

describe('pg_trickle figures, rendered truthfully', () => {
  it('says durations are not recorded on a version without duration_ms, and never shows 0 ms', async () => {
    const html = await render(V067, [table({ lastDurationMs: null })], [historyRow({})]);
    expect(html.status).toContain('not recorded by this version');
    expect(html.history).toContain('not recorded by this version');
    expect(html.dag).not.toMatch(/\b0 ms\b/);
    expect(html.status).not.toMatch(/>0(\.0)?</);
  });

  it('shows durations where the engine records them', async () => {
    const html = await render(
      V0108,
      [table({ lastDurationMs: 12.4 })],
      [historyRow({ durationMs: 3.25, rowsUpdated: 2 })],
    );
    expect(html.status).not.toContain('not recorded');
    expect(html.dag).toContain('12 ms');
    expect(html.history).toContain('3.3');
    expect(html.history).toContain('+1 ~2 −0');
  });

  it('renders a RUNNING refresh with unknown counts as running, not as zeros', async () => {
    const html = await render(
      V067,
      [table({})],
      [historyRow({ status: 'RUNNING', rowsInserted: null, rowsDeleted: null, initiatedBy: null })],
    );
    expect(html.history).toContain('running');
    expect(html.history).not.toContain('+0 / −0');
  });

  it('draws every compatibility-mode node as the full refresh it was, never as DIFF alone', async () => {
    const html = await render(COMPAT, [
      table({ effectiveMode: 'FULL', lastAction: 'FULL' }),
      table({ name: 'country_revenue', effectiveMode: 'NO_DATA', lastAction: 'FULL' }),
    ]);
    // Each node twice: in the graph ("L1 · mode · …") and in the narrow-screen list ("mode · …").
    const metas = [...html.dag.matchAll(/class="meta">([^<]*)</g)].map((m) => m[1] ?? '');
    expect(metas).toHaveLength(4);
    for (const m of metas) expect(m).toMatch(/^(L\d+ · )?DIFF→FULL · /);
    expect(html.status).toContain('FULL');
  });

  it('labels a top-K table TOP_K, and an adaptive fallback on 0.67 as FULL', async () => {
    const html = await render(
      V067,
      [
        table({ name: 'top_10_customers', topK: true, effectiveMode: 'TOP_K' }),
        table({ name: 'customer_stats', effectiveMode: 'FULL' }),
      ],
      [historyRow({ did: 'FULL', action: 'DIFFERENTIAL' })],
    );
    expect(html.dag).toContain('DIFF→TOP_K');
    expect(html.dag).toContain('DIFF→FULL');
    expect(html.history).toContain('(recorded DIFF)');
    expect(html.history).toContain('records an adaptive fallback to FULL as DIFFERENTIAL');
  });
});

describe('the SQL panel says how the engine maintains the table', () => {
  const def = (upkeep: DefiningQuery['upkeep']): DefiningQuery => ({
    query: 'SELECT 1',
    mode: 'DIFFERENTIAL',
    schedule: null,
    upkeep,
  });
  const body = (d: DefiningQuery, picked = true) =>
    String(<SqlBody name="customer_stats" def={d} picked={picked} />);

  it('shows the delta SQL folded, with its line count and where it came from', () => {
    const html = body(def({ kind: 'delta', sql: 'WITH a AS (\nSELECT 1\n)\nSELECT * FROM a' }));
    expect(html).toContain('<details class="delta">');
    expect(html).toContain('4 lines');
    expect(html).toContain('pgtrickle.explain_diff_sql()');
  });

  it('says why there is none: FULL, top-K, compatibility mode, or the engine could not', () => {
    expect(body(def({ kind: 'recompute', why: 'FULL' }))).toContain('Refreshed FULL');
    expect(body(def({ kind: 'recompute', why: 'TOP_K' }))).toContain('A top-K table');
    expect(body(def({ kind: 'compat' }))).toContain('Compatibility mode recomputes');
    const none = body(def({ kind: 'unavailable', why: 'this version has no explain_diff_sql()' }));
    expect(none).toContain('not shown, this version has no explain_diff_sql()');
    expect(none).not.toContain('<details');
  });

  it('invites a pick when it shows the scenario’s first table unasked', () => {
    expect(body(def({ kind: 'compat' }), false)).toContain('pick another');
    expect(body(def({ kind: 'compat' }), true)).not.toContain('pick another');
  });
});

describe('change ratios above 1', () => {
  const eff = (ratio: number | null): EfficiencyRow => ({
    name: 'position_values',
    refreshMode: 'DIFFERENTIAL',
    effectiveMode: 'DIFFERENTIAL',
    topK: false,
    total: 88,
    diffCount: 88,
    fullCount: 0,
    avgDiffMs: null,
    avgFullMs: null,
    avgChangeRatio: ratio,
    speedup: null,
  });
  const html = (ratio: number | null, engine: Engine) =>
    draw(efficiencyPanel, { rows: [eff(ratio)], series: [] }, engine);

  it('are marked and explained, in the engine’s terms on pg_trickle', () => {
    const h = html(32.5, V067);
    expect(h).toContain('32.500<sup>¹</sup>');
    expect(h).toContain('pg_class.reltuples');
  });

  it('are explained in the compatibility mode’s own terms there', () => {
    const h = html(1.5, COMPAT);
    expect(h).toContain('<sup>¹</sup>');
    expect(h).not.toContain('reltuples');
  });

  it('leave ratios up to 1 without a note', () => {
    expect(html(0.25, V067)).not.toContain('<sup>');
    expect(html(null, V067)).not.toContain('<sup>');
  });
});

describe('beside the demo’s own freshness, what the engine measures itself', () => {
  const rows = [{ name: 'customer_stats', n: 12, p50: 900, p95: 1400, max: 1600 }];
  const latency = (mode: string) =>
    new Map([
      [
        'customer_stats',
        {
          name: 'customer_stats',
          samples: 40,
          p50Ms: 812,
          p95Ms: 1290,
          maxMs: 1500,
          trackingMode: mode,
        },
      ],
    ]);

  it('says a version without commit_latency_stats() does not measure it, and shows no column', () => {
    const h = draw(freshnessPanel, { rows, latency: null, sla: null }, V067);
    expect(h).not.toContain('Engine ms');
    expect(h).toContain('pg_trickle 0.67.0 does not measure latency itself');
    expect(h).toContain('no freshness report');
  });

  it('shows the engine’s commit → visible figures and SLA status where it has them', () => {
    const sla = new Map([
      ['customer_stats', { name: 'customer_stats', targetS: 2, p95S: 1.3, status: 'MEETING' }],
    ]);
    const h = draw(freshnessPanel, { rows, latency: latency('commit_timestamp'), sla }, V0108);
    expect(h).toContain('Engine ms');
    expect(h).toContain('812 / 1,290');
    expect(h).toContain('MEETING');
    expect(h).toContain('from the source transaction’s commit');
  });

  it('calls refresh durations what they are', () => {
    const h = draw(
      freshnessPanel,
      { rows, latency: latency('refresh_duration'), sla: null },
      V0108,
    );
    expect(h).toContain('refresh durations: commit timestamps are not tracked');
    expect(h).not.toContain('from the source transaction’s commit');
  });

  it('says in compatibility mode whose durations they are', () => {
    const h = draw(
      freshnessPanel,
      { rows, latency: latency('refresh_duration'), sla: null },
      COMPAT,
    );
    expect(h).toContain('own full recomputations');
  });
});
