// `npm run at-the-cap`: visitors clicking as often as the cap allows, on every scenario, for
// MINUTES (60 by default), beside a running `npm run dev` on the same server (DATABASE_URL: the
// server given to `npm run dev`, or the embedded one whose psql URL it prints). Each action is the generator Worker's own code (performAction, as demo_writer,
// the cap included). Meanwhile it tallies what the live proof found (every round the generator
// ran, read from demo_meta.proofs before they are pruned) and the deadlocks PostgreSQL counted in
// the scenarios' databases; at the end it prints the tally and, with WRITE=1, writes it to
// bench/AT-THE-CAP.md. The soak the README quotes for pg_trickle 0.67.0.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performAction } from '../cron/actions';
import { type DbConfig, detectEngine, engineLabel, withDb } from '../db';
import { ROOT } from '../local/paths';
import { roleConfigs, startDatabase } from '../local/stack';
import { scenarios } from '../scenarios';
import '../local/driver';

const MINUTES = Number(process.env.MINUTES ?? 60);
if (!(MINUTES > 0 && MINUTES <= 24 * 60)) {
  console.error(`MINUTES=${process.env.MINUTES} is not a number of minutes from 1 to 1440`);
  process.exit(2);
}
const external = process.env.DATABASE_URL;
if (!external) {
  console.error(
    'DATABASE_URL: the server `npm run dev` runs on (it prints the embedded one’s psql URL; use its /postgres)',
  );
  process.exit(2);
}
const db = await startDatabase({ databaseUrl: external });
const { writer } = roleConfigs(db.cfg);
const started = new Date();
const end = Date.now() + MINUTES * 60_000;

interface Tally {
  actions: number;
  busy: number;
  rounds: Set<number>;
  outcomes: Record<'equal' | 'differs' | 'unchecked', number>;
  differs: Map<string, number>;
}
const tally = new Map<string, Tally>(
  scenarios.map((s) => [
    s.id,
    {
      actions: 0,
      busy: 0,
      rounds: new Set(),
      outcomes: { equal: 0, differs: 0, unchecked: 0 },
      differs: new Map(),
    },
  ]),
);
const deadlocks = (cfg: DbConfig) =>
  withDb(cfg, 'postgres', async (d) => {
    const rows = await d.query(
      'SELECT coalesce(sum(deadlocks), 0)::int AS n FROM pg_stat_database WHERE datname = ANY($1)',
      [scenarios.map((s) => s.database)],
    );
    return Number(rows[0]?.n ?? 0);
  });
const deadlocksAtStart = await deadlocks(db.cfg);
const engine = await withDb(db.cfg, scenarios[0]?.database ?? 'postgres', detectEngine);

/** Rounds not yet counted; proofs are kept 15 minutes, so reading every minute misses none. */
async function readProofs() {
  for (const s of scenarios) {
    const t = tally.get(s.id) as Tally;
    const rows = await withDb(db.cfg, s.database, (d) =>
      d.query(
        `SELECT round::int, table_name, outcome, missing, extra FROM demo_meta.proofs
         WHERE at >= $1 ORDER BY round`,
        [started.toISOString()],
      ),
    );
    const fresh = rows.filter((r) => !t.rounds.has(Number(r.round)));
    for (const r of fresh) {
      const o = String(r.outcome) as keyof Tally['outcomes'];
      t.outcomes[o]++;
      if (o === 'differs') {
        const key = `${r.table_name} (${r.missing} missing, ${r.extra} extra)`;
        t.differs.set(key, (t.differs.get(key) ?? 0) + 1);
      }
    }
    for (const r of fresh) t.rounds.add(Number(r.round));
  }
}

const clicking = scenarios.map(async (s) => {
  const t = tally.get(s.id) as Tally;
  const ids = s.generator.actions.map((a) => a.id);
  for (let i = 0; Date.now() < end; i++) {
    const r = await performAction({
      cfg: writer,
      scenario: s,
      action: ids[i % ids.length] ?? '',
    }).catch((err) => {
      console.error(`${s.id}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (r?.ok) t.actions++;
    else if (r?.reason === 'busy') t.busy++;
    const waitS = r && !r.ok && r.reason === 'busy' ? Math.min(5, r.retryAfterS) : 1;
    await new Promise((ok) => setTimeout(ok, waitS * 1000));
  }
});
while (Date.now() < end) {
  await new Promise((ok) => setTimeout(ok, Math.min(60_000, Math.max(0, end - Date.now()))));
  await readProofs();
  const line = scenarios
    .map((s) => {
      const t = tally.get(s.id) as Tally;
      return `${s.id}: ${t.rounds.size} rounds, ${t.outcomes.differs} differs, ${t.actions} actions`;
    })
    .join('; ');
  console.log(`[${new Date().toISOString()}] ${line}`);
}
await Promise.all(clicking);
await readProofs();
const deadlocked = (await deadlocks(db.cfg)) - deadlocksAtStart;

const md = [
  '# At the cap',
  '',
  `${MINUTES} minutes from ${started.toISOString()}, on ${engineLabel(engine)}: the generator of a running \`npm run dev\` on every scenario, and visitors' actions at the cap of each (\`npm run at-the-cap\`, the generator Worker's own action code as demo_writer). Everything on one machine over loopback. The live proof's rounds as the generator ran them (each stream table against its own query, a difference counted only when a re-check confirms it); deadlocks as \`pg_stat_database\` counts them in the scenarios' databases.`,
  '',
  '| scenario | actions | refused (cap) | proof rounds | tables equal | differs | not checked | tables found differing (rounds) |',
  '|---|---|---|---|---|---|---|---|',
  ...scenarios.map((s) => {
    const t = tally.get(s.id) as Tally;
    const which = [...t.differs].map(([k, n]) => `${k}: ${n}`).join('; ') || '—';
    return `| ${s.id} | ${t.actions} | ${t.busy} | ${t.rounds.size} | ${t.outcomes.equal} | ${t.outcomes.differs} | ${t.outcomes.unchecked} | ${which} |`;
  }),
  '',
  `Deadlocks over the run: ${deadlocked}.`,
  '',
].join('\n');
console.log(md);
if (process.env.WRITE === '1') writeFileSync(join(ROOT, 'bench', 'AT-THE-CAP.md'), md);
await db.stop();
