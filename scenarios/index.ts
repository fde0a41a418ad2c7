// The registry: one line per scenario. A scenario is a folder of the same shape
// (schema.sql, seed.sql, stream-tables.ts, generator.ts, panels.tsx, index.ts).
import { ecommerce } from './ecommerce';
import { finance } from './finance';
import { fraud } from './fraud';
import type { Scenario } from './types';

export const scenarios: readonly Scenario[] = [ecommerce, fraud, finance];

export const DEFAULT_SCENARIO = 'ecommerce';

export function findScenario(id: string): Scenario | undefined {
  return scenarios.find((s) => s.id === id);
}

export type { Generator, Random, Scenario, StreamTableDef } from './types';
