// The public dashboard Worker: the page and its polled fragments, read-only.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { DbError, inTransaction, parseDbConfig, withDb } from '../db';
import { DEFAULT_SCENARIO, findScenario, scenarios } from '../scenarios';
import type { Scenario } from '../scenarios/types';
import { cached, defaultCache } from './cache';
import { loadSnapshot, READ_OPTS } from './data';
import type { DashboardEnv } from './env';
import { checkScenario } from './health';
import { loadDefiningQuery } from './internals';
import { SqlBody, TryResult } from './internals-views';
import { AllFragments, ErrorFragment, ErrorPage, Page, PanelBody, StatusBody } from './views';

const app = new Hono<{ Bindings: DashboardEnv }>();
const TRY_ROW_LIMIT = 50;
/**
 * How long a fragment is shared at the edge. Just under the page's 2 s poll: every poll sees data
 * at most ~2 s old, and however many visitors poll, a scenario's fragments are computed about once
 * per poll interval — the same database load as a single visitor.
 */
const FRAGMENT_TTL_MS = 1900;

app.use(
  '*',
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
    referrerPolicy: 'strict-origin-when-cross-origin',
    xFrameOptions: 'DENY',
  }),
);

const MAX_URL = 2048;

// Only GET and HEAD exist here; anything else is a clear 405, before any work.
app.use('*', async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    c.header('Allow', 'GET, HEAD');
    return c.text('Method not allowed: this dashboard only answers GET.', 405);
  }
  if (c.req.url.length > MAX_URL) return c.text('URL too long.', 414);
  return next();
});

// Per-client rate limit on fragments (the Workers rate limiting binding, where configured):
// generous for a page polling every 2 s, a stop for floods.
app.use('/fragments/*', async (c, next) => {
  const limiter = c.env.FRAGMENT_LIMITER;
  if (limiter && c.env.RATE_LIMIT !== 'off') {
    const key = c.req.header('cf-connecting-ip') ?? 'unknown';
    const { success } = await limiter.limit({ key });
    if (!success) {
      c.header('Retry-After', '10');
      return c.text('Too many requests from this client; slow down.', 429);
    }
  }
  return next();
});

/** The scenario named by ?scenario=, the configured default when absent; 404 when unknown. */
function scenarioFor(id: string | undefined, env: DashboardEnv): Scenario {
  const wanted = id ?? env.DEFAULT_SCENARIO ?? DEFAULT_SCENARIO;
  const scenario = findScenario(wanted);
  if (!scenario) {
    const valid = scenarios.map((s) => s.id).join(', ');
    throw new HTTPException(404, { message: `Unknown scenario. Valid scenarios: ${valid}.` });
  }
  return scenario;
}

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** A query parameter that names something from a registry: absent, or a plain short name. */
function nameParam(c: { req: { query(k: string): string | undefined } }, key: string) {
  const value = c.req.query(key);
  if (value === undefined) return undefined;
  if (!NAME.test(value)) {
    throw new HTTPException(400, {
      message: `Malformed ${key}: expected a short lowercase name (letters, digits, _ or -).`,
    });
  }
  return value;
}

function streamTableFor(scenario: Scenario, name: string) {
  const st = scenario.streamTables.find((t) => t.name === name);
  if (!st) {
    const valid = scenario.streamTables.map((t) => t.name).join(', ');
    throw new HTTPException(404, {
      message: `Unknown stream table for ${scenario.id}. Valid: ${valid}.`,
    });
  }
  return st;
}

app.get('/', async (c) => {
  const scenario = scenarioFor(nameParam(c, 'scenario'), c.env);
  const nodeName = nameParam(c, 'node');
  if (nodeName) streamTableFor(scenario, nodeName);
  const snapshot = await loadSnapshot(
    parseDbConfig(c.env),
    scenario,
    nodeName ? { node: nodeName } : {},
  );
  c.header('Cache-Control', 'no-store');
  const url = new URL(c.req.url);
  const page = (
    <Page
      snapshot={snapshot}
      scenarios={scenarios}
      url={`${url.origin}/?scenario=${scenario.id}${nodeName ? `&node=${nodeName}` : ''}`}
      {...(snapshot.node ? { node: snapshot.node } : {})}
    />
  );
  return c.html(`<!doctype html>${await page}`);
});

app.get('/fragments/sql', async (c) => {
  const scenario = scenarioFor(nameParam(c, 'scenario'), c.env);
  const nodeName = nameParam(c, 'node');
  if (!nodeName) throw new HTTPException(400, { message: 'Missing node: /fragments/sql?node=…' });
  streamTableFor(scenario, nodeName);
  const def = await withDb(
    parseDbConfig(c.env),
    scenario.database,
    (db) => loadDefiningQuery(db, nodeName),
    READ_OPTS,
  );
  return c.html(<SqlBody name={nodeName} {...(def ? { def } : {})} />);
});

