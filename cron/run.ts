// The generator run: for each scenario, ticks about once a second for most of a minute. Each
// tick is one transaction (read state, write events, store state), so a run killed anywhere
// resumes cleanly, and a tick is skipped when another run ticked less than 0.9 interval ago, so
// overlapping runs do not double the rate.
import { type Db, type DbConfig, DbError, detectEngine, inTransaction, withDb } from '../db';
import { pruneChanges, recordChange } from '../db/demo/changes';
import { lockGeneratorState, saveTick, setRetention } from '../db/demo/generator-state';
import { proveRound, pruneProofs, recordProof } from '../db/demo/proof';
import { pruneEvents } from '../db/demo/retention';
import { pruneHistory, refreshDue } from '../db/pgtrickle/maintenance';
import { createRandom, tickSeed } from '../scenarios/random';
import type { Scenario } from '../scenarios/types';

export interface RunOptions {
  cfg: DbConfig;
  scenarios: readonly Scenario[];
  /** How long to keep ticking, ms. */
  runMs: number;
  tickMs: number;
  /** Event retention window, minutes. */
  retentionMinutes: number;
  /** Refresh history kept, minutes (pg_trickle keeps days by default; the demo needs hours). */
  historyMinutes?: number;
  /**
   * A proof round (db/demo/proof.ts) every this many ticks of a scenario, its writes held
   * meanwhile; 0: none. Default PROOF_EVERY_TICKS.
   */
  proofEveryTicks?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  log?: (event: Record<string, unknown>) => void;
}

export interface ScenarioSummary {
  scenario: string;
  ticks: number;
  skipped: number;
  events: number;
  refreshes: number;
  pruned: number;
  historyPruned: number;
  /** Proof rounds run, and tables found differing in them (confirmed). */
  proofs: number;
  differs: number;
  error?: string;
}

export type TickResult =
  | { ticked: true; cycle: number; events: number; writes: unknown }
  | { ticked: false; reason: 'locked' | 'recent' | 'not_bootstrapped' };

/** One tick of one scenario, in one transaction. `world` is the reference data it reads. */
export async function tickOnce(
  db: Db,
  scenario: Scenario,
  world: unknown,
  now: Date,
  tickMs: number,
): Promise<TickResult> {
  return inTransaction(db, async () => {
    const row = await lockGeneratorState(db);
    if (row.kind !== 'row') return { ticked: false, reason: row.kind } as const;
    const last = row.lastTickMs;
    if (last !== undefined && now.getTime() - last < tickMs * 0.9) {
      return { ticked: false, reason: 'recent' } as const;
    }
    const cycle = row.cycle;
    const gen = scenario.generator;
    const state = gen.parseState(row.state);
    const rng = createRandom(tickSeed(row.seed, cycle));
    const { state: next, writes, moment } = gen.tick(state, world, rng, now);
    const events = await gen.apply(db, writes);
    // Every tick is a change the dashboard can follow through the DAG (freshness per table);
    // a moment (a burst starting, a reprice) is one it offers visitors to follow.
    await recordChange(db, {
      source: 'generator',
      kind: moment ? 'moment' : 'tick',
      label: moment ?? 'tick',
      tables: gen.tablesOf(writes),
      events,
    });
    await saveTick(db, { state: next, at: now, events });
    return { ticked: true, cycle, events, writes } as const;
  });
}

/** Where a run's structured log lines go: the caller's sink, or stdout as JSON lines. */
const logTo = (opts: Pick<RunOptions, 'log'>) =>
  opts.log ?? ((e: Record<string, unknown>) => console.log(JSON.stringify(e)));

/** Ticks between two history prunes (a batch of 1,000 rows is far more than a minute makes). */
const HISTORY_PRUNE_EVERY = 30;
/**
 * Ticks between two proof rounds: about every 30 s a scenario's writes pause for one round
 * (milliseconds in compatibility mode; on 0.67 as long as the engine takes to catch up, 8 s at
 * most), so that the page says what was checked well within a visitor's first minutes.
 */
export const PROOF_EVERY_TICKS = 30;

const emptySummary = (scenario: string): ScenarioSummary => ({
  scenario,
  ticks: 0,
  skipped: 0,
  events: 0,
  refreshes: 0,
  pruned: 0,
  historyPruned: 0,
  proofs: 0,
  differs: 0,
});

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

