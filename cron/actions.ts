// A visitor's action, performed by the generator Worker with the generator's own code: the
// action builds its writes from the scenario's world, they are applied as a tick's are, recorded
// as a change to follow, and (in compatibility mode, which has no scheduler) refreshed as the
// generator refreshes after a tick. Bounded by construction: at most `perMinute` visitor actions
// per scenario in any 60 s, counted in the database under a lock, so concurrent callers and
// several Worker instances share one count.
import { type Db, type DbConfig, detectEngine, inTransaction, withDb } from '../db';
import { lockVisitorActions, recordChange, visitorActionsThisMinute } from '../db/demo/changes';
import { refreshDue } from '../db/pgtrickle/maintenance';
import { createRandom } from '../scenarios/random';
import type { Scenario } from '../scenarios/types';

export type ActionResult =
  | { ok: true; id: number; at: string; label: string; events: number }
  | { ok: false; reason: 'busy'; retryAfterS: number; perMinute: number }
  | { ok: false; reason: 'unknown'; valid: string[] };

/** Visitor actions per scenario per minute, all visitors together. */
export const ACTIONS_PER_MINUTE = 12;

export async function performAction(opts: {
  cfg: DbConfig;
  scenario: Scenario;
  action: string;
  perMinute?: number;
}): Promise<ActionResult> {
  // An unknown action is refused before any connection is opened.
  const gen = opts.scenario.generator;
  if (!gen.actions.some((a) => a.id === opts.action)) return unknownAction(gen);
  return withDb(
    opts.cfg,
    opts.scenario.database,
    async (db) => {
      const result = await act(db, opts);
      // As after a generator tick: without a scheduler, refresh what is due now.
      if (result.ok && (await detectEngine(db)).kind === 'compat') await refreshDue(db);
      return result;
    },
    { applicationName: 'pg_trickle_demo_actions', statementTimeoutMs: 10_000 },
  );
}

/** The refusal of an action the scenario's generator does not have, naming the ones it has. */
const unknownAction = (gen: Scenario['generator']): ActionResult => ({
  ok: false,
  reason: 'unknown',
  valid: gen.actions.map((a) => a.id),
});

/**
 * One action on an open connection, in a transaction of its own: the cap, the writes and the
 * change recorded. `at` is a simulated clock for the cap, the writes and the record (the storage
 * test's day); without it, the database's and the Worker's.
 */
export async function act(
  db: Db,
  opts: { scenario: Scenario; action: string; perMinute?: number; at?: Date },
): Promise<ActionResult> {
  const gen = opts.scenario.generator;
  const perMinute = opts.perMinute ?? ACTIONS_PER_MINUTE;
  const action = gen.actions.find((a) => a.id === opts.action);
  if (!action) return unknownAction(gen);
  return inTransaction(db, async (): Promise<ActionResult> => {
    // One count per scenario database, in the transaction that writes.
    await lockVisitorActions(db);
    const w = await visitorActionsThisMinute(db, opts.at);
    if (w.n >= perMinute) {
      return {
        ok: false,
        reason: 'busy',
        retryAfterS: Math.max(1, Math.ceil(w.waitS ?? 60)),
        perMinute,
      };
    }
    const world = await gen.loadWorld(db);
    const now = opts.at ?? new Date();
    const rng = createRandom((now.getTime() ^ (Math.random() * 2 ** 31)) >>> 0);
    const { writes, label } = action.make(world, rng, now);
    const events = await gen.apply(db, writes);
    const change = await recordChange(
      db,
      { source: 'visitor', kind: action.id, label, tables: gen.tablesOf(writes), events },
      opts.at,
    );
    return { ok: true, id: change.id, at: change.at.toISOString(), label, events };
  });
}
