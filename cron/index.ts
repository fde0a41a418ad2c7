// The generator Worker: a Cron Trigger (once a minute) drives every scenario's event stream.
import * as z from 'zod/mini';
import { type DbEnv, parseDbConfig } from '../db';
import { scenarios } from '../scenarios';
import { runGenerator } from './run';

export interface GeneratorEnv extends DbEnv {
  GENERATOR_RUN_SECONDS?: string;
  TICK_INTERVAL_MS?: string;
  RETENTION_MINUTES?: string;
  HISTORY_RETENTION_MINUTES?: string;
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

export default {
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
