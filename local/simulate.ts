// Hours of generator ticks on a simulated clock against a real database, refreshing as the
// engine would (compatibility mode's refresh_due, every `refreshEvery` simulated seconds), with
// retention pruning. Shared by the steady-state test and by calibration runs.

import { type Db, inTransaction } from '../db';
import { pruneEvents } from '../db/demo/retention';
import { pruneHistory, refreshDue } from '../db/pgtrickle/maintenance';
import { createRandom, tickSeed } from '../scenarios/random';
import type { Scenario } from '../scenarios/types';

export interface SimOptions {
  /** Simulated start, ms since epoch. */
  start: number;
  seconds: number;
  seed: number;
  /** Simulated seconds between refreshes (and prunes). */
  refreshEvery: number;
  retentionMinutes: number;
  /** Refresh history kept, minutes (pruned like the generator does); omitted: not pruned. */
  historyMinutes?: number;
  /** Called after each refresh with the simulated time and tick index. */
  onRefresh?: (now: Date, tick: number) => Promise<void>;
}

/**
 * Every scenario's Writes is a record of arrays (orders, transactions, trades, quotes…), so
 * several ticks' writes concatenate into one batch, applied in order with one call.
 */
export function mergeWrites(into: Record<string, unknown[]>, more: unknown): void {
  for (const [key, value] of Object.entries(more as Record<string, unknown>)) {
    if (!Array.isArray(value)) throw new Error(`writes.${key} is not an array`);
    into[key] = [...(into[key] ?? []), ...value];
  }
}

export async function simulate(db: Db, scenario: Scenario, opts: SimOptions) {
  const gen = scenario.generator;
  let state = gen.initialState();
  let world = await gen.loadWorld(db);
  let events = 0;
  for (let block = 0; block * opts.refreshEvery < opts.seconds; block++) {
    const first = block * opts.refreshEvery;
    const last = Math.min(opts.seconds, first + opts.refreshEvery);
    const batch: Record<string, unknown[]> = {};
    for (let i = first; i < last; i++) {
      const now = new Date(opts.start + i * 1000);
      const out = gen.tick(state, world, createRandom(tickSeed(opts.seed, i)), now);
      state = out.state;
      world = gen.updateWorld(world, out.writes);
      mergeWrites(batch, out.writes);
    }
    events += await inTransaction(db, () => gen.apply(db, batch));
    const now = new Date(opts.start + last * 1000);
    while ((await pruneEvents(db, scenario.eventTables, now, opts.retentionMinutes, 5000)) > 0) {}
    if (opts.historyMinutes !== undefined) {
      while ((await pruneHistory(db, now, opts.historyMinutes, 5000)) > 0) {}
    }
    await refreshDue(db, now);
    await opts.onRefresh?.(now, last);
  }
  return { events, state };
}
