// The dashboard Worker's own behaviour, in-process through Hono's app.request (no database, no
// wrangler): guards and their pages, headers, the database-unreachable answer, the fragment cache
// and the DAG's layout. The stack-backed suites check the same app running in workerd.
import { createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import '../../local/driver';
import type { Edge } from '../../db/pgtrickle/dag';
import type { StreamTableStatus } from '../../db/pgtrickle/status';
import { scenarios } from '../../scenarios';
import app from '../../worker/app';
import { cached, type EdgeCache } from '../../worker/cache';
import type { DashboardEnv } from '../../worker/env';
import { layoutDag } from '../../worker/pgtrickle/dag';
import { FRESH_UNTIL } from '../../worker/poll-timing';

// A port nothing listens on: the database and its proxy are "unreachable" here.
let closedPort = 0;
beforeAll(async () => {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  closedPort = (srv.address() as { port: number }).port;
  await new Promise((ok) => srv.close(ok));
});

const env = (over: Partial<DashboardEnv> = {}): DashboardEnv => ({
  DATABASE_URL: `postgres://demo_reader:x@127.0.0.1:${closedPort}/postgres`,
  DB_WS_PROXY: `ws://127.0.0.1:${closedPort}/v1`,
  ...over,
});

const get = (path: string, init?: RequestInit, e: DashboardEnv = env()) =>
  app.request(path, init, e);

describe('refusals, before any database work', () => {
  const long = `/?scenario=ecommerce&x=${'a'.repeat(2100)}`;
  const table: [string, number, RequestInit?][] = [
    ['/?scenario=nope', 404],
    ['/?scenario=ECOMMERCE', 400],
    ['/?scenario=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 400],
    ['/?scenario=ecommerce&node=nope', 404],
    ['/?scenario=ecommerce&node=..%2F..%2Fetc', 400],
    ['/fragments/nope?scenario=ecommerce', 404],
    ['/fragments/all?scenario=fraud%00', 400],
    ['/fragments/all?scenario=nope', 404],
    ['/fragments/sql?scenario=finance', 400],
    ['/fragments/follow?scenario=finance&event=abc', 400],
    ['/fragments/follow?scenario=finance', 400],
    ['/fragments/follow?scenario=finance&event=1e9', 400],
    ['/fragments/sql?scenario=finance&node=nope', 404],
    ['/fragments/try?scenario=fraud&q=manual-refresh', 404], // writes: never offered
    ['/fragments/try?scenario=fraud&q=1%27%20or%201%3D1', 400],
    ['/fragments/try?scenario=fraud', 404],
    ['/nope', 404],
    ['/fragments', 404],
    [long, 414],
    ['/', 405, { method: 'POST', body: 'x' }],
    ['/fragments/all?scenario=ecommerce', 405, { method: 'DELETE' }],
  ];
  for (const [path, status, init] of table) {
    it(`${init?.method ?? 'GET'} ${path.slice(0, 60)} → ${status}, with the security headers`, async () => {
      const res = await get(path, init);
      expect(res.status).toBe(status);
      const body = await res.text();
      expect(body).not.toContain('<script>alert');
      expect(body).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cache-control')).toBe('no-store');
      if (status === 405) expect(res.headers.get('allow')).toBe('GET, HEAD');
    });
  }

  it('answers an unknown scenario with a whole page that links to the valid ones', async () => {
    const html = await (await get('/?scenario=nope')).text();
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain('<title>404 · pg_trickle live demo</title>');
    expect(html).toContain('Valid scenarios: ecommerce, fraud, finance');
    for (const s of scenarios) expect(html).toContain(`href="/?scenario=${s.id}"`);
  });

  it('answers a fragment error with a fragment naming what is valid, not a page', async () => {
    const html = await (await get('/fragments/nope?scenario=ecommerce')).text();
    expect(html).toMatch(/^<div class="error-fragment"/);
    expect(html).toContain(
      'Valid panels: all, kpis, category-revenue, top-products, top-customers, country-revenue, catalog-price-impact, dag, trace, proof, status, freshness, history, efficiency, advisor.',
    );
  });

  it('answers 429 with Retry-After once the rate limiter refuses a client, fragments only', async () => {
    // A stand-in for the Workers rate limiting binding (it exists only in workerd; the stack
    // suite checks the real one): it refuses everything and records the key it was asked about.
    const keys: string[] = [];
    const limited = env({
      FRAGMENT_LIMITER: {
        limit: async ({ key }) => {
          keys.push(key);
          return { success: false };
        },
      },
    });
    const res = await get(
      '/fragments/kpis?scenario=ecommerce',
      { headers: { 'cf-connecting-ip': '203.0.113.9' } },
      limited,
    );
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(await res.text()).toContain('Too many requests');
    expect(keys).toEqual(['203.0.113.9']);
    // RATE_LIMIT=off turns it off; pages are never limited (the database is down here: 503).
    const off = await get(
      '/fragments/kpis?scenario=ecommerce',
      {},
      { ...limited, RATE_LIMIT: 'off' },
    );
    expect(off.status).toBe(503);
    expect((await get('/?scenario=ecommerce', {}, limited)).status).toBe(503);
    expect(keys).toHaveLength(1);
  });
});

describe('visitors’ actions', () => {
  const post = (
    path: string,
    headers: Record<string, string> = { origin: 'http://localhost' },
    e = env(),
  ) => app.request(`http://localhost${path}`, { method: 'POST', headers }, e);
  /** A stand-in for the service binding to the generator Worker (it exists only in workerd; the
   * stack suite calls the real one): answers with `body` and records what it was asked. */
  const generator = (status: number, body: unknown) => {
    const asked: string[] = [];
    const fetcher = {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const req = new Request(input, init);
        asked.push(`${req.method} ${new URL(req.url).pathname}`);
        return typeof body === 'string'
          ? new Response(body, { status })
          : Response.json(body, { status });
      },
    } as unknown as Fetcher;
    return { asked, fetcher };
  };

  it('are POSTs from this site’s own pages, for actions the scenario has', async () => {
    const g = generator(200, {});
    const e = env({ GENERATOR: g.fetcher });
    expect((await post('/actions/reprice?scenario=ecommerce', {}, e)).status).toBe(403);
    expect(
      (await post('/actions/reprice?scenario=ecommerce', { origin: 'https://evil.example' }, e))
        .status,
    ).toBe(403);
    const get = await app.request('http://localhost/actions/reprice?scenario=ecommerce', {}, e);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const unknown = await post('/actions/drop-tables?scenario=ecommerce', undefined, e);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Valid: place-order, flash-sale, reprice.');
    expect((await post('/?scenario=ecommerce', undefined, e)).status).toBe(405);
    expect(g.asked).toEqual([]);
  });

  it('go to the generator, and answer what was done with a trace that follows it', async () => {
    const g = generator(200, {
      ok: true,
      id: 42,
      at: '2026-11-27T12:00:00.123Z',
      label: 'Reprice: product 3 to $9.99',
      events: 1,
    });
    const res = await post(
      '/actions/reprice?scenario=ecommerce',
      undefined,
      env({ GENERATOR: g.fetcher }),
    );
    expect(res.status).toBe(200);
    expect(g.asked).toEqual(['POST /actions/ecommerce/reprice']);
    const html = await res.text();
    expect(html).toContain('Reprice: product 3 to $9.99');
    expect(html).toContain('12:00:00.123');
    expect(html).toContain('hx-get="/fragments/follow?scenario=ecommerce&amp;event=42"');
  });

  it('say plainly when to try again, when the generator’s cap or the client’s limit refuses', async () => {
    const g = generator(429, { ok: false, reason: 'busy', retryAfterS: 23, perMinute: 12 });
    const busy = await post(
      '/actions/reprice?scenario=ecommerce',
      undefined,
      env({ GENERATOR: g.fetcher }),
    );
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('23');
    expect(await busy.text()).toContain('12 changes a minute to this scenario. Try again in 23 s.');
    const limited = env({
      GENERATOR: g.fetcher,
      ACTION_LIMITER: { limit: async () => ({ success: false }) },
    });
    const mine = await post('/actions/reprice?scenario=ecommerce', undefined, limited);
    expect(mine.status).toBe(429);
    expect(mine.headers.get('retry-after')).toBe('60');
    expect(await mine.text()).toContain('try again in a minute');
    const none = await post('/actions/reprice?scenario=ecommerce');
    expect(none.status).toBe(503);
    expect(await none.text()).toContain('Actions are not available on this deployment.');
  });

  it('answer a generator that failed, answered no JSON, or could not be reached with a 503 that says which', async () => {
    const cases: [Fetcher, string][] = [
      [generator(500, { ok: false, reason: 'error' }).fetcher, 'could not perform it'],
      [generator(502, '<html>Bad gateway</html>').fetcher, 'could not perform it'],
      [
        {
          fetch: async () => {
            throw new Error('binding down');
          },
        } as unknown as Fetcher,
        'did not answer',
      ],
    ];
    for (const [fetcher, says] of cases) {
      const res = await post(
        '/actions/reprice?scenario=ecommerce',
        undefined,
        env({ GENERATOR: fetcher }),
      );
      expect(res.status, says).toBe(503);
      expect(await res.text()).toContain(says);
    }
  });
});

describe('an unreachable database', () => {
  it('is a 503 that says so, quickly, as a page and as a fragment', async () => {
    const t0 = Date.now();
    const page = await get('/?scenario=fraud');
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('2');
    expect(await page.text()).toContain('The database is unreachable');
    const frag = await get('/fragments/all?scenario=fraud', {}, env({ EDGE_CACHE: 'off' }));
    expect(frag.status).toBe(503);
    expect(await frag.text()).toContain('Database unreachable; retrying.');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('makes /healthz answer 503 naming every scenario', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { ok: boolean; problems: string[] };
    expect(body.ok).toBe(false);
    expect(body.problems).toEqual(scenarios.map((s) => `${s.id}: database unreachable`));
  });

  it('resolves only what each sub-app uses: /healthz ignores ?scenario=, an action needs no database setting', async () => {
    const health = await get('/healthz?scenario=nope');
    expect(health.status).toBe(503); // every scenario checked, not a 404 for the parameter
    // No DATABASE_URL at all: an action never parses one (it goes to the generator Worker).
    const action = await app.request(
      'http://localhost/actions/place-order?scenario=nope',
      { method: 'POST', headers: { origin: 'http://localhost' } },
      { DB_WS_PROXY: 'ws://127.0.0.1:1/v1' } as DashboardEnv,
    );
    expect(action.status).toBe(404);
    expect(await action.text()).toContain('Unknown scenario');
  });

  it('refuses a malformed database setting with a 500 that echoes nothing', async () => {
    const res = await get('/?scenario=fraud', {}, env({ DATABASE_URL: 'mysql://secret@x/y' }));
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toContain('Internal error.');
    expect(body).not.toContain('secret');
  });
});

describe('the fragment cache', () => {
  const ok = (body: string) => new Response(body, { status: 200 });
  /** An in-memory stand-in for the Workers Cache API (caches.default exists only in workerd). */
  const memoryCache = () => {
    const store = new Map<string, Response>();
    const reads = { n: 0 };
    const cache: EdgeCache = {
      match: async (req) => {
        reads.n++;
        return store.get(req.url)?.clone();
      },
      put: async (req, res) => void store.set(req.url, res),
    };
    return { store, cache, reads };
  };

  it('computes once for many concurrent callers', async () => {
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise((r) => setTimeout(r, 50));
      return ok(`n=${computed}`);
    };
    const res = await Promise.all(
      Array.from({ length: 25 }, () => cached('https://x/fragments/a', 1000, compute)),
    );
    expect(computed).toBe(1);
    const how = res.map((r) => r.headers.get('x-cache'));
    expect(how.filter((h) => h === 'MISS')).toHaveLength(1);
    expect(how.filter((h) => h === 'COALESCED')).toHaveLength(24);
    expect(new Set(await Promise.all(res.map((r) => r.text())))).toEqual(new Set(['n=1']));
  });

  it('serves a stored answer until it is ttl old, and never stores a failure', async () => {
    const { store, cache } = memoryCache();
    let computed = 0;
    const compute = async () => ok(`n=${++computed}`);
    const key = 'https://x/fragments/b';
    expect((await cached(key, 300, compute, { cache })).headers.get('x-cache')).toBe('MISS');
    const hit = await cached(key, 300, compute, { cache });
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await hit.text()).toBe('n=1');
    await new Promise((r) => setTimeout(r, 320));
    expect(await (await cached(key, 300, compute, { cache })).text()).toBe('n=2');
    const failing = async () => new Response('down', { status: 503 });
    await cached('https://x/fragments/c', 300, failing, { cache });
    expect(store.has('https://x/fragments/c')).toBe(false);
  });

  it('answers repeat polls from memory, without reading the cache store each time', async () => {
    const { store, cache, reads } = memoryCache();
    let computed = 0;
    const compute = async () => ok(`n=${++computed}`);
    const key = 'https://x/fragments/e';
    await cached(key, 300, compute, { cache });
    const again = await Promise.all(
      Array.from({ length: 20 }, () => cached(key, 300, compute, { cache })),
    );
    expect(again.map((r) => r.headers.get('x-cache'))).toEqual(Array(20).fill('HIT'));
    expect(reads.n).toBe(1); // the first call's miss only
    // Another isolate (another cache object) reads the stored copy once, then holds it too.
    const other: EdgeCache = { match: (req) => cache.match(req), put: cache.put };
    reads.n = 0;
    for (let i = 0; i < 5; i++) await cached(key, 300, compute, { cache: other });
    expect(reads.n).toBe(1);
    expect(computed).toBe(1);
    expect(store.size).toBe(1);
    // Memory keeps it no longer than the store would.
    await new Promise((r) => setTimeout(r, 320));
    expect(await (await cached(key, 300, compute, { cache })).text()).toBe('n=2');
  });

  it('makes a poll just before its copy is replaced wait for the new copy, and only then', async () => {
    const { cache } = memoryCache();
    let computed = 0;
    const compute = async () => ok(`n=${++computed}`);
    const key = 'https://x/fragments/w';
    const opts = { cache, waitNearMs: 150 };
    await cached(key, 400, compute, opts);
    // 400 ms left: the copy at hand, at once.
    let t = Date.now();
    const early = await cached(key, 400, compute, opts);
    expect(await early.text()).toBe('n=1');
    expect(Date.now() - t).toBeLessThan(100);
    // Under 150 ms left: the poll waits out the copy and gets the next one, computed once for
    // every poll that waited.
    await new Promise((r) => setTimeout(r, 300));
    t = Date.now();
    const near = await Promise.all(
      Array.from({ length: 5 }, () => cached(key, 400, compute, opts)),
    );
    expect(new Set(await Promise.all(near.map((r) => r.text())))).toEqual(new Set(['n=2']));
    expect(Date.now() - t).toBeLessThan(250);
    // Without the option, the old copy is served to the end.
    await new Promise((r) => setTimeout(r, 300));
    expect(await (await cached(key, 400, compute, { cache })).text()).toBe('n=2');
  });

  it('sends a copy gzipped to clients that take gzip, compressed once', async () => {
    const { cache } = memoryCache();
    const html = `<table>${'<tr><td>row</td><td>42</td></tr>'.repeat(200)}</table>`;
    const key = 'https://x/fragments/f';
    const compute = async () => ok(html);
    const pipes = vi.spyOn(ReadableStream.prototype, 'pipeThrough');
    const zipped = await Promise.all(
      ['gzip, deflate, br', 'br;q=1, gzip;q=0.5', '*'].map((acceptEncoding) =>
        cached(key, 1000, compute, { cache, acceptEncoding }),
      ),
    );
    expect(pipes).toHaveBeenCalledTimes(1);
    pipes.mockRestore();
    for (const res of zipped) {
      expect(res.headers.get('content-encoding')).toBe('gzip');
      expect(res.headers.get('vary')).toBe('Accept-Encoding');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(bytes.length).toBeLessThan(html.length / 10);
      expect(gunzipSync(bytes).toString()).toBe(html);
    }
    for (const acceptEncoding of [undefined, 'identity', 'br', 'gzip;q=0']) {
      const res = await cached(key, 1000, compute, { cache, acceptEncoding });
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(await res.text()).toBe(html);
    }
    // A failure or a small answer goes out as it is.
    const failing = async () => new Response(html, { status: 503 });
    const down = await cached('https://x/fragments/g', 1000, failing, {
      cache,
      acceptEncoding: 'gzip',
    });
    expect(down.headers.get('content-encoding')).toBeNull();
    const small = await cached('https://x/fragments/h', 1000, async () => ok('<p>1</p>'), {
      cache,
      acceptEncoding: 'gzip',
    });
    expect(await small.text()).toBe('<p>1</p>');
  });

  it('keeps an answer no longer than the engine’s next refresh it names, and browsers none', async () => {
    const { store, cache } = memoryCache();
    let computed = 0;
    // Fresh for 150 ms (the next pass), although the ttl would allow 1900.
    const compute = async () =>
      new Response(`n=${++computed}`, {
        headers: { [FRESH_UNTIL]: String(Date.now() + 150) },
      });
    const key = 'https://x/fragments/d';
    const first = await cached(key, 1900, compute, { cache });
    const again = await cached(key, 1900, compute, { cache });
    expect(await again.text()).toBe('n=1');
    // The edge keeps the copy; a browser must ask again at its next poll.
    for (const res of [first, again]) expect(res.headers.get('cache-control')).toBe('no-store');
    expect(store.get(key)?.headers.get('cache-control')).toMatch(/max-age=2/);
    await new Promise((r) => setTimeout(r, 170));
    expect(await (await cached(key, 1900, compute, { cache })).text()).toBe('n=2');
  });
});

