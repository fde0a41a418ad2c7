// The page drawn from what pg_trickle 0.67.0 really returns, in Chromium: long advisor reasons,
// TOP_K and DIFFERENTIAL mixes, no durations, change ratios above 1, proof rounds that found
// differences. CI has no pg_trickle (no registry carries it), so the engine's answers come from
// snapshots recorded on a real 0.67.0 server (tests/fixtures/pg_trickle-0.67.0/, one per
// scenario, recorded 2026-12-05 with the dashboard's own snapshot read as demo_reader). What is
// stood in is the producer alone (a Durable Object handing out that snapshot): the Worker's app,
// its pages and fragments, the CSS, the page's script and Chromium are the real ones; the
// database is unreachable, so the SQL panel's own read fails as it would (and says so).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as netServer } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../local/paths';
import { scenarios } from '../../scenarios';
import app from '../../worker/app';
import type { DashboardEnv } from '../../worker/env';
import type { Produced, SnapshotData } from '../../worker/snapshot';
import { launch, open, overflowing, seriousViolations, shot } from './chromium';

// The page globals the callbacks passed to page.evaluate use (overflow and axe: ./chromium).
declare const document: {
  querySelectorAll(s: string): Iterable<unknown>;
  documentElement: { scrollWidth: number };
};
declare const Chart: {
  getChart(el: unknown):
    | {
        data: { datasets: { cubicInterpolationMode?: string }[] };
        options: { scales: { y: { ticks: { precision?: number } } } };
      }
    | undefined;
};

const FIXTURES = join(ROOT, 'tests', 'fixtures', 'pg_trickle-0.67.0');
const PUBLIC = join(ROOT, 'public');
const TYPES: Record<string, string> = {
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const recorded = (id: string): SnapshotData =>
  JSON.parse(readFileSync(join(FIXTURES, `${id}.json`), 'utf8'));

/** The one stand-in: a producer namespace whose every object answers with the recording. */
const snapshots = {
  idFromName: (name: string) => name,
  get: (id: string) => ({
    latest: async (): Promise<Produced> => ({
      ok: true,
      data: recorded(id),
      reads: { total: 1, late: 0 },
      dueMs: Date.now() + 1000,
    }),
  }),
};

let server: Server;
let base = '';
let browser: Browser;

beforeAll(async () => {
  // A port nothing listens on: the database itself is out of reach here.
  const probe = netServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
  const closed = (probe.address() as { port: number }).port;
  await new Promise((ok) => probe.close(ok));
  const env = {
    DATABASE_URL: `postgres://demo_reader:x@127.0.0.1:${closed}/postgres`,
    DB_WS_PROXY: `ws://127.0.0.1:${closed}/v1`,
    SNAPSHOTS: snapshots,
    RATE_LIMIT: 'off',
  } as unknown as DashboardEnv;
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const file = normalize(join(PUBLIC, url.pathname));
    const type = TYPES[extname(url.pathname)];
    if (type && file.startsWith(PUBLIC)) {
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'content-type': type }).end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const answer = await app.fetch(
      new Request(url, { method: req.method ?? 'GET', headers }),
      env,
      {
        waitUntil: () => {},
        passThroughOnException: () => {},
        props: {},
      },
    );
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
});

describe('the page on pg_trickle 0.67.0’s own answers', () => {
  it('recordings are the engine’s: 0.67.0, advisor reasons, a top-K table, no durations', () => {
    for (const s of scenarios) {
      const d = recorded(s.id);
      expect(d.engine).toMatchObject({ kind: 'pg_trickle', version: '0.67.0' });
      expect(d.engine.kind !== 'none' && d.engine.features.durationMs).toBe(false);
      const advice = d.rows['advisor.advice'] ?? [];
      expect(advice.length, s.id).toBe(s.streamTables.length);
      expect(Math.max(...advice.map((a) => String(a.reason).length)), s.id).toBeGreaterThan(60);
    }
  });

  for (const s of scenarios) {
    for (const width of [1440, 390]) {
      it(`${s.id} at ${width} px: nothing outside its panel, no sideways scrolling, no serious axe violation`, async () => {
        const { page, errors } = await open(browser, `${base}/?scenario=${s.id}`, {
          width,
          reducedMotion: 'reduce',
        });
        await expect(page.locator('#engine-badge').textContent()).resolves.toMatch(
          /pg_trickle 0\.67\.0/,
        );
        expect(await overflowing(page)).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
        expect(await seriousViolations(page)).toEqual({ dark: [], light: [] });
        await shot(page, `engine-0.67-${s.id}-${width}`);
        // The SQL panel could not read the unreachable database: it says so, briefly.
        await expect(page.locator('#body-sql').textContent()).resolves.toContain('Pick a stream');
        expect(errors).toEqual([]);
        await page.context().close();
      });
    }
  }

  it('gives every advisor reason its full text, on the panel’s own row', async () => {
    const { page } = await open(browser, `${base}/?scenario=finance`, { width: 1440 });
    const reasons = (recorded('finance').rows['advisor.advice'] ?? []).map((a) => String(a.reason));
    const text = await page.locator('#body-advisor').textContent();
    for (const r of reasons) expect(text).toContain(r);
    const advisor = await page.locator('#panel-advisor').boundingBox();
    const main = await page.locator('main .grid').boundingBox();
    expect(advisor?.width ?? 0).toBeGreaterThan((main?.width ?? 0) * 0.9);
    await page.context().close();
  });

  it('draws refresh counts without overshoot: monotone lines, whole-number ticks', async () => {
    const { page, errors } = await open(browser, `${base}/?scenario=finance`, { width: 1440 });
    await page.locator('#panel-efficiency canvas').scrollIntoViewIfNeeded();
    const chart = await page.evaluate(() => {
      const canvas = document
        .querySelectorAll('#panel-efficiency canvas')
        [Symbol.iterator]()
        .next().value;
      const c = Chart.getChart(canvas);
      return {
        modes: (c?.data.datasets ?? []).map((d) => d.cubicInterpolationMode),
        precision: c?.options.scales.y.ticks.precision,
      };
    });
    const { modes } = chart;
    expect(chart.precision).toBe(0);
    expect(modes.length).toBeGreaterThan(0);
    expect(new Set(modes)).toEqual(new Set(['monotone']));
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
