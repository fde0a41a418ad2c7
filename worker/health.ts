// GET /healthz, for monitors: database reachability, engine, generator freshness and stream
// table staleness per scenario; 200 when all is well, 503 with the reasons otherwise.
import { Hono } from 'hono';
import { type DbConfig, detectEngine, engineLabel, numOrNull, toDbError, withDb } from '../db';
import { TICK_AGE_SQL } from '../db/demo/generator-state';
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
        const [row] = await db.query(
          `SELECT (${TICK_AGE_SQL}) AS tick_age,
                  (SELECT max(extract(epoch FROM staleness)) FROM pgtrickle.pgt_status() WHERE schedule IS NOT NULL) AS staleness,
                  (SELECT max(extract(epoch FROM now() - last_refresh_at)) FROM pgtrickle.pgt_stream_tables WHERE schedule IS NOT NULL) AS lag,
                  (SELECT array_agg(name ORDER BY name) FROM pgtrickle.pgt_status() WHERE status <> 'ACTIVE') AS unhealthy`,
        );
        const age = numOrNull(row?.tick_age);
        const staleness = numOrNull(row?.staleness);
        const unhealthy = ((row?.unhealthy as string[] | null) ?? []).map((n) =>
          n.replace(/^public\./, ''),
        );
        const problems: string[] = [];
        if (engine.kind === 'none') problems.push('no stream table engine');
        if (age === null || age > GENERATOR_STALE_S)
          problems.push('generator has not ticked recently');
        const lag = numOrNull(row?.lag);
        if (lag !== null && lag > SCHEDULER_LAG_LIMIT_S) problems.push('the scheduler is behind');
        if (unhealthy.length > 0) problems.push(`not ACTIVE: ${unhealthy.join(', ')}`);
        return {
          scenario: s.id,
          database: 'reachable' as const,
          engine: engineLabel(engine),
          engineVersion: engine.kind === 'none' ? null : engine.version,
          generatorLastTickAgeS: age,
          maxStalenessS: staleness,
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
