// Action → each level's refresh: a visitor's action performed N times by the generator's code
// (cron/actions.ts), each followed through the DAG from refresh history (db/pgtrickle/trace.ts),
// as the page's "follow" panel does: seconds from the write to the end of the refresh that
// picked it up, per stream table, for the finance chain L1…L10 and the last level of the others.
import { performAction } from '../../cron/actions';
import { type DbConfig, detectEngine, engineLabel, withDb } from '../../db';
import { loadChange, traceChange } from '../../db/pgtrickle/trace';
import { findScenario } from '../../scenarios';
import type { Scenario } from '../../scenarios/types';
import { round, summary } from '../stats';
import { compatScheduler, type Section, sleep } from './section';

export interface ActionLevels {
  scenario: string;
  action: string;
  engine: string;
  n: number;
  levels: {
    level: number;
    table: string;
    reached: number;
    /** Actions whose change stopped above it (an upstream refresh changed no row). */
    stopped: number;
    /** Null where no action's change reached it. */
    ms: ReturnType<typeof summary> | null;
  }[];
}

export async function measureActionLevels(opts: {
  writerCfg: DbConfig;
  readerCfg: DbConfig;
  scenario: Scenario;
  action: string;
  n: number;
  log: (m: string) => void;
}): Promise<ActionLevels> {
  const { scenario } = opts;
  const engine = await withDb(opts.readerCfg, scenario.database, detectEngine);
  const stop = { done: false };
  const loop =
    engine.kind === 'compat' ? compatScheduler(opts.writerCfg, scenario.database, stop) : undefined;
  const ms = new Map<string, number[]>();
  const stopped = new Map<string, number>();
  const level = new Map<string, number>();
  let n = 0;
  try {
    for (let i = 0; i < opts.n; i++) {
      // Spread over the scheduler's cycle, as visitors' clicks are.
      await sleep(700 + Math.random() * 1600);
      const r = await performAction({
        cfg: opts.writerCfg,
        scenario,
        action: opts.action,
        perMinute: 10_000,
      });
      if (!r.ok) throw new Error(`action refused: ${JSON.stringify(r)}`);
      for (let k = 0; k < 60; k++) {
        await sleep(250);
        const trace = await withDb(opts.readerCfg, scenario.database, async (db) => {
          const change = await loadChange(db, { id: r.id });
          return change ? traceChange(db, engine, change) : undefined;
        });
        if (!trace?.complete) continue;
        n++;
        for (const s of trace.steps) {
          if (s.state === 'unaffected') continue;
          level.set(s.name, s.level);
          if (s.state === 'reached' && s.ms !== null)
            ms.set(s.name, [...(ms.get(s.name) ?? []), s.ms]);
          if (s.state === 'stopped') stopped.set(s.name, (stopped.get(s.name) ?? 0) + 1);
        }
        break;
      }
    }
  } finally {
    stop.done = true;
    await loop;
  }
  // Every table a change was meant to reach, picked up or not (a level that nothing reached
  // stays in the table, with its count of changes that stopped above it).
  const levels = [...level.keys()]
    .map((table) => {
      const v = ms.get(table) ?? [];
      return {
        level: level.get(table) ?? 0,
        table,
        reached: v.length,
        stopped: stopped.get(table) ?? 0,
        ms: v.length ? summary(v) : null,
      };
    })
    .sort((a, b) => a.level - b.level || a.table.localeCompare(b.table));
  opts.log(`action ${scenario.id}/${opts.action}: ${n} traced, ${levels.length} tables`);
  return { scenario: scenario.id, action: opts.action, engine: engineLabel(engine), n, levels };
}

const row = (x: ActionLevels['levels'][number]) =>
  x.ms
    ? `| L${x.level} | ${x.table} | ${x.reached} | ${x.stopped} | ${round(x.ms.p50, 0)} | ${round(x.ms.p95, 0)} | ${round(x.ms.p99, 0)} | ${round(x.ms.min, 0)}–${round(x.ms.max, 0)} |`
    : `| L${x.level} | ${x.table} | 0 | ${x.stopped} | — | — | — | — |`;

export function actionMarkdown(runs: ActionLevels[]): string[] {
  return runs.flatMap((r) => [
    `### ${r.scenario}: ${r.action} (${r.engine}, ${r.n} actions)`,
    '',
    '| level | stream table | picked up | stopped above it | p50 ms | p95 ms | p99 ms | min–max ms |',
    '|---|---|---|---|---|---|---|---|',
    ...(r.scenario === 'finance'
      ? r.levels
      : r.levels.filter((x) => x.level === Math.max(...r.levels.map((y) => y.level)))
    ).map(row),
    '',
  ]);
}

/** The three scenarios' showcase actions, on the local stack. */
export async function measureActions(opts: {
  writerCfg: DbConfig;
  readerCfg: DbConfig;
  n: number;
  log: (m: string) => void;
}): Promise<Section> {
  const plan: [string, string][] = [
    ['finance', 'market-shock'],
    ['ecommerce', 'place-order'],
    ['fraud', 'suspicious-burst'],
  ];
  const runs: ActionLevels[] = [];
  for (const [id, action] of plan) {
    const scenario = findScenario(id) as Scenario;
    runs.push(await measureActionLevels({ ...opts, scenario, action }));
  }
  return {
    key: 'actions',
    results: {
      measuredOn:
        'performAction (the generator Worker’s code) on the local stack, compatibility scheduler every second as the generator drives it; each action followed through refresh history as the page does',
      runs,
    },
    markdown: [
      '## A visitor’s action, followed to each level (compatibility mode)',
      '',
      'From the write to the end of the refresh that picked the change up, per stream table (the finance chain L1…L10; the deepest level of the others). The page shows these times in its trace.',
      '',
      ...actionMarkdown(runs),
    ],
  };
}
