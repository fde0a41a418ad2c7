// A scenario's SQL and bootstrap settings as they live in the repository, and the bootstrap of
// every scenario (npm run dev, db:setup, the tests, the benchmarks) or of a private copy of one.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DbConfig } from '../db';
import { type BootstrapResult, type BootstrapSpec, bootstrapScenario } from '../db/setup/bootstrap';
import { rolePasswords } from '../db/setup/roles';
import { scenarios } from '../scenarios';
import type { Scenario } from '../scenarios/types';
import './driver';
import { ROOT } from './paths';

export function scenarioSql(scenario: Scenario) {
  const dir = join(ROOT, 'scenarios', scenario.id);
  return {
    schemaSql: readFileSync(join(dir, 'schema.sql'), 'utf8'),
    seedSql: readFileSync(join(dir, 'seed.sql'), 'utf8'),
  };
}

export const compatSql = () =>
  readFileSync(join(ROOT, 'db', 'setup', 'compat', 'pgtrickle-compat.sql'), 'utf8');

/** What the bootstrap needs for `scenario`, optionally under another database name (tests). */
export function bootstrapSpec(scenario: Scenario, database = scenario.database): BootstrapSpec {
  return {
    database,
    ...scenarioSql(scenario),
    streamTables: scenario.streamTables,
    initialGeneratorState: scenario.generator.initialState(),
    // A fixed seed per database: a new database replays the same story.
    generatorSeed: Number.parseInt(
      createHash('sha256').update(database).digest('hex').slice(0, 7),
      16,
    ),
  };
}

/** Bootstraps every scenario in the registry (idempotent). */
export async function setupAll(
  cfg: DbConfig,
  only: readonly Scenario[] = scenarios,
): Promise<BootstrapResult[]> {
  const compat = compatSql();
  const results: BootstrapResult[] = [];
  for (const scenario of only) {
    results.push(
      await bootstrapScenario(cfg, bootstrapSpec(scenario), compat, rolePasswords(process.env)),
    );
  }
  return results;
}

/** A copy of `scenario` in a database of its own, so a test's writes meet nobody else's. */
export async function freshScenario(
  cfg: DbConfig,
  scenario: Scenario,
  suffix: string,
): Promise<Scenario> {
  const copy: Scenario = { ...scenario, database: `${scenario.database}_${suffix}` };
  await bootstrapScenario(cfg, bootstrapSpec(scenario, copy.database), compatSql());
  return copy;
}
