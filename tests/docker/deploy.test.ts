// `npm run deploy -- --dry-run` builds both Workers' bundles without a login.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../local/paths';

describe('npm run deploy -- --dry-run', () => {
  it('bundles the dashboard and the generator', { timeout: 120_000 }, () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'deploy.mjs'), '--dry-run'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/--dry-run: exiting now\./g)).toHaveLength(2);
    expect(r.stdout).toContain('FRAGMENT_LIMITER');
  });
});
