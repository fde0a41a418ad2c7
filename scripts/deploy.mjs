// `npm run deploy [-- --dry-run]`: deploys both Workers, the generator (--env generator) first,
// since the dashboard (top level of wrangler.toml) binds to it as a service, then the dashboard;
// any extra arguments go to both.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const extra = process.argv.slice(2);

for (const env of ['generator', '']) {
  const label = env || 'dashboard';
  console.log(`\n== ${label}: wrangler deploy --env=${env} ${extra.join(' ')}`);
  const r = spawnSync(process.execPath, [wrangler, 'deploy', `--env=${env}`, ...extra], {
    cwd: root,
    stdio: 'inherit',
    env: { WRANGLER_SEND_METRICS: 'false', ...process.env },
  });
  if (r.status !== 0) {
    console.error(`deploy of the ${label} Worker failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}
