// The public dashboard Worker: the page and its polled fragments, read-only.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { DbError, inTransaction, parseDbConfig, withDb } from '../db';
import { DEFAULT_SCENARIO, findScenario, scenarios } from '../scenarios';
import type { Scenario } from '../scenarios/types';
import { loadSnapshot, READ_OPTS } from './data';
import type { DashboardEnv } from './env';
import { loadDefiningQuery } from './internals';
import { SqlBody, TryResult } from './internals-views';
import { AllFragments, Page, PanelBody, StatusBody } from './views';

const app = new Hono<{ Bindings: DashboardEnv }>();
const TRY_ROW_LIMIT = 50;

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
  const cfg = parseDbConfig(c.env);
  const snapshot = await loadSnapshot(cfg, scenario);
  const def = nodeName
    ? await withDb(cfg, scenario.database, (db) => loadDefiningQuery(db, nodeName), READ_OPTS)
    : undefined;
  c.header('Cache-Control', 'no-store');
  const url = new URL(c.req.url);
  const page = (
    <Page
      snapshot={snapshot}
      scenarios={scenarios}
      url={`${url.origin}/?scenario=${scenario.id}${nodeName ? `&node=${nodeName}` : ''}`}
      {...(nodeName && def ? { node: { name: nodeName, def } } : {})}
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

app.get('/fragments/:panel', async (c) => {
  const scenario = scenarioFor(nameParam(c, 'scenario'), c.env);
  const id = c.req.param('panel');
  c.header('Cache-Control', 'no-store');
  const cfg = parseDbConfig(c.env);
  if (id === 'all') {
    return c.html(<AllFragments snapshot={await loadSnapshot(cfg, scenario)} />);
  }
  if (id === 'status') {
    return c.html(<StatusBody snapshot={await loadSnapshot(cfg, scenario, [], false)} />);
  }
  const panel = scenario.panels.find((p) => p.id === id);
  if (!panel) {
    const valid = ['all', 'status', ...scenario.panels.map((p) => p.id)].join(', ');
    throw new HTTPException(404, { message: `Unknown panel. Valid panels: ${valid}.` });
  }
  const snapshot = await loadSnapshot(cfg, scenario, [panel], false);
  const loaded = snapshot.panels[0];
  return c.html(loaded ? <PanelBody panel={loaded.panel} data={loaded.data} /> : '');
});

app.notFound((c) => c.text('Not found. The dashboard is at /.', 404));

app.onError((err, c) => {
  if (err instanceof HTTPException) return c.text(err.message, err.status);
  if (err instanceof DbError && (err.kind === 'unavailable' || err.kind === 'timeout')) {
    console.error(
      JSON.stringify({ msg: 'database unreachable', kind: err.kind, path: c.req.path }),
    );
    c.header('Retry-After', '2');
    return c.text('Database unreachable; retrying.', 503);
  }
  console.error(
    JSON.stringify({ msg: 'request failed', path: c.req.path, error: String(err), level: 'error' }),
  );
  return c.text('Internal error.', 500);
});

export default app;
