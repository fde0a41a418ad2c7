// The dashboard's page and poll response drawn from given data (no database): what is on them,
// that data from the database is escaped, and that every polled region is swapped in place.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type Engine, engineLabel } from '../../db';
import type { StreamTableStatus } from '../../db/pgtrickle/status';
import { ecommerce } from '../../scenarios/ecommerce';
import { categoryRevenue, kpis } from '../../scenarios/ecommerce/panels';
import type { Scenario } from '../../scenarios/types';
import type { LoadedPanel } from '../../ui/types';
import { layout } from '../../worker/layout';
import { statusPanel } from '../../worker/pgtrickle/status';
import type { Snapshot } from '../../worker/snapshot';
import { AllFragments, Page } from '../../worker/views/page';
import { ALL_FEATURES, NO_FEATURES } from './engines';

const evil = '<script>alert(1)</script>';
const COMPAT: Engine = { kind: 'compat', version: '0.108.3-compat', features: ALL_FEATURES };
const V067: Engine = { kind: 'pg_trickle', version: '0.67.0', features: NO_FEATURES };

const status: StreamTableStatus[] = [
  {
    name: 'product_sales',
    status: 'ACTIVE',
    refreshMode: 'DIFFERENTIAL',
    requestedMode: 'DIFFERENTIAL',
    effectiveMode: 'FULL',
    reason: null,
    topK: false,
    schedule: '1s',
    isPopulated: true,
    consecutiveErrors: 0,
    lastRefreshAgeS: 0.8,
    lastAction: 'FULL',
    lastRowsInserted: 1,
    lastRowsUpdated: 0,
    lastRowsDeleted: 1,
    lastDurationMs: 3.2,
    rowsHeld: 40,
  },
];

/** A snapshot of the given scenario panels, followed by pg_trickle's status table. */
function snapshot(engine: Engine, panels: LoadedPanel[], scenario: Scenario = ecommerce): Snapshot {
  return {
    scenario,
    engine,
    asOf: new Date('2026-11-25T10:00:00Z'),
    retentionMinutes: 60,
    readMs: 12,
    panels: [...panels, statusPanel.show(status)],
  };
}

/** The page inside the one layout, as GET / serves it. */
async function pageHtml(snap: Snapshot): Promise<string> {
  const app = new Hono()
    .use(layout)
    .get('/', (c) => c.render(<Page snapshot={snap} scenarios={[ecommerce]} />, { title: 'T' }));
  return (await app.request('/')).text();
}

const categoryRows = [
  { id: 2, name: evil, orders: 1234, units: 2000, revenue: 1234567.8, avgPrice: 10, customers: 3 },
  { id: 1, name: 'Books', orders: 2, units: 3, revenue: 40, avgPrice: 20, customers: 1 },
];

describe('dashboard rendering', () => {
  it('renders the page with two ecommerce panels, the status table and the poller', async () => {
    const html = await pageHtml(
      snapshot(COMPAT, [
        kpis.show({ orders: 1234, revenue: 56789.5, active: 29, customers: 30 }),
        categoryRevenue.show(categoryRows),
      ]),
    );
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en"><head>/i);
    expect(html).toContain('<title>T</title>');
    expect(html).toContain('id="body-kpis"');
    expect(html).toContain('1,234'); // thousands separators
    expect(html).toContain('$56,790');
    expect(html).toContain('$46.02'); // average order value = revenue / orders
    expect(html).toContain('id="chart-category-revenue"');
    expect(html).toContain('hx-get="/fragments/all?scenario=ecommerce"');
    expect(html).toContain('hx-trigger="poll-now"');
    expect(html).toContain('hx-sync="this:drop"');
    expect(html).toContain('<code>product_sales</code>');
    expect(html).toContain('0.8 s ago');
    expect(html).toContain('/vendor/htmx.min.js');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script bodies
  });

  it('escapes data from the database in text and in chart JSON', async () => {
    const html = String(
      await (<AllFragments snapshot={snapshot(COMPAT, [categoryRevenue.show(categoryRows)])} />),
    );
    expect(html).not.toContain(evil);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const attr = /data-chart="([^"]*)"/.exec(html)?.[1] ?? '';
    const json = JSON.parse(
      attr
        .replaceAll('&quot;', '"')
        .replaceAll('&lt;', '<')
        .replaceAll('&gt;', '>')
        .replaceAll('&amp;', '&'),
    );
    // Fixed category order in the chart (by id), whatever the table's ranking.
    expect(json.labels).toEqual(['Books', evil]);
    expect(json.datasets[0].data).toEqual([40, 1234568]);
  });

  it('marks every swapped region out-of-band in a poll response', async () => {
    const html = String(
      await (
        <AllFragments
          snapshot={snapshot(V067, [
            kpis.show({ orders: 0, revenue: 0, active: 0, customers: 30 }),
          ])}
        />
      ),
    );
    for (const id of ['engine-badge', 'as-of', 'body-kpis', 'body-status']) {
      expect(html).toMatch(
        new RegExp(`id="${id}"[^>]*hx-swap-oob="outerHTML"|hx-swap-oob="outerHTML"[^>]*id="${id}"`),
      );
    }
    expect(html).toContain('pg_trickle 0.67.0');
    expect(html).not.toContain('Compatibility mode');
  });

  it('names the engine honestly', () => {
    expect(engineLabel(V067)).toBe('pg_trickle 0.67.0');
    expect(engineLabel(COMPAT)).toBe('compatibility mode — full refresh only');
    expect(engineLabel({ kind: 'none' })).toMatch(/no stream table engine/);
  });
});
