// What the live proof costs and finds: the generator runs for a while on every scenario as it runs
// deployed (a proof round about every 30 ticks, its writes held meanwhile), then the rounds it
// recorded are read back from demo_meta.proofs. Cost: the comparisons' statement time against
// the run's wall-clock time (one database connection's time), and how long a round held the
// scenario's writes.
import { runGenerator } from '../../cron/run';
import { type DbConfig, withDb } from '../../db';
import { scenarios as SCENARIOS } from '../../scenarios';
import { round, summary } from '../stats';
import type { Section } from './section';

export interface ProofScenarioResult {
  scenario: string;
  tables: number;
  rounds: number;
  equal: number;
  differs: number;
  unchecked: number;
  /** Statement time of one round's comparisons, ms. */
  compareMs: ReturnType<typeof summary>;
  /** The comparisons' time over the run's time, %. */
  costPct: number;
  /** Ticks the generator made in the run (it holds writes during a round). */
  ticks: number;
  /** Tables found differing in a confirmed round, with their rows. */
  differing: string[];
}

export interface ProofResults {
  engine: string;
  runSeconds: number;
  scenarios: ProofScenarioResult[];
}

export async function measureProof(opts: {
  adminCfg: DbConfig;
  writerCfg: DbConfig;
  engine: string;
  runSeconds: number;
  log: (m: string) => void;
}): Promise<ProofResults> {
  const started = new Date();
  opts.log(`proof: the generator for ${opts.runSeconds} s on every scenario`);
  const sums = await runGenerator({
    cfg: opts.writerCfg,
    scenarios: SCENARIOS,
    runMs: opts.runSeconds * 1000,
    tickMs: 1000,
    retentionMinutes: 60,
    log: () => {},
  });
  const scenarios: ProofScenarioResult[] = [];
  for (const s of SCENARIOS) {
    const rows = await withDb(opts.adminCfg, s.database, (db) =>
      db.query(
        `SELECT round, outcome, missing, extra, table_name, compare_ms FROM demo_meta.proofs
         WHERE at >= $1 ORDER BY round`,
        [started.toISOString()],
      ),
    );
    const rounds = [...new Set(rows.map((r) => Number(r.round)))];
    const perRound = rounds.map(
      (id) => Number(rows.find((r) => Number(r.round) === id)?.compare_ms) || 0,
    );
    const count = (o: string) => rows.filter((r) => r.outcome === o).length;
    const sum = sums.find((x) => x.scenario === s.id);
    scenarios.push({
      scenario: s.id,
      tables: s.streamTables.length,
      rounds: rounds.length,
      equal: count('equal'),
      differs: count('differs'),
      unchecked: count('unchecked'),
      compareMs: summary(perRound),
      costPct: round((100 * perRound.reduce((a, b) => a + b, 0)) / (opts.runSeconds * 1000), 3),
      ticks: sum?.ticks ?? 0,
      differing: rows
        .filter((r) => r.outcome === 'differs')
        .map((r) => `${r.table_name} (${Number(r.missing) + Number(r.extra)} rows)`),
    });
    opts.log(
      `proof ${s.id}: ${rounds.length} rounds, ${count('differs')} differing, cost ${scenarios.at(-1)?.costPct} %`,
    );
  }
  return { engine: opts.engine, runSeconds: opts.runSeconds, scenarios };
}

export function proofMarkdown(r: ProofResults): string[] {
  return [
    `The generator ran ${r.runSeconds} s on every scenario as deployed (${r.engine}): a proof round every 30 ticks, each stream table compared with its own query as a multiset in one snapshot while the scenario's writes are held. "Per round" is the statement time of a round's comparisons; cost is their sum over the run's wall-clock time (one connection's time: the target is ≤ 1 %). Outcomes count tables × rounds.`,
    '',
    '| scenario | tables | rounds | equal | differs | not checked | per round p50 / p95 / max ms | cost | ticks in the run |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.scenarios.map(
      (s) =>
        `| ${s.scenario} | ${s.tables} | ${s.rounds} | ${s.equal} | ${s.differs}${s.differing.length ? ` (${[...new Set(s.differing)].join(', ')})` : ''} | ${s.unchecked} | ${round(s.compareMs.p50, 0)} / ${round(s.compareMs.p95, 0)} / ${round(s.compareMs.max, 0)} | ${s.costPct} % | ${s.ticks} |`,
    ),
    '',
  ];
}

/** The compatibility-mode bench's section. */
export async function proofSection(opts: Parameters<typeof measureProof>[0]): Promise<Section> {
  const results = await measureProof(opts);
  return {
    key: 'proof',
    results,
    markdown: [
      '## The live proof: cost and findings (compatibility mode)',
      '',
      ...proofMarkdown(results),
      'In compatibility mode every refresh is a full recomputation, so "equal" holds by construction; the figures here are the cost.',
      '',
    ],
  };
}
