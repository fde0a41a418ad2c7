import { type DbConfig, withDb } from '../../db';
import { refreshDue } from '../../db/pgtrickle/maintenance';

/** What each measurement hands the report: its figures for results.json, its part of RESULTS.md. */
export interface Section {
  /** Key in results.json. */
  key: string;
  results: unknown;
  markdown: string[];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The engine's side in compatibility mode, where nothing refreshes by itself: refresh what is due
 * every second, as the generator does, until `stop.done`.
 */
export function compatScheduler(cfg: DbConfig, database: string, stop: { done: boolean }) {
  return withDb(cfg, database, async (c) => {
    while (!stop.done) {
      const started = Date.now();
      await refreshDue(c);
      await sleep(Math.max(0, 1000 - (Date.now() - started)));
    }
  });
}
