// Weight: what a first visit and each poll cost in bytes and requests, and the Worker's bundle.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../../local/paths';
import { scenarios } from '../../scenarios';
import { round } from '../stats';
import type { Section } from './section';

function bundleKiBGzip(): number {
  const dir = mkdtempSync(join(tmpdir(), 'pgtd-bundle-'));
  try {
    spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
        'deploy',
        '--env=',
        '--dry-run',
        '--outdir',
        dir,
      ],
      { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
    );
    return round(gzipSync(readFileSync(join(dir, 'index.js'))).length / 1024, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureWeight(opts: {
  dashboardUrl: string;
  log: (m: string) => void;
}): Promise<Section> {
  const base = opts.dashboardUrl;
  const weight: Record<string, Record<string, number>> = {};
  for (const s of scenarios) {
    const html = await (await fetch(`${base}/?scenario=${s.id}`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/[^"?#]+\.(?:js|css|svg))"/g)].map(
      (m) => m[1] as string,
    );
    let bytes = gzipSync(html).length;
    for (const a of assets) {
      bytes += gzipSync(Buffer.from(await (await fetch(`${base}${a}`)).arrayBuffer())).length;
    }
    const poll = await (await fetch(`${base}/fragments/all?scenario=${s.id}`)).text();
    weight[s.id] = {
      firstLoadRequests: 1 + assets.length,
      firstLoadKiBGzip: round(bytes / 1024, 1),
      perPollKiBGzip: round(gzipSync(poll).length / 1024, 1),
      perPollKiBRaw: round(poll.length / 1024, 1),
    };
  }
  const dashboardBundleKiBGzip = bundleKiBGzip();
  const results = {
    measuredOn:
      'bytes gzip-compressed here (wrangler dev does not compress); requests = HTML + its assets',
    scenarios: weight,
    dashboardBundleKiBGzip,
  };
  opts.log(`weight: ${JSON.stringify(results)}`);
  return {
    key: 'weight',
    results,
    markdown: [
      '## Weight',
      '',
      '| scenario | first load: requests | first load KiB (gzip) | per poll KiB (gzip / raw) |',
      '|---|---|---|---|',
      ...Object.entries(weight).map(
        ([s, x]) =>
          `| ${s} | ${x.firstLoadRequests} | ${x.firstLoadKiBGzip} | ${x.perPollKiBGzip} / ${x.perPollKiBRaw} |`,
      ),
      '',
      `Dashboard Worker bundle: ${dashboardBundleKiBGzip} KiB gzip.`,
      '',
    ],
  };
}