/** Runs one of the scenario's example queries (a fixed allow-list), read-only, time-limited. */
app.get('/fragments/try', async (c) => {
  const scenario = scenarioFor(nameParam(c, 'scenario'), c.env);
  const id = nameParam(c, 'q');
  const example = scenario.examples.find((e) => e.id === id && !e.writes);
  if (!example) {
    const valid = scenario.examples
      .filter((e) => !e.writes)
      .map((e) => e.id)
      .join(', ');
    throw new HTTPException(404, { message: `Unknown query. Valid: ${valid}.` });
  }
  const sql = example.broken?.corrected ?? example.sql;
  const t0 = Date.now();
  const rows = await withDb(
    parseDbConfig(c.env),
    scenario.database,
    (db) => inTransaction(db, () => db.query(sql), { readOnly: true }),
    { ...READ_OPTS, statementTimeoutMs: 3000 },
  );
  return c.html(<TryResult rows={rows} ms={Date.now() - t0} limit={TRY_ROW_LIMIT} />);
});

/**
 * Panel fragments, shared by every visitor of a scenario: cached at the edge for a second and
 * computed once per key however many pollers ask at the same moment.
 */
app.get('/fragments/:panel', async (c) => {
  const scenario = scenarioFor(nameParam(c, 'scenario'), c.env);
  const id = c.req.param('panel');
  const panel = scenario.panels.find((p) => p.id === id);
  if (id !== 'all' && id !== 'status' && !panel) {
    const valid = ['all', 'status', ...scenario.panels.map((p) => p.id)].join(', ');
    throw new HTTPException(404, { message: `Unknown panel. Valid panels: ${valid}.` });
  }
  const cfg = parseDbConfig(c.env);
  const compute = async () => {
    if (id === 'all') return c.html(<AllFragments snapshot={await loadSnapshot(cfg, scenario)} />);
    if (id === 'status') {
      return c.html(
        <StatusBody
          snapshot={await loadSnapshot(cfg, scenario, { panels: [], internals: false })}
        />,
      );
    }
    const snapshot = await loadSnapshot(cfg, scenario, {
      panels: panel ? [panel] : [],
      internals: false,
    });
    const loaded = snapshot.panels[0];
    return c.html(loaded ? <PanelBody panel={loaded.panel} data={loaded.data} /> : '');
  };
  if (c.env.EDGE_CACHE === 'off') return compute();
  const key = `${new URL(c.req.url).origin}/fragments/${id}?scenario=${scenario.id}`;
  return cached(key, FRAGMENT_TTL_MS, compute, { cache: defaultCache() });
});

/**
 * For monitors: database reachability, engine, generator freshness and stream table staleness
 * per scenario; 200 when all is well, 503 with the reasons otherwise.
 */
app.get('/healthz', async (c) => {
  const cfg = parseDbConfig(c.env);
  const checks = await Promise.all(scenarios.map((s) => checkScenario(cfg, s)));
  const problems = checks.flatMap((x) => x.problems.map((p) => `${x.scenario}: ${p}`));
  c.header('Cache-Control', 'no-store');
  return c.json(
    { ok: problems.length === 0, problems, scenarios: checks },
    problems.length ? 503 : 200,
  );
});

app.notFound(() => {
  throw new HTTPException(404, { message: 'Not found.' });
});

/**
 * One answer for every failure: a fragment for htmx under /fragments/, a small page with links to
 * the valid scenarios elsewhere. Messages never echo the request.
 */
app.onError((err, c) => {
  let status: 400 | 404 | 414 | 500 | 503 = 500;
  let message = 'Internal error.';
  if (err instanceof HTTPException) {
    status = err.status === 400 || err.status === 404 || err.status === 414 ? err.status : 500;
    message = err.message;
  } else if (err instanceof DbError && (err.kind === 'unavailable' || err.kind === 'timeout')) {
    console.error(
      JSON.stringify({
        msg: 'database unreachable',
        kind: err.kind,
        path: c.req.path,
        level: 'warn',
      }),
    );
    c.header('Retry-After', '2');
    status = 503;
    message = 'Database unreachable; retrying.';
  } else {
    console.error(
      JSON.stringify({
        msg: 'request failed',
        path: c.req.path,
        error: String(err),
        level: 'error',
      }),
    );
  }
  c.header('Cache-Control', 'no-store');
  if (c.req.path.startsWith('/fragments/')) {
    return c.html(<ErrorFragment status={status} message={message} />, status);
  }
  return c.html(
    `<!doctype html>${String(<ErrorPage status={status} message={message} scenarios={scenarios} />)}`,
    status,
  );
});

export default app;
