// Writes what the measurements found: bench/results.json (raw figures) and bench/RESULTS.md,
// each section labelled with the engine it was measured on.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../local/paths';
import type { Section } from './measure/section';
import { round } from './stats';

/** Where the figures come from; `postgres` as the server reports itself. */
export function machineInfo(startedAt: number, postgres: string) {
  return {
    date: new Date().toISOString(),
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: round(totalmem() / 2 ** 30, 0),
    node: process.version,
    postgres,
    totalBenchSeconds: round((Date.now() - startedAt) / 1000, 0),
  };
}

/** Writes results.json and RESULTS.md (without its real-engine section); returns the Markdown. */
export function writeReport(machine: ReturnType<typeof machineInfo>, sections: Section[]): string {
  const all = { machine, ...Object.fromEntries(sections.map((s) => [s.key, s.results])) };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(all, null, 2)}\n`);
  const md = [
    '# Benchmark results',
    '',
    `Measured ${machine.date.slice(0, 10)} on ${machine.cpus}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.postgres}. Re-run with \`npm run bench\` (about ${Math.ceil(machine.totalBenchSeconds / 60)} min); raw figures in [results.json](results.json). Medians and percentiles; min–max where runs repeat. Every section but the last is **compatibility mode** (full refresh, no pg_trickle) on one small machine, everything on loopback unless a table says the database was at a distance; the last, "Real pg_trickle", was measured on the extension and says which version.`,
    '',
    ...sections.flatMap((s) => s.markdown),
  ].join('\n');
  writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), `${md}\n`);
  return md;
}
