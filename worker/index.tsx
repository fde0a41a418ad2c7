// The public dashboard Worker: the page and its polled fragments, read-only.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { DbError, parseDbConfig } from '../db';
import { DEFAULT_SCENARIO, findScenario, scenarios } from '../scenarios';
import type { Scenario } from '../scenarios/types';
import { loadSnapshot } from './data';
import type { DashboardEnv } from './env';
import { AllFragments, Page, PanelBody, StatusBody } from './views';

const app = new Hono<{ Bindings: DashboardEnv }>();

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

app.get('/', async (c) => {
  const scenario = scenarioFor(c.req.query('scenario'), c.env);
  const snapshot = await loadSnapshot(parseDbConfig(c.env), scenario);
  c.header('Cache-Control', 'no-store');
  return c.html(`<!doctype html>${await (<Page snapshot={snapshot} scenarios={scenarios} />)}`);
});

app.get('/fragments/:panel', async (c) => {
  const scenario = scenarioFor(c.req.query('scenario'), c.env);
  const id = c.req.param('panel');
  c.header('Cache-Control', 'no-store');
  const cfg = parseDbConfig(c.env);
  if (id === 'all') {
    return c.html(<AllFragments snapshot={await loadSnapshot(cfg, scenario)} />);
  }
  if (id === 'status') {
    return c.html(<StatusBody snapshot={await loadSnapshot(cfg, scenario, [])} />);
  }
  const panel = scenario.panels.find((p) => p.id === id);
  if (!panel) {
    const valid = ['all', 'status', ...scenario.panels.map((p) => p.id)].join(', ');
    throw new HTTPException(404, { message: `Unknown panel. Valid panels: ${valid}.` });
  }
  const snapshot = await loadSnapshot(cfg, scenario, [panel]);
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
