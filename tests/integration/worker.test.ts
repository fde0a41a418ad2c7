// The Workers running in workerd (wrangler dev), reading through the real Neon driver and our
// proxy from the shared test cluster.
import { describe, expect, inject, it } from 'vitest';
import { withDb } from '../../db';
import '../../local/driver';

const { cfg, dashboardUrl, generatorUrl } = inject('stack');

const get = (path: string) => fetch(`${dashboardUrl}${path}`, { redirect: 'manual' });

describe('dashboard Worker', () => {
  it('serves the ecommerce page by default with data read from the database', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en">/i);
    expect(html).toContain('<title>E-commerce analytics · pg_trickle live demo</title>');
    expect(html).toContain('E-commerce analytics');
    expect(html).toContain('compatibility mode — full refresh only');
    for (const id of [
      'kpis',
      'category-revenue',
      'top-products',
      'top-customers',
      'country-revenue',
      'catalog-price-impact',
      'status',
    ]) {
      expect(html, id).toContain(`id="body-${id}"`);
    }
    const names = await withDb(cfg, 'ecommerce_demo', (db) =>
      db.query('SELECT customer_name FROM top_10_customers ORDER BY rank LIMIT 1'),
    );
    expect(html).toContain(String(names[0]?.customer_name));
  });

  it('serves the same scenario when it is named explicitly', async () => {
    const html = await (await get('/?scenario=ecommerce')).text();
    expect(html).toContain('aria-current="page"');
    expect(html).toContain('hx-get="/fragments/all?scenario=ecommerce"');
  });

  it('sends a strict Content-Security-Policy and other security headers', async () => {
    const res = await get('/');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers fragments: one panel, the status table, or all of them out of band', async () => {
    const one = await get('/fragments/category-revenue?scenario=ecommerce');
    expect(one.status).toBe(200);
    const html = await one.text();
    expect(html).toContain('id="body-category-revenue"');
    expect(html).toContain('Electronics');
    expect(html).toContain('data-chart=');
    const status = await (await get('/fragments/status?scenario=ecommerce')).text();
    expect(status).toContain('<code>top_10_customers</code>');
    const all = await (await get('/fragments/all?scenario=ecommerce')).text();
    // badge, as-of, read speed, 6 panels, DAG, trace, proof, status, freshness, history,
    // efficiency, advisor
    expect(all.match(/hx-swap-oob="outerHTML"/g)?.length).toBe(17);
  });

  it('answers a change that does not exist (or has expired) with a 404 that says so', async () => {
    const res = await get('/fragments/follow?scenario=ecommerce&event=999999999999');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Unknown or expired change.');
  });

  it('answers HEAD on a fragment as GET, without the body', async () => {
    const head = await fetch(`${dashboardUrl}/fragments/all?scenario=ecommerce`, {
      method: 'HEAD',
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('text/html');
    expect(head.headers.get('x-next-refresh-in') ?? head.headers.get('cache-control')).toBeTruthy();
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers 404 with the valid names for an unknown scenario or panel', async () => {
    const s = await get('/?scenario=nope');
    expect(s.status).toBe(404);
    expect(await s.text()).toContain('Valid scenarios: ecommerce');
    const p = await get('/fragments/nope?scenario=ecommerce');
    expect(p.status).toBe(404);
    expect(await p.text()).toContain('category-revenue');
  });

  it('serves htmx, Chart.js, the app script, styles and favicon from its own origin', async () => {
    for (const path of [
      '/vendor/htmx.min.js',
      '/vendor/chart.umd.min.js',
      '/app.js',
      '/poll-timer.js',
      '/app.css',
      '/favicon.svg',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect((await res.arrayBuffer()).byteLength, path).toBeGreaterThan(100);
    }
  });
});

describe('generator Worker (scheduled handler)', () => {
  it('writes events, advances its state and refreshes the stream tables in compatibility mode', async () => {
    const read = () =>
      withDb(cfg, 'ecommerce_demo', async (db) => {
        const [r] = await db.query(
          `SELECT (SELECT events_total FROM demo_meta.generator_state) AS events,
                  (SELECT cycle FROM demo_meta.generator_state) AS cycle,
                  (SELECT count(*) FROM orders) AS orders,
                  (SELECT max(refresh_id) FROM pgtrickle.pgt_refresh_history) AS last_refresh`,
        );
        return {
          events: Number(r?.events),
          cycle: Number(r?.cycle),
          orders: Number(r?.orders),
          lastRefresh: Number(r?.last_refresh),
        };
      });
    const before = await read();
    // The run lasts GENERATOR_RUN_SECONDS=4 at 500 ms ticks (set by the global setup).
    const res = await fetch(`${generatorUrl}/__scheduled?cron=*+*+*+*+*`);
    expect(res.status).toBe(200);
    const after = await read();
    expect(after.cycle - before.cycle).toBeGreaterThanOrEqual(4);
    expect(after.events - before.events).toBeGreaterThanOrEqual(after.cycle - before.cycle);
    expect(after.orders).toBeGreaterThan(before.orders);
    expect(after.lastRefresh).toBeGreaterThan(before.lastRefresh);
    // The orders it wrote reached product_sales: a scheduler refresh that changed rows came
    // after them. (Comparing counts would race with retention pruning the seed's oldest orders.)
    const [st] = await withDb(cfg, 'ecommerce_demo', (db) =>
      db.query(
        `SELECT count(*) AS n FROM pgtrickle.pgt_refresh_history h
         JOIN pgtrickle.pgt_stream_tables s USING (pgt_id)
         WHERE s.pgt_name = 'product_sales' AND h.action = 'FULL' AND h.initiated_by = 'SCHEDULER'
           AND h.rows_inserted + h.rows_updated > 0 AND h.refresh_id > $1`,
        [before.lastRefresh],
      ),
    );
    expect(Number(st?.n)).toBeGreaterThanOrEqual(1);
  });
});
