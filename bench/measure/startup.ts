// Start-up: `npm run dev` (dependencies installed, empty data directory) to first live data —
// the Orders KPI changing on a fragment — and the bootstrap of all three scenarios.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/embedded-postgres';
import { ROOT } from '../../local/paths';
import { type Section, sleep } from './section';

async function devStartup(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pgtd-dev-'));
  spawnSync('chmod', ['755', dataDir]);
  const port = await freePort();
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/dev.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), PGDATA_DIR: join(dataDir, 'pg') },
      stdio: 'ignore',
    },
  );
  try {
    let first = Number.NaN;
    for (;;) {
      if (Date.now() - started > 120_000) throw new Error('npm run dev: no live data after 120 s');
      const html = await fetch(`http://127.0.0.1:${port}/fragments/kpis?scenario=ecommerce`).then(
        (r) => (r.ok ? r.text() : ''),
        () => '',
      );
      const kpi = /data-kpi="Orders">([0-9,]+)/.exec(html)?.[1];
      const orders = kpi ? Number(kpi.replaceAll(',', '')) : Number.NaN;
      if (Number.isFinite(orders)) {
        if (Number.isNaN(first)) first = orders;
        else if (orders !== first) return Date.now() - started;
      }
      await sleep(100);
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measureStartup(opts: {
  bootstrapMs: number;
  log: (m: string) => void;
}): Promise<Section> {
  const runs: number[] = [];
  for (let i = 0; i < 2; i++) runs.push(await devStartup());
  const results = {
    measuredOn: 'scripts/dev.ts (what npm run dev runs after vendoring), empty data directory',
    // Two runs (each starts a cluster from nothing): both are reported, not a "median" of two.
    devToFirstLiveDataMs: { runs, min: Math.min(...runs), max: Math.max(...runs) },
    bootstrapAllThreeOnEmptyServerMs: opts.bootstrapMs,
  };
  opts.log(`startup: ${JSON.stringify(results)}`);
  return {
    key: 'startup',
    results,
    markdown: [
      '## Start-up',
      '',
      `- \`npm run dev\` (dependencies installed, empty data directory) to first live data: ${runs.join(' ms and ')} ms (${runs.length} runs).`,
      `- Bootstrap of all three scenarios on an empty server: ${opts.bootstrapMs} ms.`,
      '',
    ],
  };
}