async function runScenario(opts: RunOptions, scenario: Scenario): Promise<ScenarioSummary> {
  const now = opts.now ?? (() => new Date());
  // The compatibility scheduler runs on the database's clock unless a test gives its own.
  const clockOf = () => (opts.now ? opts.now() : undefined);
  const sleep = opts.sleep ?? realSleep;
  const summary = emptySummary(scenario.id);
  const say = logTo(opts);
  let pruneHistoryOk = true;
  const proofEvery = opts.proofEveryTicks ?? PROOF_EVERY_TICKS;
  let proofOk = proofEvery > 0;
  const deadline = now().getTime() + opts.runMs;
  await withDb(
    opts.cfg,
    scenario.database,
    async (db) => {
      const engine = await detectEngine(db);
      await setRetention(db, opts.retentionMinutes);
      let world = await scenario.generator.loadWorld(db);
      while (now().getTime() < deadline) {
        const started = now();
        const result = await tickOnce(db, scenario, world, started, opts.tickMs);
        if (result.ticked) {
          summary.ticks++;
          summary.events += result.events;
          world = scenario.generator.updateWorld(world, result.writes);
          summary.pruned += await pruneEvents(
            db,
            scenario.eventTables,
            started,
            opts.retentionMinutes,
          );
          if (result.cycle % HISTORY_PRUNE_EVERY === 0) {
            await pruneChanges(db, started);
            if (pruneHistoryOk) {
              try {
                summary.historyPruned += await pruneHistory(
                  db,
                  started,
                  opts.historyMinutes ?? 120,
                );
              } catch (err) {
                if (!(err instanceof DbError && err.kind === 'permission')) throw err;
                // A database bootstrapped before the writer could prune history: said once per
                // run, never in the way of the events.
                pruneHistoryOk = false;
                say({
                  msg: 'refresh history not pruned: demo_writer may not delete from it',
                  scenario: scenario.id,
                  error: err.message,
                  level: 'warn',
                });
              }
            }
          }
          if (engine.kind === 'compat') summary.refreshes += await refreshDue(db, clockOf());
          if (proofOk && result.cycle % proofEvery === proofEvery - 1) {
            // Between two ticks, with this scenario's writes held: each stream table against its
            // own query. A failure (a database bootstrapped before proofs existed) stops the
            // proof for this run, never the events.
            try {
              const round = await proveRound(db, {
                tables: scenario.streamTables,
                sleep,
                ...(engine.kind === 'compat' ? { refresh: () => refreshDue(db, clockOf()) } : {}),
              });
              await recordProof(db, round);
              await pruneProofs(db, started);
              summary.proofs++;
              summary.differs += round.tables.filter((t) => t.outcome === 'differs').length;
            } catch (err) {
              proofOk = false;
              say({
                msg: 'proof stopped for this run',
                scenario: scenario.id,
                error: err instanceof Error ? err.message : String(err),
                level: 'warn',
              });
            }
          }
        } else if (result.reason === 'not_bootstrapped') {
          throw new Error(`${scenario.database} is not bootstrapped (run npm run db:setup)`);
        } else {
          summary.skipped++;
        }
        const wait = started.getTime() + opts.tickMs - now().getTime();
        if (now().getTime() + wait >= deadline) break;
        await sleep(wait);
      }
      if (engine.kind === 'compat' && summary.ticks > 0) {
        // No scheduler runs between two cron runs in this mode: once the 1 s schedules have
        // come round, refresh once more so the run's last events are visible meanwhile.
        await sleep(1000);
        summary.refreshes += await refreshDue(db, clockOf());
      }
    },
    { applicationName: 'pg_trickle_demo_generator', statementTimeoutMs: 20_000 },
  );
  return summary;
}

/** Runs every scenario side by side; one failing does not stop the others. */
export async function runGenerator(opts: RunOptions): Promise<ScenarioSummary[]> {
  const log = logTo(opts);
  const t0 = Date.now();
  const results = await Promise.allSettled(opts.scenarios.map((s) => runScenario(opts, s)));
  const summaries = results.map((r, i) => {
    const scenario = opts.scenarios[i]?.id ?? '?';
    if (r.status === 'fulfilled') return r.value;
    const error = r.reason instanceof Error ? r.reason.message : String(r.reason);
    return { ...emptySummary(scenario), error };
  });
  for (const s of summaries) {
    log({
      msg: 'generator run',
      ...s,
      duration_ms: Date.now() - t0,
      level: s.error ? 'error' : 'info',
    });
  }
  return summaries;
}
