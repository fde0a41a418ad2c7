// pg_trickle's own figures as the real engines return them: NULLs, RUNNING rows, versions that
// record no durations, top-K tables, and the compatibility mode's full refreshes.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../db';
import type { HistoryRow } from '../../db/pgtrickle/activity';
import type { StreamTableStatus } from '../../db/pgtrickle/status';
import type { TypedPanel } from '../../scenarios/shared/panel';
import { dagPanel } from '../../worker/engine/dag';
import { historyPanel } from '../../worker/engine/history';
import { statusPanel } from '../../worker/engine/status';
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
  String(panel.show(data).render({ scenario: 'ecommerce', engine }));

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
