// GET /healthz, for monitors: database reachability, engine, generator freshness and stream
// table staleness per scenario; 200 when all is well, 503 with the reasons otherwise.
import { Hono } from 'hono';
import { type DbConfig, detectEngine, engineLabel, toDbError, withDb } from '../db';
import { readHealth } from '../db/demo/health';
import { scenarios } from '../scenarios';
import type { Scenario } from '../scenarios/types';
import type { WithDb } from './env';
import { dbSettings } from './middleware';
import { READ_OPTS } from './snapshot';

/** A cron run starts every minute and ticks for ~55 s: older than this means it stopped. */
export const GENERATOR_STALE_S = 120;
/** A fixed-schedule table not visited by the scheduler for this long (past its schedule) means
 * the scheduler is behind. (Staleness itself grows while sources are quiet: not an alarm.) */
export const SCHEDULER_LAG_LIMIT_S = 60;

export interface ScenarioHealth {
  scenario: string;
  database: 'reachable' | 'unreachable';
  /** As the page's badge names it. */
  engine?: string;
  engineVersion?: string | null;
  generatorLastTickAgeS?: number | null;
  maxStalenessS?: number | null;
  unhealthyStreamTables?: string[];
  problems: string[];
}

export async function checkScenario(cfg: DbConfig, s: Scenario): Promise<ScenarioHealth> {
  try {
    return await withDb(
      cfg,
      s.database,
      async (db) => {
        const engine = await detectEngine(db);
        const h = await readHealth(db);
        const age = h.tickAgeS;
        const unhealthy = h.unhealthy;
        const problems: string[] = [];
        if (engine.kind === 'none') problems.push('no stream table engine');
        if (age === null || age > GENERATOR_STALE_S)
          problems.push('generator has not ticked recently');
        const lag = h.schedulerLagS;
        if (lag !== null && lag > SCHEDULER_LAG_LIMIT_S) problems.push('the scheduler is behind');
        if (unhealthy.length > 0) problems.push(`not ACTIVE: ${unhealthy.join(', ')}`);
        return {
          scenario: s.id,
          database: 'reachable' as const,
          engine: engineLabel(engine),
          engineVersion: engine.kind === 'none' ? null : engine.version,
          generatorLastTickAgeS: age,
          maxStalenessS: h.maxStalenessS,
          unhealthyStreamTables: unhealthy,
          problems,
        };
      },
      { ...READ_OPTS, connectTimeoutMs: 3000, statementTimeoutMs: 3000 },
    );
  } catch (err) {
    const e = toDbError(err);
    return {
      scenario: s.id,
      database: 'unreachable',
      problems: [
        e.kind === 'unavailable' || e.kind === 'timeout'
          ? 'database unreachable'
          : `error (${e.kind})`,
      ],
    };
  }
}

export const healthRoutes = new Hono<WithDb>().use(dbSettings).get('/', async (c) => {
  const checks = await Promise.all(scenarios.map((s) => checkScenario(c.var.db, s)));
  const problems = checks.flatMap((x) => x.problems.map((p) => `${x.scenario}: ${p}`));
  c.header('Cache-Control', 'no-store');
  return c.json(
    { ok: problems.length === 0, problems, scenarios: checks },
    problems.length ? 503 : 200,
  );
});
