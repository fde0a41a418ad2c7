// The generator Worker: a Cron Trigger (once a minute) drives every scenario's event stream,
// and visitors' actions arrive from the dashboard Worker through a service binding (this Worker
// has no public route: workers_dev = false, no routes).
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { type DbEnv, parseDbConfig } from '../db';
import { findScenario, scenarios } from '../scenarios';
import { ACTIONS_PER_MINUTE, performAction } from './actions';
import { runGenerator } from './run';

export interface GeneratorEnv extends DbEnv {
  GENERATOR_RUN_SECONDS?: string;
  TICK_INTERVAL_MS?: string;
  RETENTION_MINUTES?: string;
  HISTORY_RETENTION_MINUTES?: string;
  /** Visitor actions per scenario per minute, all visitors together (default 12). */
  VISITOR_ACTIONS_PER_MINUTE?: string;
}

const Settings = z.object({
  runSeconds: z.number().check(z.int(), z.gte(1), z.lte(600)),
  tickMs: z.number().check(z.int(), z.gte(100), z.lte(60_000)),
  retentionMinutes: z.number().check(z.gte(1), z.lte(7 * 24 * 60)),
  historyMinutes: z.number().check(z.gte(5), z.lte(7 * 24 * 60)),
});

export function parseSettings(env: GeneratorEnv) {
  return Settings.parse({
    runSeconds: Number(env.GENERATOR_RUN_SECONDS ?? 55),
    tickMs: Number(env.TICK_INTERVAL_MS ?? 1000),
    retentionMinutes: Number(env.RETENTION_MINUTES ?? 60),
    historyMinutes: Number(env.HISTORY_RETENTION_MINUTES ?? 120),
  });
}

/** What the dashboard may ask of the generator: one named action on one scenario. */
export const generatorApp = new Hono<{ Bindings: GeneratorEnv }>()
  .post('/actions/:scenario/:action', async (c) => {
    const scenario = findScenario(c.req.param('scenario'));
    if (!scenario) {
      return c.json({ ok: false, reason: 'unknown' as const, valid: [] as string[] }, 404);
    }
    const perMinute = Number(c.env.VISITOR_ACTIONS_PER_MINUTE ?? ACTIONS_PER_MINUTE);
    const result = await performAction({
      cfg: parseDbConfig(c.env),
      scenario,
      action: c.req.param('action'),
      perMinute: Number.isInteger(perMinute) && perMinute > 0 ? perMinute : ACTIONS_PER_MINUTE,
    });
    return c.json(result, result.ok ? 200 : result.reason === 'busy' ? 429 : 404);
  })
  .notFound((c) => c.json({ ok: false, reason: 'not found' }, 404))
  .onError((err, c) => {
    console.error(JSON.stringify({ msg: 'action failed', error: String(err), level: 'error' }));
    return c.json({ ok: false, reason: 'error' }, 500);
  });

/** The generator's routes and answers, for the dashboard's typed client over its binding. */
export type GeneratorApp = typeof generatorApp;

export default {
  fetch: generatorApp.fetch,
  async scheduled(_controller, env) {
    const settings = parseSettings(env);
    await runGenerator({
      cfg: parseDbConfig(env),
      scenarios,
      runMs: settings.runSeconds * 1000,
      tickMs: settings.tickMs,
      retentionMinutes: settings.retentionMinutes,
      historyMinutes: settings.historyMinutes,
    });
  },
} satisfies ExportedHandler<GeneratorEnv>;
