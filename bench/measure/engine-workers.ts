// Deadlocks with pg_trickle's refresh workers as shipped (four per database) and as the bootstrap
// sets them (one): the generator on all three scenarios, plus visitor actions at the cap (every
// scenario, every action in turn, as often as the cap allows), for the same time under each
// setting. Counted by pg_stat_database.deadlocks over the three databases and, where the server
// log is given, its "deadlock detected" lines. The server's setting is put back as it was.
import { performAction } from '../../cron/actions';
import { runGenerator } from '../../cron/run';
import { type DbConfig, withDb } from '../../db';
import { scenarios } from '../../scenarios';
import { engineSetting, setEngineSetting } from './engine-interval';
import { sleep } from './section';

/** pg_trickle's own default (its source and image), and what the bootstrap sets. */
export const WORKER_SETTINGS = [4, 1] as const;

export interface EngineWorkersRun {
  maxConcurrentRefreshes: number;
  seconds: number;
  deadlocks: number;
  /** "deadlock detected" lines in the server log over the run, where the log was given. */
  logLines?: number;
  /** Refreshes completed over the run (history rows, NO_DATA excluded), all three scenarios. */
  refreshes: number;
  /** Visitor actions accepted over the run (the cap refuses the rest). */
  actions: number;
}

const DATABASES = scenarios.map((s) => s.database);

const setWorkers = (admin: DbConfig, n: number) =>
  setEngineSetting(admin, 'max_concurrent_refreshes', n);

const deadlocks = (admin: DbConfig) =>
  withDb(admin, 'postgres', async (c) => {
    const [r] = await c.query(
      'SELECT coalesce(sum(deadlocks), 0)::bigint AS n FROM pg_stat_database WHERE datname = ANY($1::text[])',
      [DATABASES],
    );
    return Number(r?.n ?? 0);
  });

async function refreshesSince(admin: DbConfig, since: Date): Promise<number> {
  let n = 0;
  for (const s of scenarios) {
    const [r] = await withDb(admin, s.database, (db) =>
      db.query(
        `SELECT count(*)::int AS n FROM pgtrickle.pgt_refresh_history
         WHERE status = 'COMPLETED' AND action <> 'NO_DATA' AND start_time >= $1`,
        [since.toISOString()],
      ),
    );
    n += Number(r?.n ?? 0);
  }
  return n;
}

/** Every scenario's actions in turn, each scenario as often as its cap allows, until `stop`. */
async function actionsAtCap(writer: DbConfig, stop: { done: boolean }): Promise<number> {
  let accepted = 0;
  await Promise.all(
    scenarios.map(async (scenario) => {
      const ids = scenario.generator.actions.map((a) => a.id);
      for (let i = 0; !stop.done; i++) {
        const r = await performAction({
          cfg: writer,
          scenario,
          action: ids[i % ids.length] as string,
        }).catch(() => undefined);
        if (r?.ok) accepted++;
        await sleep(r && !r.ok && r.reason === 'busy' ? Math.min(5, r.retryAfterS) * 1000 : 1000);
      }
    }),
  );
  return accepted;
}

export async function measureEngineWorkers(opts: {
  admin: DbConfig;
  writer: DbConfig;
  seconds: number;
  /** The server log's text, read again after each run (deadlock lines are counted by time). */
  readLog?: () => string;
  countLogLines?: (log: string, since: Date) => number;
  log: (m: string) => void;
}): Promise<EngineWorkersRun[]> {
  const before = await engineSetting(opts.admin, 'max_concurrent_refreshes');
  if (before === undefined) return [];
  const runs: EngineWorkersRun[] = [];
  try {
    for (const n of WORKER_SETTINGS) {
      await setWorkers(opts.admin, n);
      await sleep(5000);
      const since = new Date();
      const d0 = await deadlocks(opts.admin);
      const stop = { done: false };
      const acting = actionsAtCap(opts.writer, stop);
      await runGenerator({
        cfg: opts.writer,
        scenarios,
        runMs: opts.seconds * 1000,
        tickMs: 1000,
        retentionMinutes: 60,
        log: () => {},
      });
      stop.done = true;
      const actions = await acting;
      await sleep(3000);
      const logText = opts.readLog?.();
      const run: EngineWorkersRun = {
        maxConcurrentRefreshes: n,
        seconds: Math.round((Date.now() - since.getTime()) / 1000),
        deadlocks: (await deadlocks(opts.admin)) - d0,
        ...(logText !== undefined && opts.countLogLines
          ? { logLines: opts.countLogLines(logText, since) }
          : {}),
        refreshes: await refreshesSince(opts.admin, since),
        actions,
      };
      opts.log(
        `max_concurrent_refreshes ${n}: ${run.deadlocks} deadlocks, ${run.refreshes} refreshes, ${actions} actions in ${run.seconds} s`,
      );
      runs.push(run);
    }
  } finally {
    await setWorkers(opts.admin, before);
  }
  return runs;
}
