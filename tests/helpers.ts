import WebSocket from 'ws';
import type { DbConfig } from '../db';
import { bootstrapScenario } from '../db/bootstrap';
import { setWebSocketConstructor } from '../db/client';
import type { Scenario } from '../scenarios/types';
import { bootstrapSpec, compatSql } from '../scripts/stack';

// Node 20 has no global WebSocket; the driver is handed `ws` (workerd has its own).
setWebSocketConstructor(WebSocket);

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