describe('the DAG layout', () => {
  const st = (name: string): StreamTableStatus => ({
    name,
    status: 'ACTIVE',
    refreshMode: 'DIFFERENTIAL',
    requestedMode: null,
    effectiveMode: null,
    reason: null,
    topK: false,
    schedule: '1s',
    isPopulated: true,
    consecutiveErrors: 0,
    lastRefreshAgeS: null,
    lastAction: null,
    lastRowsInserted: null,
    lastRowsUpdated: null,
    lastRowsDeleted: null,
    lastDurationMs: null,
    rowsHeld: null,
  });
  const edge = (target: string, source: string, sourceType = 'STREAM_TABLE'): Edge => ({
    target,
    source,
    sourceType,
  });

  it('puts base tables on top and each stream table one level below its deepest source', () => {
    // A diamond (a and b read t; c reads both) with a tail (d reads c and t).
    const layout = layoutDag(['a', 'b', 'c', 'd'].map(st), [
      edge('a', 't', 'TABLE'),
      edge('b', 't', 'TABLE'),
      edge('c', 'a'),
      edge('c', 'b'),
      edge('d', 'c'),
      edge('d', 't', 'TABLE'),
    ]);
    const level = Object.fromEntries(layout.nodes.map((n) => [n.name, n.level]));
    expect(level).toEqual({ t: 0, a: 1, b: 1, c: 2, d: 3 });
    expect(layout.edges).toHaveLength(6);
    for (const { from, to } of layout.edges) expect(from.y + from.h).toBeLessThan(to.y);
    // Nodes of one level never overlap, and all fit in the drawing.
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.x + n.w).toBeLessThanOrEqual(layout.width);
    }
    const [a, b] = ['a', 'b'].map((x) => layout.nodes.find((n) => n.name === x));
    expect(Math.abs((a?.x ?? 0) - (b?.x ?? 0))).toBeGreaterThanOrEqual(a?.w ?? 0);
  });
});
